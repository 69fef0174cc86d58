// The technician panel (issues 11, 12 and 13): per participant link quality measured by the
// server, pushed every STATS_INTERVAL_MS after a subscribeStats (docs/protocol.md "Technician
// panel"), the hall endpoints' own reports with their restart / reload buttons (docs/protocol.md
// "Hall endpoints"), plus the meeting's event log. statsRows(), hallRows(), endpointCommand() and
// statsSubscription() are pure (unit-tested); renderTechnicianPanel() and renderHalls() draw them.

export const STATS_INTERVAL_MS = 2000;

// Whether this role gets the panel (the server also allows the chair; the chair has its own).
export function showsTechnicianPanel(role) {
    return role === 'technician';
}

// The message that starts the server's pushes for this role after `joined`; null for roles
// without the panel. A new session (reconnection) subscribes again.
export function statsSubscription(role) {
    return showsTechnicianPanel(role) ? {type: 'subscribeStats', intervalMs: STATS_INTERVAL_MS} : null;
}

function count(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function fixed(value, digits = 0) {
    return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

// One row per participant of a `stats` message: its unit's name (from joined's units when known),
// total kbps sent to the server, the worse loss and jitter of its streams, RTT, resolution and
// frame rate of its camera, NACKs and key-frame requests (both directions, cumulative), its
// first connection's ICE/DTLS state and address and the time since its last packet, and
// `screen`: the resolution of its shared screen ('–' unknown), null when it shares none.
// Unknown values are '–' (the server sends null, never an invented number).
export function statsRows(stats, units = []) {
    if (!stats || !Array.isArray(stats.participants)) return [];
    const names = new Map(units.map((u) => [u.id, u.name]));
    return stats.participants.map((p) => {
        const audio = (p.publish && p.publish.audio) || null;
        const video = (p.publish && p.publish.video) || null;
        const screen = (p.publish && p.publish.screen) || null;
        const streams = [audio, video, screen].filter(Boolean);
        const rates = streams.map((s) => s.kbps).filter((k) => typeof k === 'number');
        const losses = streams.map((s) => s.lossPercent).filter((l) => typeof l === 'number');
        const sub = p.subscribe || {};
        const jitters = streams.map((s) => s.jitterMs).filter((j) => typeof j === 'number');
        const transports = Array.isArray(p.transports) ? p.transports : [];
        const first = transports[0] || null;
        const silences = transports.map((x) => x.msSinceLastPacket).filter((m) => typeof m === 'number');
        const nacks = streams.reduce((a, s) => a + count(s.nacksSent), 0) + count(sub.nacksReceived);
        const keyFrames = streams.reduce((a, s) => a + count(s.keyFrameRequestsSent), 0) +
            count(sub.keyFrameRequestsReceived);
        return {
            participantId: p.participantId,
            unit: names.get(p.unit) || p.unit || '',
            role: p.role || '',
            kbps: rates.length ? fixed(rates.reduce((a, b) => a + b, 0)) : '–',
            loss: losses.length ? fixed(Math.max(...losses), 1) : '–',
            rtt: fixed(sub.rttMs),
            resolution: video && video.width && video.height ? `${video.width}×${video.height}` : '–',
            fps: fixed(video && video.fps),
            screen: screen ? (screen.width && screen.height ? `${screen.width}×${screen.height}` : '–') : null,
            jitter: jitters.length ? fixed(Math.max(...jitters), 1) : '–',
            nacks: String(nacks),
            keyFrames: String(keyFrames),
            link: first ? `${first.ice || '–'}/${first.dtls || '–'}` : '–',
            address: (first && first.address) || '–',
            lastPacket: silences.length ? fixed(Math.min(...silences)) : '–',
        };
    });
}

// One row per hall endpoint (a participant whose stats carry an `endpoint` report): its unit's
// name, version, encoder, camera (and whether it is there: `cameraMissing`), what it sends and
// the restarts a technician asked for. Unknown values are '–'. Participants without a report
// (other roles, a hall before its first report) have no row.
export function hallRows(stats, units = []) {
    if (!stats || !Array.isArray(stats.participants)) return [];
    const names = new Map(units.map((u) => [u.id, u.name]));
    const text = (v) => (typeof v === 'string' && v.length > 0 ? v : '–');
    return stats.participants.filter((p) => p && p.endpoint && typeof p.endpoint === 'object').map((p) => {
        const e = p.endpoint;
        const size = typeof e.videoWidth === 'number' && typeof e.videoHeight === 'number'
            ? `${e.videoWidth}×${e.videoHeight}` : '–';
        return {
            participantId: p.participantId,
            unit: names.get(p.unit) || p.unit || '',
            version: text(e.version),
            encoder: text(e.encoder),
            camera: text(e.camera),
            cameraMissing: e.cameraAvailable === false,
            video: typeof e.fps === 'number' ? `${size} @ ${e.fps}` : size,
            restarts: fixed(e.restarts),
        };
    });
}

// The two requests a technician may send a hall, with their button labels (catalogue keys).
export const ENDPOINT_ACTIONS = [
    {action: 'restart', labelKey: 'tech.endpointRestart'},
    {action: 'reload', labelKey: 'tech.endpointReload'},
];

// The message asking hall `participantId` to restart or reload; null for anything else.
export function endpointCommand(participantId, action) {
    if (typeof participantId !== 'string' || participantId === '') return null;
    if (!ENDPOINT_ACTIONS.some((a) => a.action === action)) return null;
    return {type: 'endpointCommand', participantId, action};
}

// The catalogue key for the server's refusal of an endpointCommand (its stable error code).
export function endpointErrorKey(code) {
    return ['forbidden_for_role', 'unknown_participant', 'not_an_endpoint'].includes(code)
        ? `tech.endpointError.${code}` : 'tech.endpointError.other';
}

// The halls' table: columns (catalogue keys) in the order of a row's cells, then the buttons.
export const HALL_COLUMNS = ['tech.unit', 'tech.endpointVersion', 'tech.endpointEncoder', 'tech.endpointCamera',
    'tech.endpointVideo', 'tech.endpointRestarts'];

// The table's columns (catalogue keys), in the order of a row's cells.
export const COLUMNS = ['tech.unit', 'tech.kbps', 'tech.loss', 'tech.rtt', 'tech.resolution', 'tech.fps',
    'tech.jitter', 'tech.nacks', 'tech.keyFrames', 'tech.link', 'tech.address', 'tech.lastPacket'];

// Draws the halls' table: one row per hall, its two buttons calling `send(endpointCommand(...))`.
export function renderHalls(table, halls, {h, t, send}) {
    if (!table) return;
    const header = h('tr', {}, [...HALL_COLUMNS.map((key) => h('th', {scope: 'col'}, [t(key)])),
        h('th', {scope: 'col'}, [t('tech.endpointActions')])]);
    const body = halls.length
        ? halls.map((r) => h('tr', {'data-participant': r.participantId}, [
            h('td', {}, [r.unit]),
            h('td', {}, [r.version]),
            h('td', {}, [r.encoder]),
            h('td', {class: r.cameraMissing ? 'error' : ''}, [r.cameraMissing
                ? `${r.camera} · ${t('tech.endpointCameraMissing')}` : r.camera]),
            h('td', {}, [r.video]),
            h('td', {}, [r.restarts]),
            h('td', {}, ENDPOINT_ACTIONS.map((a) => h('button', {
                type: 'button', 'data-action': a.action,
                onclick: () => send(endpointCommand(r.participantId, a.action)),
            }, [t(a.labelKey)]))),
        ]))
        : [h('tr', {}, [h('td', {colspan: String(HALL_COLUMNS.length + 1)}, [t('tech.noHalls')])])];
    table.replaceChildren(h('thead', {}, [header]), h('tbody', {}, body));
}

// Draws the table and the log into the panel's elements. `h` builds an element (main.js's),
// `eventText` words a meetingEvent, `t` translates.
export function renderTechnicianPanel({table, log}, rows, events, {h, t, eventText, roleName}) {
    const header = h('tr', {}, COLUMNS.map((key) => h('th', {scope: 'col'}, [t(key)])));
    const body = rows.length
        ? rows.map((r) => h('tr', {'data-participant': r.participantId}, [
            h('td', {}, [r.unit || roleName(r.role)]),
            h('td', {}, [r.kbps]),
            h('td', {}, [r.loss]),
            h('td', {}, [r.rtt]),
            h('td', {class: 'resolution'}, [r.screen === null ? r.resolution
                : `${r.resolution} · ${t('tech.screen', {resolution: r.screen})}`]),
            h('td', {}, [r.fps]),
            h('td', {}, [r.jitter]),
            h('td', {}, [r.nacks]),
            h('td', {}, [r.keyFrames]),
            h('td', {}, [r.link]),
            h('td', {class: 'address'}, [r.address]),
            h('td', {}, [r.lastPacket]),
        ]))
        : [h('tr', {}, [h('td', {colspan: String(COLUMNS.length)}, [t('tech.noStats')])])];
    table.replaceChildren(h('thead', {}, [header]), h('tbody', {}, body));
    log.replaceChildren(...events.slice(-50).reverse().map((e) => h('li', {}, [
        `${new Date(e.time).toLocaleTimeString(t.language)} ${eventText(e)}`,
    ])));
}
