// The web client: join page, meeting view, chair panel (docs/web-client.md). State lives in
// state.js (pure), the socket in session.js, the peer connections in media.js; this file wires
// them to the page. Every text comes from the catalogues through t().
import {createTranslator, defaultLanguage} from './i18n.js';
import {
    initialState, reduce, connecting, connectionLost, myStatus, programmeParticipant, tileGroups, pageOf, rollCall,
    rollCallAsksMe, attendanceBoard, attendanceCsv, linkQuality, tierLabel, recordingControl, recordingRequested,
    recordingTimedOut,
} from './state.js';
import {Session} from './session.js';
import {MediaLink, wantedTracks, displayTracks} from './media.js';
import {pageParams, PUBLISHING_ROLES} from './identity.js';
import {deviceErrorKey, openDevices, listDevices, levelMeter} from './devices.js';
import {hallOverlay, hallJoinFields, hallRetries, keepPlaying, unitName, HALL_RETRY_MS} from './hall.js';
import {showsTechnicianPanel, statsRows, statsSubscription, renderTechnicianPanel, hallRows, renderHalls,
    endpointErrorKey} from './technician.js';
import {RECORDING_TIMEOUT_MS, recordingEventText, fetchRecordings, renderRecordings, downloadRecording} from './recording.js';

const TILES_PER_PAGE = 12;
const $ = (id) => document.getElementById(id);

const params = pageParams(location.search);
let t = createTranslator(params.language || localStorage.getItem('vcb.lang') || defaultLanguage);
let state = initialState();
let session = null;
let media = null;
let localStream = null;
let stopMeter = () => {};
let page = 0;
const streams = new Map();  // participant id -> MediaStream received
const shownStreams = new Map();  // track ids -> MediaStream of those tracks (a <video>'s srcObject)
let screenTrack = null;     // my shared screen (getDisplayMedia), while I share it
// What the programme <video> shows: whose tracks, and its screen ('screen') or camera ('camera').
let programmeShown = {participant: null, source: null};
let quality = {};            // participant id -> good | fair | poor | unknown
let lastStats = {};
let serverStats = null;  // the technician panel's latest `stats`
// The technician's endpointCommands not answered yet (requestId → true): only their refusals are
// shown next to the halls (success has no answer: the hall leaves and comes back).
const endpointRequests = new Set();
let endpointError = null;  // the code of the latest refusal, null: none
let recordings = null;   // the technician panel's list of recordings (recording.js fetchRecordings), null: none shown
let techPanelShown = false;

function translateStatic() {
    document.documentElement.lang = t.language;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

function setState(next) {
    state = next;
    render();
}

function element(tag, props = {}, children = []) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
        if (k === 'class') el.className = v;
        else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v);
    }
    for (const c of children) el.append(c);
    return el;
}

function roleName(role) {
    return role ? t(`role.${role}`) : '';
}

function displayNameOf(participantId) {
    const p = state.participants[participantId];
    if (p) return p.displayName;
    return participantId === (state.me && state.me.id) ? $('join-name').value : '';
}

// --- join page

function stopLocalMedia() {
    stopMeter();
    stopMeter = () => {};
    if (localStream) localStream.getTracks().forEach((track) => track.stop());
    localStream = null;
    $('preview').srcObject = null;
}

async function preview() {
    stopLocalMedia();
    $('device-error').hidden = true;
    if (!window.isSecureContext || !navigator.mediaDevices) {
        showDeviceError(deviceErrorKey(null, false));
        return;
    }
    try {
        localStream = await openDevices($('join-camera').value, $('join-microphone').value);
        $('preview').srcObject = localStream;
        stopMeter = levelMeter(localStream, (level) => { $('level').value = level; });
    } catch (e) {
        showDeviceError(deviceErrorKey(e, true), e.message);
    }
}

function showDeviceError(key, reason = '') {
    $('device-error').textContent = t(key, {reason});
    $('device-error').hidden = false;
}

async function fillDevices() {
    if (!navigator.mediaDevices) return;
    const {cameras, microphones} = await listDevices();
    for (const [select, devices] of [[$('join-camera'), cameras], [$('join-microphone'), microphones]]) {
        const current = select.value;
        select.replaceChildren(...devices.map((d, i) => element('option', {value: d.deviceId}, [d.label || `${i + 1}`])),
            element('option', {value: 'none'}, [t('join.none')]));
        if (current) select.value = current;
    }
}

function startJoin(event) {
    event.preventDefault();
    const role = params.claims ? params.claims.role : $('join-role').value;
    const unit = params.claims ? params.claims.unit : $('join-unit').value.trim();
    const subject = params.claims ? params.claims.sub : $('join-name').value.trim();
    const join = {meeting: $('join-meeting').value.trim(), displayName: $('join-name').value.trim(), autoSubscribe: false};
    if (params.token) join.token = params.token;
    else {
        if (unit) join.unit = unit;
        join.role = role;
    }
    setState(connecting(state, {unit: unit || undefined, role, subject}));
    session = new Session({
        url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
        join,
        WebSocketImpl: WebSocket,
        onMessage,
        onStatus,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (id) => clearTimeout(id),
    });
    session.start();
}

// --- session

function onStatus(status, detail) {
    if (status === 'reconnecting') {
        if (media) media.close();
        media = null;
        dropScreen();
        streams.clear();
        setState(connectionLost(state));
    } else if (status === 'closed' || status === 'refused') {
        if (media) media.close();
        media = null;
        dropScreen();
        streams.clear();
        stopLocalMedia();
        setState({...state, connection: 'closed', closedReason: detail || state.closedReason});
        if (params.hall && hallRetries(status, detail)) {
            setTimeout(async () => {
                await preview();
                startJoin({preventDefault: () => {}});
            }, HALL_RETRY_MS);
        }
    }
}

function onMessage(message) {
    if (message.type === 'joined') {
        if (media) media.close();
        dropScreen();
        streams.clear();
        media = new MediaLink({
            send: (m) => session.send(m),
            onStream: (pid, stream) => {
                streams.set(pid, stream);
                render();
            },
            onError: (text) => setState({...state, lastError: {code: 'media', message: text}}),
        });
        setState(reduce(state, message));
        if (PUBLISHING_ROLES.has(state.me.role) && localStream) media.publish(localStream);
        const subscription = statsSubscription(state.me.role);
        if (subscription) command(subscription.type, {intervalMs: subscription.intervalMs});
        return;
    }
    if (message.type === 'stats') {
        serverStats = message;
        render();
        return;
    }
    if (message.type === 'error' && endpointRequests.has(message.requestId)) {
        endpointRequests.delete(message.requestId);
        endpointError = message.code || 'unknown';
        render();
        return;
    }
    if (media) media.handle(message);
    if (message.type === 'participantLeft') message.receivedAt = Date.now();
    setState(reduce(state, message));
    if (message.type === 'meetingEvent' && (message.event === 'recording_stopped' || message.event === 'recording_failed')) {
        loadRecordings();
    }
}

// --- recording (docs/web-client.md "Recording")

function toggleRecording() {
    const control = recordingControl(state);
    if (control.disabled || !session) return;
    const requestId = session.send({type: control.action});
    setState(recordingRequested(state, control.pressed ? 'stop' : 'start', requestId));
    if (requestId !== null) setTimeout(() => setState(recordingTimedOut(state, requestId)), RECORDING_TIMEOUT_MS);
}

function renderRecordingControl(button, errorLine) {
    const control = recordingControl(state);
    button.hidden = !control.shown;
    button.textContent = t(control.labelKey);
    button.setAttribute('aria-pressed', control.pressed ? 'true' : 'false');
    // aria-disabled rather than disabled: a button that is disabled loses the keyboard focus, and
    // the person who pressed it would have to find it again once the server has answered.
    // toggleRecording ignores it meanwhile.
    button.setAttribute('aria-disabled', control.disabled ? 'true' : 'false');
    button.setAttribute('aria-busy', state.recordingRequest ? 'true' : 'false');
    errorLine.textContent = control.shown && control.errorKey ? t(control.errorKey, {code: state.recordingError}) : '';
}

// The technician panel's list: with the page's token (none in auth: dev: nothing is shown).
async function loadRecordings() {
    if (!params.token || !state.meetingId || !state.me || !showsTechnicianPanel(state.me.role)) return;
    recordings = await fetchRecordings((url, init) => fetch(url, init), state.meetingId, params.token);
    render();
}

async function downloadFile(file) {
    $('tech-recordings-error').textContent = '';
    const failed = await downloadRecording((url, init) => fetch(url, init), file, params.token, (url, name) => {
        element('a', {href: url, download: name}).click();
    });
    if (failed !== null) $('tech-recordings-error').textContent = t('recordings.downloadFailed', {name: file.name, code: failed});
}

function command(type, fields = {}) {
    if (session) session.send({type, ...fields});
}

// A technician's restart / reload of a hall (technician.js endpointCommand's message).
function sendEndpointCommand(message) {
    if (!session || !message) return;
    endpointError = null;
    const requestId = session.send(message);
    if (requestId !== null && requestId !== undefined) endpointRequests.add(requestId);
    render();
}

// --- meeting view

function statusText() {
    if (state.connection === 'connecting') return t('state.connecting');
    if (state.connection === 'reconnecting') return t('state.reconnecting');
    if (state.connection === 'closed') {
        const key = `closed.${state.closedReason}`;
        const text = t(key);
        return text === key ? t('error.generic', {message: state.closedReason}) : text;
    }
    const s = myStatus(state);
    if (rollCallAsksMe(state)) return t('rollCall.asked');
    if (s.governed && s.hasFloor && s.floorEndsAt) {
        return t('status.floorLeft', {seconds: Math.max(0, Math.round((s.floorEndsAt - Date.now()) / 1000))});
    }
    if (s.governed && s.hasFloor) return t('status.floor');
    if (s.governed && s.handRaised) return t('status.handRaised');
    if (s.governed && state.meeting.state === 'in_session' && !s.heard && !s.isChair && PUBLISHING_ROLES.has(state.me.role)) {
        return t('status.muted');
    }
    if (state.lastError) return t('error.generic', {message: state.lastError.message});
    return '';
}

function attach(video, stream) {
    if (video.srcObject !== stream) video.srcObject = stream || null;
}

// The same MediaStream for the same tracks, so that a <video> is not reloaded on every render.
function streamOf(tracks) {
    if (!tracks.length) return null;
    const key = tracks.map((track) => track.id).join(' ');
    let stream = shownStreams.get(key);
    if (!stream) {
        if (shownStreams.size > 64) shownStreams.clear();
        stream = new MediaStream(tracks);
        shownStreams.set(key, stream);
    }
    return stream;
}

function received() {
    return media ? media.receivedTracks() : {};
}

// --- screen sharing (docs/web-client.md): getDisplayMedia, a second video sender

async function shareScreen() {
    if (!media || !media.pub || screenTrack) return;
    let display;
    try {
        display = await navigator.mediaDevices.getDisplayMedia({video: true, audio: false});
    } catch (e) {
        // The user closed the picker (or refused): nothing changes, nothing to report.
        if (e.name !== 'NotAllowedError' && e.name !== 'AbortError') {
            setState({...state, lastError: {code: 'screen', message: t('error.screen', {message: e.message})}});
        }
        return;
    }
    const track = display.getVideoTracks()[0];
    if (!track || !media || !media.pub) {
        display.getTracks().forEach((x) => x.stop());
        return;
    }
    screenTrack = track;
    // The browser's own "stop sharing" ends the track.
    track.addEventListener('ended', () => { if (screenTrack === track) stopScreen(); });
    render();
    await media.shareScreen(track);
}

function stopScreen() {
    const track = screenTrack;
    screenTrack = null;
    if (track) track.stop();
    if (media) media.stopScreen();
    render();
}

// My share ends with the media link it was on (a reconnect does not share again by itself).
function dropScreen() {
    if (screenTrack) screenTrack.stop();
    screenTrack = null;
}

function renderTiles(visible) {
    const units = Object.fromEntries((state.units || []).map((u) => [u.id, u]));
    const groups = tileGroups(state, units);
    const all = groups.flatMap((g) => g.tiles);
    const current = pageOf(all, page, TILES_PER_PAGE);
    page = current.page;
    const speaking = new Set(state.meeting ? [state.meeting.activeSpeaker].filter(Boolean) : []);
    const hands = new Set(state.meeting ? state.meeting.queue.map((h) => h.unit) : []);
    const chairActions = myStatus(state).isChair ? tileActions : null;
    const live = received();
    const tiles = current.tiles.map(({participant: p, unit}) => {
        visible.add(p.id);
        const video = element('video', {autoplay: '', playsinline: '', muted: ''});
        video.muted = true;  // sound plays from the hidden audio elements
        attach(video, streamOf(displayTracks(p, live).camera));
        const marks = [];
        if (speaking.has(p.id)) marks.push(t('tile.speaking'));
        if (p.unit && hands.has(p.unit)) marks.push(t('tile.hand'));
        return element('article', {class: `tile${speaking.has(p.id) ? ' speaking' : ''}`, 'aria-label': p.displayName}, [
            video,
            element('div', {class: 'name'}, [p.displayName]),
            // The unit (name, tier, the unit above it) when the meeting's units are known.
            element('div', {class: 'meta'}, [unit
                ? [unit.name, tierLabel(unit, t), units[unit.parent] ? units[unit.parent].name : ''].filter(Boolean).join(' · ')
                : [roleName(p.role), p.unit || ''].filter(Boolean).join(' · ')]),
            element('div', {class: 'meta'}, [
                element('span', {class: `quality ${quality[p.id] || 'unknown'}`, title: t(`quality.${quality[p.id] || 'unknown'}`)}, ['●']),
                ' ', marks.join(' · '),
            ]),
            ...(chairActions ? [chairActions(p)] : []),
        ]);
    });
    $('tiles').replaceChildren(...tiles);
    $('page-label').textContent = t('tiles.page', {page: current.page + 1, pages: current.pages});
    $('page-prev').disabled = current.page === 0;
    $('page-next').disabled = current.page + 1 >= current.pages;
}

// The chair's actions on one participant's tile.
function tileActions(p) {
    const button = (key, type, fields) => element('button', {type: 'button', onclick: () => command(type, fields)}, [t(key)]);
    const buttons = [button('chair.tileMute', 'mute', {participantId: p.id})];
    if (p.unit) {
        buttons.push(button('chair.tileUnmute', 'unmuteUnit', {unit: p.unit}));
        buttons.push(button('chair.tileSpotlight', 'spotlight', {unit: p.unit}));
    }
    if (p.unit) buttons.push(button('chair.tileMuteUnit', 'muteUnit', {unit: p.unit}));
    if (p.subject && (p.role === 'delegate' || p.role === 'chair')) {
        buttons.push(button('chair.tileHandOver', 'handOverChair', {subject: p.subject}));
    }
    buttons.push(button('chair.tileRemove', 'removeParticipant', {participantId: p.id}));
    return element('div', {class: 'row'}, buttons);
}

function eventText(e) {
    const recordingText = recordingEventText(e, t);
    if (recordingText !== null) return recordingText;
    const fields = {unit: e.unit || '', subject: e.subject || '', event: e.event};
    const key = `event.${e.event}`;
    const text = t(key, fields);
    return text === key ? t('event.other', fields) : text;
}

function renderChairPanel(s) {
    $('chair-panel').hidden = !s.isChair;
    if (!s.isChair) return;
    renderRecordingControl($('chair-recording'), $('chair-recording-error'));
    const m = state.meeting;
    $('chair-start').disabled = m.state !== 'open';
    $('chair-end').disabled = m.state === 'ended';
    $('floor-holder').textContent = m.floor ? t('chair.holder', {unit: unitName(state, m.floor)}) : '';
    $('chair-revoke').disabled = !m.floor;
    const items = m.queue.map((h) => element('li', {}, [
        `${h.unitName || h.unit} (${h.subject}) `,
        element('button', {type: 'button', onclick: () => command('grantFloor', {unit: h.unit})}, [t('chair.grant')]),
        ' ',
        element('button', {type: 'button', onclick: () => command('denyFloor', {unit: h.unit})}, [t('chair.deny')]),
    ]));
    $('queue').replaceChildren(...(items.length ? items : [element('li', {class: 'empty'}, [t('chair.queueEmpty')])]));
    const r = rollCall(state);
    $('chair-roll-call').textContent = t(r && r.running ? 'chair.endRollCall' : 'chair.rollCall');
    $('roll-call-summary').textContent = r
        ? t(r.running ? 'chair.rollCallAnswers' : 'chair.rollCallDone', {confirmed: r.confirmed.size, asked: r.askedCount})
        : '';
    const recent = state.events.slice(-50).reverse();
    $('events').replaceChildren(...recent.map((e) => element('li', {}, [
        `${new Date(e.time).toLocaleTimeString(t.language)} ${eventText(e)}`,
    ])));
}

function renderTechPanel() {
    const shown = Boolean(state.me && showsTechnicianPanel(state.me.role) && state.connection === 'joined');
    $('tech-panel').hidden = !(state.me && showsTechnicianPanel(state.me.role));
    // The list is fetched when the panel opens (on each join) and after each recording stops.
    if (shown && !techPanelShown) setTimeout(loadRecordings, 0);
    techPanelShown = shown;
    if (!state.me || !showsTechnicianPanel(state.me.role)) return;
    renderRecordingControl($('tech-recording'), $('tech-recording-error'));
    $('tech-recordings').hidden = !params.token;
    renderRecordings($('tech-recordings-list'), recordings, {h: element, t, download: downloadFile});
    renderTechnicianPanel({table: $('tech-stats'), log: $('tech-events')}, statsRows(serverStats, state.units),
        state.events, {h: element, t, eventText, roleName});
    renderHalls($('tech-halls'), hallRows(serverStats, state.units), {h: element, t, send: sendEndpointCommand});
    $('tech-halls-error').textContent = endpointError ? t(endpointErrorKey(endpointError), {code: endpointError}) : '';
}

const STATUS_KEYS = {present: 'attendance.present', reconnecting: 'attendance.reconnecting', absent: 'attendance.absent'};

function renderAttendance() {
    const board = attendanceBoard(state, Date.now());
    $('attendance').hidden = board.length === 0;
    if (board.length === 0) return;
    const present = board.filter((u) => u.status === 'present').length;
    $('attendance-summary').textContent = t('attendance.summary', {present, total: board.length});
    $('attendance-board').replaceChildren(...board.map((u) => element('li', {class: `${u.status} tier-${u.tier}`}, [
        element('div', {}, [u.name]),
        element('div', {class: 'meta'}, [t(STATUS_KEYS[u.status]), u.by.length ? ` · ${u.by.join(', ')}` : '']),
    ])));
}

function exportAttendance() {
    const header = ['attendance.colId', 'attendance.colName', 'attendance.colTier', 'attendance.colParent',
        'attendance.colStatus', 'attendance.colBy'].map((key) => t(key));
    const csv = attendanceCsv(attendanceBoard(state, Date.now()), header, (status) => t(STATUS_KEYS[status]));
    const link = element('a', {href: URL.createObjectURL(new Blob([csv], {type: 'text/csv;charset=utf-8'})),
        download: `${state.meetingId || 'meeting'}-attendance.csv`});
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// Every two seconds the quality marks from what arrived since the last sample; the page is drawn
// again every second anyway (the floor's time left; a "reconnecting" unit turns absent).
async function sampleQuality() {
    if (media && state.connection === 'joined') {
        const now = await media.receiveStats();
        const next = {};
        for (const id of Object.keys(now)) next[id] = linkQuality(lastStats[id], now[id]);
        quality = next;
        lastStats = now;
    }
    if (state.connection !== 'idle') render();
}

function render() {
    $('status').textContent = statusText();
    const inMeeting = state.connection !== 'idle';
    $('join').hidden = inMeeting;
    $('meeting').hidden = !inMeeting;
    if (!inMeeting) return;
    const s = myStatus(state);
    $('meeting-state').hidden = !s.governed;
    if (s.governed) $('meeting-state').textContent = t(`state.${state.meeting.state}`);

    // Closed for good (replaced by another tab, removed, ended, left): the notice, no controls.
    const closed = state.connection === 'closed';
    $('closed-notice').hidden = !closed;
    if (closed) $('closed-notice').textContent = statusText();
    $('meeting').classList.toggle('closed', closed);
    // Everyone in the meeting sees (and hears, aria-live) that it is recorded.
    // (Kept while reconnecting: the server goes on recording; the next meetingState says.)
    const recordingShown = state.recording && state.connection !== 'closed';
    const recordingText = recordingShown ? t('recording.indicator') : '';
    if ($('recording-indicator').textContent !== recordingText) $('recording-indicator').textContent = recordingText;
    if (params.hall) {
        const overlay = hallOverlay(state, t, statusText());
        $('hall-unit').textContent = overlay.unit;
        $('hall-state').textContent = overlay.status;
        if ($('hall-recording').textContent !== recordingText) $('hall-recording').textContent = recordingText;
    }

    // The programme shows what the server's programme would: the participant's shared screen
    // while it shares one, else its camera.
    const programme = programmeParticipant(state);
    const display = displayTracks(programme ? state.participants[programme] : null, received());
    const programmeSource = display.programmeSource;
    programmeShown = {participant: display.programme.length ? programme : null, source: programmeSource};
    attach($('programme'), streamOf(display.programme));
    if (params.hall) keepPlaying($('programme'));
    $('programme-name').textContent = !programme ? t('programme.none')
        : programmeSource === 'screen' ? t('programme.screen', {name: displayNameOf(programme)})
            : displayNameOf(programme);

    const visible = new Set();
    renderTiles(visible);
    renderChairPanel(s);
    renderTechPanel();
    renderAttendance();
    $('ctl-hand').hidden = !s.governed || s.isChair;
    $('ctl-hand').textContent = t(s.handRaised || s.hasFloor ? 'control.lowerHand' : 'control.raiseHand');
    $('ctl-roll-call').hidden = !rollCallAsksMe(state) || s.isChair;
    const canShare = Boolean(media && media.pub && navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia) &&
        state.connection === 'joined';
    $('ctl-screen').hidden = !canShare;
    $('ctl-screen').textContent = t(screenTrack ? 'control.stopScreen' : 'control.shareScreen');
    $('ctl-screen').setAttribute('aria-pressed', screenTrack ? 'true' : 'false');
    if (media && state.connection === 'joined') {
        media.setSubscription(wantedTracks(state.participants, visible, programme, state.me.id));
    }
}

// --- wiring

function fillTimeLimits() {
    const select = $('chair-time-limit');
    const current = select.value;
    select.replaceChildren(...[0, 2, 3, 5, 10].map((m) => element('option', {value: String(m)},
        [m === 0 ? t('chair.noLimit') : t('chair.minutes', {minutes: m})])));
    if (current) select.value = current;
}

function bind() {
    $('lang').addEventListener('click', () => {
        t = createTranslator(t.language === 'vi' ? 'en' : 'vi');
        localStorage.setItem('vcb.lang', t.language);
        translateStatic();
        fillTimeLimits();
        render();
    });
    $('join-form').addEventListener('submit', startJoin);
    $('join-camera').addEventListener('change', preview);
    $('join-microphone').addEventListener('change', preview);
    $('page-prev').addEventListener('click', () => { page -= 1; render(); });
    $('page-next').addEventListener('click', () => { page += 1; render(); });
    $('ctl-hand').addEventListener('click', () => {
        const s = myStatus(state);
        command(s.handRaised || s.hasFloor ? 'lowerHand' : 'raiseHand');
    });
    $('ctl-mic').addEventListener('click', () => {
        const track = localStream && localStream.getAudioTracks()[0];
        if (!track) return;
        track.enabled = !track.enabled;
        $('ctl-mic').textContent = t(track.enabled ? 'control.mute' : 'control.unmute');
    });
    $('ctl-camera').addEventListener('click', () => {
        const track = localStream && localStream.getVideoTracks()[0];
        if (!track) return;
        track.enabled = !track.enabled;
        $('ctl-camera').textContent = t(track.enabled ? 'control.cameraOff' : 'control.cameraOn');
    });
    $('ctl-screen').addEventListener('click', () => (screenTrack ? stopScreen() : shareScreen()));
    $('ctl-leave').addEventListener('click', () => session && session.leave());
    $('chair-start').addEventListener('click', () => command('startSession'));
    $('chair-end').addEventListener('click', () => command('endMeeting'));
    $('chair-revoke').addEventListener('click', () => command('revokeFloor'));
    $('chair-mute-all').addEventListener('click', () => command('muteAll'));
    $('chair-lock').addEventListener('click', () => command('lockMeeting'));
    $('chair-roll-call').addEventListener('click', () => {
        const r = rollCall(state);
        command(r && r.running ? 'endRollCall' : 'startRollCall');
    });
    $('ctl-roll-call').addEventListener('click', () => command('confirmRollCall'));
    $('attendance-export').addEventListener('click', exportAttendance);
    $('chair-recording').addEventListener('click', toggleRecording);
    $('tech-recording').addEventListener('click', toggleRecording);
    $('tech-recordings-refresh').addEventListener('click', loadRecordings);
    fillTimeLimits();
    $('chair-time-limit').addEventListener('change', () => {
        const minutes = Number($('chair-time-limit').value);
        // Warned 30 s before the end (or at half time for short limits).
        command('setSpeakerTimeLimit', minutes === 0 ? {limitSeconds: null}
            : {limitSeconds: minutes * 60, warningSeconds: Math.min(30, minutes * 30)});
    });
    let ticks = 0;
    setInterval(() => {
        ticks += 1;
        if (ticks % 2 === 0) sampleQuality();
        else if (state.connection !== 'idle') render();
    }, 1000);
}

async function main() {
    translateStatic();
    bind();
    if (params.hall) document.body.classList.add('hall');
    // A hall link that does not say enough to join shows the join page (with a cursor).
    if (params.hall && !hallJoinFields(params)) document.body.classList.add('hall-manual');
    $('join-meeting').value = params.meeting;
    if (params.claims) {
        const c = params.claims;
        $('join-name').value = c.name || c.sub || '';
        $('token-identity').textContent = t('join.tokenFrom', {subject: c.name || c.sub, unit: c.unit || '', role: roleName(c.role)});
        $('token-identity').hidden = false;
    } else {
        $('dev-notice').hidden = false;
        $('dev-fields').hidden = false;
    }
    await preview();
    await fillDevices();
    render();
    const hall = params.hall ? hallJoinFields(params) : null;
    if (hall) {
        $('join-name').value = hall.name;
        $('join-unit').value = hall.unit;
        $('join-role').value = hall.role;
        startJoin({preventDefault: () => {}});
    }
}

// For the end-to-end tests and for a technician at the browser console: the page's state and
// what arrives from each participant. Read-only.
window.vcbClient = {
    state: () => state,
    receiveStats: () => (media ? media.receiveStats() : Promise.resolve({})),
    liveLocalTracks: () => (localStream ? localStream.getTracks().filter((track) => track.readyState === 'live').length : 0),
    // What the programme <video> shows now: {participant, source: 'screen'|'camera'|null}; whether
    // I share my screen.
    programme: () => programmeShown,
    sharingScreen: () => screenTrack !== null,
};

main();
