// The call's phases and which event moves it where. Pure: the page keeps the phase and renders it.
// Called from the page's main thread only.

export type Phase = 'idle' | 'prejoin' | 'joining' | 'in-call' | 'reconnecting' | 'left' | 'error';

export type CallEvent =
  | { type: 'show-prejoin' }
  | { type: 'join' }
  | { type: 'accepted' }        // the server answered the INVITE
  | { type: 'media-flowing' }   // the answered call's media path is up (ICE and DTLS connected)
  | { type: 'failed' }          // the INVITE was refused, media was refused, or the server was unreachable
  | { type: 'connection-lost' } // WebSocket dropped or ICE failed during the call
  | { type: 'gave-up' }         // reconnecting did not succeed in time
  | { type: 'leave' }           // the user hung up
  | { type: 'ended' };          // the server hung up (BYE)

const transitions: Record<Phase, Partial<Record<CallEvent['type'], Phase>>> = {
  idle: { 'show-prejoin': 'prejoin', join: 'joining' },
  prejoin: { join: 'joining', failed: 'error' },
  joining: { accepted: 'in-call', failed: 'error', leave: 'left', ended: 'left' },
  'in-call': { 'connection-lost': 'reconnecting', leave: 'left', ended: 'left', failed: 'error' },
  // An answered rejoin is not yet a way back: the signalling can return before the media path does.
  reconnecting: { 'media-flowing': 'in-call', 'gave-up': 'error', failed: 'error', leave: 'left', ended: 'left' },
  left: { 'show-prejoin': 'prejoin', join: 'joining' },
  error: { 'show-prejoin': 'prejoin', join: 'joining' },
};

/** The phase after {@code event}; an event that does not apply in this phase leaves it unchanged. */
export function nextPhase(phase: Phase, event: CallEvent): Phase {
  return transitions[phase][event.type] ?? phase;
}

/** True while a SIP session exists or is being set up: leaving must hang it up. */
export function hasSession(phase: Phase): boolean {
  return phase === 'joining' || phase === 'in-call' || phase === 'reconnecting';
}

/** True while the in-call screen is shown. */
export function showsCallScreen(phase: Phase): boolean {
  return phase === 'in-call' || phase === 'reconnecting' || phase === 'joining';
}
