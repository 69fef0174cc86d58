// Recording in the web client (issue 11; docs/protocol.md "Recording"): the words of the
// recording events, the technician panel's list of a meeting's recordings (fetched over REST with
// the page's token) and its download. Pure but for the fetch, which is passed in; unit-tested in
// tests/web/recording.test.js. The control's state (start/stop, pending, refusals) is in state.js.

// How long the control waits for the server to confirm a start or stop before it gives up.
export const RECORDING_TIMEOUT_MS = 15000;

// A recording event's words, or null for other events. A stop or failure may carry a `reason`
// (top level, or in `detail`): the catalogue's words for it (recording.reason.<reason>) when known,
// else the reason as the server says it.
export function recordingEventText(e, t) {
    if (!e || !['recording_started', 'recording_stopped', 'recording_failed'].includes(e.event)) return null;
    const reason = e.reason || (e.detail && e.detail.reason) || '';
    if (!reason || e.event === 'recording_started') return t(`event.${e.event}`);
    const reasonKey = `recording.reason.${reason}`;
    return t(`event.${e.event}_reason`, {reason: t.has(reasonKey) ? t(reasonKey) : reason});
}

export function recordingsUrl(meetingId) {
    return `/api/meetings/${encodeURIComponent(meetingId)}/recordings`;
}

export function recordingFileUrl(meetingId, name) {
    return `${recordingsUrl(meetingId)}/${encodeURIComponent(name)}`;
}

// The list as the panel shows it: {status: 'ok', recordings} or {status: 'unauthorized' (401),
// 'forbidden' (403), 'not_found' (404), 'failed' (anything else, with `code`: the HTTP status or
// 'network')}; null without a token (auth: dev, where the page has none: nothing is shown).
export async function fetchRecordings(fetchImpl, meetingId, token) {
    if (!token || !meetingId) return null;
    let response;
    try {
        response = await fetchImpl(recordingsUrl(meetingId), {headers: {Authorization: `Bearer ${token}`}});
    } catch (e) {
        return {status: 'failed', code: 'network'};
    }
    if (response.status === 401) return {status: 'unauthorized'};
    if (response.status === 403) return {status: 'forbidden'};
    if (response.status === 404) return {status: 'not_found'};
    if (!response.ok) return {status: 'failed', code: response.status};
    try {
        const body = await response.json();
        return {status: 'ok', recordings: recordingRows(body, meetingId)};
    } catch (e) {
        return {status: 'failed', code: 'json'};
    }
}

const LIST_MESSAGES = {unauthorized: 'recordings.unauthorized', forbidden: 'recordings.forbidden',
    not_found: 'recordings.notFound', failed: 'recordings.failed'};

// The catalogue key that replaces the list for a result that is not a list (null for a list).
export function recordingsMessageKey(result) {
    if (!result) return null;
    if (result.status === 'ok') return result.recordings.length ? null : 'recordings.none';
    return LIST_MESSAGES[result.status] || 'recordings.failed';
}

// The server's list, newest first, each with its total size and its files' download addresses.
// Entries that are not objects, and files without a name, are left out.
export function recordingRows(body, meetingId) {
    const list = body && Array.isArray(body.recordings) ? body.recordings : [];
    return list.filter((r) => r && typeof r === 'object').map((r) => {
        const files = (Array.isArray(r.files) ? r.files : []).filter((f) => f && typeof f.name === 'string' && f.name)
            .map((f) => ({name: f.name, bytes: Number.isFinite(f.bytes) ? f.bytes : null,
                sha256: typeof f.sha256 === 'string' ? f.sha256 : '', href: recordingFileUrl(meetingId, f.name)}));
        const sizes = files.map((f) => f.bytes).filter((b) => b !== null);
        return {
            id: String(r.id ?? ''),
            start: r.start ?? null,
            end: r.end ?? null,
            state: typeof r.state === 'string' ? r.state : '',
            bytes: sizes.length ? sizes.reduce((a, b) => a + b, 0) : null,
            files,
        };
    }).sort((a, b) => timeOf(b.start) - timeOf(a.start));
}

// start/end as the server sends them: ms since the epoch or an ISO 8601 string.
export function timeOf(value) {
    if (typeof value === 'number') return value;
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isFinite(ms) ? ms : 0;
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

// 1536000 -> "1,5 MB" (vi) / "1.5 MB" (en); '–' when unknown.
export function formatBytes(bytes, language) {
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '–';
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
        value /= 1000;
        unit += 1;
    }
    const digits = unit === 0 || value >= 100 ? 0 : 1;
    return `${new Intl.NumberFormat(language, {maximumFractionDigits: digits}).format(value)} ${SIZE_UNITS[unit]}`;
}

function formatTime(value, t) {
    if (value === null || value === undefined || value === '') return t('recordings.noEnd');
    const ms = timeOf(value);
    return ms ? new Date(ms).toLocaleString(t.language) : String(value);
}

// The state's words: recordings.state.<state> when the catalogue has it, else as the server says.
export function recordingStateText(state, t) {
    const key = `recordings.state.${state}`;
    return t.has(key) ? t(key) : state;
}

// Draws the list (or its message) into `container`. `h` builds an element (main.js's);
// `download(file)` is called when a file's link is activated (the link also carries the address).
export function renderRecordings(container, result, {h, t, download}) {
    if (!result) {
        container.replaceChildren();
        return;
    }
    const messageKey = recordingsMessageKey(result);
    if (messageKey) {
        container.replaceChildren(h('p', {class: result.status === 'ok' ? 'empty' : 'error'},
            [t(messageKey, {code: result.code ?? ''})]));
        return;
    }
    const header = h('tr', {}, ['recordings.start', 'recordings.end', 'recordings.state', 'recordings.size', 'recordings.files']
        .map((key) => h('th', {scope: 'col'}, [t(key)])));
    const rows = result.recordings.map((r) => h('tr', {'data-recording': r.id}, [
        h('td', {}, [formatTime(r.start, t)]),
        h('td', {}, [r.state === 'recording' && !r.end ? t('recordings.noEnd') : formatTime(r.end, t)]),
        h('td', {}, [recordingStateText(r.state, t)]),
        h('td', {}, [formatBytes(r.bytes, t.language)]),
        h('td', {}, [h('ul', {class: 'files'}, r.files.map((f) => h('li', {}, [
            h('a', {href: f.href, download: f.name, title: f.sha256 ? `SHA-256 ${f.sha256}` : f.name,
                onclick: (event) => {
                    event.preventDefault();
                    download(f);
                }}, [t('recordings.download', {name: f.name, size: formatBytes(f.bytes, t.language)})]),
        ])))]),
    ]));
    container.replaceChildren(h('table', {}, [h('thead', {}, [header]), h('tbody', {}, rows)]));
}

// A file's download: a plain link cannot send the bearer token, so the page asks the server (with
// the token) for a short-lived address carrying a download ticket, and hands that address to the
// browser, which streams the file to disk (never the whole file in the page's memory). Returns
// null when it worked, else the HTTP status (or 'network') for recordings.downloadFailed.
export async function downloadRecording(fetchImpl, file, token, save) {
    let response;
    try {
        response = await fetchImpl(`${file.href}/link`, {
            method: 'POST',
            headers: token ? {Authorization: `Bearer ${token}`} : {},
        });
    } catch (e) {
        return 'network';
    }
    if (!response.ok) return response.status;
    let body;
    try {
        body = await response.json();
    } catch (e) {
        return 'network';
    }
    if (!body || typeof body.url !== 'string' || !body.url.startsWith('/api/meetings/')) return 'network';
    save(body.url, file.name);
    return null;
}
