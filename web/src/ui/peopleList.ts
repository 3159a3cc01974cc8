// Draws a participant list (join page panel and dashboard room view): avatar, name, role, muted,
// talking and raised-hand marks, and, for hosts and admins, the actions on each person. Main thread.

import { initials, roleWords } from '../lib/format';
import type { Participant } from '../lib/participants';
import { h } from './dom';
import { icon } from './icons';

export interface PeopleActions {
  mute(p: Participant): void;
  setRole(p: Participant, role: string): void;
  kick(p: Participant): void;
  lowerHand?(p: Participant): void;
}

/** How someone is connected, in a person's words. */
function transportWords(transport: string): string {
  return transport === 'ws' || transport === 'wss' || transport === 'webrtc' ? 'browser'
    : transport === 'udp' || transport === 'tcp' || transport === 'tls' ? 'phone' : transport;
}

export function renderPeople(list: HTMLElement, people: Participant[], selfId: string | null, actions: PeopleActions | null): void {
  list.replaceChildren(...people.map((p) => personRow(p, p.id === selfId, actions)));
}

function personRow(p: Participant, self: boolean, actions: PeopleActions | null): HTMLElement {
  const marks = h('span', { class: 'marks' },
    p.handRaised ? h('span', { class: 'mark hand', title: 'Hand raised', 'aria-label': 'Hand raised', html: icon('hand') }) : null,
    h('span', {
      class: 'mark mic' + (p.audioMuted ? ' muted' : '') + (p.talking ? ' talking' : ''),
      title: p.audioMuted ? 'Muted' : p.talking ? 'Talking' : 'Microphone on',
      'aria-label': p.audioMuted ? 'Muted' : p.talking ? 'Talking' : 'Microphone on',
      html: icon(p.audioMuted ? 'micOff' : 'mic'),
    }),
    p.videoMuted ? h('span', { class: 'mark muted', title: 'Camera off', 'aria-label': 'Camera off', html: icon('camOff') }) : null);
  const row = h('li', {
    class: 'person' + (p.talking ? ' talking' : '') + (p.handRaised ? ' hand-raised' : ''),
    'data-participant': p.id, 'data-role': p.role,
  },
  h('span', { class: 'avatar' + (p.talking ? ' talking' : '') }, initials(p.name)),
  h('span', { class: 'who' },
    h('span', { class: 'person-name' }, p.name + (self ? ' (you)' : '')),
    h('span', { class: 'person-role role-' + p.role }, (roleWords[p.role] ?? p.role) + (p.transport ? ` · ${transportWords(p.transport)}` : ''))),
  marks);
  if (actions && !self) {
    row.append(personActions(p, actions));
  }
  return row;
}

function personActions(p: Participant, actions: PeopleActions): HTMLElement {
  const role = h('select', { class: 'role-select', 'aria-label': `Role of ${p.name}`,
    onchange: (e: Event) => actions.setRole(p, (e.target as HTMLSelectElement).value) },
  ...['host', 'speaker', 'attendee'].map((r) => h('option', { value: r, selected: r === p.role }, roleWords[r])));
  return h('span', { class: 'person-actions' },
    p.handRaised && actions.lowerHand
      ? h('button', { type: 'button', class: 'small', onclick: () => actions.lowerHand!(p) }, 'Lower hand') : null,
    h('button', { type: 'button', class: 'small mute-person', disabled: p.audioMuted, onclick: () => actions.mute(p),
      'aria-label': `Mute ${p.name}` }, p.audioMuted ? 'Muted' : 'Mute'),
    role,
    h('button', { type: 'button', class: 'small danger kick-person', onclick: () => actions.kick(p),
      'aria-label': `Remove ${p.name}` }, 'Remove'));
}
