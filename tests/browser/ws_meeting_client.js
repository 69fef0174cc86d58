// Page-side client of the vcbridge WebSocket protocol (docs/protocol.md), injected into a page by
// ws_meeting_test.js. A publish RTCPeerConnection (the page offers fake camera + microphone,
// sendonly) and a subscribe RTCPeerConnection (the server offers, the page answers). Everything
// the server sends and every failure is recorded for the test to read:
//
//   await window.vcbMeeting.start(meeting, displayName)   // -> participant id
//   await window.vcbMeeting.stats()                        // decoded video per participant
//   window.vcbMeeting.leave()
'use strict';

(() => {
  const WAIT_MS = 15000;
  const MAX_LOG = 200;

  const state = {
    ws: null,
    participantId: null,
    pub: null,
    sub: null,
    stream: null,
    errors: [],  // failures: rejected offers, server errors, socket trouble
    log: [],     // what happened on the signaling channel, newest last
    offers: 0,
    answers: 0,
    lastMids: [],  // mids of the last applied subscribe offer, in m-line order
    lastOffer: '',  // SDP of the last subscribe offer and of the page's answer to it
    lastAnswer: '',
    pending: new Map(),  // requestId -> resolve
    decoded: new Map(),  // "<participantId>/<ssrc>" -> most frames decoded seen
    nextRequestId: 1,
    chain: Promise.resolve(),  // subscribe offers are applied one after the other
    left: false,
  };

  function note(msg) {
    state.log.push(`${new Date().toISOString().slice(11, 23)} ${msg}`);
    if (state.log.length > MAX_LOG) state.log.shift();
  }

  function fail(msg) {
    note(`ERROR ${msg}`);
    state.errors.push(msg);
  }

  function send(obj) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(obj));
  }

  function request(obj, expectType) {
    const requestId = state.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        state.pending.delete(requestId);
        reject(new Error(`no ${expectType} for ${obj.type} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      state.pending.set(requestId, (msg) => {
        clearTimeout(timer);
        state.pending.delete(requestId);
        if (msg.type === 'error') reject(new Error(`${obj.type}: ${msg.code}: ${msg.message}`));
        else resolve(msg);
      });
      send({ ...obj, requestId });
    });
  }

  function midsOf(sdp) {
    return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=mid:')).map((l) => l.slice(6));
  }

  async function onOffer(msg) {
    state.offers += 1;
    const mids = midsOf(msg.sdp);
    const ports = msg.sdp.split(/\r?\n/).filter((l) => l.startsWith('m=')).map((l) => l.split(' ')[1]);
    note(`offer revision ${msg.revision}: mids [${mids.join(',')}] ports [${ports.join(',')}]`);
    state.lastOffer = msg.sdp;
    try {
      if (state.sub.signalingState !== 'stable') {
        fail(`offer revision ${msg.revision} arrived in signaling state ${state.sub.signalingState}`);
      }
      await state.sub.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const answer = await state.sub.createAnswer();
      await state.sub.setLocalDescription(answer);
      state.lastMids = mids;
      state.lastAnswer = state.sub.localDescription.sdp;
      state.answers += 1;
      send({ type: 'answer', sdp: state.sub.localDescription.sdp, revision: msg.revision });
      note(`answered revision ${msg.revision}`);
    } catch (err) {
      fail(`offer revision ${msg.revision} (mids [${mids.join(',')}]) refused: ${err.message}`);
    }
  }

  function onMessage(ev) {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (err) {
      return fail(`bad JSON from server: ${err.message}`);
    }
    if (msg.requestId !== undefined && state.pending.has(msg.requestId)) {
      state.pending.get(msg.requestId)(msg);
    }
    switch (msg.type) {
      case 'offer':
        state.chain = state.chain.then(() => onOffer(msg));
        break;
      case 'error':
        fail(`server error ${msg.code}: ${msg.message}`);
        break;
      case 'participantJoined':
        note(`participantJoined ${msg.participant.id}`);
        break;
      case 'participantLeft':
        note(`participantLeft ${msg.participantId}`);
        break;
      default:
        break;
    }
  }

  async function start(meeting, displayName) {
    state.stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 320, height: 240, frameRate: 15 },
    });
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    state.ws = new WebSocket(url);
    state.ws.onmessage = onMessage;
    state.ws.onclose = (ev) => {
      if (!state.left) fail(`socket closed: ${ev.code} ${ev.reason}`);
    };
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WebSocket did not open')), WAIT_MS);
      state.ws.onopen = () => {
        clearTimeout(timer);
        resolve();
      };
      state.ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error('WebSocket error'));
      };
    });

    // The subscribe PC exists before the join so that the first offer finds it.
    state.sub = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    const joined = await request({ type: 'join', meeting, displayName }, 'joined');
    state.participantId = joined.participantId;
    note(`joined as ${joined.participantId}`);

    state.pub = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    for (const track of state.stream.getTracks()) {
      state.pub.addTransceiver(track, { direction: 'sendonly', streams: [state.stream] });
    }
    const offer = await state.pub.createOffer();
    await state.pub.setLocalDescription(offer);
    const answer = await request({ type: 'publish', sdp: state.pub.localDescription.sdp }, 'answer');
    await state.pub.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    note('publishing');
    return state.participantId;
  }

  function leave() {
    state.left = true;
    send({ type: 'leave' });
    if (state.ws) state.ws.close();
    if (state.pub) state.pub.close();
    if (state.sub) state.sub.close();
    if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  }

  // framesDecoded of each received video, by the participant id in its msid track id
  // ("<participantId>-video"), plus the publish side's framesEncoded.
  async function stats() {
    // A participant's video may arrive under several SSRCs over time (a new one when the server
    // moves the subscription to a new transport): frames decoded are summed over them.
    const detail = {};  // per participant: the newest stream's counters
    if (state.sub) {
      const report = await state.sub.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
        const m = /^(.*)-video$/.exec(s.trackIdentifier || '');
        if (!m) return;
        const key = `${m[1]}/${s.ssrc}`;
        state.decoded.set(key, Math.max(state.decoded.get(key) || 0, s.framesDecoded || 0));
        detail[m[1]] = `mid=${s.mid} ssrc=${s.ssrc} pkts=${s.packetsReceived || 0}` +
                       ` pli=${s.pliCount || 0} key=${s.keyFramesDecoded || 0}`;
      });
    }
    const received = {};
    for (const [key, frames] of state.decoded) {
      const pid = key.slice(0, key.lastIndexOf('/'));
      received[pid] = (received[pid] || 0) + frames;
    }
    let framesEncoded = 0;
    if (state.pub) {
      const report = await state.pub.getStats();
      report.forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') framesEncoded += s.framesEncoded || 0;
      });
    }
    return {
      participantId: state.participantId,
      received,
      detail,
      framesEncoded,
      publishState: state.pub ? state.pub.connectionState : 'none',
      subscribeState: state.sub ? state.sub.connectionState : 'none',
      signalingState: state.sub ? state.sub.signalingState : 'none',
      offers: state.offers,
      answers: state.answers,
      mids: state.lastMids,
      lastOffer: state.lastOffer,
      lastAnswer: state.lastAnswer,
      errors: state.errors.slice(),
      log: state.log.slice(-40),
    };
  }

  window.vcbMeeting = { start, leave, stats };
})();
