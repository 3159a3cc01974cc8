// The admin dashboard (/dashboard): sign in with the admin token, see every room (with a thumbnail
// where the server offers one) and its people live, and act on them. Shares the look, the API
// client, the live list and the people list with the join page. Main thread only.

import { Api, capabilities, type RoomSummary } from '../lib/api';
import { plural } from '../lib/format';
import { ordered, type Participant, type ParticipantsState } from '../lib/participants';
import { attempt, byId, h, show, toast } from '../ui/dom';
import { fillIcons } from '../ui/icons';
import { renderPeople } from '../ui/peopleList';
import { RoomLive } from '../ui/roomLive';

const TOKEN_KEY = 'mcu.adminToken';
const THUMBNAIL_REFRESH_MS = 5000;

const el = {
  login: byId<HTMLFormElement>('login'),
  token: byId<HTMLInputElement>('admin-token'),
  loginStatus: byId('login-status'),
  dash: byId('dash'),
  summary: byId('dash-summary'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  status: byId('dash-status'),
  rooms: byId('rooms'),
  noRooms: byId('no-rooms'),
  detail: byId('room-detail'),
  detailTitle: byId('detail-title'),
  closeDetail: byId<HTMLButtonElement>('close-detail'),
  layout: byId<HTMLSelectElement>('detail-layout'),
  lock: byId<HTMLButtonElement>('detail-lock'),
  record: byId<HTMLButtonElement>('detail-record'),
  end: byId<HTMLButtonElement>('detail-end'),
  note: byId('detail-note'),
  people: byId('detail-people'),
};
fillIcons();

let api: Api | null = null;
let rooms: RoomSummary[] = [];
let selected: string | null = null;
let live: RoomLive | null = null;
let detailState: ParticipantsState | null = null;
let events: EventSource | null = null;
let refreshTimer: number | undefined;
let thumbTimer: number | undefined;
let thumbnailsOffered = false;
const thumbUrls = new Map<string, string>();
const recordings = new Map<string, string>();

function setStatus(target: HTMLElement, text: string): void {
  target.textContent = text;
  target.className = text ? 'status error' : 'status';
}

async function signIn(token: string): Promise<void> {
  const candidate = new Api(token);
  try {
    rooms = await candidate.rooms();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    setStatus(el.loginStatus, (e as { status?: number }).status === 404
      ? 'This server has no control-plane API (it answered 404 for /api/v1/rooms).'
      : `Could not sign in: ${message}`);
    show(el.login, true);
    show(el.dash, false);
    return;
  }
  api = candidate;
  sessionStorage.setItem(TOKEN_KEY, token);
  show(el.login, false);
  show(el.dash, true);
  setStatus(el.status, '');
  const offered = await capabilities();
  thumbnailsOffered = offered.thumbnails;
  show(el.record, offered.recording);
  drawRooms();
  watchEvents();
  refreshThumbnails();
}

function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  events?.close();
  live?.stop();
  window.clearInterval(thumbTimer);
  api = null;
  selected = null;
  show(el.dash, false);
  show(el.login, true);
  el.token.value = '';
  el.token.focus();
}

function watchEvents(): void {
  events?.close();
  events = new EventSource(api!.eventsUrl());
  const refresh = () => {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => void refreshRooms(), 250);
  };
  for (const type of ['room.created', 'room.closed', 'participant.joined', 'participant.left', 'room.locked',
    'layout.changed', 'egress.started', 'egress.stopped']) {
    events.addEventListener(type, refresh);
  }
  events.addEventListener('error', () => setStatus(el.status, 'Live updates paused: reconnecting to the server…'));
  events.addEventListener('open', () => { setStatus(el.status, ''); refresh(); });
}

async function refreshRooms(): Promise<void> {
  if (!api) {
    return;
  }
  try {
    rooms = await api.rooms();
    drawRooms();
  } catch (e) {
    setStatus(el.status, `Could not load the rooms: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function drawRooms(): void {
  const people = rooms.reduce((n, r) => n + r.participants, 0);
  el.summary.textContent = `${plural(rooms.length, 'room', 'rooms')} · ${plural(people, 'person', 'people')}`;
  show(el.noRooms, rooms.length === 0);
  // A room's card stays the same element across redraws (only its content changes): replacing it
  // under a host's pointer lost the click whose press and release landed on two different cards.
  const shown = new Map<string, HTMLElement>();
  el.rooms.querySelectorAll<HTMLElement>('.room-card').forEach((card) => shown.set(card.dataset.room ?? '', card));
  el.rooms.replaceChildren(...rooms.map((room) => {
    const fresh = roomCard(room);
    const card = shown.get(room.name);
    if (!card) {
      return fresh;
    }
    card.replaceChildren(...Array.from(fresh.childNodes));
    card.setAttribute('aria-current', fresh.getAttribute('aria-current') ?? 'false');
    return card;
  }));
  if (selected && !rooms.some((r) => r.name === selected)) {
    closeDetail();
  } else if (selected) {
    drawDetailControls();
  }
}

function roomCard(room: RoomSummary): HTMLElement {
  const thumb = h('div', { class: 'room-thumb' });
  const url = thumbUrls.get(room.name);
  if (url) {
    thumb.append(h('img', { src: url, alt: `What room ${room.name} shows now` }));
  } else {
    thumb.textContent = thumbnailsOffered ? 'Loading picture…' : '';
    thumb.append(h('span', { class: 'avatar large' }, String(room.participants)));
  }
  return h('button', {
    type: 'button', class: 'room-card', 'data-room': room.name, 'aria-current': String(room.name === selected),
    onclick: () => openDetail(room.name),
  },
  thumb,
  h('span', { class: 'room-meta' },
    h('span', { class: 'room-name' }, room.name),
    h('span', { class: 'room-facts' },
      h('span', { class: 'pill' }, plural(room.participants, 'person', 'people')),
      h('span', { class: 'pill' }, room.mode === 'webinar' ? 'Webinar' : 'Meeting'),
      h('span', { class: 'pill' }, `Layout: ${room.layout}`),
      room.locked ? h('span', { class: 'pill' }, 'Locked') : null,
      room.recording ? h('span', { class: 'pill rec' }, 'REC') : null)));
}

/** Thumbnails come with the bearer token, so they are fetched and shown as blob URLs. */
function refreshThumbnails(): void {
  window.clearInterval(thumbTimer);
  const load = async () => {
    if (!api || !thumbnailsOffered) {
      return;
    }
    for (const room of rooms) {
      const response = await fetch(api.thumbnailUrl(room.name), {
        headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` },
      }).catch(() => null);
      if (response?.status === 404 && !(response.headers.get('content-type') ?? '').includes('json')) {
        thumbnailsOffered = false; // this server offers no thumbnails
        drawRooms();
        return;
      }
      if (!response?.ok || !(response.headers.get('content-type') ?? '').startsWith('image/')) {
        continue;
      }
      const old = thumbUrls.get(room.name);
      const url = URL.createObjectURL(await response.blob());
      thumbUrls.set(room.name, url);
      drawThumbnail(room.name, url);
      if (old) {
        URL.revokeObjectURL(old);
      }
    }
  };
  void load();
  thumbTimer = window.setInterval(() => void load(), THUMBNAIL_REFRESH_MS);
}

/** Only the picture changes when a new thumbnail comes, every few seconds. */
function drawThumbnail(room: string, url: string): void {
  const thumb = el.rooms.querySelector(`.room-card[data-room="${CSS.escape(room)}"] .room-thumb`);
  thumb?.replaceChildren(h('img', { src: url, alt: `What room ${room} shows now` }));
}

function openDetail(room: string): void {
  if (!api) {
    return;
  }
  live?.stop();
  selected = room;
  detailState = null;
  show(el.detail, true);
  el.detailTitle.textContent = `Room ${room}`;
  el.people.replaceChildren();
  drawRooms();
  live = new RoomLive(api, room, {
    changed: (state) => {
      detailState = state;
      show(el.note, false);
      renderPeople(el.people, ordered(state, null), null, actions(room));
      drawDetailControls();
    },
    unavailable: (why) => {
      el.note.textContent = `The participant list is not available: ${why}`;
      show(el.note, true);
    },
  });
  live.start();
  el.detail.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function closeDetail(): void {
  live?.stop();
  live = null;
  selected = null;
  show(el.detail, false);
}

function current(): RoomSummary | undefined {
  return rooms.find((r) => r.name === selected);
}

function drawDetailControls(): void {
  const room = current();
  const locked = detailState?.locked ?? room?.locked ?? false;
  const recording = detailState?.recording ?? room?.recording ?? false;
  el.lock.textContent = locked ? 'Unlock room' : 'Lock room';
  el.lock.setAttribute('aria-pressed', String(locked));
  el.record.textContent = recording ? 'Stop recording' : 'Start recording';
  el.record.setAttribute('aria-pressed', String(recording));
  const layout = detailState?.layout ?? room?.layout;
  if (layout) {
    el.layout.value = layout;
  }
}

function actions(room: string) {
  return {
    mute: (p: Participant) => void attempt(`Muting ${p.name}`, () => api!.mute(room, p.id, { audio: true })),
    setRole: (p: Participant, role: string) => void attempt(`Changing the role of ${p.name}`, () => api!.role(room, p.id, role)),
    kick: (p: Participant) => {
      if (window.confirm(`Remove ${p.name} from room ${room}?`)) {
        void attempt(`Removing ${p.name}`, () => api!.kick(room, p.id));
      }
    },
    lowerHand: (p: Participant) => void attempt(`Lowering the hand of ${p.name}`, () => api!.hand(room, p.id, false)),
  };
}

el.login.addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn(el.token.value.trim());
});
el.signOut.addEventListener('click', signOut);
el.closeDetail.addEventListener('click', closeDetail);
el.layout.addEventListener('change', () => {
  if (selected) {
    const room = selected;
    void attempt('Changing the layout', () => api!.layout(room, el.layout.value));
  }
});
el.lock.addEventListener('click', () => {
  if (selected) {
    const room = selected;
    const locked = el.lock.getAttribute('aria-pressed') === 'true';
    void attempt(locked ? 'Unlocking' : 'Locking', () => api!.lock(room, !locked)).then(() => refreshRooms());
  }
});
el.record.addEventListener('click', () => {
  if (!selected) {
    return;
  }
  const room = selected;
  const recording = el.record.getAttribute('aria-pressed') === 'true';
  const id = recordings.get(room);
  if (recording && id) {
    void attempt('Stopping the recording', () => api!.stopEgress(room, id)).then(() => recordings.delete(room));
  } else if (recording) {
    toast('This recording was started from elsewhere; its id is not known here.');
  } else {
    void attempt('Starting the recording', async () => {
      const started = await api!.startRecording(room);
      if (started?.id) {
        recordings.set(room, started.id);
      }
    });
  }
});
el.end.addEventListener('click', () => {
  if (selected && window.confirm(`End the meeting in room ${selected} for everyone?`)) {
    const room = selected;
    void attempt('Ending the meeting', () => api!.endMeeting(room)).then(() => refreshRooms());
  }
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  void signIn(saved);
} else {
  show(el.login, true);
  el.token.focus();
}
