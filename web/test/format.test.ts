import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, initials } from '../src/lib/format';
import { rmsLevel, smoothLevel } from '../src/lib/level';

test('call durations read like a clock', () => {
  assert.equal(duration(0), '0:00');
  assert.equal(duration(187), '3:07');
  assert.equal(duration(3723), '1:02:03');
});

test('initials for the avatars', () => {
  assert.equal(initials('Ada Lovelace'), 'AL');
  assert.equal(initials('bob'), 'B');
  assert.equal(initials('  '), '?');
  assert.equal(initials('Jean Paul Sartre'), 'JS');
});

test('the meter: silence is empty, full scale is full, speech level about half', () => {
  assert.equal(rmsLevel(new Float32Array(512)), 0);
  assert.equal(rmsLevel(new Float32Array(512).fill(1)), 1);
  const speech = rmsLevel(new Float32Array(512).fill(0.0316)); // -30 dBFS
  assert.ok(Math.abs(speech - 0.5) < 0.01, `-30 dBFS shows ${speech}`);
  assert.equal(smoothLevel(0.2, 0.8), 0.8, 'rises at once');
  assert.ok(smoothLevel(0.8, 0) > 0.6, 'falls slowly');
});
