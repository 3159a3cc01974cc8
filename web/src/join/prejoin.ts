// The pre-join screen: the camera preview and its device pickers, the microphone meter, the room
// look-up (mode, PIN, lock) and the viewer option. Owns the local camera+microphone stream, which
// the call then sends as is (no second permission prompt). Main thread.

import { lobby, type LobbyInfo } from '../lib/api';
import { describeMediaError, type JoinFailure } from '../lib/joinErrors';
import { initials } from '../lib/format';
import { setOn, type Kind } from '../lib/muteState';
import { roomProblem } from '../lib/sipUri';
import { show } from '../ui/dom';
import type { PageElements } from './elements';
import { canPickSpeaker, fillPicker, LevelMeter, listDevices, openMedia, stopTracks, useSpeaker } from './media';

export type Remembered = Partial<Record<Kind, boolean | null>>;

export class Prejoin {
  stream: MediaStream | null = null;
  lobby: LobbyInfo | null = null;
  private viewerTouched = false;
  private lookupTimer: number | undefined;
  private lookupSeq = 0;
  private readonly meter: LevelMeter;
  private opening: Promise<JoinFailure | null> | null = null;

  /**
   * @param changed called whenever the stream or its tracks change, to redraw the buttons
   * @param allowed whether the page wants a preview now (not once the call has the stream)
   */
  constructor(private readonly el: PageElements, private readonly changed: () => void,
    private readonly allowed: () => boolean) {
    this.meter = new LevelMeter(el.micLevel);
    show(el.speakerRow, canPickSpeaker());
    el.room.addEventListener('input', () => this.lookUpSoon());
    el.name.addEventListener('input', () => { el.previewAvatar.textContent = initials(el.name.value); });
    el.viewer.addEventListener('change', () => {
      this.viewerTouched = true;
      if (el.viewer.checked) {
        this.closePreview();
      } else {
        void this.openPreview();
      }
    });
    el.cameraSelect.addEventListener('change', () => void this.openPreview());
    el.micSelect.addEventListener('change', () => void this.openPreview());
    el.speakerSelect.addEventListener('change', () => {
      void useSpeaker(el.remote, el.speakerSelect.value).catch(() => undefined);
    });
    el.previewAvatar.textContent = initials(el.name.value);
  }

  isViewer(): boolean {
    return !this.el.viewerRow.hidden && this.el.viewer.checked;
  }

  /** Opens camera and microphone for the preview (and the call); null when it worked. */
  openPreview(remembered: Remembered = {}): Promise<JoinFailure | null> {
    if (this.isViewer()) {
      return Promise.resolve(null);
    }
    // One at a time: a device change during an open waits for it.
    const run = (this.opening ?? Promise.resolve(null)).then(() => this.open(remembered));
    this.opening = run;
    return run;
  }

  private async open(remembered: Remembered): Promise<JoinFailure | null> {
    if (!this.allowed() || this.isViewer()) {
      return null;
    }
    const keep: Remembered = { audio: null, video: null, ...remembered };
    if (this.stream) {
      // A device switch keeps what the user chose for each kind.
      keep.audio = remembered.audio ?? this.stream.getAudioTracks()[0]?.enabled ?? null;
      keep.video = remembered.video ?? this.stream.getVideoTracks()[0]?.enabled ?? null;
    }
    this.closePreview();
    this.el.previewNote.textContent = 'Starting camera…';
    try {
      const stream = await openMedia({ cameraId: this.el.cameraSelect.value, micId: this.el.micSelect.value });
      for (const kind of ['audio', 'video'] as const) {
        const on = keep[kind];
        if (on !== null && on !== undefined) {
          setOn(stream.getTracks(), kind, on);
        }
      }
      this.stream = stream;
      this.el.preview.srcObject = stream;
      this.meter.start(stream);
      for (const track of stream.getTracks()) {
        track.addEventListener('ended', () => this.changed());
      }
      await this.refreshDevices();
      this.changed();
      return null;
    } catch (e) {
      const failure = describeMediaError(e as DOMException);
      this.el.previewNote.textContent = failure.title;
      this.changed();
      return failure;
    }
  }

  closePreview(): void {
    this.meter.stop();
    stopTracks(this.stream);
    this.stream = null;
    this.el.preview.srcObject = null;
    this.el.previewNote.textContent = this.isViewer() ? 'Viewers join without camera and microphone' : 'Camera is off';
    this.changed();
  }

  /** Gives the stream to the call: the preview no longer stops it. */
  handOver(): MediaStream | null {
    this.meter.stop();
    this.el.preview.srcObject = null;
    const stream = this.stream;
    this.stream = null;
    return stream;
  }

  private async refreshDevices(): Promise<void> {
    const lists = await listDevices();
    const track = (kind: Kind) => this.stream?.getTracks().find((t) => t.kind === kind);
    fillPicker(this.el.cameraSelect, lists.cameras, track('video')?.getSettings().deviceId ?? this.el.cameraSelect.value, 'Camera');
    fillPicker(this.el.micSelect, lists.mics, track('audio')?.getSettings().deviceId ?? this.el.micSelect.value, 'Microphone');
    fillPicker(this.el.speakerSelect, lists.speakers, this.el.speakerSelect.value, 'Speaker');
  }

  private lookUpSoon(): void {
    window.clearTimeout(this.lookupTimer);
    this.lookupTimer = window.setTimeout(() => void this.lookUp(), 350);
  }

  /** Asks the server about the room; resolves when the screen shows the answer. */
  async lookUp(): Promise<void> {
    const room = this.el.room.value.trim();
    const seq = ++this.lookupSeq;
    if (roomProblem(room)) {
      this.lobby = null;
      this.el.roomInfo.textContent = '';
      show(this.el.viewerRow, false);
      return;
    }
    const answer = await lobby(room);
    if (seq !== this.lookupSeq) {
      return; // the user typed on
    }
    this.lobby = answer.kind === 'room' ? answer.info : null;
    this.el.roomInfo.className = 'room-info';
    if (answer.kind === 'unknown-room') {
      this.el.roomInfo.textContent = answer.message;
      this.el.roomInfo.classList.add('warn');
      show(this.el.viewerRow, false);
      return;
    }
    if (answer.kind === 'no-api') {
      this.el.roomInfo.textContent = '';
      show(this.el.viewerRow, false);
      return;
    }
    const info = answer.info;
    const facts = [info.mode === 'webinar' ? 'Webinar' : 'Meeting'];
    if (info.pinRequired) {
      facts.push('PIN required');
    }
    if (info.locked) {
      facts.push('Locked by the host');
      this.el.roomInfo.classList.add('warn');
    }
    this.el.roomInfo.textContent = facts.join(' · ');
    if (info.pinRequired || info.pinOptional) {
      // Optional: an open room where a host (or speaker) PIN gives that role; leave it empty to join as a guest.
      this.el.pin.placeholder = info.pinRequired ? 'Digits you were given' : 'Only if you were given one';
      show(this.el.pinRow, true);
    }
    const webinar = info.mode === 'webinar';
    show(this.el.viewerRow, webinar);
    this.changed();
    if (webinar && !this.viewerTouched && !this.el.viewer.checked) {
      this.el.viewer.checked = true;
      this.closePreview();
    } else if (!webinar && !this.stream) {
      void this.openPreview();
    }
  }
}
