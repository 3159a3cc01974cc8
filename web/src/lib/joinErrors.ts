// Why a join failed, in the words a person needs: what happened and what to do. Pure; called from
// the main thread with what JsSIP reports (the final response's status, reason phrase and headers,
// or its cause when there was no response) and with getUserMedia's errors.

export type FailureKind =
  | 'pin-required' | 'pin-wrong' | 'locked' | 'not-found' | 'full' | 'draining' | 'busy'
  | 'incompatible' | 'unavailable' | 'unreachable' | 'media-denied' | 'media-missing' | 'media-busy'
  | 'insecure' | 'other';

export interface JoinFailure {
  kind: FailureKind;
  title: string;
  detail: string;
  /** Show the PIN field and put the cursor there. */
  askPin: boolean;
  /** Seconds the server asked us to wait (Retry-After), or null. */
  retryAfterSeconds: number | null;
}

export interface SipRefusal {
  status: number;
  reasonPhrase?: string;
  /** The Warning header's text, where the server explains itself (e.g. `399 host "room 'x' is full"`). */
  warning?: string;
  retryAfter?: string;
  /** Whether the INVITE carried a PIN. */
  pinSent: boolean;
}

function failure(kind: FailureKind, title: string, detail: string, extra: Partial<JoinFailure> = {}): JoinFailure {
  return { kind, title, detail, askPin: false, retryAfterSeconds: null, ...extra };
}

function seconds(retryAfter: string | undefined): number | null {
  const n = retryAfter ? parseInt(retryAfter, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function waitWords(s: number | null): string {
  if (s === null) {
    return 'Try again in a little while.';
  }
  return s < 90 ? `Try again in ${s} seconds.` : `Try again in ${Math.round(s / 60)} minutes.`;
}

/** The words for a refused INVITE. */
export function describeRefusal(r: SipRefusal): JoinFailure {
  const said = ((r.reasonPhrase ?? '') + ' ' + (r.warning ?? '')).toLowerCase();
  const retry = seconds(r.retryAfter);
  switch (r.status) {
    case 403:
      if (said.includes('locked')) {
        return failure('locked', 'The room is locked', 'The host has locked this room. Ask them to unlock it, then join again.');
      }
      if (said.includes('wrong pin') || (r.pinSent && !said.includes('pin required'))) {
        return failure('pin-wrong', 'Wrong PIN', 'That PIN does not open this room. Check it and try again.', { askPin: true });
      }
      return failure('pin-required', 'This room needs a PIN', 'Enter the PIN you were given, then join.', { askPin: true });
    case 404:
      return failure('not-found', 'No such room', 'This server has no room by that name. Check the spelling of the room.');
    case 503:
    case 480:
      if (said.includes('full')) {
        return failure('full', 'The room is full', 'It has as many people as it can take. ' + waitWords(retry), { retryAfterSeconds: retry });
      }
      if (said.includes('shutting down') || said.includes('draining') || said.includes('restart')) {
        return failure('draining', 'The server is restarting', 'It is not taking new calls right now. ' + waitWords(retry),
          { retryAfterSeconds: retry });
      }
      return failure('busy', 'The server is busy', 'It cannot take another call right now. ' + waitWords(retry),
        { retryAfterSeconds: retry });
    case 486:
    case 600:
      return failure('busy', 'The room is busy', waitWords(retry), { retryAfterSeconds: retry });
    case 488:
    case 606:
      return failure('incompatible', 'Your browser and the server have no media format in common',
        'Try an up-to-date Chrome, Edge, Firefox or Safari.');
    default:
      if (r.status >= 500) {
        return failure('unavailable', 'The server could not take the call',
          `It answered ${r.status}${r.reasonPhrase ? ' ' + r.reasonPhrase : ''}. ${waitWords(retry)}`, { retryAfterSeconds: retry });
      }
      return failure('other', 'Could not join',
        `The server answered ${r.status}${r.reasonPhrase ? ' ' + r.reasonPhrase : ''}.`);
  }
}

/** The words for a failure without a SIP answer (JsSIP's cause). */
export function describeCause(cause: string, serverAddress: string): JoinFailure {
  switch (cause) {
    case 'Connection Error':
    case 'Request Timeout':
    case 'SIP Failure Code':
      return describeUnreachable(serverAddress);
    case 'User Denied Media Access':
      return describeMediaError({ name: 'NotAllowedError' });
    case 'Incompatible SDP':
    case 'Bad Media Description':
    case 'Missing SDP':
      return failure('incompatible', 'Your browser and the server have no media format in common',
        'Try an up-to-date Chrome, Edge, Firefox or Safari.');
    case 'RTP Timeout':
    case 'WebRTC Error':
      return failure('unreachable', 'No media got through',
        'The call was set up but audio and video could not flow. A firewall may block UDP to the server.');
    default:
      return failure('other', 'Could not join', `The call ended before it started (${cause}).`);
  }
}

export function describeUnreachable(serverAddress: string): JoinFailure {
  return failure('unreachable', 'Cannot reach the server',
    `No connection to ${serverAddress}. Check your network; if it works, the server may be down.`);
}

/** The words for getUserMedia's rejection (a DOMException's name). */
export function describeMediaError(error: { name?: string; message?: string }): JoinFailure {
  switch (error.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return failure('media-denied', 'Camera and microphone are blocked',
        'Allow them for this site (the camera icon in the address bar), then try again.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return failure('media-missing', 'No camera or microphone found',
        'Plug one in or pick another in the device lists, then try again.');
    case 'NotReadableError':
    case 'AbortError':
      return failure('media-busy', 'The camera or microphone is in use',
        'Another program or tab is using it. Close that, then try again.');
    default:
      return failure('other', 'Camera and microphone could not start', error.message || String(error.name));
  }
}

export function describeInsecure(httpsUrl: string | null): JoinFailure {
  return failure('insecure', 'This page needs HTTPS',
    'Browsers give the camera and microphone only to secure pages. ' + (httpsUrl ? 'Open ' + httpsUrl : 'Ask the operator to turn HTTPS on.'));
}
