// Microphone level for the meter: RMS of one analyser frame mapped to 0..1 on a dB scale, so speech
// (about -30 dBFS) fills half the bar. Pure; called from the page's animation frame.

const FLOOR_DB = -60;

export function rmsLevel(samples: ArrayLike<number>): number {
  if (samples.length === 0) {
    return 0;
  }
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    sum += samples[i] * samples[i];
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) {
    return 0;
  }
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}

/** The meter follows a rise at once and falls slowly, as people expect from a VU meter. */
export function smoothLevel(previous: number, current: number): number {
  return current >= previous ? current : previous * 0.85 + current * 0.15;
}
