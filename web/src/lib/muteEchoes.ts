// Tells our own mute requests apart from a host's when their events come back. The page posts
// its microphone and camera state to the room (so the others' lists show it); the event for that
// arrives later, possibly after the user has already unmuted again, and must not be taken for the
// host muting us. Pure; main thread.

import type { Kind } from './muteState';

const FORGET_AFTER_MS = 10_000;

export class MuteEchoes {
  private pending: { kind: Kind; muted: boolean; at: number }[] = [];

  /** We asked the server to set our {@code kind} to {@code muted} at {@code now}. */
  sent(kind: Kind, muted: boolean, now: number): void {
    this.pending.push({ kind, muted, at: now });
  }

  /** Whether an event saying our {@code kind} is {@code muted} answers one of our requests (then forgotten). */
  isEcho(kind: Kind, muted: unknown, now: number): boolean {
    this.pending = this.pending.filter((e) => now - e.at < FORGET_AFTER_MS);
    const i = this.pending.findIndex((e) => e.kind === kind && e.muted === muted);
    if (i < 0) {
      return false;
    }
    this.pending.splice(i, 1);
    return true;
  }
}
