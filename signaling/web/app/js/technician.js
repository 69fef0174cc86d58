// The technician panel (issue 11): per participant link quality measured by the server, asked
// with getStats every STATS_INTERVAL_MS (docs/protocol.md "Technician panel"), plus the meeting's
// event log. statsRows() is pure (unit-tested); renderTechnicianPanel() draws it.

export const STATS_INTERVAL_MS = 2000;

// Whether this role gets the panel (the server also allows the chair; the chair has its own).
export function showsTechnicianPanel(role) {
    return role === 'technician';
}

function fixed(value, digits = 0) {
    return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

// One row per participant of a `stats` message: its unit's name (from joined's units when known),
// total kbps sent to the server, the worse loss of its streams, RTT, resolution and frame rate of
// its camera, and `screen`: the resolution of its shared screen ('–' unknown), null when it shares
// none. Unknown values are '–' (the server sends null, never an invented number).
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
        };
    });
}

// Draws the table and the log into the panel's elements. `h` builds an element (main.js's),
// `eventText` words a meetingEvent, `t` translates.
export function renderTechnicianPanel({table, log}, rows, events, {h, t, eventText, roleName}) {
    const header = h('tr', {}, ['tech.unit', 'tech.kbps', 'tech.loss', 'tech.rtt', 'tech.resolution', 'tech.fps']
        .map((key) => h('th', {scope: 'col'}, [t(key)])));
    const body = rows.length
        ? rows.map((r) => h('tr', {'data-participant': r.participantId}, [
            h('td', {}, [r.unit || roleName(r.role)]),
            h('td', {}, [r.kbps]),
            h('td', {}, [r.loss]),
            h('td', {}, [r.rtt]),
            h('td', {class: 'resolution'}, [r.screen === null ? r.resolution
                : `${r.resolution} · ${t('tech.screen', {resolution: r.screen})}`]),
            h('td', {}, [r.fps]),
        ]))
        : [h('tr', {}, [h('td', {colspan: '6'}, [t('tech.noStats')])])];
    table.replaceChildren(h('thead', {}, [header]), h('tbody', {}, body));
    log.replaceChildren(...events.slice(-50).reverse().map((e) => h('li', {}, [
        `${new Date(e.time).toLocaleTimeString(t.language)} ${eventText(e)}`,
    ])));
}
