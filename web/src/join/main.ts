// The join page: pre-join screen, the call, and the screen after leaving. Keeps the call's phase
// (lib/callState), draws every button from the tracks (lib/muteState), and puts every failure into
// words (lib/joinErrors). window.mcuCall exposes the state to the browser tests. Main thread only.

import type { RTCSession } from 'jssip/lib/RTCSession';
import { Api, capabilities, roleInToken } from '../lib/api';
import { hasSession, nextPhase, type CallEvent, type Phase } from '../lib/callState';
import { duration, roleWords } from '../lib/format';
import { describeCause, describeInsecure, describeRefusal, describeUnreachable, type JoinFailure } from '../lib/joinErrors';
import { MuteEchoes } from '../lib/muteEchoes';
import { isOn, muteView, setOn, toggle, type DeviceButton, type Kind } from '../lib/muteState';
import { ordered, raisedHands, type ParticipantsState, type RoomEvent } from '../lib/participants';
import { pinProblem, roomProblem, roomUri, selfUri } from '../lib/sipUri';
import { attempt, show, toast } from '../ui/dom';
import { fillIcons } from '../ui/icons';
import { renderPeople } from '../ui/peopleList';
import { RoomLive } from '../ui/roomLive';
import { fillCallPickers, switchDevice, useSpeaker } from './callDevices';
import { canPickSpeaker } from './media';
import { pageElements } from './elements';
import { HostControls } from './hostControls';
import { Prejoin, type Remembered } from './prejoin';
import { hangUp, SipLink, type Accepted, type CallListener } from './sipCall';

const RECONNECT_GIVE_UP_MS = 30_000;
const RECONNECT_RETRY_MS = 3_000;

interface PageConfig { wsPort: number; wssPort: number; httpsPort: number }

const el = pageElements();
fillIcons();

/** What the browser tests read. */
const hook = {
  phase: 'idle' as Phase,
  finalStatus: null as number | null,
  cause: null as string | null,
  failure: null as string | null,
  peerConnection: null as RTCPeerConnection | null,
  localStream: null as MediaStream | null,
  selfId: null as string | null,
  role: null as string | null,
  participants: 0,
  answeredCalls: 0,   // first joins and rejoins the server answered
  deviceSwitch: '' as string,   // what the last in-call device change did, in words
};
(window as unknown as { mcuCall: typeof hook }).mcuCall = hook;

let phase: Phase = 'idle';
let link: SipLink | null = null;
let session: RTCSession | null = null;
let stream: MediaStream | null = null;   // in the call; the preview's before it
let remote: MediaStream | null = null;
let viewer = false;
let target = { room: '', pin: '', name: '' };
let api: Api | null = null;
let live: RoomLive | null = null;
let selfId: string | null = null;
let tokenRole: string | null = null;
let people: ParticipantsState | null = null;
let joinedAt = 0;
let clock: number | undefined;
let reconnect: { giveUp: number; retry: number | undefined } | null = null;
let remembered: Remembered = {};
let selfViewOn = false;

const echoes = new MuteEchoes();

const hostControls = new HostControls(el, {
  api: () => api, room: () => target.room, selfId: () => selfId, people: () => people,
});

const prejoin = new Prejoin(el, () => renderDevices(),
  () => phase === 'idle' || phase === 'prejoin' || phase === 'error' || (phase === 'joining' && stream === null && link === null));

function go(event: CallEvent): void {
  phase = nextPhase(phase, event);
  hook.phase = phase;
  render();
}

// ---- drawing -------------------------------------------------------------------------------

function render(): void {
  const inCall = phase === 'in-call' || phase === 'reconnecting';
  show(el.prejoin, phase === 'idle' || phase === 'prejoin' || phase === 'joining' || phase === 'error');
  show(el.call, inCall);
  show(el.left, phase === 'left');
  document.body.classList.toggle('in-call', inCall);
  el.join.disabled = phase === 'joining';
  for (const input of [el.room, el.name, el.pin, el.viewer]) {
    input.disabled = phase === 'joining' || inCall;
  }
  show(el.reconnecting, phase === 'reconnecting');
  el.callStatus.textContent = phase === 'reconnecting' ? 'Reconnecting…' : '';
  el.callRoom.textContent = target.room;
  renderDevices();
}

function drawButton(button: HTMLButtonElement, state: DeviceButton, shortOn: string, shortOff: string): void {
  button.setAttribute('aria-pressed', String(state.pressed));
  button.setAttribute('aria-label', state.label);
  button.title = state.label;
  button.disabled = state.disabled;
  button.classList.toggle('is-off', state.on !== true);
  const label = button.querySelector('.label');
  if (label) {
    label.textContent = state.on === null ? state.label : state.on ? shortOn : shortOff;
  }
}

/** Every microphone and camera button, from the tracks as they are now. */
function renderDevices(): void {
  const tracks = (stream ?? prejoin.stream)?.getTracks() ?? [];
  const view = muteView(tracks);
  drawButton(el.preMic, view.mic, '', '');
  drawButton(el.preCam, view.camera, '', '');
  drawButton(el.muteMic, view.mic, 'Mute', 'Unmute');
  drawButton(el.muteCam, view.camera, 'Stop video', 'Start video');
  show(el.preview, view.camera.on === true);
  show(el.previewPlaceholder, view.camera.on !== true);
  if (prejoin.stream && view.camera.on === false) {
    el.previewNote.textContent = 'Camera is off';
  }
  hook.localStream = stream ?? prejoin.stream;
  const viewing = prejoin.isViewer();
  document.body.classList.toggle('viewer-mode', viewing);
  el.join.textContent = phase === 'joining' ? 'Joining…' : viewing ? 'Join as a viewer' : 'Join meeting';
  const selfVideo = selfViewOn && view.camera.on === true && stream !== null;
  show(el.selfView, selfVideo);
  if (selfVideo && el.selfView.srcObject !== stream) {
    el.selfView.srcObject = stream;
  }
  el.toggleSelfView.setAttribute('aria-pressed', String(selfViewOn));
  el.toggleSelfView.setAttribute('aria-label', selfViewOn ? 'Hide self view' : 'Show self view');
}

function showFailure(failure: JoinFailure | null): void {
  el.status.replaceChildren();
  el.status.className = 'status';
  hook.failure = failure?.kind ?? null;
  if (!failure) {
    return;
  }
  el.status.classList.add('error');
  const title = document.createElement('strong');
  title.textContent = failure.title;
  const detail = document.createElement('span');
  detail.textContent = failure.detail;
  el.status.append(title, detail);
  el.status.scrollIntoView({ block: 'nearest' });
  if (failure.askPin) {
    show(el.pinRow, true);
    el.pin.value = failure.kind === 'pin-wrong' ? el.pin.value : '';
    window.setTimeout(() => { el.pin.focus(); el.pin.select(); }, 0);
  }
}

function renderPeopleState(): void {
  const state = people;
  const hostView = selfRole() === 'host';
  hostControls.render(hostView, state);
  if (!state) {
    el.peopleCount.textContent = '';
    el.peopleTitle.textContent = 'Participants';
    return;
  }
  const list = ordered(state, selfId);
  hook.participants = list.length;
  el.peopleCount.textContent = String(list.length);
  el.peopleTitle.textContent = `Participants (${list.length})`;
  const hands = raisedHands(state);
  el.togglePeople.classList.toggle('attention', hands > 0 && hostView);
  renderPeople(el.people, list, selfId, hostView ? hostControls.actions : null);
  const me = selfId ? state.byId[selfId] : undefined;
  const raised = me?.handRaised === true;
  el.raiseHand.setAttribute('aria-pressed', String(raised));
  el.raiseHand.setAttribute('aria-label', raised ? 'Lower hand' : 'Raise hand');
  el.raiseHand.querySelector('.label')!.textContent = raised ? 'Lower hand' : 'Raise hand';
}

function selfRole(): string | null {
  const fromList = selfId && people ? people.byId[selfId]?.role : undefined;
  return fromList ?? tokenRole;
}

// ---- joining -------------------------------------------------------------------------------

async function pageConfig(): Promise<PageConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`config.json: ${response.status}`);
  }
  return response.json() as Promise<PageConfig>;
}

function webSocketUrl(config: PageConfig): string | JoinFailure {
  const secure = location.protocol === 'https:';
  const port = secure ? config.wssPort : config.wsPort;
  if (!window.isSecureContext) {
    return describeInsecure(config.httpsPort ? `https://${location.hostname}:${config.httpsPort}/` : null);
  }
  if (!port) {
    return { ...describeUnreachable(location.hostname), detail: `The server has SIP over ${secure ? 'secure WebSocket (sip.wssPort)' : 'WebSocket (sip.wsPort)'} turned off.` };
  }
  return `${secure ? 'wss' : 'ws'}://${location.host.replace(/:\d+$/, '')}:${port}`;
}

async function join(): Promise<void> {
  if (hasSession(phase)) {
    return;
  }
  const room = el.room.value.trim();
  const name = el.name.value.trim();
  const pin = el.pin.value.trim();
  const problem = roomProblem(room) ?? (name ? null : 'Enter your name, so others know who you are.') ?? pinProblem(pin);
  if (problem) {
    showFailure({ kind: 'other', title: 'Almost there', detail: problem, askPin: false, retryAfterSeconds: null });
    return;
  }
  if (prejoin.lobby?.pinRequired && !pin) {
    showFailure(describeRefusal({ status: 403, reasonPhrase: 'PIN required', pinSent: false }));
    return;
  }
  localStorage.setItem('mcu.name', name);
  showFailure(null);
  target = { room, pin, name };
  viewer = prejoin.isViewer();
  go({ type: 'join' });
  if (!viewer && !prejoin.stream) {
    const failure = await prejoin.openPreview(remembered);
    if (failure) {
      fail(failure);
      return;
    }
  }
  let url: string | JoinFailure;
  try {
    url = webSocketUrl(await pageConfig());
  } catch {
    url = describeUnreachable(location.host);
  }
  if (typeof url !== 'string') {
    fail(url);
    return;
  }
  const wsUrl = url;
  stream = viewer ? null : prejoin.handOver();
  link = new SipLink(wsUrl, name, selfUri(name, location.hostname), onConnection);
  try {
    await link.connect();
  } catch {
    fail(describeUnreachable(wsUrl));
    return;
  }
  placeCall();
}

function placeCall(): void {
  if (!link) {
    return;
  }
  remote = new MediaStream();
  el.remote.srcObject = remote;
  let mine: RTCSession | null = null;
  const current = () => mine !== null && session === mine;
  const listener: CallListener = {
    accepted: (a) => { if (current()) { accepted(a); } },
    refused: (refusal, cause) => {
      if (!current()) {
        return;
      }
      hook.finalStatus = refusal?.status ?? null;
      hook.cause = cause;
      const failure = refusal ? describeRefusal(refusal) : describeCause(cause, link?.wsUrl ?? location.host);
      if (phase === 'reconnecting' && failure.kind !== 'pin-required' && failure.kind !== 'pin-wrong' && failure.kind !== 'not-found') {
        session = null;
        scheduleRetry();
        return;
      }
      fail(failure);
    },
    ended: (byServer, cause) => {
      if (!current()) {
        return;
      }
      hook.cause = cause;
      session = null;
      finish(byServer ? 'The meeting ended for you' : 'You left the meeting',
        byServer ? 'The server hung up the call. You can rejoin if the meeting is still on.' : '');
    },
    track: (track) => {
      if (current() && remote) {
        remote.addTrack(track);
      }
    },
    mediaFlowing: () => { if (current()) { mediaFlowing(); } },
    mediaLost: () => {
      if (!current()) {
        return;
      }
      if (phase === 'reconnecting') {
        // The rejoined call's media failed too: the path is still cut. Another call shortly.
        el.reconnectingDetail.textContent = 'Audio and video cannot get through yet. Trying again…';
        scheduleRetry();
      } else {
        connectionLost('Audio and video stopped flowing.');
      }
    },
  };
  mine = link.call(roomUri(target.room, target.pin, location.hostname), stream, listener);
  session = mine;
  hook.peerConnection = mine.connection;
}

function accepted(a: Accepted): void {
  hook.finalStatus = a.status;
  hook.answeredCalls++;
  if (phase === 'reconnecting') {
    // Still reconnecting: the WebSocket can come back before the media path does, so the page says
    // it is back only when this call's media flows (mediaFlowing), or retries when it fails.
    el.reconnectingDetail.textContent = 'Back in the room; waiting for audio and video…';
    startRoomLive(a);
    return;
  }
  go({ type: 'accepted' });
  if (!joinedAt) {
    joinedAt = Date.now();
    clock = window.setInterval(() => { el.callTimer.textContent = duration((Date.now() - joinedAt) / 1000); }, 1000);
    el.callTimer.textContent = duration(0);
  }
  useChosenSpeaker();
  startRoomLive(a);
  render();
}

/** The rejoined call's media path is up: the reconnect is over. */
function mediaFlowing(): void {
  if (phase !== 'reconnecting') {
    return;
  }
  stopReconnecting();
  go({ type: 'media-flowing' });
  toast('Reconnected');
  useChosenSpeaker();
}

function useChosenSpeaker(): void {
  const speaker = el.speakerSelect.value;
  if (speaker) {
    void import('./media').then((m) => m.useSpeaker(el.remote, speaker)).catch(() => undefined);
  }
}

function startRoomLive(a: Accepted): void {
  live?.stop();
  live = null;
  selfId = a.participantId;
  hook.selfId = selfId;
  tokenRole = a.token ? roleInToken(a.token) : null;
  hook.role = tokenRole;
  if (!a.token) {
    api = null;
    people = null;
    el.peopleNote.textContent = 'This server does not share its participant list (it has no control-plane API).';
    show(el.peopleNote, true);
    el.raiseHand.disabled = true;
    el.raiseHand.title = 'This server does not support raised hands';
    renderPeopleState();
    return;
  }
  api = new Api(a.token);
  show(el.record, false);
  void capabilities().then((c) => show(el.record, c.recording));
  el.raiseHand.disabled = false;
  el.raiseHand.title = '';
  show(el.peopleNote, false);
  live = new RoomLive(api, target.room, {
    changed: (state, event) => {
      const before = selfRole();
      const me = selfId && people ? people.byId[selfId] : undefined;
      const mutedBefore = { audio: me?.audioMuted === true, video: me?.videoMuted === true };
      people = state;
      show(el.peopleNote, false);
      hook.role = selfRole();
      if (event) {
        reactToOwnEvent(event, before, mutedBefore);
      }
      renderPeopleState();
    },
    unavailable: (why) => {
      el.peopleNote.textContent = `The participant list is not available: ${why}`;
      show(el.peopleNote, true);
    },
  }, selfId);
  live.start();
}

/**
 * What the host did to us: muted us (the tracks follow, so the button stays true), changed our role.
 * Our own mute requests come back as events too, late: those are recognised and left alone.
 */
function reactToOwnEvent(event: RoomEvent, roleBefore: string | null, mutedBefore: Record<Kind, boolean>): void {
  if (event.participant !== selfId || !stream) {
    return;
  }
  if (event.type === 'participant.muted') {
    for (const kind of ['audio', 'video'] as const) {
      const echo = echoes.isEcho(kind, event[kind], Date.now());
      if (!echo && event[kind] === true && !mutedBefore[kind] && isOn(stream.getTracks(), kind) === true) {
        setOn(stream.getTracks(), kind, false);
        toast(kind === 'audio' ? 'The host muted your microphone' : 'The host turned your camera off');
      }
    }
    renderDevices();
  } else if (event.type === 'participant.role' && typeof event.role === 'string' && event.role !== roleBefore) {
    toast(`You are now ${event.role === 'attendee' ? 'an' : 'a'} ${(roleWords[event.role] ?? event.role).toLowerCase()}`);
  }
}

function fail(failure: JoinFailure): void {
  const s = session;
  session = null;
  hangUp(s);
  endCall();
  showFailure(failure);
  go({ type: 'failed' });
  if (failure.kind === 'media-denied' || failure.kind === 'media-missing') {
    // As in Jitsi: one can still take part by watching and listening.
    el.viewerText.textContent = 'Join without camera and microphone (watch and listen)';
    show(el.viewerRow, true);
  }
  if (!viewer && !prejoin.stream && failure.kind !== 'media-denied') {
    void prejoin.openPreview(remembered);
  }
}

/** The user or the server ended the call: release everything and show the screen after the call. */
function finish(title: string, detail: string): void {
  endCall();
  el.leftTitle.textContent = title;
  el.leftDetail.textContent = detail;
  go({ type: phase === 'joining' ? 'leave' : 'ended' });
}

function leave(): void {
  const s = session;
  session = null;
  hangUp(s);
  const stayed = joinedAt ? ` You were in ${target.room} for ${duration((Date.now() - joinedAt) / 1000)}.` : '';
  finish('You left the meeting', `Your camera and microphone are off.${stayed}`);
}

/** Stops the call's media, link, timers and live list; remembers mute choices for a rejoin. */
function endCall(): void {
  if (stream) {
    remembered = { audio: isOn(stream.getTracks(), 'audio'), video: isOn(stream.getTracks(), 'video') };
    stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }
  stopReconnecting();
  link?.stop();
  link = null;
  live?.stop();
  live = null;
  api = null;
  people = null;
  selfId = null;
  tokenRole = null;
  hostControls.reset();
  remote = null;
  el.remote.srcObject = null;
  el.selfView.srcObject = null;
  window.clearInterval(clock);
  joinedAt = 0;
  el.callTimer.textContent = '';
  openPanel(null);
  renderPeopleState();
  renderDevices();
}

// ---- reconnecting --------------------------------------------------------------------------

function onConnection(up: boolean): void {
  if (!up && phase === 'in-call') {
    connectionLost('The connection to the server dropped.');
  } else if (up && phase === 'reconnecting') {
    rejoin(); // any session now is the dropped one, or an attempt made on the dead socket
  }
}

function connectionLost(why: string): void {
  if (phase !== 'in-call') {
    return;
  }
  go({ type: 'connection-lost' });
  el.reconnectingDetail.textContent = `${why} Trying to get you back in…`;
  reconnect = {
    giveUp: window.setTimeout(() => {
      const s = session;
      session = null;
      hangUp(s);
      endCall();
      showFailure({ kind: 'unreachable', title: 'Lost the connection', detail: 'Could not get back into the meeting. Check your network, then join again.',
        askPin: false, retryAfterSeconds: null });
      go({ type: 'gave-up' });
      void prejoin.openPreview(remembered);
    }, RECONNECT_GIVE_UP_MS),
    retry: undefined,
  };
  if (link?.connected) {
    rejoin();
  }
}

/** A fresh INVITE with the same camera and microphone (the server is ICE-lite: a new call is the sure way back). */
function rejoin(): void {
  if (phase !== 'reconnecting' || !link) {
    return;
  }
  const old = session;
  session = null;
  hangUp(old);
  if (!link.connected) {
    return; // onConnection(true) calls back when the WebSocket is up again
  }
  placeCall();
}

function scheduleRetry(): void {
  if (!reconnect) {
    return;
  }
  window.clearTimeout(reconnect.retry);
  reconnect.retry = window.setTimeout(rejoin, RECONNECT_RETRY_MS);
}

function stopReconnecting(): void {
  if (reconnect) {
    window.clearTimeout(reconnect.giveUp);
    window.clearTimeout(reconnect.retry);
    reconnect = null;
  }
}

// ---- controls ------------------------------------------------------------------------------

function toggleDevice(kind: Kind): void {
  const tracks = (stream ?? prejoin.stream)?.getTracks() ?? [];
  const on = toggle(tracks, kind);
  renderDevices();
  if (on !== null && api && selfId) {
    // Tell the room, so the others' lists show it; the track is what silences us either way.
    echoes.sent(kind, !on, Date.now());
    void api.mute(target.room, selfId, { [kind]: !on }).catch(() => undefined);
  }
}

el.form.addEventListener('submit', (e) => { e.preventDefault(); void join(); });
el.preMic.addEventListener('click', () => toggleDevice('audio'));
el.preCam.addEventListener('click', () => toggleDevice('video'));
el.muteMic.addEventListener('click', () => toggleDevice('audio'));
el.muteCam.addEventListener('click', () => toggleDevice('video'));
el.leave.addEventListener('click', leave);
el.rejoin.addEventListener('click', () => {
  if (link?.connected) {
    rejoin();
  } else {
    toast('Still waiting for the network…');
  }
});
el.rejoinAfterLeave.addEventListener('click', () => void join());
el.backToStart.addEventListener('click', () => {
  go({ type: 'show-prejoin' });
  void prejoin.openPreview(remembered);
});
el.raiseHand.addEventListener('click', () => {
  if (!api || !selfId) {
    return;
  }
  const raised = el.raiseHand.getAttribute('aria-pressed') === 'true';
  void attempt(raised ? 'Lowering your hand' : 'Raising your hand', () => api!.hand(target.room, selfId!, !raised));
});
function openPanel(which: 'people' | 'settings' | null): void {
  show(el.peoplePanel, which === 'people');
  show(el.settingsPanel, which === 'settings');
  el.togglePeople.setAttribute('aria-pressed', String(which === 'people'));
  el.toggleSettings.setAttribute('aria-pressed', String(which === 'settings'));
  if (which === 'settings') {
    show(el.callSpeakerRow, canPickSpeaker());
    void fillCallPickers(stream, el.callCameraSelect, el.callMicSelect, el.callSpeakerSelect, el.speakerSelect.value);
  }
}

async function changeDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
  const pc = hook.peerConnection;
  if (!stream || !pc || !deviceId) {
    hook.deviceSwitch = `not switched: ${!stream ? 'no call stream' : !pc ? 'no peer connection' : 'the device has no id'}`;
    return;
  }
  hook.deviceSwitch = `switching ${kind} to ${deviceId}`;
  let switched = false;
  const ok = await attempt(kind === 'audio' ? 'Switching the microphone' : 'Switching the camera',
    async () => { switched = await switchDevice(stream!, pc, kind, deviceId); });
  hook.deviceSwitch = !ok ? `${kind} switch failed` : switched ? `${kind} switched` : `${kind} already on that device`;
  if (ok) {
    renderDevices();
    if (el.selfView.srcObject === stream) {
      el.selfView.srcObject = null; // re-attached with the new track by renderDevices
      renderDevices();
    }
  }
}

el.togglePeople.addEventListener('click', () => openPanel(el.peoplePanel.hidden ? 'people' : null));
el.toggleSettings.addEventListener('click', () => openPanel(el.settingsPanel.hidden ? 'settings' : null));
el.closeSettings.addEventListener('click', () => openPanel(null));
el.callCameraSelect.addEventListener('change', () => void changeDevice('video', el.callCameraSelect.value));
el.callMicSelect.addEventListener('change', () => void changeDevice('audio', el.callMicSelect.value));
el.callSpeakerSelect.addEventListener('change', () => {
  el.speakerSelect.value = el.callSpeakerSelect.value;
  void attempt('Switching the speaker', () => useSpeaker(el.remote, el.callSpeakerSelect.value));
});
el.closePeople.addEventListener('click', () => openPanel(null));
el.toggleSelfView.addEventListener('click', () => {
  selfViewOn = !selfViewOn;
  renderDevices();
});
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (typing || e.ctrlKey || e.metaKey || e.altKey || phase !== 'in-call') {
    return;
  }
  if (e.key === 'm') {
    toggleDevice('audio');
  } else if (e.key === 'v') {
    toggleDevice('video');
  }
});
window.addEventListener('beforeunload', () => {
  if (hasSession(phase)) {
    leave();
  }
});

// ---- start ---------------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
el.room.value = params.get('room') ?? '';
el.name.value = params.get('name') ?? localStorage.getItem('mcu.name') ?? '';
go({ type: 'show-prejoin' });
void (async () => {
  await prejoin.lookUp();
  if (!prejoin.isViewer() && !prejoin.stream) {
    await prejoin.openPreview();
  }
  if (document.activeElement === document.body) {
    (el.room.value ? el.name : el.room).focus(); // never take the cursor from a field being typed in
  }
})();
