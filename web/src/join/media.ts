// Camera and microphone: opening them with the chosen devices, listing devices for the pickers,
// and the microphone level meter (WebAudio). Main thread only.

import { rmsLevel, smoothLevel } from '../lib/level';

export interface DeviceChoice {
  cameraId: string;
  micId: string;
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

/**
 * Opens the microphone and camera. When the camera cannot be had (none, in use) but the
 * microphone can, returns audio only; a refusal (NotAllowedError) is thrown as is.
 */
export async function openMedia(choice: DeviceChoice): Promise<MediaStream> {
  const audio: MediaTrackConstraints = choice.micId ? { deviceId: { exact: choice.micId } } : {};
  const video: MediaTrackConstraints = {
    width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 },
    ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}),
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (e) {
    const name = (e as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw e;
    }
    return navigator.mediaDevices.getUserMedia({ audio, video: false }).catch(() => { throw e; });
  }
}

export function stopTracks(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

export async function listDevices(): Promise<DeviceLists> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    mics: all.filter((d) => d.kind === 'audioinput'),
    speakers: all.filter((d) => d.kind === 'audiooutput'),
  };
}

/** Whether this browser can route a media element's sound to a chosen speaker. */
export function canPickSpeaker(): boolean {
  return typeof (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId === 'function';
}

export async function useSpeaker(element: HTMLMediaElement, deviceId: string): Promise<void> {
  const el = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
  if (el.setSinkId && deviceId) {
    await el.setSinkId(deviceId);
  }
}

/** Fills a picker with devices, keeping the chosen one selected when it is still there. */
export function fillPicker(select: HTMLSelectElement, devices: MediaDeviceInfo[], chosen: string, what: string): void {
  select.replaceChildren();
  devices.forEach((d, i) => {
    const option = document.createElement('option');
    option.value = d.deviceId;
    option.textContent = d.label || `${what} ${i + 1}`;
    option.selected = d.deviceId === chosen;
    select.append(option);
  });
  if (devices.length === 0) {
    const option = document.createElement('option');
    option.textContent = `No ${what.toLowerCase()} found`;
    select.append(option);
  }
  select.disabled = devices.length === 0;
}

/** Draws the microphone's level into an element's width while running. */
export class LevelMeter {
  private context: AudioContext | null = null;
  private frame = 0;

  constructor(private readonly bar: HTMLElement) {
  }

  start(stream: MediaStream): void {
    this.stop();
    const track = stream.getAudioTracks()[0];
    if (!track) {
      return;
    }
    const context = new AudioContext();
    this.context = context;
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let level = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      level = smoothLevel(level, track.enabled ? rmsLevel(samples) : 0);
      this.bar.style.width = `${Math.round(level * 100)}%`;
      this.frame = requestAnimationFrame(draw);
    };
    draw();
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.bar.style.width = '0%';
    if (this.context) {
      void this.context.close();
      this.context = null;
    }
  }
}
