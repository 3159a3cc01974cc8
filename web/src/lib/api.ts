// The control-plane API as the page uses it (see the contract): the lobby without a token, room
// calls with the room token from the 200 OK's X-MCU-Token header, and the admin calls of the
// dashboard with the admin token. Main thread only.

import type { ApiParticipant } from './participants';

export interface LobbyInfo {
  room: string;
  mode: 'meeting' | 'webinar';
  pinRequired: boolean;
  /** No PIN is needed to enter, but a host or speaker PIN gives that role. */
  pinOptional: boolean;
  locked: boolean;
}

export type LobbyAnswer =
  | { kind: 'room'; info: LobbyInfo }
  | { kind: 'unknown-room'; message: string }
  /** A server without the API (older ones answer 404 text for every /api path), or it could not be asked. */
  | { kind: 'no-api' };

export interface RoomSummary {
  name: string;
  mode: string;
  participants: number;
  layout: string;
  locked: boolean;
  recording: boolean;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Fetch = typeof fetch;

/** window.fetch called as a plain function (stored as a method, the browser throws "Illegal invocation"). */
const windowFetch: Fetch = (input, init) => fetch(input, init);

async function jsonOrNull(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function errorText(body: unknown, response: Response): string {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    return (body as { error: string }).error;
  }
  if (response.status === 401 || response.status === 403) {
    return 'Not allowed: the token is missing, wrong or expired.';
  }
  return `The server answered ${response.status}.`;
}

/** What the pre-join screen needs to know about a room before dialling it. */
export async function lobby(room: string, base = '', fetchImpl: Fetch = windowFetch): Promise<LobbyAnswer> {
  let response: Response;
  try {
    response = await fetchImpl(`${base}/api/v1/lobby/${encodeURIComponent(room)}`, { headers: { accept: 'application/json' } });
  } catch {
    return { kind: 'no-api' };
  }
  const body = await jsonOrNull(response);
  if (response.ok && body && typeof body === 'object') {
    const b = body as Partial<LobbyInfo>;
    return { kind: 'room', info: {
      room: typeof b.room === 'string' ? b.room : room,
      mode: b.mode === 'webinar' ? 'webinar' : 'meeting',
      pinRequired: b.pinRequired === true,
      pinOptional: b.pinOptional === true,
      locked: b.locked === true,
    } };
  }
  // The server's router answers a path it has no route for with {"error":"nothing at /api/..."}: no API.
  const message = body ? errorText(body, response) : '';
  if (response.status === 404 && body && !message.startsWith('nothing at ')) {
    return { kind: 'unknown-room', message };
  }
  return { kind: 'no-api' };
}

/** Calls with a bearer token (a room token, or the admin token on the dashboard). */
export class Api {
  constructor(private readonly token: string, private readonly base = '', private readonly fetchImpl: Fetch = windowFetch) {
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await this.fetchImpl(this.base + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await jsonOrNull(response);
    if (!response.ok) {
      throw new ApiError(response.status, errorText(parsed, response));
    }
    return parsed as T;
  }

  private room(room: string): string {
    return `/api/v1/rooms/${encodeURIComponent(room)}`;
  }

  private participant(room: string, id: string): string {
    return `${this.room(room)}/participants/${encodeURIComponent(id)}`;
  }

  rooms(): Promise<RoomSummary[]> {
    return this.call('GET', '/api/v1/rooms');
  }

  roomInfo(room: string): Promise<RoomSummary> {
    return this.call('GET', this.room(room));
  }

  participants(room: string): Promise<ApiParticipant[]> {
    return this.call('GET', `${this.room(room)}/participants`);
  }

  mute(room: string, id: string, what: { audio?: boolean; video?: boolean }): Promise<unknown> {
    return this.call('POST', `${this.participant(room, id)}/mute`, what);
  }

  hand(room: string, id: string, raised: boolean): Promise<unknown> {
    return this.call('POST', `${this.participant(room, id)}/hand`, { raised });
  }

  role(room: string, id: string, role: string): Promise<unknown> {
    return this.call('POST', `${this.participant(room, id)}/role`, { role });
  }

  kick(room: string, id: string): Promise<unknown> {
    return this.call('DELETE', this.participant(room, id));
  }

  layout(room: string, kind: string, focus?: string): Promise<unknown> {
    return this.call('PUT', `${this.room(room)}/layout`, focus ? { kind, focus } : { kind });
  }

  lock(room: string, locked: boolean): Promise<unknown> {
    return this.call(locked ? 'POST' : 'DELETE', `${this.room(room)}/lock`);
  }

  startRecording(room: string): Promise<{ id?: string }> {
    return this.call('POST', `${this.room(room)}/egress`, { kind: 'record' });
  }

  stopEgress(room: string, egressId: string): Promise<unknown> {
    return this.call('DELETE', `${this.room(room)}/egress/${encodeURIComponent(egressId)}`);
  }

  endMeeting(room: string): Promise<unknown> {
    return this.call('DELETE', this.room(room));
  }

  /** The events URL (EventSource cannot send headers, so the token rides in the query). */
  eventsUrl(room?: string): string {
    const q = new URLSearchParams();
    if (room) {
      q.set('room', room);
    }
    q.set('access_token', this.token);
    return `${this.base}/api/v1/events?${q}`;
  }

  thumbnailUrl(room: string): string {
    return `${this.base}${this.room(room)}/thumbnail.jpg`;
  }
}

/** The role a room token carries, read from its payload (`payload.signature`, or a JWT's `header.payload.signature`); null when opaque. */
export function roleInToken(token: string): string | null {
  const parts = token.split('.');
  const payload = parts.length === 2 ? parts[0] : parts.length === 3 ? parts[1] : null;
  if (!payload) {
    return null;
  }
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return typeof claims.role === 'string' ? claims.role : null;
  } catch {
    return null;
  }
}

/** What this server's API offers beyond the contract's core, read from its OpenAPI document. */
export interface Capabilities {
  recording: boolean;
  thumbnails: boolean;
}

export const NO_CAPABILITIES: Capabilities = { recording: false, thumbnails: false };

export function capabilitiesOf(openApi: unknown): Capabilities {
  const paths = openApi && typeof openApi === 'object' ? (openApi as { paths?: unknown }).paths : undefined;
  if (!paths || typeof paths !== 'object') {
    return NO_CAPABILITIES;
  }
  const has = (path: string) => Object.prototype.hasOwnProperty.call(paths, path);
  return {
    recording: has('/api/v1/rooms/{room}/egress'),
    thumbnails: has('/api/v1/rooms/{room}/thumbnail.jpg'),
  };
}

/** The server's capabilities; none when it has no OpenAPI document. */
export async function capabilities(base = '', fetchImpl: Fetch = windowFetch): Promise<Capabilities> {
  try {
    const response = await fetchImpl(`${base}/api/v1/openapi.json`, { headers: { accept: 'application/json' } });
    return response.ok ? capabilitiesOf(await response.json()) : NO_CAPABILITIES;
  } catch {
    return NO_CAPABILITIES;
  }
}
