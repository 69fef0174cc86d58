// Recording in the web client (issue 11): the state from meetingState and the recording events,
// the Start/Stop control (shown, pressed, disabled while pending, refusals in catalogue words),
// the recording events' words and the technician panel's list of recordings.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
    initialState, reduce, connecting, connectionLost, recordingControl, recordingRequested, recordingTimedOut,
    recordingErrorKey, RECORDING_ERROR_CODES,
} from '../../signaling/web/app/js/state.js';
import {
    recordingEventText, recordingRows, fetchRecordings, recordingsMessageKey, formatBytes, renderRecordings,
    downloadRecording, recordingStateText,
} from '../../signaling/web/app/js/recording.js';
import {catalogs, createTranslator} from '../../signaling/web/app/js/i18n.js';

const meetingState = (fields = {}) => ({type: 'meetingState', state: 'in_session', chair: 'chu-tich', floor: null,
    queue: [], speakers: [], ...fields});

function joinedAs(role, subject = 'ky-thuat') {
    let s = connecting(initialState(), {unit: role === 'technician' ? undefined : 'ts', role, subject});
    s = reduce(s, {type: 'joined', participantId: 'pme', meeting: 'giao-ban', participants: []});
    return reduce(s, meetingState());
}

test('recording comes from meetingState and the recording events', () => {
    let s = joinedAs('delegate', 'dai-bieu');
    assert.equal(s.recording, false);
    s = reduce(s, meetingState({recording: true}));
    assert.equal(s.recording, true);
    assert.equal(s.meeting.recording, true);
    s = reduce(s, meetingState());
    assert.equal(s.recording, false, 'a meetingState without the field: not recorded');
    s = reduce(s, {type: 'meetingEvent', seq: 1, time: 1, event: 'recording_started'});
    assert.equal(s.recording, true);
    s = reduce(s, {type: 'meetingEvent', seq: 2, time: 2, event: 'recording_stopped', reason: 'disk_low'});
    assert.equal(s.recording, false);
    assert.equal(s.events.length, 2, 'the events are logged');
    s = reduce(s, {type: 'meetingEvent', seq: 3, time: 3, event: 'recording_started'});
    s = reduce(s, {type: 'meetingEvent', seq: 4, time: 4, event: 'recording_failed'});
    assert.equal(s.recording, false);
    // Other events leave it alone.
    s = reduce(s, meetingState({recording: true}));
    assert.equal(reduce(s, {type: 'meetingEvent', seq: 5, time: 5, event: 'hand_raised'}).recording, true);
});

test('the control: technician and chair only, Start or Stop with aria-pressed', () => {
    assert.equal(recordingControl(joinedAs('delegate', 'dai-bieu')).shown, false);
    assert.equal(recordingControl(joinedAs('observer', 'quan-sat')).shown, false);
    assert.equal(recordingControl(connecting(initialState(), {role: 'technician'})).shown, false, 'not before joining');
    const tech = recordingControl(joinedAs('technician'));
    assert.deepEqual(tech, {shown: true, pressed: false, labelKey: 'recording.start', action: 'startRecording',
        disabled: false, errorKey: null});
    const chair = recordingControl(reduce(joinedAs('chair', 'chu-tich'), meetingState({recording: true})));
    assert.deepEqual([chair.shown, chair.pressed, chair.labelKey, chair.action], [true, true, 'recording.stop', 'stopRecording']);
    // A delegate who is the meeting's chair (handed over) gets it; a chair-role person who is not, not.
    assert.equal(recordingControl(joinedAs('delegate', 'chu-tich')).shown, true);
    assert.equal(recordingControl(joinedAs('chair', 'pho-chu-tich')).shown, false);
    assert.equal(recordingControl(reduce(joinedAs('technician'), meetingState({state: 'ended'}))).disabled, true);
});

test('disabled while a request is pending, until the server says', () => {
    let s = recordingRequested(joinedAs('technician'), 'start', 7);
    assert.equal(recordingControl(s).disabled, true);
    assert.equal(recordingControl(reduce(s, meetingState())).disabled, true, 'still not recorded: still waiting');
    assert.equal(recordingControl(reduce(s, {type: 'error', code: 'bad_message', requestId: 6})).disabled, true,
        'another request\'s error');
    const started = reduce(s, {type: 'meetingEvent', seq: 1, time: 1, event: 'recording_started'});
    assert.equal(recordingControl(started).disabled, false);
    assert.equal(recordingControl(reduce(s, meetingState({recording: true}))).disabled, false);
    assert.equal(recordingControl(reduce(s, {type: 'meetingEvent', seq: 1, time: 1, event: 'recording_failed'})).disabled,
        false, 'a failure answers too');
    // Stopping.
    s = recordingRequested(reduce(joinedAs('technician'), meetingState({recording: true})), 'stop', 8);
    assert.equal(recordingControl(s).disabled, true);
    assert.equal(recordingControl(reduce(s, meetingState())).disabled, false);
    // Not sent (not connected): nothing pending.
    assert.equal(recordingControl(recordingRequested(joinedAs('technician'), 'start', null)).disabled, false);
    // A reconnect forgets it; so does the timeout, which says so.
    assert.equal(recordingControl(connectionLost(recordingRequested(joinedAs('technician'), 'start', 9))).shown, false);
    assert.equal(connectionLost(recordingRequested(joinedAs('technician'), 'start', 9)).recordingRequest, null);
    const timedOut = recordingTimedOut(recordingRequested(joinedAs('technician'), 'start', 9), 9);
    assert.deepEqual([recordingControl(timedOut).disabled, recordingControl(timedOut).errorKey], [false, 'recording.error.timeout']);
    const other = recordingRequested(joinedAs('technician'), 'start', 10);
    assert.equal(recordingTimedOut(other, 9), other, 'an older request\'s timeout changes nothing');
});

test('a refusal of my request is shown by the control in catalogue words, per code', () => {
    const s = recordingRequested(joinedAs('chair', 'chu-tich'), 'start', 3);
    const vi = createTranslator('vi');
    const refused = reduce(s, {type: 'error', code: 'recording_disabled', message: 'no recording directory', requestId: 3});
    const control = recordingControl(refused);
    assert.equal(control.disabled, false);
    assert.equal(control.errorKey, 'recording.error.recording_disabled');
    assert.equal(vi(control.errorKey), 'Máy chủ chưa cấu hình thư mục ghi hình.');
    assert.equal(refused.lastError, null, 'not the generic status line');
    for (const code of ['forbidden_for_role', 'already_recording', 'not_recording']) {
        assert.equal(recordingControl(reduce(s, {type: 'error', code, requestId: 3})).errorKey, `recording.error.${code}`);
    }
    assert.equal(recordingErrorKey('rate_limited'), 'recording.error.other');
    assert.equal(vi('recording.error.other', {code: 'rate_limited'}), 'Không thực hiện được yêu cầu ghi hình (mã lỗi rate_limited).');
    assert.equal(recordingErrorKey(null), null);
    // The next request clears it.
    assert.equal(recordingControl(recordingRequested(refused, 'start', 4)).errorKey, null);
    // So does a later recording event (someone else started or stopped).
    assert.equal(recordingControl(reduce(refused, {type: 'meetingEvent', seq: 9, time: 9, event: 'recording_started'})).errorKey, null);
    // An unrelated error still goes to the status line.
    assert.equal(reduce(s, {type: 'error', code: 'not_chair', message: 'x', requestId: 2}).lastError.code, 'not_chair');
});

test('every recording text is in both catalogues', () => {
    const keys = [...RECORDING_ERROR_CODES.map((c) => `recording.error.${c}`), 'recording.error.other',
        'recording.start', 'recording.stop', 'recording.indicator', 'recording.reason.disk_low',
        ...['started', 'stopped', 'failed'].map((e) => `event.recording_${e}`),
        'event.recording_stopped_reason', 'event.recording_failed_reason',
        ...['unauthorized', 'forbidden', 'notFound', 'failed', 'none'].map((k) => `recordings.${k}`)];
    for (const key of keys) {
        for (const lang of ['vi', 'en']) assert.ok(key in catalogs[lang], `${lang} ${key}`);
    }
    assert.equal(createTranslator('vi')('recording.indicator'), 'Đang ghi hình');
    assert.equal(createTranslator('en')('recording.indicator'), 'Recording');
});

test('the recording events in words, with a reason when there is one', () => {
    const vi = createTranslator('vi');
    const en = createTranslator('en');
    assert.equal(recordingEventText({event: 'recording_started'}, vi), 'Bắt đầu ghi hình');
    assert.equal(recordingEventText({event: 'recording_stopped'}, en), 'Recording stopped');
    assert.equal(recordingEventText({event: 'recording_stopped', reason: 'disk_low'}, vi), 'Dừng ghi hình: ổ đĩa máy chủ sắp đầy');
    assert.equal(recordingEventText({event: 'recording_failed', detail: {reason: 'encoder'}}, en),
        'Recording failed and stopped: encoder');
    assert.equal(recordingEventText({event: 'hand_raised'}, vi), null);
});

const sample = {recordings: [
    {id: 'r1', start: '2026-12-05T01:00:00Z', end: '2026-12-05T02:00:00Z', state: 'complete',
        files: [{name: 'giao-ban-r1-programme.webm', bytes: 1200000, sha256: 'ab'.repeat(32)},
            {name: 'giao-ban-r1-audio.ogg', bytes: 300000, sha256: 'cd'.repeat(32)}]},
    {id: 'r2', start: '2026-12-05T03:00:00Z', end: null, state: 'recording', files: [{name: 'giao-ban r2.webm', bytes: 5000}]},
    null,
    {id: 'r0', start: 1764896400000, state: 'failed', files: [{bytes: 1}, {name: 'x.webm'}]},
]};

test('the list from the server\'s JSON: newest first, total size, download addresses', () => {
    const rows = recordingRows(sample, 'giao-ban');
    assert.deepEqual(rows.map((r) => r.id), ['r2', 'r1', 'r0']);
    assert.equal(rows[1].bytes, 1500000);
    assert.equal(rows[1].files[0].href, '/api/meetings/giao-ban/recordings/giao-ban-r1-programme.webm');
    assert.equal(rows[0].files[0].href, '/api/meetings/giao-ban/recordings/giao-ban%20r2.webm');
    assert.equal(rows[0].end, null);
    assert.deepEqual(rows[2].files.map((f) => f.name), ['x.webm'], 'a file without a name is left out');
    assert.equal(rows[2].bytes, null, 'no size known');
    assert.deepEqual(recordingRows({}, 'm'), []);
    assert.equal(formatBytes(1500000, 'en'), '1.5 MB');
    assert.equal(formatBytes(1500000, 'vi'), '1,5 MB');
    assert.equal(formatBytes(999, 'en'), '999 B');
    assert.equal(formatBytes(null, 'en'), '–');
    assert.equal(recordingStateText('complete', createTranslator('vi')), 'Hoàn tất');
    assert.equal(recordingStateText('weird', createTranslator('vi')), 'weird');
});

function response(status, body) {
    return {status, ok: status >= 200 && status < 300, json: async () => body, blob: async () => `blob:${status}`};
}

test('the list is fetched with the page\'s token; 401/403/404 get their message; no token, nothing', async () => {
    const calls = [];
    const fetchOk = async (url, init) => {
        calls.push([url, init.headers.Authorization]);
        return response(200, sample);
    };
    const ok = await fetchRecordings(fetchOk, 'giao-ban', 'tok');
    assert.deepEqual(calls, [['/api/meetings/giao-ban/recordings', 'Bearer tok']]);
    assert.equal(ok.status, 'ok');
    assert.equal(ok.recordings.length, 3);
    assert.equal(recordingsMessageKey(ok), null);
    assert.equal(await fetchRecordings(fetchOk, 'giao-ban', null), null, 'auth dev: no token, no request');
    assert.equal(calls.length, 1);
    const statusOf = async (status) => recordingsMessageKey(await fetchRecordings(async () => response(status, {}), 'm', 'tok'));
    assert.equal(await statusOf(401), 'recordings.unauthorized');
    assert.equal(await statusOf(403), 'recordings.forbidden');
    assert.equal(await statusOf(404), 'recordings.notFound');
    assert.equal(await statusOf(500), 'recordings.failed');
    assert.equal(recordingsMessageKey(await fetchRecordings(async () => { throw new Error('offline'); }, 'm', 'tok')),
        'recordings.failed');
    assert.equal(recordingsMessageKey({status: 'ok', recordings: []}), 'recordings.none');
    assert.equal(recordingsMessageKey(null), null);
});

// A small stand-in for the DOM: enough for renderRecordings.
function h(tag, props = {}, children = []) {
    return {tag, props, children};
}
function text(node) {
    if (typeof node === 'string') return node;
    return (node.children || []).map(text).join(' ');
}
function find(node, tag, out = []) {
    if (typeof node === 'string') return out;
    if (node.tag === tag) out.push(node);
    for (const c of node.children || []) find(c, tag, out);
    return out;
}
function container() {
    return {children: [], replaceChildren(...c) { this.children = c; }};
}

test('the list is drawn: one row per recording, state and size in words, a download link per file', async () => {
    const t = createTranslator('en');
    const result = {status: 'ok', recordings: recordingRows(sample, 'giao-ban')};
    const downloads = [];
    const box = container();
    renderRecordings(box, result, {h, t, download: (f) => downloads.push(f.name)});
    const rows = find(box.children[0], 'tr').slice(1);
    assert.equal(rows.length, 3);
    assert.match(text(rows[0]), /Not ended/);
    assert.match(text(rows[0]), /Recording/);
    assert.match(text(rows[1]), /Complete .*1\.5 MB/);
    const links = find(rows[1], 'a');
    assert.deepEqual(links.map((a) => a.props.href), ['/api/meetings/giao-ban/recordings/giao-ban-r1-programme.webm',
        '/api/meetings/giao-ban/recordings/giao-ban-r1-audio.ogg']);
    assert.equal(text(links[0]), 'Download giao-ban-r1-programme.webm (1.2 MB)');
    let prevented = false;
    links[1].props.onclick({preventDefault: () => { prevented = true; }});
    assert.ok(prevented, 'the link is fetched with the token, not followed');
    assert.deepEqual(downloads, ['giao-ban-r1-audio.ogg']);
    renderRecordings(box, {status: 'forbidden'}, {h, t, download: () => {}});
    assert.equal(text(box.children[0]), 'You may not see the recordings of this meeting.');
    renderRecordings(box, null, {h, t, download: () => {}});
    assert.deepEqual(box.children, []);
    // The download asks for a ticketed address with the token and hands that address to the
    // browser; a refusal returns its status, an answer without an address of ours is refused.
    const saved = [];
    const file = result.recordings[1].files[0];
    let asked = null;
    const linkAnswer = (body) => ({ok: true, status: 200, json: async () => body});
    assert.equal(await downloadRecording(async (url, init) => {
        asked = {url, method: init.method, auth: init.headers.Authorization};
        return linkAnswer({url: '/api/meetings/giao-ban/recordings/giao-ban-r1-programme.webm?ticket=1.ab', expiresAt: 1});
    }, file, 'tok', (url, name) => saved.push([url, name])), null);
    assert.deepEqual(asked, {url: `${file.href}/link`, method: 'POST', auth: 'Bearer tok'});
    assert.deepEqual(saved, [['/api/meetings/giao-ban/recordings/giao-ban-r1-programme.webm?ticket=1.ab', 'giao-ban-r1-programme.webm']]);
    assert.equal(await downloadRecording(async () => linkAnswer({url: 'https://elsewhere.example/x'}), file, 'tok',
        () => assert.fail('saved an address that is not ours')), 'network');
    assert.equal(await downloadRecording(async () => response(403), file, 'tok', () => {}), 403);
});
