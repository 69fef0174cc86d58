// The client's model of one meeting, built only from what the server says (docs/protocol.md).
// Pure functions, no DOM and no sockets: reduce(state, message) returns the next state, the
// selectors derive what the page shows. Unit-tested in tests/web/state.test.js.

export const MAX_EVENTS = 200;

export function initialState() {
    return {
        connection: 'idle',  // idle | connecting | joined | reconnecting | closed
        closedReason: null,  // replaced | removed | meeting_ended | left | a server error code
        meetingId: null,
        me: null,            // {id, unit, role, subject}
        participants: {},    // id -> {id, displayName, unit, role, tracks: [{id, kind}]}
        meeting: null,       // government meetings: the last meetingState (null in a plain one)
        units: [],           // government meetings: the meeting's units from joined [{id, name, tier, parent}]
        recentlyLeft: {},    // unit -> time (ms) its last session left, for "reconnecting" marks
        events: [],          // meetingEvent, newest last, at most MAX_EVENTS
        lastError: null,     // {code, message}
        recording: false,    // the meeting is being recorded (meetingState.recording)
        recordingRequest: null,  // {requestId, action: 'start'|'stop'} while the server has not answered
        recordingError: null,    // the error code of the last refused start/stop (cleared by the next request)
    };
}

function withParticipant(participants, p) {
    return {...participants, [p.id]: {tracks: [], ...p}};
}

function withoutParticipant(participants, id) {
    const next = {...participants};
    delete next[id];
    return next;
}

// `message` is a parsed server message; unknown types leave the state as it is.
export function reduce(state, message) {
    switch (message.type) {
        case 'joined': {
            let participants = {};
            for (const p of message.participants || []) participants = withParticipant(participants, p);
            return {
                ...state,
                connection: 'joined',
                closedReason: null,
                meetingId: message.meeting,
                me: {...(state.me || {}), id: message.participantId},
                participants,
                units: Array.isArray(message.units) ? message.units : state.units,
                lastError: null,
            };
        }
        case 'participantJoined':
            return {...state, participants: withParticipant(state.participants, message.participant)};
        case 'participantLeft': {
            const gone = state.participants[message.participantId];
            const recentlyLeft = gone && gone.unit ? {...state.recentlyLeft, [gone.unit]: message.receivedAt || 0} : state.recentlyLeft;
            return {...state, participants: withoutParticipant(state.participants, message.participantId), recentlyLeft};
        }
        case 'trackPublished': {
            const p = state.participants[message.participantId];
            if (!p) return state;
            const tracks = p.tracks.filter((t) => t.id !== message.track.id).concat([message.track]);
            return {...state, participants: {...state.participants, [p.id]: {...p, tracks}}};
        }
        case 'trackUnpublished': {
            const p = state.participants[message.participantId];
            if (!p) return state;
            const tracks = p.tracks.filter((t) => t.id !== message.trackId);
            return {...state, participants: {...state.participants, [p.id]: {...p, tracks}}};
        }
        case 'meetingState': {
            const recording = message.recording === true;
            return {...state, recording, recordingRequest: settles(state.recordingRequest, recording), meeting: {
                state: message.state,
                chair: message.chair,
                floor: message.floor ?? null,
                programmeUnit: message.programmeUnit ?? null,
                programmeParticipant: message.programmeParticipant ?? null,
                queue: message.queue || [],
                speakers: message.speakers || [],
                activeSpeaker: message.activeSpeaker ?? null,
                floorEndsAt: message.floorEndsAt ?? null,  // ms since the epoch, with a time limit
                recording,
            }};
        }
        case 'meetingEvent': {
            const events = state.events.concat([message]);
            const next = {...state, events: events.length > MAX_EVENTS ? events.slice(-MAX_EVENTS) : events};
            // The recording events say at once what the following meetingState confirms.
            if (!RECORDING_EVENTS.has(message.event)) return next;
            const recording = message.event === 'recording_started';
            // A failure answers a pending start too (the meeting is not recorded).
            const pending = message.event === 'recording_failed' ? null : settles(state.recordingRequest, recording);
            // A new recording event makes an older refusal moot (already_recording, not_recording ...).
            return {...next, recording, recordingRequest: pending, recordingError: null};
        }
        case 'sessionClosed':
            return {...state, connection: 'closed', closedReason: message.reason || 'closed'};
        case 'error': {
            const pending = state.recordingRequest;
            if (pending && message.requestId !== undefined && message.requestId === pending.requestId) {
                // The refusal of my start/stop: shown by the recording control, not the status line.
                return {...state, recordingRequest: null, recordingError: message.code || 'unknown'};
            }
            return {...state, lastError: {code: message.code, message: message.message}};
        }
        default:
            return state;
    }
}

const RECORDING_EVENTS = new Set(['recording_started', 'recording_stopped', 'recording_failed']);

// A pending start (stop) is answered once the meeting is (is no longer) recorded.
function settles(pending, recording) {
    if (!pending) return null;
    return (pending.action === 'start') === recording ? null : pending;
}

// I asked the server to start or stop recording (session.send's requestId; null when not sent).
export function recordingRequested(state, action, requestId) {
    if (requestId === null || requestId === undefined) return state;
    return {...state, recordingRequest: {requestId, action}, recordingError: null};
}

// The server did not answer that request in time (main.js: RECORDING_TIMEOUT_MS).
export function recordingTimedOut(state, requestId) {
    if (!state.recordingRequest || state.recordingRequest.requestId !== requestId) return state;
    return {...state, recordingRequest: null, recordingError: 'timeout'};
}

// Connection changes that do not come from a server message.
export function connecting(state, me) {
    return {...state, connection: 'connecting', me: {...(state.me || {}), ...me}};
}

export function connectionLost(state) {
    // A session the server closed on purpose stays closed; anything else is retried.
    if (state.connection === 'closed') return state;
    return {...state, connection: 'reconnecting', participants: {}, recordingRequest: null};
}

// --- selectors

// The recording control (technician panel, chair panel): whether this page offers it, whether it
// stops (aria-pressed) or starts, whether it waits for the server, and the catalogue key of the
// last refusal (null when none).
export function recordingControl(state) {
    const me = state.me || {};
    const isChair = Boolean(state.meeting && me.subject !== undefined && me.subject === state.meeting.chair);
    const shown = state.connection === 'joined' && (me.role === 'technician' || isChair);
    const pressed = state.recording;
    return {
        shown,
        pressed,
        labelKey: pressed ? 'recording.stop' : 'recording.start',
        action: pressed ? 'stopRecording' : 'startRecording',
        disabled: !shown || state.recordingRequest !== null || (state.meeting !== null && state.meeting.state === 'ended'),
        errorKey: recordingErrorKey(state.recordingError),
    };
}

export const RECORDING_ERROR_CODES = ['forbidden_for_role', 'recording_disabled', 'already_recording', 'not_recording',
    'timeout'];

// The catalogue key for a refused start/stop (recording.error.other, with {code}, for codes not
// known here).
export function recordingErrorKey(code) {
    if (!code) return null;
    return RECORDING_ERROR_CODES.includes(code) ? `recording.error.${code}` : 'recording.error.other';
}

export function participantsOfUnit(state, unit) {
    return Object.values(state.participants).filter((p) => p.unit === unit);
}

// What the page tells the person about themself.
export function myStatus(state) {
    const m = state.meeting;
    const me = state.me || {};
    if (!m) return {governed: false, isChair: false, hasFloor: false, heard: true, handRaised: false};
    const myUnit = me.unit;
    return {
        governed: true,
        isChair: me.subject !== undefined && me.subject === m.chair,
        hasFloor: myUnit !== undefined && m.floor === myUnit,
        floorEndsAt: myUnit !== undefined && m.floor === myUnit ? m.floorEndsAt : null,
        heard: m.speakers.includes(me.id),
        handRaised: myUnit !== undefined && m.queue.some((h) => h.unit === myUnit),
        inLobby: m.state === 'open',
        ended: m.state === 'ended',
    };
}

// Whose video is the programme: the policy's choice in a government meeting, else the most
// recent participant that publishes video.
export function programmeParticipant(state) {
    if (state.meeting) return state.meeting.programmeParticipant;
    const withVideo = Object.values(state.participants).filter((p) => p.tracks.some((t) => t.kind === 'video'));
    return withVideo.length ? withVideo[withVideo.length - 1].id : null;
}

// Tiles for everyone but the programme and me, grouped by the unit's parent, in a stable order.
// `units` maps unit id -> {name, tier, parent} when known (else the id is shown).
export function tileGroups(state, units = {}) {
    const programme = programmeParticipant(state);
    const meId = state.me && state.me.id;
    const groups = new Map();
    const others = Object.values(state.participants)
        .filter((p) => p.id !== programme && p.id !== meId)
        .sort((a, b) => (a.unit || '').localeCompare(b.unit || '') || a.displayName.localeCompare(b.displayName));
    for (const p of others) {
        const unit = units[p.unit] || null;
        const key = unit && unit.parent ? unit.parent : '';
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push({participant: p, unit});
    }
    return [...groups.entries()].map(([parent, tiles]) => ({parent, tiles}));
}

// One page of tiles: only these are subscribed, so a chair of a 300-unit meeting does not pull
// 300 videos.
export function pageOf(tiles, page, perPage) {
    const pages = Math.max(1, Math.ceil(tiles.length / perPage));
    const current = Math.min(Math.max(0, page), pages - 1);
    return {pages, page: current, tiles: tiles.slice(current * perPage, (current + 1) * perPage)};
}

// The roll call as the events since joining tell it: whether one runs, how many units were asked
// (every unit present when it started, counted in roll_call_started's detail, plus units that came
// later: roll_call_asked) and which confirmed. A page that joins during a roll call learns of it
// from the next events.
export function rollCall(state) {
    let current = null;
    for (const e of state.events) {
        const id = e.detail && e.detail.roll_call;
        if (e.event === 'roll_call_started') {
            current = {id, running: true, askedCount: Number(e.detail.asked) || 0, confirmed: new Set()};
        } else if (!current || id !== current.id) {
            continue;
        } else if (e.event === 'roll_call_asked') {
            current.askedCount += 1;
        } else if (e.event === 'roll_call_confirmed') {
            current.confirmed.add(e.unit);
        } else if (e.event === 'roll_call_ended') {
            current.running = false;
        }
    }
    return current;
}

// Whether this page should offer to confirm: a roll call runs and my unit has not answered.
export function rollCallAsksMe(state) {
    const r = rollCall(state);
    const unit = state.me && state.me.unit;
    return Boolean(r && r.running && unit && !r.confirmed.has(unit));
}

export const RECONNECT_GRACE_MS = 30000;
const REPRESENTING_ROLES = new Set(['chair', 'delegate', 'room']);

// The attendance board: every unit of the meeting with its state — present (someone speaks for it
// now), reconnecting (its last session left less than RECONNECT_GRACE_MS ago) or absent — in the
// order the server lists them (the tree's order), with who represents it.
export function attendanceBoard(state, now) {
    const present = new Map();
    for (const p of Object.values(state.participants)) {
        if (!p.unit || !REPRESENTING_ROLES.has(p.role)) continue;
        if (!present.has(p.unit)) present.set(p.unit, []);
        present.get(p.unit).push(p.displayName);
    }
    if (state.me && state.me.unit && REPRESENTING_ROLES.has(state.me.role) && state.connection === 'joined') {
        if (!present.has(state.me.unit)) present.set(state.me.unit, []);
    }
    return state.units.map((u) => {
        let status = 'absent';
        if (present.has(u.id)) status = 'present';
        else if (state.recentlyLeft[u.id] !== undefined && now - state.recentlyLeft[u.id] < RECONNECT_GRACE_MS) status = 'reconnecting';
        return {...u, status, by: present.get(u.id) || []};
    });
}

function csvField(value) {
    const text = String(value ?? '');
    return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// The board as CSV that a spreadsheet opens with its Vietnamese intact: UTF-8 with a byte order
// mark, CRLF line ends, quoted where needed. `header` and `statusName` come from the catalogue.
export function attendanceCsv(board, header, statusName) {
    const lines = [header.map(csvField).join(',')];
    for (const u of board) lines.push([u.id, u.name, u.tier, u.parent || '', statusName(u.status), u.by.join('; ')].map(csvField).join(','));
    return '\ufeff' + lines.join('\r\n') + '\r\n';
}

// How well a participant's media arrives here, from two samples of receive statistics:
// good (< 2 % lost), fair (< 8 %), poor, or unknown when nothing arrived in between.
export function linkQuality(before, after) {
    if (!before || !after) return 'unknown';
    const lost = Math.max(0, after.packetsLost - before.packetsLost);
    const got = Math.max(0, (after.audioPackets + after.videoPackets) - (before.audioPackets + before.videoPackets));
    if (lost + got === 0) return 'unknown';
    const ratio = lost / (lost + got);
    return ratio < 0.02 ? 'good' : ratio < 0.08 ? 'fair' : 'poor';
}

// A unit's tier as people say it: the catalogue's name for the units file's tier name
// (tier.commune: "Xã"), else that name as the file has it, else its level (1 = the top tier).
export function tierLabel(unit, t) {
    if (!unit) return '';
    if (unit.tierName && t.has(`tier.${unit.tierName}`)) return t(`tier.${unit.tierName}`);
    return unit.tierName || t('tier.level', {level: (unit.tier || 0) + 1});
}
