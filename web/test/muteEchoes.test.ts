import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MuteEchoes } from '../src/lib/muteEchoes';

test('mute then unmute quickly: both events are ours, neither is the host muting us', () => {
  const echoes = new MuteEchoes();
  echoes.sent('audio', true, 0);
  echoes.sent('audio', false, 100);
  assert.equal(echoes.isEcho('audio', true, 300), true);
  assert.equal(echoes.isEcho('audio', false, 400), true);
});

test('a mute we did not ask for is the host', () => {
  const echoes = new MuteEchoes();
  assert.equal(echoes.isEcho('audio', true, 0), false);
  echoes.sent('video', true, 0);
  assert.equal(echoes.isEcho('audio', true, 10), false, 'our camera request says nothing about the microphone');
});

test('each request answers one event only, and old requests are forgotten', () => {
  const echoes = new MuteEchoes();
  echoes.sent('audio', true, 0);
  assert.equal(echoes.isEcho('audio', true, 10), true);
  assert.equal(echoes.isEcho('audio', true, 20), false, 'a second mute event is the host');
  echoes.sent('audio', true, 0);
  assert.equal(echoes.isEcho('audio', true, 10_001), false, 'a request whose event never came is dropped');
});
