// Microphone and camera buttons computed from the tracks themselves, never from the button's own
// previous state: the old page flipped a flag stored on the button, kept it across Leave, and so
// said "Unmute microphone" over a live microphone after Mute, Leave, Join. Called from the main thread.

/** The part of a MediaStreamTrack this module reads and writes. */
export interface TrackLike {
  readonly kind: string;
  enabled: boolean;
  readonly readyState?: string; // 'live' | 'ended'
}

export type Kind = 'audio' | 'video';

export interface DeviceButton {
  /** null when there is no live track of this kind (no device, refused, or viewer mode). */
  on: boolean | null;
  label: string;
  /** aria-pressed: true when muted / stopped. */
  pressed: boolean;
  disabled: boolean;
}

export interface MuteView {
  mic: DeviceButton;
  camera: DeviceButton;
}

function liveTracks(tracks: readonly TrackLike[], kind: Kind): TrackLike[] {
  return tracks.filter((t) => t.kind === kind && t.readyState !== 'ended');
}

/** On when any live track of the kind is enabled; null without a live track. */
export function isOn(tracks: readonly TrackLike[], kind: Kind): boolean | null {
  const live = liveTracks(tracks, kind);
  return live.length === 0 ? null : live.some((t) => t.enabled);
}

export function setOn(tracks: readonly TrackLike[], kind: Kind, on: boolean): void {
  for (const t of liveTracks(tracks, kind)) {
    t.enabled = on;
  }
}

/** Flips the kind's tracks from what they are now; returns the new state (null: nothing to flip). */
export function toggle(tracks: readonly TrackLike[], kind: Kind): boolean | null {
  const on = isOn(tracks, kind);
  if (on === null) {
    return null;
  }
  setOn(tracks, kind, !on);
  return !on;
}

function button(on: boolean | null, whenOn: string, whenOff: string, whenNone: string): DeviceButton {
  if (on === null) {
    return { on, label: whenNone, pressed: true, disabled: true };
  }
  return { on, label: on ? whenOn : whenOff, pressed: !on, disabled: false };
}

export function muteView(tracks: readonly TrackLike[]): MuteView {
  return {
    mic: button(isOn(tracks, 'audio'), 'Mute microphone', 'Unmute microphone', 'No microphone'),
    camera: button(isOn(tracks, 'video'), 'Stop camera', 'Start camera', 'No camera'),
  };
}
