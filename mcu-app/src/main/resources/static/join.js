// The join page: camera and microphone, a SIP call over WebSocket (JsSIP) into sip:ROOM@<this host>,
// the room's composite shown large. window.mcuCall exposes the call's state for tests.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const state = window.mcuCall = {
    phase: 'idle',          // idle | media | connecting | calling | in-call | ended | failed
    finalStatus: null,      // the SIP status of the INVITE's final response, e.g. 200 or 488
    cause: null,            // JsSIP's cause when the call failed or ended
    peerConnection: null,
  };
  let ua = null;
  let session = null;
  let localStream = null;

  function show(text) {
    $('status').textContent = text;
  }

  function setPhase(phase, text) {
    state.phase = phase;
    show(text);
    const inCall = phase === 'connecting' || phase === 'calling' || phase === 'in-call';
    $('join').disabled = inCall;
    $('leave').disabled = !inCall;
  }

  async function config() {
    const response = await fetch('config.json', { cache: 'no-store' });
    return response.json();
  }

  async function join(room, name) {
    setPhase('media', 'Opening camera and microphone…');
    const ports = await config();
    if (!window.isSecureContext) {
      // Browsers offer the camera only to https pages and http://127.0.0.1 / localhost.
      const https = ports.httpsPort ? 'https://' + location.hostname + ':' + ports.httpsPort + '/' : 'https';
      state.cause = 'insecure origin';
      setPhase('failed', 'Browsers allow the camera only over HTTPS here: open ' + https);
      return;
    }
    // A page on https may only open wss:// (mixed content is blocked).
    const secure = location.protocol === 'https:';
    const port = secure ? ports.wssPort : ports.wsPort;
    if (!port) {
      state.cause = 'no ' + (secure ? 'wss' : 'ws') + ' port';
      setPhase('failed', 'The server has SIP over ' + (secure ? 'secure WebSocket (sip.wssPort)' : 'WebSocket (sip.wsPort)') + ' turned off');
      return;
    }
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    } catch (e) {
      state.cause = String(e);
      setPhase('failed', 'No camera or microphone: ' + e.message);
      return;
    }
    $('local').srcObject = localStream;
    $('mute-mic').disabled = false;
    $('mute-cam').disabled = false;

    const host = location.hostname;
    const socket = new JsSIP.WebSocketInterface((secure ? 'wss://' : 'ws://') + host + ':' + port);
    ua = new JsSIP.UA({
      sockets: [socket],
      uri: 'sip:' + encodeURIComponent(name.replace(/\s+/g, '.')) + '@' + host,
      display_name: name,
      register: false,
      session_timers: false,
      connection_recovery_max_interval: 5,
    });
    setPhase('connecting', 'Connecting…');
    ua.on('connected', () => call(room, host));
    ua.on('disconnected', () => {
      if (state.phase === 'connecting') {
        setPhase('failed', 'Cannot reach the server over WebSocket');
      }
    });
    ua.start();
  }

  function call(room, host) {
    if (session) {
      return; // a reconnect of the WebSocket must not dial twice
    }
    setPhase('calling', 'Calling room ' + room + '…');
    session = ua.call('sip:' + room + '@' + host, {
      mediaStream: localStream,
      pcConfig: { iceServers: [] },
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    state.peerConnection = session.connection;
    session.connection.addEventListener('track', (event) => {
      const remote = $('remote');
      if (!remote.srcObject) {
        remote.srcObject = new MediaStream();
      }
      remote.srcObject.addTrack(event.track);
    });
    session.on('accepted', (e) => {
      state.finalStatus = e.response ? e.response.status_code : 200;
      setPhase('in-call', 'In room ' + room);
    });
    session.on('failed', (e) => {
      state.finalStatus = e.message && e.message.status_code ? e.message.status_code : state.finalStatus;
      state.cause = e.cause;
      const why = e.message && e.message.reason_phrase ? e.message.status_code + ' ' + e.message.reason_phrase : e.cause;
      hangUpLocally();
      setPhase('failed', 'Could not join: ' + why);
    });
    session.on('ended', (e) => {
      state.cause = e.cause;
      hangUpLocally();
      setPhase('ended', 'Left the room (' + e.cause + ')');
    });
  }

  function hangUpLocally() {
    session = null;
    if (ua) {
      ua.stop();
      ua = null;
    }
    if (localStream) {
      localStream.getTracks().forEach((t) => t.stop());
      localStream = null;
    }
    $('local').srcObject = null;
    $('remote').srcObject = null;
    $('mute-mic').disabled = true;
    $('mute-cam').disabled = true;
  }

  function leave() {
    if (session) {
      session.terminate(); // BYE, or CANCEL while still ringing; 'ended'/'failed' clean up
    } else {
      hangUpLocally();
      setPhase('ended', 'Left the room');
    }
  }

  function toggle(button, kind, onText, offText) {
    const muted = button.getAttribute('aria-pressed') !== 'true';
    if (localStream) {
      localStream.getTracks().filter((t) => t.kind === kind).forEach((t) => { t.enabled = !muted; });
    }
    button.setAttribute('aria-pressed', String(muted));
    button.textContent = muted ? offText : onText;
  }

  const params = new URLSearchParams(location.search);
  $('room').value = params.get('room') || '';
  $('name').value = params.get('name') || localStorage.getItem('mcu.name') || '';
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const room = $('room').value.trim();
    const name = $('name').value.trim();
    localStorage.setItem('mcu.name', name);
    join(room, name);
  });
  $('leave').addEventListener('click', leave);
  $('mute-mic').addEventListener('click', () => toggle($('mute-mic'), 'audio', 'Mute microphone', 'Unmute microphone'));
  $('mute-cam').addEventListener('click', () => toggle($('mute-cam'), 'video', 'Stop camera', 'Start camera'));
  window.addEventListener('beforeunload', leave);
})();
