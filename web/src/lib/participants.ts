// The participant list: filled from GET /api/v1/rooms/{room}/participants, then kept up to date by
// the room's Server-Sent Events (see the control-plane contract). Pure reducer; main thread only.

export type Role = 'host' | 'speaker' | 'attendee';

export interface Participant {
  id: string;
  name: string;
  role: Role;
  transport: string;
  audioMuted: boolean;
  videoMuted: boolean;
  talking: boolean;
  handRaised: boolean;
  /** Order of arrival, to keep the list stable. */
  seq: number;
}

export interface ParticipantsState {
  byId: Readonly<Record<string, Participant>>;
  speaker: string | null;
  nextSeq: number;
  layout: string | null;
  locked: boolean | null;
  recording: boolean | null;
}

/** One element of the participants array of the API (only the fields the page uses). */
export interface ApiParticipant {
  id: string;
  name?: string;
  role?: string;
  transport?: string;
  audio?: { muted?: boolean; talking?: boolean } | null;
  video?: { muted?: boolean } | null;
  handRaised?: boolean;
  joinedAt?: string;
}

/** The data of one event of /api/v1/events. */
export interface RoomEvent {
  type: string;
  room?: string;
  participant?: string;
  [key: string]: unknown;
}

export const empty: ParticipantsState = { byId: {}, speaker: null, nextSeq: 0, layout: null, locked: null, recording: null };

function role(value: unknown): Role {
  return value === 'host' || value === 'speaker' || value === 'attendee' ? value : 'attendee';
}

function fromApi(p: ApiParticipant, seq: number): Participant {
  return {
    id: p.id,
    name: p.name && p.name.trim() ? p.name : 'Guest',
    role: role(p.role),
    transport: p.transport ?? '',
    audioMuted: p.audio?.muted ?? false,
    videoMuted: p.video?.muted ?? false,
    talking: p.audio?.talking ?? false,
    handRaised: p.handRaised ?? false,
    seq,
  };
}

/** The state for a fresh list from the API; keeps room-wide facts (layout, lock) already known. */
export function loaded(state: ParticipantsState, list: readonly ApiParticipant[]): ParticipantsState {
  const sortedByJoin = [...list].sort((a, b) => (a.joinedAt ?? '').localeCompare(b.joinedAt ?? ''));
  const byId: Record<string, Participant> = {};
  let seq = 0;
  for (const p of sortedByJoin) {
    if (typeof p.id === 'string') {
      byId[p.id] = fromApi(p, seq++);
    }
  }
  return { ...state, byId, nextSeq: seq, speaker: state.speaker && byId[state.speaker] ? state.speaker : null };
}

/** What GET /api/v1/rooms/{room} says of the room (the fields the page keeps). */
export interface RoomInfo {
  layout?: string;
  locked?: boolean;
  recording?: boolean;
}

/**
 * The state after a reload of the list (and of the room's info, when it could be read). The events
 * that arrived while the reload was under way are applied again on top: the server may have answered
 * before they happened, and an older answer must not undo them (a recording started meanwhile would
 * be shown as stopped, with no event to come that says otherwise). Events are idempotent, so one the
 * answer already includes changes nothing.
 */
export function reloaded(state: ParticipantsState, list: readonly ApiParticipant[], info: RoomInfo | null,
  eventsMeanwhile: readonly RoomEvent[]): ParticipantsState {
  let next = loaded(state, list);
  if (info) {
    next = { ...next, layout: info.layout ?? next.layout, locked: info.locked ?? next.locked,
      recording: info.recording ?? next.recording };
  }
  return eventsMeanwhile.reduce(reduce, next);
}

function update(state: ParticipantsState, id: string | undefined, change: (p: Participant) => Participant): ParticipantsState {
  const p = id === undefined ? undefined : state.byId[id];
  if (!p || id === undefined) {
    return state;
  }
  return { ...state, byId: { ...state.byId, [id]: change(p) } };
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** The state after one event; events about unknown participants (other than joins) change nothing. */
export function reduce(state: ParticipantsState, e: RoomEvent): ParticipantsState {
  const id = typeof e.participant === 'string' ? e.participant : undefined;
  switch (e.type) {
    case 'participant.joined': {
      if (id === undefined || state.byId[id]) {
        return state;
      }
      const p = fromApi({ ...(e as unknown as ApiParticipant), id }, state.nextSeq);
      return { ...state, byId: { ...state.byId, [id]: p }, nextSeq: state.nextSeq + 1 };
    }
    case 'participant.left': {
      if (id === undefined || !state.byId[id]) {
        return state;
      }
      const byId = { ...state.byId };
      delete byId[id];
      return { ...state, byId, speaker: state.speaker === id ? null : state.speaker };
    }
    case 'participant.talking': {
      const talking = bool(e.talking);
      return talking === undefined ? state : update(state, id, (p) => ({ ...p, talking }));
    }
    case 'speaker.changed':
      return { ...state, speaker: id ?? null };
    case 'participant.muted': {
      const audio = bool(e.audio);
      const video = bool(e.video);
      return update(state, id, (p) => ({ ...p, audioMuted: audio ?? p.audioMuted, videoMuted: video ?? p.videoMuted,
        talking: audio === true ? false : p.talking }));
    }
    case 'participant.role':
      return update(state, id, (p) => ({ ...p, role: role(e.role) }));
    case 'participant.hand': {
      const raised = bool(e.raised);
      return raised === undefined ? state : update(state, id, (p) => ({ ...p, handRaised: raised }));
    }
    case 'layout.changed':
      return { ...state, layout: typeof e.kind === 'string' ? e.kind : state.layout };
    case 'room.locked':
      return { ...state, locked: bool(e.locked) ?? state.locked };
    case 'egress.started':
      return { ...state, recording: e.kind === undefined || e.kind === 'record' ? true : state.recording };
    case 'egress.stopped':
      return { ...state, recording: e.kind === undefined || e.kind === 'record' ? false : state.recording };
    default:
      return state;
  }
}

const roleRank: Record<Role, number> = { host: 0, speaker: 1, attendee: 2 };

/** Display order: you first, then raised hands (longest waiting first), hosts, speakers, attendees, by arrival. */
export function ordered(state: ParticipantsState, selfId: string | null): Participant[] {
  return Object.values(state.byId).sort((a, b) =>
    Number(b.id === selfId) - Number(a.id === selfId)
    || Number(b.handRaised) - Number(a.handRaised)
    || roleRank[a.role] - roleRank[b.role]
    || a.seq - b.seq);
}

export function raisedHands(state: ParticipantsState): number {
  return Object.values(state.byId).filter((p) => p.handRaised).length;
}

/** The event types of the contract that change the list; the page subscribes to these. */
export const EVENT_TYPES = [
  'participant.joined', 'participant.left', 'participant.talking', 'speaker.changed', 'participant.muted',
  'participant.role', 'participant.hand', 'layout.changed', 'room.locked', 'egress.started', 'egress.stopped',
  'room.closed',
] as const;
