import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinProblem, roomProblem, roomUri, selfUri } from '../src/lib/sipUri';

test('room and PIN make sip:ROOM*PIN@host; without a PIN sip:ROOM@host', () => {
  assert.equal(roomUri('board', '1234', 'meet.example'), 'sip:board*1234@meet.example');
  assert.equal(roomUri(' board ', '', '127.0.0.1'), 'sip:board@127.0.0.1');
});

test('an IPv6 page host gets brackets', () => {
  assert.equal(roomUri('r', '', '::1'), 'sip:r@[::1]');
  assert.equal(roomUri('r', '', '[::1]'), 'sip:r@[::1]');
});

test('a PIN typed into the room name is refused with the way to do it', () => {
  assert.match(roomProblem('board*1234') ?? '', /PIN field/);
  assert.throws(() => roomUri('board*1234', '', 'h'), /PIN field/);
});

test('room names and PINs that cannot be dialled are explained', () => {
  assert.match(roomProblem('') ?? '', /Enter the name/);
  assert.match(roomProblem('a b') ?? '', /letters, digits/);
  assert.match(roomProblem('x'.repeat(65)) ?? '', /64/);
  assert.equal(roomProblem('team-2.sync_a'), null);
  assert.match(pinProblem('12a') ?? '', /digits/);
  assert.equal(pinProblem(''), null);
});

test('our own address is the display name made safe', () => {
  assert.equal(selfUri('Ada Lovelace', 'h'), 'sip:Ada.Lovelace@h');
  assert.equal(selfUri('  ', 'h'), 'sip:guest@h');
  assert.equal(selfUri('Zoë <x>', 'h'), 'sip:Zo.x@h');
});
