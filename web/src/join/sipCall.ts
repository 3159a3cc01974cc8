// One SIP over WebSocket link to the server (JsSIP) and the calls placed on it. Reports what happens
// through callbacks; knows nothing of the page. Called on the main thread (JsSIP runs there too).

import * as JsSIP from 'jssip';
import type { EndEvent, OutgoingEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { SipRefusal } from '../lib/joinErrors';

export interface Accepted {
  status: number;
  /** From the 200 OK's X-MCU-Participant / X-MCU-Token (servers without the control-plane API send none). */
  participantId: string | null;
  token: string | null;
}

export interface CallListener {
  accepted(call: Accepted): void;
  /** Refused with a SIP status, or failed without one (cause: JsSIP's words). */
  refused(refusal: SipRefusal | null, cause: string): void;
  /** The call ended after it was answered: hung up by the server (remote) or the user. */
  ended(byServer: boolean, cause: string): void;
  track(track: MediaStreamTrack): void;
  /** After the answer, once the media path is up (ICE and DTLS connected); once per call. */
  mediaFlowing(): void;
  /** ICE failed, or stayed disconnected for a few seconds. */
  mediaLost(): void;
}

const ICE_DISCONNECTED_GRACE_MS = 4000;

export class SipLink {
  private readonly ua: JsSIP.UA;
  private connectedOnce = false;
  private stopped = false;

  /**
   * @param onConnection told when the WebSocket comes up (again) or drops
   */
  constructor(readonly wsUrl: string, displayName: string, selfUri: string,
    private readonly onConnection: (up: boolean) => void) {
    const socket = new JsSIP.WebSocketInterface(wsUrl);
    this.ua = new JsSIP.UA({
      sockets: [socket],
      uri: selfUri,
      display_name: displayName,
      register: false,
      session_timers: false,
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 5,
    });
    this.ua.on('connected', () => {
      this.connectedOnce = true;
      this.onConnection(true);
    });
    this.ua.on('disconnected', () => {
      if (!this.stopped) {
        this.onConnection(false);
      }
    });
  }

  /** Resolves once the WebSocket is up; rejects if the first attempt fails. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const up = () => { this.ua.removeListener('disconnected', down); resolve(); };
      const down = () => { this.ua.removeListener('connected', up); if (!this.connectedOnce) { reject(new Error('unreachable')); } };
      this.ua.once('connected', up);
      this.ua.once('disconnected', down);
      this.ua.start();
    });
  }

  get connected(): boolean {
    return this.ua.isConnected();
  }

  /**
   * Places a call. With a stream, sends its tracks (sendrecv); without one (a viewer), offers
   * receive-only audio and video.
   */
  call(target: string, stream: MediaStream | null, listener: CallListener): RTCSession {
    let answered = false;
    const session = this.ua.call(target, {
      mediaStream: stream ?? undefined,
      mediaConstraints: stream ? undefined : { audio: false, video: false },
      pcConfig: { iceServers: [] },
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    const pc = session.connection;
    pc.addEventListener('track', (e) => listener.track(e.track));
    let flowing = false;
    const reportFlowing = () => {
      if (answered && !flowing && pc.connectionState === 'connected') {
        flowing = true;
        listener.mediaFlowing();
      }
    };
    pc.addEventListener('connectionstatechange', reportFlowing);
    let graceTimer: number | undefined;
    pc.addEventListener('iceconnectionstatechange', () => {
      window.clearTimeout(graceTimer);
      if (!answered) {
        return;
      }
      if (pc.iceConnectionState === 'failed') {
        listener.mediaLost();
      } else if (pc.iceConnectionState === 'disconnected') {
        graceTimer = window.setTimeout(() => {
          if (pc.iceConnectionState === 'disconnected') {
            listener.mediaLost();
          }
        }, ICE_DISCONNECTED_GRACE_MS);
      }
    });
    session.on('accepted', (e: OutgoingEvent) => {
      answered = true;
      const response = e.response;
      listener.accepted({
        status: response ? response.status_code : 200,
        participantId: response?.getHeader('X-MCU-Participant') || null,
        token: response?.getHeader('X-MCU-Token') || null,
      });
      reportFlowing(); // the path may have come up before JsSIP reported the answer
    });
    session.on('failed', (e: EndEvent) => {
      window.clearTimeout(graceTimer);
      const message = e.message as { status_code?: number; reason_phrase?: string; getHeader?: (n: string) => string } | undefined;
      if (e.originator === 'remote' && message && typeof message.status_code === 'number') {
        listener.refused({
          status: message.status_code,
          reasonPhrase: message.reason_phrase,
          warning: message.getHeader?.('Warning') || undefined,
          retryAfter: message.getHeader?.('Retry-After') || undefined,
          pinSent: target.includes('*'),
        }, e.cause);
      } else {
        listener.refused(null, e.cause);
      }
    });
    session.on('ended', (e) => {
      window.clearTimeout(graceTimer);
      listener.ended(e.originator === 'remote', e.cause);
    });
    return session;
  }

  stop(): void {
    this.stopped = true;
    this.ua.stop();
  }
}

/** Hangs a session up without letting a failure to do so (already gone) escape. */
export function hangUp(session: RTCSession | null): void {
  if (!session) {
    return;
  }
  try {
    if (!session.isEnded()) {
      session.terminate();
    }
  } catch {
    // already ended
  }
}
