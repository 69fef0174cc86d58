// The web client (signaling/web/app, served at "/") end to end in headless Debian Chromium with
// fake devices: a chair and two units in three browser contexts join a government meeting by
// filling in the join page (auth: dev). The chair opens the session from its panel; a unit raises
// its hand from its controls; the chair sees it in the queue and gives the floor. Then, at the
// other unit's page: the programme shows the speaker's picture (frames decoded in the programme
// <video>), its audio arrives, its hand is no longer in the queue; after the chair takes the floor
// back, its audio stops arriving while the chair's keeps coming. The chair lets the unit talk from
// its tile and mutes everyone; a roll call answered by one unit and not the other shows on the
// chair's panel.
//
// With --scenario reconnect: two pages in a plain meeting; the server is stopped and started again
// on the same port; both pages come back into the meeting by themselves (showing "reconnecting"
// meanwhile) and decode each other's video again.
//
// With --scenario views: a chair, a delegate, a technician and a hall page (?mode=hall, joining by
// itself from its address, 1920x1080) in the government meeting. The chair opens the session and
// gives the delegate the floor: the hall's programme plays the delegate's picture (frames
// decoded), its overlay names the hall's unit and who has the floor, and it shows no button and
// no cursor. Each page is switched to Vietnamese and to English in the page, and a PNG of each
// role's view in each language is written to the artifact directory (--artifacts DIR). Then a
// second tab of the delegate's identity joins: the first shows the takeover notice, has stopped
// its camera and microphone and stays disconnected for 3.5 s while the second is in the meeting
// and the chair sees exactly one participant of that unit.
//
// Every scenario fails on a console error, an uncaught page error, a failed request or an HTTP
// status >= 400 from the server, except what the scenario expects (PageProblems, harness.js).
//
// Usage: node web_client_test.js <vcbridge> [--scenario floor|reconnect|views] [--artifacts DIR]
//        [--chromium PATH] [--rtc-ports A-B]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  CHROMIUM_ARGS, PageProblems, Server, attachPageLogging, log, runMain, sleep, withTimeout,
} = require('./harness');

const OVERALL_DEADLINE_MS = 150000;
const STEP_TIMEOUT_MS = 20000;
const MEETING = 'giao-ban';
const CHAIR = { name: 'Chủ tịch tỉnh', unit: 'thanh-son', role: 'chair' };
const SPEAKER = { name: 'TP Thanh Sơn', unit: 'thanh-son.tp-thanh-son', role: 'delegate' };
const LISTENER = { name: 'Phường Quang Trung', unit: 'thanh-son.p-quang-trung', role: 'delegate' };
const TECHNICIAN = { name: 'Kỹ thuật viên tỉnh', unit: 'thanh-son', role: 'technician' };
const HALL = { name: 'Hội trường Hồng Hà', unit: 'thanh-son.p-hong-ha', role: 'room', unitName: 'Phường Hồng Hà' };

// Every page's problems (console errors, failed requests, ...), checked at the end of a scenario.
let problems = new PageProblems();

function parseArgs(argv) {
  const opts = { server: null, chromium: '/usr/bin/chromium', rtcPorts: null, scenario: 'floor', artifacts: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--chromium') opts.chromium = argv[++i];
    else if (a === '--scenario') opts.scenario = argv[++i];
    else if (a === '--rtc-ports') opts.rtcPorts = argv[++i];
    else if (a === '--artifacts') opts.artifacts = argv[++i];
    else if (!a.startsWith('--') && opts.server === null) opts.server = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.server) throw new Error('usage: web_client_test.js <vcbridge> [--scenario floor|reconnect|views] [--artifacts DIR] [--chromium PATH] [--rtc-ports A-B]');
  if (!['floor', 'reconnect', 'views'].includes(opts.scenario)) throw new Error(`unknown scenario ${opts.scenario}`);
  if (opts.rtcPorts === null) {
    const base = 20000 + 200 * Math.floor(Math.random() * 200);
    opts.rtcPorts = `${base}-${base + 199}`;
  }
  return opts;
}

function writeConfig(dir) {
  const units = path.resolve(__dirname, '../../deploy/units.yaml');
  const config = path.join(dir, 'vcbridge.yaml');
  fs.writeFileSync(config, [
    `units_file: ${units}`,
    'meetings:',
    `  - id: ${MEETING}`,
    '    title: Giao ban trực tuyến',
    '    convening_unit: thanh-son',
    `    chair: ${CHAIR.name}`,
    '    scheduled_start: 2026-01-05T01:00:00Z',
    '',
  ].join('\n'));
  return config;
}

// Polls `probe` until it returns a truthy value; throws with `what` after STEP_TIMEOUT_MS.
async function until(what, probe) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(250);
  }
  throw new Error(`within ${STEP_TIMEOUT_MS} ms: ${what}`);
}

async function joinPage(context, baseUrl, who, meeting = MEETING) {
  const page = await context.newPage();
  attachPageLogging(page, who.name);
  problems.watch(page, who.name);
  await page.goto(`${baseUrl}/?meeting=${meeting}`);
  await page.fill('#join-name', who.name);
  await page.fill('#join-unit', who.unit);
  await page.selectOption('#join-role', who.role);
  // The preview shows the fake camera before entering.
  await until(`${who.name}: camera preview`, () =>
    page.evaluate(() => document.getElementById('preview').videoWidth > 0));
  await page.click('#join-submit');
  await until(`${who.name}: in the meeting`, () =>
    page.evaluate(() => window.vcbClient.state().connection === 'joined'));
  return page;
}

const meetingState = (page) => page.evaluate(() => window.vcbClient.state().meeting);
const myId = (page) => page.evaluate(() => window.vcbClient.state().me.id);
const received = (page) => page.evaluate(() => window.vcbClient.receiveStats());

async function audioFrom(page, participantId) {
  const s = await received(page);
  return (s[participantId] && s[participantId].audioPackets) || 0;
}

// Frames decoded from `participantId`'s shared screen (screenFrames) or camera (videoFrames).
async function framesFrom(page, participantId, what) {
  const s = await received(page);
  return (s[participantId] && s[participantId][what]) || 0;
}

// The floor holder shares its screen from its controls (getDisplayMedia: Chromium's fake screen
// with --use-fake-ui-for-media-stream): the other pages' programme shows the screen track, decoded
// (framesDecoded of its inbound-rtp rising), then the camera again once it stops sharing. A
// cancelled picker first changes nothing.
async function screenSharing(speaker, viewers, speakerId) {
  const startedAt = Date.now();
  // The user closes the picker: no share, no error, the button still offers to share.
  await speaker.evaluate(() => {
    const real = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getDisplayMedia = () => {
      navigator.mediaDevices.getDisplayMedia = real;
      return Promise.reject(new DOMException('Permission denied by user', 'NotAllowedError'));
    };
  });
  await speaker.click('#ctl-screen');
  await sleep(300);
  const cancelled = await speaker.evaluate(() => ({
    sharing: window.vcbClient.sharingScreen(),
    error: window.vcbClient.state().lastError,
    pressed: document.getElementById('ctl-screen').getAttribute('aria-pressed'),
  }));
  if (cancelled.sharing || cancelled.error || cancelled.pressed !== 'false') {
    throw new Error(`a cancelled screen picker changed the page: ${JSON.stringify(cancelled)}`);
  }

  const sharedAt = Date.now();
  await speaker.click('#ctl-screen');
  await until('the speaker shares its screen', () => speaker.evaluate(() => window.vcbClient.sharingScreen() &&
    document.getElementById('ctl-screen').getAttribute('aria-pressed') === 'true'));
  for (const viewer of viewers) {
    await until('the programme shows the shared screen, decoded', async () => {
      const shown = await viewer.evaluate(() => window.vcbClient.programme());
      return shown.participant === speakerId && shown.source === 'screen' &&
        (await framesFrom(viewer, speakerId, 'screenFrames')) > 10;
    });
  }
  const screenMs = Date.now() - sharedAt;
  const f0 = await framesFrom(viewers[0], speakerId, 'screenFrames');
  await sleep(1000);
  const f1 = await framesFrom(viewers[0], speakerId, 'screenFrames');
  if (f1 - f0 < 5) throw new Error(`the shared screen is frozen at the listener (${f0} -> ${f1} frames)`);
  log(`screen shared: programme on the screen at ${viewers.length} pages after ${screenMs} ms, ${f1 - f0} frames/s`);

  const stoppedAt = Date.now();
  await speaker.click('#ctl-screen');
  for (const viewer of viewers) {
    await until('the programme is the camera again', async () => {
      const shown = await viewer.evaluate(() => window.vcbClient.programme());
      return shown.participant === speakerId && shown.source === 'camera';
    });
  }
  const c0 = await framesFrom(viewers[0], speakerId, 'videoFrames');
  await sleep(1000);
  const c1 = await framesFrom(viewers[0], speakerId, 'videoFrames');
  if (c1 - c0 < 5) throw new Error(`the camera is not decoded after the share stopped (${c0} -> ${c1})`);
  if (await speaker.evaluate(() => window.vcbClient.sharingScreen())) throw new Error('still sharing');
  log(`screen share stopped: programme on the camera after ${Date.now() - stoppedAt} ms`);

  // Sharing again (a new sender: the server rejected the old m-section) and the browser's own
  // "stop sharing", which ends the captured track: the page stops as with its button.
  await speaker.evaluate(() => {
    const real = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getDisplayMedia = async (constraints) => {
      window.sharedForTest = await real(constraints);
      return window.sharedForTest;
    };
  });
  await speaker.click('#ctl-screen');
  await until('the programme shows the screen shared again', async () => {
    const shown = await viewers[0].evaluate(() => window.vcbClient.programme());
    return shown.source === 'screen' && (await framesFrom(viewers[0], speakerId, 'screenFrames')) > 10;
  });
  await speaker.evaluate(() => window.sharedForTest.getVideoTracks()[0].dispatchEvent(new Event('ended')));
  await until('the browser\'s stop sharing ends the share', async () => {
    const shown = await viewers[0].evaluate(() => window.vcbClient.programme());
    const page = await speaker.evaluate(() => ({
      sharing: window.vcbClient.sharingScreen(),
      pressed: document.getElementById('ctl-screen').getAttribute('aria-pressed'),
      track: window.sharedForTest.getVideoTracks()[0].readyState,
    }));
    return shown.source === 'camera' && !page.sharing && page.pressed === 'false' && page.track === 'ended';
  });
  log(`shared again, then stopped by the browser's own "stop sharing"; screen sharing steps: ${Date.now() - startedAt} ms`);
}

async function floorScenario(contexts, baseUrl) {
    const chair = await joinPage(contexts[0], baseUrl, CHAIR);
    const speaker = await joinPage(contexts[1], baseUrl, SPEAKER);
    const listener = await joinPage(contexts[2], baseUrl, LISTENER);
    const [chairId, speakerId] = [await myId(chair), await myId(speaker)];

    // The lobby: the chair's panel offers to open the session; the others wait.
    await until('chair panel shown', () => chair.isVisible('#chair-panel'));
    if ((await meetingState(listener)).state !== 'open') throw new Error('the meeting is not in its lobby');
    await chair.click('#chair-start');
    await until('session started at the listener', async () => (await meetingState(listener)).state === 'in_session');
    log('session started');

    // The chair's audio arrives; the speaker's does not (it has no floor yet).
    const speakerBefore = await audioFrom(listener, speakerId);
    await until('chair heard at the listener', async () => (await audioFrom(listener, chairId)) > 50);
    await sleep(1500);
    const speakerSilent = (await audioFrom(listener, speakerId)) - speakerBefore;
    if (speakerSilent > 5) throw new Error(`${speakerSilent} audio packets of a unit without the floor arrived`);

    // Raise hand -> the chair's queue -> grant.
    await speaker.click('#ctl-hand');
    await until('hand in the chair\'s queue', () => chair.evaluate((unit) => {
      const hand = window.vcbClient.state().meeting.queue.find((h) => h.unit === unit);
      return hand && [...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(hand.unitName));
    }, SPEAKER.unit));
    await chair.click('#queue li button');  // the first button of the first hand: give the floor
    await until('floor given, hand cleared', async () => {
      const m = await meetingState(listener);
      return m.floor === SPEAKER.unit && m.queue.length === 0;
    });
    log('floor granted');
    await until('the speaker\'s status says it has the floor', () =>
      speaker.evaluate(() => document.getElementById('status').textContent.length > 0 &&
                             window.vcbClient.state().meeting.floor === window.vcbClient.state().me.unit));

    // At the listener: the programme is the speaker's picture, decoded; its audio arrives.
    await until('programme shows the speaker', () => listener.evaluate((id) => {
      const v = document.getElementById('programme');
      return v.srcObject && window.vcbClient.programme().participant === id &&
        v.getVideoPlaybackQuality().totalVideoFrames > 30;
    }, speakerId));
    const heardFrom = await audioFrom(listener, speakerId);
    await until('speaker heard at the listener', async () => (await audioFrom(listener, speakerId)) > heardFrom + 50);
    log('speaker seen in the programme and heard');
    await screenSharing(speaker, [listener, chair], speakerId);

    // Revoke: the speaker's audio stops, the chair's goes on.
    await chair.click('#chair-revoke');
    await until('floor returned', async () => (await meetingState(listener)).floor === null);
    await sleep(1000);  // packets already on the wire
    const [s0, c0] = [await audioFrom(listener, speakerId), await audioFrom(listener, chairId)];
    await sleep(2000);
    const [s1, c1] = [await audioFrom(listener, speakerId), await audioFrom(listener, chairId)];
    if (s1 - s0 > 5) throw new Error(`${s1 - s0} audio packets of the speaker arrived after revoke`);
    if (c1 - c0 < 50) throw new Error(`only ${c1 - c0} audio packets of the chair in 2 s after revoke`);
    log(`after revoke: speaker +${s1 - s0}, chair +${c1 - c0} audio packets in 2 s`);

    // A discussion: the chair lets the speaker's unit talk from its tile, then mutes everyone.
    await chair.click(`article[aria-label="${SPEAKER.name}"] button:has-text("Cho nói")`);
    const u0 = await audioFrom(listener, speakerId);
    await until('unmuted unit heard', async () => (await audioFrom(listener, speakerId)) > u0 + 50);
    await chair.click('#chair-mute-all');
    await until('mute all reached the listener', async () => {
      const m = await meetingState(listener);
      return !m.speakers.includes(speakerId);
    });
    await sleep(1000);
    const m0 = await audioFrom(listener, speakerId);
    await sleep(2000);
    const m1 = await audioFrom(listener, speakerId);
    if (m1 - m0 > 5) throw new Error(`${m1 - m0} audio packets of the speaker arrived after mute all`);
    log('unmute from the tile and mute all work');

    // Roll call: the listener confirms, the speaker does not; the chair's panel counts it.
    await chair.click('#chair-roll-call');
    try {
      await until('the listener is asked', () => listener.isVisible('#ctl-roll-call'));
    } catch (e) {
      const seen = await listener.evaluate(() => ({
        events: window.vcbClient.state().events.slice(-5), error: window.vcbClient.state().lastError,
      }));
      log(`the listener's last events: ${JSON.stringify(seen)}`);
      throw e;
    }
    await listener.click('#ctl-roll-call');
    const summary = await until('the chair sees one confirmation', async () => {
      const text = await chair.textContent('#roll-call-summary');
      return /^Điểm danh: 1\/\d+/.test(text) ? text : null;
    });
    const answered = await chair.evaluate(() => {
      const events = window.vcbClient.state().events;
      return events.filter((e) => e.event === 'roll_call_confirmed').map((e) => e.unit);
    });
    if (answered.length !== 1 || answered[0] !== LISTENER.unit) throw new Error(`confirmed: ${answered}`);
    if (!(await speaker.isVisible('#ctl-roll-call'))) throw new Error('the speaker was not asked');
    log(`roll call at the chair: "${summary}"`);
    await technicianPanel(contexts[0], baseUrl, speakerId);
}

// Issues 11 and 12: a technician's page shows the statistics the server pushes (subscribeStats);
// the speaker's row gets a resolution (from its VP8 key frames at the server; '–' would mean
// unknown), a jitter, its connection's ICE/DTLS state and the time since its last packet.
async function technicianPanel(context, baseUrl, speakerId) {
  const tech = await joinPage(context, baseUrl, TECHNICIAN);
  await until('technician panel shown', () => tech.isVisible('#tech-panel'));
  const row = await until('the speaker\'s resolution in the technician panel', () => tech.evaluate((id) => {
    const tr = document.querySelector(`#tech-stats tr[data-participant="${id}"]`);
    const cells = tr ? [...tr.querySelectorAll('td')].map((td) => td.textContent) : [];
    // unit, kbps, loss %, RTT, resolution, fps, jitter, NACKs, key-frame requests, ICE/DTLS,
    // address, last packet: rates come with the second push (2 s after the subscription's first)
    return cells.length === 12 && /^\d+×\d+$/.test(cells[4]) && Number(cells[1]) > 0 && Number(cells[5]) > 0 &&
      /^\d+(\.\d)?$/.test(cells[6]) && cells[9] === 'connected/connected' && /^\d+$/.test(cells[11])
      ? cells.join(' | ') : null;
  }, speakerId));
  const events = await tech.evaluate(() => document.querySelectorAll('#tech-events li').length);
  log(`technician panel, the speaker's row: "${row}"; ${events} events in its log`);
  await tech.close();
}

const videoFrom = async (page, participantId) => {
  const s = await received(page);
  return (s[participantId] && s[participantId].videoFrames) || 0;
};

async function reconnectScenario(contexts, baseUrl, server) {
  const a = await joinPage(contexts[0], baseUrl, SPEAKER, 'thu-nghiem');
  const b = await joinPage(contexts[1], baseUrl, LISTENER, 'thu-nghiem');
  const seesTheOther = async (page, other) => {
    const id = await myId(other);
    const before = await videoFrom(page, id);
    await until('video of the other page', async () => (await videoFrom(page, id)) > before + 20);
  };
  await seesTheOther(a, b);
  await seesTheOther(b, a);
  const [oldA, oldB] = [await myId(a), await myId(b)];
  log('both pages decode each other; restarting the server');
  const down = Date.now();
  await server.stop();
  await until('both pages say they are reconnecting', async () =>
    (await a.evaluate(() => window.vcbClient.state().connection)) === 'reconnecting' &&
    (await b.evaluate(() => window.vcbClient.state().connection)) === 'reconnecting' &&
    (await a.textContent('#status')).length > 0);
  const restarted = Date.now();
  await server.start();
  for (const page of [a, b]) {
    await until('back in the meeting', () => page.evaluate(() => window.vcbClient.state().connection === 'joined'));
  }
  // While the server was down the pages' WebSocket connections failed, as expected.
  problems.allow(/console error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed/, down, Date.now());
  if ((await myId(a)) === oldA || (await myId(b)) === oldB) throw new Error('no new session after the restart');
  await seesTheOther(a, b);
  await seesTheOther(b, a);
  log(`both pages back and decoding each other ${((Date.now() - restarted) / 1000).toFixed(1)} s after the restart`);
}

// The page's language, switched with its own button (hidden in hall mode: clicked from script).
async function setLanguage(page, language) {
  if (await page.evaluate(() => document.documentElement.lang) === language) return;
  await page.evaluate(() => document.getElementById('lang').click());
  await until(`page in ${language}`, () => page.evaluate((l) => document.documentElement.lang === l, language));
  await sleep(300);
}

// The whole page (tiles and attendance below the programme); the hall's screen as the TV shows it.
async function screenshot(page, dir, name, fullPage = true) {
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage, timeout: 15000 });
  log(`screenshot ${file}`);
}

// What a hall page shows: buttons or other controls visible, the cursor, the programme's size,
// and whether the programme plays frames.
const hallView = (page) => page.evaluate(() => {
  const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], summary')]
    .filter((el) => el.checkVisibility());
  const v = document.getElementById('programme');
  const box = v.getBoundingClientRect();
  return {
    visibleControls: controls.map((el) => el.id || el.textContent.trim()),
    cursor: getComputedStyle(document.body).cursor,
    width: box.width,
    height: box.height,
    programmeId: v.srcObject ? window.vcbClient.programme().participant : null,
    playing: !v.paused,
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
    unitText: document.getElementById('hall-unit').textContent,
    stateText: document.getElementById('hall-state').textContent,
  };
});

async function viewsScenario(contexts, baseUrl, artifacts) {
  fs.mkdirSync(artifacts, { recursive: true });
  const chair = await joinPage(contexts[0], baseUrl, CHAIR);
  const delegate = await joinPage(contexts[1], baseUrl, SPEAKER);
  const technician = await joinPage(contexts[2], baseUrl, TECHNICIAN);
  // The hall page joins by itself from its address: no form, no click.
  const hall = await contexts[3].newPage();
  attachPageLogging(hall, HALL.name);
  problems.watch(hall, HALL.name);
  await hall.goto(`${baseUrl}/?meeting=${MEETING}&mode=hall&unit=${HALL.unit}&role=room&name=${encodeURIComponent(HALL.name)}`);
  await until('the hall page in the meeting by itself', () =>
    hall.evaluate(() => window.vcbClient.state().connection === 'joined'));
  await until('the hall overlay: its unit, waiting for the chair', async () => {
    const v = await hallView(hall);
    return v.unitText.includes(HALL.unitName) && v.stateText === 'Đang chờ chủ trì khai mạc';
  });
  const delegateId = await myId(delegate);

  await chair.click('#chair-start');
  await until('session started at the hall', async () => (await meetingState(hall)).state === 'in_session');
  await delegate.click('#ctl-hand');
  await until('hand in the chair\'s queue', () => chair.isVisible('#queue li button'));
  await chair.click('#queue li button');
  await until('floor given', async () => (await meetingState(hall)).floor === SPEAKER.unit);
  const first = await until('the hall\'s programme plays the delegate', async () => {
    const v = await hallView(hall);
    return v.programmeId === delegateId && v.playing && v.frames > 30 ? v : null;
  });
  await sleep(1000);
  const view = await hallView(hall);
  if (view.frames <= first.frames) throw new Error(`the hall's programme is frozen at ${view.frames} frames`);
  if (view.visibleControls.length) throw new Error(`the hall page shows controls: ${view.visibleControls.join(', ')}`);
  if (view.cursor !== 'none') throw new Error(`the hall page shows the cursor (${view.cursor})`);
  if (view.width < 1900 || view.height < 1000) throw new Error(`the hall's programme is ${view.width}x${view.height}`);
  if (!view.stateText.includes('Thành phố Thanh Sơn')) throw new Error(`the hall overlay says "${view.stateText}"`);
  log(`hall: programme ${view.width}x${view.height} playing (${view.frames} frames), overlay "${view.unitText}" / "${view.stateText}", no controls`);

  const pages = { chair, delegate, technician, hall };
  for (const language of ['vi', 'en']) {
    for (const [role, page] of Object.entries(pages)) await setLanguage(page, language);
    await until('the hall overlay in the language', async () => {
      const text = (await hallView(hall)).stateText;
      return language === 'en' ? text.includes('has the floor') : text.includes('phát biểu');
    });
    for (const [role, page] of Object.entries(pages)) {
      await screenshot(page, artifacts, `${role}-${language}`, page !== hall);
    }
  }
  // The hall still plays, and still shows no control, after the language switches.
  const after = await hallView(hall);
  if (after.visibleControls.length || after.frames <= view.frames) throw new Error(`hall after the switches: ${JSON.stringify(after)}`);

  // A second tab of the delegate's identity takes over.
  const second = await joinPage(contexts[1], baseUrl, SPEAKER);
  const secondId = await myId(second);
  const takenOver = () => delegate.evaluate(() => ({
    connection: window.vcbClient.state().connection,
    reason: window.vcbClient.state().closedReason,
    notice: document.getElementById('closed-notice').checkVisibility()
      ? document.getElementById('closed-notice').textContent : '',
    controls: document.getElementById('ctl-hand').checkVisibility() || document.getElementById('ctl-leave').checkVisibility(),
    liveTracks: window.vcbClient.liveLocalTracks(),
  }));
  const unitAtChair = () => chair.evaluate((unit) => Object.values(window.vcbClient.state().participants)
    .filter((p) => p.unit === unit).map((p) => p.id), SPEAKER.unit);
  await until('the first tab shows the takeover', async () => {
    const s = await takenOver();
    return s.connection === 'closed' && s.reason === 'replaced' && s.notice.includes('another window or tab');
  });
  const since = Date.now();
  while (Date.now() - since < 3500) {
    const s = await takenOver();
    if (s.connection !== 'closed' || s.controls || s.liveTracks !== 0 || !s.notice) {
      throw new Error(`the replaced tab: ${JSON.stringify(s)}`);
    }
    if ((await second.evaluate(() => window.vcbClient.state().connection)) !== 'joined') throw new Error('the second tab left');
    const ids = await unitAtChair();
    // The chair may still list the old session for a moment right after the takeover.
    if (Date.now() - since > 1000 && (ids.length !== 1 || ids[0] !== secondId)) {
      throw new Error(`the chair sees ${JSON.stringify(ids)} for ${SPEAKER.unit}, expected [${secondId}]`);
    }
    await sleep(250);
  }
  await screenshot(delegate, artifacts, 'delegate-replaced-en');
  log(`takeover: the first tab stayed closed ${Date.now() - since} ms; the chair sees one participant of ${SPEAKER.unit}`);
}

async function run(opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcb-web-client-'));
  const server = new Server(opts.server, opts.rtcPorts, ['--config', writeConfig(dir)]);
  let browser = null;
  let ok = false;
  try {
    const baseUrl = await server.start();
    problems = new PageProblems(baseUrl);
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath: opts.chromium, headless: false, args: CHROMIUM_ARGS, timeout: 30000 });
    const contexts = [];
    const views = opts.scenario === 'views';
    for (let i = 0; i < (views ? 4 : 3); ++i) {
      // The fourth page is the hall's TV.
      const c = await browser.newContext(views && i === 3 ? { viewport: { width: 1920, height: 1080 } } : {});
      c.setDefaultTimeout(15000);
      await c.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
      contexts.push(c);
    }
    if (opts.scenario === 'reconnect') await reconnectScenario(contexts, baseUrl, server);
    else if (views) await viewsScenario(contexts, baseUrl, opts.artifacts || path.join(dir, 'artifacts'));
    else await floorScenario(contexts, baseUrl);
    problems.check();
    ok = true;
    log('PASS');
  } catch (err) {
    log(`FAIL: ${err.message}`);
    server.dumpLog();
  } finally {
    if (browser) await withTimeout(browser.close(), 10000, 'chromium close').catch((e) => log(e.message));
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}

runMain(parseArgs, run, OVERALL_DEADLINE_MS);
