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
    lastSections: [],  // {mid, port, track} of every m-line of the last subscribe offer
    midTracks: new Map(),  // every mid offered so far -> the msid track id it carried
    unanswered: 0,  // subscribe offers received and not answered yet
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

  // {mid, port, track} of every m-line, in order.
  function sectionsOf(sdp) {
    const out = [];
    for (const line of sdp.split(/\r?\n/)) {
      const cur = out[out.length - 1];
      if (line.startsWith('m=')) out.push({ mid: null, port: Number(line.split(' ')[1]), track: null });
      else if (cur && line.startsWith('a=mid:')) cur.mid = line.slice(6).trim();
      else if (cur && line.startsWith('a=msid:')) cur.track = line.slice(7).trim().split(' ')[1] || null;
    }
    return out;
  }

  // JSEP's rules for a subsequent offer (RFC 8829 5.2.2), checked here rather than left to the
  // browser, which tolerates some breaches (Firefox takes a recycled m-line that keeps its old
  // mid): m-lines are never removed or reordered, a live m-line keeps its mid and its track, a
  // stopped one (port 0) stays until it is recycled under a mid never used before, and a mid
  // never carries another track. Returns what is wrong, or null.
  function jsepBreach(prev, next) {
    if (next.length < prev.length) return `${next.length} m-lines after ${prev.length}`;
    for (let i = 0; i < next.length; ++i) {
      const n = next[i];
      if (n.mid === null) return `m-line ${i} has no mid`;
      const p = prev[i];
      const reused = state.midTracks.has(n.mid);
      if (p && p.mid === n.mid) {
        if (p.port === 0 && n.port !== 0) return `m-line ${i} (mid ${n.mid}) revived after being stopped`;
      } else if (p && p.port !== 0) {
        return `m-line ${i} changed mid from ${p.mid} to ${n.mid} without being stopped first`;
      } else if (reused) {
        return `m-line ${i} ${p ? 'recycled' : 'added'} with mid ${n.mid}, which was used before`;
      }
      if (n.track !== null && reused && state.midTracks.get(n.mid) !== null &&
          state.midTracks.get(n.mid) !== n.track) {
        return `mid ${n.mid} carried ${state.midTracks.get(n.mid)} and now ${n.track}`;
      }
    }
    return null;
  }

  async function onOffer(msg) {
    state.offers += 1;
    const mids = midsOf(msg.sdp);
    const ports = msg.sdp.split(/\r?\n/).filter((l) => l.startsWith('m=')).map((l) => l.split(' ')[1]);
    note(`offer revision ${msg.revision}: mids [${mids.join(',')}] ports [${ports.join(',')}]`);
    state.lastOffer = msg.sdp;
    const sections = sectionsOf(msg.sdp);
    const breach = jsepBreach(state.lastSections, sections);
    if (breach) fail(`offer revision ${msg.revision} breaks JSEP: ${breach}`);
    state.lastSections = sections;
    for (const sec of sections) {
      if (sec.mid !== null && (!state.midTracks.has(sec.mid) || sec.track !== null)) {
        state.midTracks.set(sec.mid, sec.track);
      }
    }
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
    } finally {
      state.unanswered -= 1;
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
        // The server must wait for the answer to its last offer before it sends another one.
        if (state.unanswered > 0) {
          fail(`offer revision ${msg.revision} arrived before the page answered the previous one`);
        }
        state.unanswered += 1;
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

  // The msid track id ("<participantId>-video") of every m-section of an SDP, by mid.
  function trackIdsByMid(sdp) {
    const byMid = {};
    let mid = null;
    let track = null;
    const flush = () => {
      if (mid !== null && track !== null) byMid[mid] = track;
    };
    for (const line of (sdp || '').split(/\r?\n/)) {
      if (line.startsWith('m=')) {
        flush();
        mid = null;
        track = null;
      } else if (line.startsWith('a=mid:')) {
        mid = line.slice(6).trim();
      } else if (line.startsWith('a=msid:')) {
        track = line.slice(7).trim().split(' ')[1] || null;
      }
    }
    flush();
    return byMid;
  }

  // framesDecoded of each received video, by the participant id in the msid track id of its
  // m-line in the server's offer (read from the SDP by mid: Firefox gives received tracks ids of
  // its own, so trackIdentifier cannot be used), plus the publish side's framesEncoded.
  async function stats() {
    // A participant's video may arrive under several SSRCs over time (a new one when the server
    // moves the subscription to a new transport): frames decoded are summed over them.
    const detail = {};  // per participant: the newest stream's counters
    if (state.sub && state.sub.remoteDescription) {
      const tracks = trackIdsByMid(state.sub.remoteDescription.sdp);
      for (const t of state.sub.getTransceivers()) {
        if (t.mid === null || t.receiver.track.kind !== 'video' || t.currentDirection === 'stopped') continue;
        const m = /^(.*)-video$/.exec(tracks[t.mid] || '');
        if (!m) continue;
        let report;
        try {
          report = await t.receiver.getStats();
        } catch (err) {
          continue;  // stopped meanwhile
        }
        report.forEach((s) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
          const key = `${m[1]}/${s.ssrc}`;
          state.decoded.set(key, Math.max(state.decoded.get(key) || 0, s.framesDecoded || 0));
          detail[m[1]] = `mid=${t.mid} ssrc=${s.ssrc} pkts=${s.packetsReceived || 0}` +
                         ` pli=${s.pliCount || 0} key=${s.keyFramesDecoded || 0}`;
        });
      }
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
