// What a host does in the call through the control-plane API with their room token: mute, change
// the role of or remove a person, change the layout, lock the room, record. Main thread.

import type { Api } from '../lib/api';
import type { Participant, ParticipantsState } from '../lib/participants';
import { attempt, show, toast } from '../ui/dom';
import type { PeopleActions } from '../ui/peopleList';
import type { PageElements } from './elements';

/** What the controls read from the call, always current. */
export interface CallContext {
  api(): Api | null;
  room(): string;
  selfId(): string | null;
  people(): ParticipantsState | null;
}

export class HostControls {
  readonly actions: PeopleActions;
  private recordingId: string | null = null;

  constructor(private readonly el: PageElements, private readonly call: CallContext) {
    const api = () => call.api()!;
    this.actions = {
      mute: (p: Participant) => void attempt(`Muting ${p.name}`, () => api().mute(call.room(), p.id, { audio: true })),
      setRole: (p: Participant, role: string) =>
        void attempt(`Changing the role of ${p.name}`, () => api().role(call.room(), p.id, role)),
      kick: (p: Participant) => {
        if (window.confirm(`Remove ${p.name} from the meeting?`)) {
          void attempt(`Removing ${p.name}`, () => api().kick(call.room(), p.id));
        }
      },
      lowerHand: (p: Participant) => void attempt(`Lowering the hand of ${p.name}`, () => api().hand(call.room(), p.id, false)),
    };
    el.layoutSelect.addEventListener('change', () => {
      void attempt('Changing the layout', () => api().layout(call.room(), el.layoutSelect.value));
    });
    el.lockRoom.addEventListener('click', () => {
      const locked = call.people()?.locked === true;
      void attempt(locked ? 'Unlocking the room' : 'Locking the room', () => api().lock(call.room(), !locked));
    });
    el.record.addEventListener('click', () => this.toggleRecording());
    el.muteAll.addEventListener('click', () => {
      const people = call.people();
      const others = people ? Object.values(people.byId).filter((p) => p.id !== call.selfId() && !p.audioMuted) : [];
      others.forEach((p) => this.actions.mute(p));
    });
  }

  private toggleRecording(): void {
    const api = this.call.api()!;
    const recording = this.call.people()?.recording === true;
    if (recording && this.recordingId) {
      const id = this.recordingId;
      void attempt('Stopping the recording', async () => { await api.stopEgress(this.call.room(), id); this.recordingId = null; });
    } else if (!recording) {
      void attempt('Starting the recording', async () => {
        const started = await api.startRecording(this.call.room());
        this.recordingId = started?.id ?? null;
      });
    } else {
      toast('This recording was started elsewhere: stop it from the dashboard.');
    }
  }

  /** Shows the room-wide controls to hosts, with the room's state (lock, recording, layout). */
  render(hostView: boolean, state: ParticipantsState | null): void {
    const el = this.el;
    show(el.hostControls, hostView && state !== null);
    if (!state) {
      return;
    }
    show(el.recBadge, state.recording === true);
    show(el.lockBadge, state.locked === true);
    el.lockRoom.setAttribute('aria-pressed', String(state.locked === true));
    el.lockRoom.textContent = state.locked ? 'Unlock room' : 'Lock room';
    el.record.setAttribute('aria-pressed', String(state.recording === true));
    el.record.textContent = state.recording ? 'Stop recording' : 'Start recording';
    if (state.layout && el.layoutSelect.value !== state.layout) {
      el.layoutSelect.value = state.layout;
    }
  }

  reset(): void {
    this.recordingId = null;
  }
}
