import { test } from 'node:test';
import assert from 'node:assert/strict';
import { muteView, setOn, toggle, type TrackLike } from '../src/lib/muteState';

function track(kind: string, enabled = true, readyState = 'live'): TrackLike {
  return { kind, enabled, readyState };
}

test('mute turns the microphone track off and the button offers to unmute', () => {
  const tracks = [track('audio'), track('video')];
  assert.equal(muteView(tracks).mic.label, 'Mute microphone');
  assert.equal(toggle(tracks, 'audio'), false);
  assert.equal(tracks[0].enabled, false);
  assert.equal(tracks[1].enabled, true, 'the camera is not touched');
  const view = muteView(tracks);
  assert.equal(view.mic.label, 'Unmute microphone');
  assert.equal(view.mic.pressed, true);
  assert.equal(view.camera.label, 'Stop camera');
});

test('mute, leave, join again: the new live microphone is shown as live (the old page said "Unmute")', () => {
  const first = [track('audio'), track('video')];
  toggle(first, 'audio');
  first.forEach((t) => Object.assign(t, { readyState: 'ended' })); // Leave stops the tracks
  const second = [track('audio'), track('video')];                 // Join again: fresh tracks, enabled
  const view = muteView(second);
  assert.equal(view.mic.on, true);
  assert.equal(view.mic.label, 'Mute microphone');
  assert.equal(view.mic.pressed, false);
});

test('a muted track carried into the call keeps the button on Unmute', () => {
  const tracks = [track('audio', false)];
  assert.equal(muteView(tracks).mic.label, 'Unmute microphone');
  setOn(tracks, 'audio', true);
  assert.equal(muteView(tracks).mic.label, 'Mute microphone');
});

test('without a live track the button says there is no device and cannot be pressed', () => {
  const view = muteView([track('audio', true, 'ended')]);
  assert.equal(view.mic.on, null);
  assert.equal(view.mic.label, 'No microphone');
  assert.equal(view.mic.disabled, true);
  assert.equal(view.camera.label, 'No camera');
  assert.equal(toggle([], 'video'), null);
});

test('toggling flips from the tracks, not from a remembered flag', () => {
  const tracks = [track('audio')];
  tracks[0].enabled = false; // changed behind the button's back (e.g. the host muted us)
  assert.equal(toggle(tracks, 'audio'), true);
  assert.equal(tracks[0].enabled, true);
});
