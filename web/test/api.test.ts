import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Api, ApiError, capabilitiesOf, lobby, roleInToken } from '../src/lib/api';

function answer(status: number, body: string, type = 'application/json'): typeof fetch {
  return (async () => new Response(body, { status, headers: { 'content-type': type } })) as typeof fetch;
}

test('the lobby says a room needs a PIN and is a webinar', async () => {
  const a = await lobby('board', '', answer(200, '{"room":"board","mode":"webinar","pinRequired":true,"locked":false}'));
  assert.deepEqual(a, { kind: 'room', info: { room: 'board', mode: 'webinar', pinRequired: true, pinOptional: false, locked: false } });
});

test('the lobby says a PIN is optional when only hosts or speakers have one', async () => {
  const a = await lobby('board', '', answer(200, '{"room":"board","mode":"meeting","pinRequired":false,"pinOptional":true,"locked":false}'));
  assert.deepEqual(a, { kind: 'room', info: { room: 'board', mode: 'meeting', pinRequired: false, pinOptional: true, locked: false } });
});

test('a JSON 404 is an unknown room with the server\'s words', async () => {
  const a = await lobby('nope', '', answer(404, '{"error":"No room named \'nope\' on this server"}'));
  assert.deepEqual(a, { kind: 'unknown-room', message: "No room named 'nope' on this server" });
});

test('a server without the API (404 text for every /api path) or no answer at all is "no API"', async () => {
  assert.deepEqual(await lobby('x', '', answer(404, 'no such page: /api/v1/lobby/x', 'text/plain')), { kind: 'no-api' });
  assert.deepEqual(await lobby('x', '', answer(404, '{"error":"nothing at /api/v1/lobby/x"}')), { kind: 'no-api' });
  const down = (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch;
  assert.deepEqual(await lobby('x', '', down), { kind: 'no-api' });
});

test('room calls carry the bearer token and JSON bodies to the contract\'s paths', async () => {
  const seen: { url: string; init: RequestInit }[] = [];
  const record = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  const api = new Api('tok', '', record);
  await api.hand('my room', 'p1', true);
  await api.lock('r', false);
  await api.layout('r', 'speaker', 'p2');
  assert.equal(seen[0].url, '/api/v1/rooms/my%20room/participants/p1/hand');
  assert.equal(seen[0].init.method, 'POST');
  assert.equal((seen[0].init.headers as Record<string, string>).authorization, 'Bearer tok');
  assert.equal(seen[0].init.body, '{"raised":true}');
  assert.equal(seen[1].init.method, 'DELETE');
  assert.equal(seen[1].url, '/api/v1/rooms/r/lock');
  assert.equal(seen[2].init.method, 'PUT');
  assert.equal(seen[2].init.body, '{"kind":"speaker","focus":"p2"}');
  assert.equal(api.eventsUrl('r'), '/api/v1/events?room=r&access_token=tok');
});

test('an API error carries the server\'s words', async () => {
  const api = new Api('tok', '', answer(403, '{"error":"Only hosts may change roles"}'));
  await assert.rejects(api.role('r', 'p', 'host'), (e: unknown) =>
    e instanceof ApiError && e.status === 403 && e.message === 'Only hosts may change roles');
});

test('the role is read from a JWT-like token, and nothing from an opaque one', () => {
  const payload = Buffer.from(JSON.stringify({ room: 'r', participant: 'p', role: 'host' })).toString('base64url');
  assert.equal(roleInToken(`h.${payload}.s`), 'host');
  assert.equal(roleInToken(`${payload}.signature`), 'host', "the server's payload.signature tokens");
  assert.equal(roleInToken('opaque-token'), null);
  assert.equal(roleInToken('a.!!!.c'), null);
});

test('recording and thumbnails are offered only when the OpenAPI document lists their paths', () => {
  assert.deepEqual(capabilitiesOf({ paths: { '/api/v1/rooms/{room}/egress': {}, '/api/v1/rooms': {} } }),
    { recording: true, thumbnails: false });
  assert.deepEqual(capabilitiesOf({ paths: { '/api/v1/rooms/{room}/thumbnail.jpg': {} } }), { recording: false, thumbnails: true });
  assert.deepEqual(capabilitiesOf(null), { recording: false, thumbnails: false });
  assert.deepEqual(capabilitiesOf({ paths: { toString: {} } }), { recording: false, thumbnails: false });
});

test('the default fetch is called as a plain function, as browsers require', async () => {
  const seen: unknown[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = function (this: unknown) {
    seen.push(this);
    return Promise.resolve(new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } }));
  } as typeof fetch;
  try {
    await new Api('tok').rooms();
  } finally {
    globalThis.fetch = original;
  }
  assert.equal(seen.length, 1);
  assert.equal(seen[0], undefined, 'fetch was called as a method of the Api object');
});
