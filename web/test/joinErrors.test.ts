import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCause, describeMediaError, describeRefusal } from '../src/lib/joinErrors';

test('403 PIN required asks for the PIN', () => {
  const f = describeRefusal({ status: 403, reasonPhrase: 'PIN required', pinSent: false });
  assert.equal(f.kind, 'pin-required');
  assert.equal(f.title, 'This room needs a PIN');
  assert.equal(f.askPin, true);
});

test('403 Wrong PIN says so and asks again', () => {
  const f = describeRefusal({ status: 403, reasonPhrase: 'Wrong PIN', pinSent: true });
  assert.equal(f.kind, 'pin-wrong');
  assert.equal(f.title, 'Wrong PIN');
  assert.equal(f.askPin, true);
});

test('a plain 403 Forbidden is read from what was sent: no PIN -> PIN required, a PIN -> wrong PIN', () => {
  assert.equal(describeRefusal({ status: 403, reasonPhrase: 'Forbidden', pinSent: false }).kind, 'pin-required');
  assert.equal(describeRefusal({ status: 403, reasonPhrase: 'Forbidden', pinSent: true }).kind, 'pin-wrong');
  assert.equal(describeRefusal({ status: 403, reasonPhrase: 'Forbidden', pinSent: false,
    warning: '399 mcu "room \'board\' needs a PIN (dial sip:board*PIN@host)"' }).kind, 'pin-required');
});

test('403 Room locked does not ask for a PIN', () => {
  const f = describeRefusal({ status: 403, reasonPhrase: 'Room locked', pinSent: true });
  assert.equal(f.kind, 'locked');
  assert.equal(f.askPin, false);
  assert.match(f.detail, /host/);
});

test('404 is an unknown room', () => {
  assert.equal(describeRefusal({ status: 404, reasonPhrase: 'Not Found', pinSent: false }).title, 'No such room');
});

test('503 tells a full room from a draining server and says when to retry', () => {
  const full = describeRefusal({ status: 503, reasonPhrase: 'Service Unavailable', pinSent: false,
    warning: '399 mcu "room \'x\' is full (8 participants, rooms.maxParticipants)"', retryAfter: '30' });
  assert.equal(full.kind, 'full');
  assert.equal(full.title, 'The room is full');
  assert.equal(full.retryAfterSeconds, 30);
  assert.match(full.detail, /30 seconds/);
  const draining = describeRefusal({ status: 503, reasonPhrase: 'Service Unavailable', pinSent: false,
    warning: '399 mcu "the server is shutting down"', retryAfter: '300' });
  assert.equal(draining.kind, 'draining');
  assert.match(draining.detail, /5 minutes/);
  assert.equal(describeRefusal({ status: 503, pinSent: false }).kind, 'busy');
});

test('488 means no codec in common', () => {
  assert.equal(describeRefusal({ status: 488, reasonPhrase: 'Not Acceptable Here', pinSent: false }).kind, 'incompatible');
});

test('no WebSocket connection is "cannot reach the server", naming it', () => {
  const f = describeCause('Connection Error', 'ws://meet.example:5062');
  assert.equal(f.kind, 'unreachable');
  assert.equal(f.title, 'Cannot reach the server');
  assert.match(f.detail, /ws:\/\/meet\.example:5062/);
});

test('getUserMedia NotAllowedError is a blocked camera and microphone, with the fix', () => {
  const f = describeMediaError({ name: 'NotAllowedError', message: 'Permission denied' });
  assert.equal(f.kind, 'media-denied');
  assert.match(f.detail, /Allow/);
  assert.equal(describeMediaError({ name: 'NotFoundError' }).kind, 'media-missing');
  assert.equal(describeMediaError({ name: 'NotReadableError' }).kind, 'media-busy');
});

test('unknown statuses still say what the server answered', () => {
  const f = describeRefusal({ status: 420, reasonPhrase: 'Bad Extension', pinSent: false });
  assert.match(f.detail, /420 Bad Extension/);
});
