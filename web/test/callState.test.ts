import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasSession, nextPhase, type CallEvent, type Phase } from '../src/lib/callState';

function run(from: Phase, ...events: CallEvent['type'][]): Phase {
  return events.reduce<Phase>((p, type) => nextPhase(p, { type } as CallEvent), from);
}

test('a join that is answered reaches the call; leaving ends on the screen after the call', () => {
  assert.equal(run('idle', 'show-prejoin', 'join', 'accepted'), 'in-call');
  assert.equal(run('in-call', 'leave'), 'left');
});

test('a refused join lands on the error screen, from which the user can join again', () => {
  assert.equal(run('prejoin', 'join', 'failed'), 'error');
  assert.equal(run('error', 'join', 'accepted'), 'in-call');
});

test('a dropped connection shows reconnecting until the rejoined call\'s media flows again', () => {
  assert.equal(run('in-call', 'connection-lost'), 'reconnecting');
  assert.equal(run('in-call', 'connection-lost', 'accepted'), 'reconnecting', 'answered while the media is still cut');
  assert.equal(run('in-call', 'connection-lost', 'accepted', 'media-flowing'), 'in-call');
  assert.equal(run('in-call', 'connection-lost', 'gave-up'), 'error');
  assert.equal(run('in-call', 'connection-lost', 'leave'), 'left');
});

test('the server hanging up ends the call; rejoining from the left screen dials again', () => {
  assert.equal(run('in-call', 'ended'), 'left');
  assert.equal(run('left', 'join'), 'joining');
  assert.equal(run('left', 'show-prejoin'), 'prejoin');
});

test('events that do not apply leave the phase alone', () => {
  assert.equal(run('prejoin', 'accepted'), 'prejoin');
  assert.equal(run('in-call', 'join'), 'in-call');
  assert.equal(run('left', 'connection-lost'), 'left');
  assert.equal(run('idle', 'leave'), 'idle');
});

test('a session exists only while joining, in the call or reconnecting', () => {
  const withSession = (['idle', 'prejoin', 'joining', 'in-call', 'reconnecting', 'left', 'error'] as Phase[]).filter(hasSession);
  assert.deepEqual(withSession, ['joining', 'in-call', 'reconnecting']);
});
