// Switching camera, microphone and speaker during the call: the new device's track replaces the
// old one on the same RTP sender (no renegotiation) and keeps its mute state. Main thread.

import { fillPicker, listDevices, useSpeaker } from './media';

/** Fills the in-call pickers with the devices there are now, the ones in use selected. */
export async function fillCallPickers(stream: MediaStream | null, camera: HTMLSelectElement, mic: HTMLSelectElement,
  speaker: HTMLSelectElement, speakerChosen: string): Promise<void> {
  const lists = await listDevices();
  const inUse = (kind: string) => stream?.getTracks().find((t) => t.kind === kind && t.readyState === 'live')?.getSettings().deviceId ?? '';
  fillPicker(camera, lists.cameras, inUse('video'), 'Camera');
  fillPicker(mic, lists.mics, inUse('audio'), 'Microphone');
  fillPicker(speaker, lists.speakers, speakerChosen, 'Speaker');
  camera.disabled ||= !stream?.getVideoTracks().length;
  mic.disabled ||= !stream?.getAudioTracks().length;
}

/**
 * Moves the call's track of a kind to another device; resolves when the new one is being sent:
 * true, or false when the track already came from that device (or there is none).
 */
export async function switchDevice(stream: MediaStream, pc: RTCPeerConnection, kind: 'audio' | 'video', deviceId: string): Promise<boolean> {
  const old = stream.getTracks().find((t) => t.kind === kind);
  if (!old || old.getSettings().deviceId === deviceId) {
    return false;
  }
  const constraints: MediaStreamConstraints = kind === 'audio'
    ? { audio: { deviceId: { exact: deviceId } } }
    : { video: { deviceId: { exact: deviceId }, width: { ideal: 1280 }, height: { ideal: 720 } } };
  const fresh = (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0];
  fresh.enabled = old.enabled;
  const sender = pc.getSenders().find((s) => s.track === old || (s.track === null && kind === 'video'));
  try {
    if (sender) {
      await sender.replaceTrack(fresh);
    }
  } catch (e) {
    fresh.stop();
    throw e;
  }
  stream.removeTrack(old);
  old.stop();
  stream.addTrack(fresh);
  return true;
}

export { useSpeaker };
