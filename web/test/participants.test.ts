import { test } from 'node:test';
import assert from 'node:assert/strict';
import { empty, loaded, ordered, raisedHands, reduce, reloaded, type ApiParticipant, type RoomEvent } from '../src/lib/participants';

const api: ApiParticipant[] = [
  { id: 'b', name: 'Bob', role: 'speaker', transport: 'udp', audio: { muted: false, talking: false }, video: { muted: false },
    handRaised: false, joinedAt: '2026-12-04T10:00:02Z' },
  { id: 'a', name: 'Ada', role: 'host', transport: 'wss', audio: { muted: true, talking: false }, video: { muted: false },
    handRaised: false, joinedAt: '2026-12-04T10:00:01Z' },
];

function ev(type: string, participant: string | undefined, data: Record<string, unknown> = {}): RoomEvent {
  return { type, room: 'board', at: '2026-12-04T10:01:00Z', participant, ...data };
}

test('the API list is loaded in joining order with roles and mute state', () => {
  const s = loaded(empty, api);
  assert.deepEqual(Object.values(s.byId).sort((x, y) => x.seq - y.seq).map((p) => p.name), ['Ada', 'Bob']);
  assert.equal(s.byId.a.role, 'host');
  assert.equal(s.byId.a.audioMuted, true);
});

test('joins and leaves follow the events', () => {
  let s = loaded(empty, api);
  s = reduce(s, ev('participant.joined', 'c', { name: 'Cy', role: 'attendee' }));
  assert.equal(s.byId.c.name, 'Cy');
  assert.equal(s.byId.c.role, 'attendee');
  s = reduce(s, ev('participant.left', 'b', { reason: 'bye' }));
  assert.equal(s.byId.b, undefined);
  assert.equal(Object.keys(s.byId).length, 2);
});

test('a join without a name shows "Guest" until the list is reloaded; a repeated join changes nothing', () => {
  let s = reduce(empty, ev('participant.joined', 'x'));
  assert.equal(s.byId.x.name, 'Guest');
  const again = reduce(s, ev('participant.joined', 'x', { name: 'Other' }));
  assert.equal(again, s);
});

test('talking, mute, role and hand events change that participant only', () => {
  let s = loaded(empty, api);
  s = reduce(s, ev('participant.talking', 'b', { talking: true }));
  assert.equal(s.byId.b.talking, true);
  s = reduce(s, ev('participant.muted', 'b', { audio: true }));
  assert.equal(s.byId.b.audioMuted, true);
  assert.equal(s.byId.b.talking, false, 'a muted person is not talking');
  assert.equal(s.byId.b.videoMuted, false, 'video left as it was when the event does not say');
  s = reduce(s, ev('participant.role', 'b', { role: 'host' }));
  assert.equal(s.byId.b.role, 'host');
  s = reduce(s, ev('participant.hand', 'b', { raised: true }));
  assert.equal(s.byId.b.handRaised, true);
  assert.equal(raisedHands(s), 1);
  assert.equal(s.byId.a.role, 'host');
  assert.equal(s.byId.a.handRaised, false);
});

test('events about unknown people or with bad data change nothing', () => {
  const s = loaded(empty, api);
  assert.equal(reduce(s, ev('participant.talking', 'zz', { talking: true })), s);
  assert.equal(reduce(s, ev('participant.talking', 'a', { talking: 'yes' })), s);
  assert.equal(reduce(s, ev('participant.hand', 'a', {})), s);
  assert.equal(reduce(s, ev('something.new', 'a')), s);
});

test('room-wide events: speaker, layout, lock, recording', () => {
  let s = loaded(empty, api);
  s = reduce(s, ev('speaker.changed', 'b'));
  assert.equal(s.speaker, 'b');
  s = reduce(s, ev('layout.changed', undefined, { kind: 'speaker', focus: 'b' }));
  assert.equal(s.layout, 'speaker');
  s = reduce(s, ev('room.locked', undefined, { locked: true }));
  assert.equal(s.locked, true);
  s = reduce(s, ev('egress.started', undefined, { kind: 'record' }));
  assert.equal(s.recording, true);
  s = reduce(s, ev('egress.started', undefined, { kind: 'rtmp' }));
  assert.equal(s.recording, true);
  s = reduce(s, ev('egress.stopped', undefined, { kind: 'record' }));
  assert.equal(s.recording, false);
  s = reduce(s, ev('participant.left', 'b'));
  assert.equal(s.speaker, null);
});

test('the list shows you first, then raised hands, hosts, speakers, attendees', () => {
  let s = loaded(empty, api);
  s = reduce(s, ev('participant.joined', 'c', { name: 'Cy', role: 'attendee' }));
  s = reduce(s, ev('participant.joined', 'd', { name: 'Di', role: 'attendee' }));
  s = reduce(s, ev('participant.hand', 'd', { raised: true }));
  assert.deepEqual(ordered(s, 'c').map((p) => p.name), ['Cy', 'Di', 'Ada', 'Bob']);
  assert.deepEqual(ordered(s, null).map((p) => p.name), ['Di', 'Ada', 'Bob', 'Cy']);
});

test('a reload answered before a recording started does not undo the event that said it started', () => {
  const notYet = { layout: 'grid', locked: false, recording: false };
  let s = reloaded(empty, api, notYet, []);
  const started = ev('egress.started', undefined, { kind: 'record' });
  s = reduce(s, started);                        // the event arrives while the next reload is under way
  s = reloaded(s, api, notYet, [started]);       // its answer was read before the recording began
  assert.equal(s.recording, true);
  assert.equal(s.layout, 'grid');
});

test('events during a reload are applied on its answer in order: a join and a leave, a lock and an unlock', () => {
  const during = [ev('participant.joined', 'c', { name: 'Cy', role: 'speaker' }), ev('room.locked', undefined, { locked: true }),
    ev('participant.left', 'b', { reason: 'bye' }), ev('room.locked', undefined, { locked: false })];
  const s = reloaded(empty, api, { locked: false }, during);
  assert.deepEqual(Object.keys(s.byId).sort(), ['a', 'c']);
  assert.equal(s.locked, false);
});

test('a reload whose answer already includes the events it replays is unchanged by them', () => {
  const withCy = [...api, { id: 'c', name: 'Cy', role: 'speaker', transport: 'udp', audio: { muted: false, talking: false },
    video: { muted: false }, handRaised: false, joinedAt: '2026-12-04T10:00:03Z' } as ApiParticipant];
  const s = reloaded(empty, withCy, { recording: true }, [ev('participant.joined', 'c', { name: 'Cy' }),
    ev('egress.started', undefined, { kind: 'record' })]);
  assert.deepEqual(s, reloaded(empty, withCy, { recording: true }, []));
});
