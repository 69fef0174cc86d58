// The technician panel's rows from a server `stats` message (issue 11).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {statsRows, showsTechnicianPanel, statsSubscription, COLUMNS, STATS_INTERVAL_MS, hallRows,
    endpointCommand, endpointErrorKey, ENDPOINT_ACTIONS, HALL_COLUMNS, renderHalls}
    from '../../signaling/web/app/js/technician.js';
import {catalogs} from '../../signaling/web/app/js/i18n.js';

const stats = {
    type: 'stats', time: 1764900000000, participants: [
        {participantId: 'p1', unit: 'thanh-son', role: 'delegate',
            publish: {audio: {kbps: 32.1, packetsLost: 0, lossPercent: 0.0, jitterMs: 2.5, nacksSent: 0,
                keyFrameRequestsSent: 0, msSinceLastPacket: 15},
            video: {kbps: 812.5, packetsLost: 3, lossPercent: 0.25, width: 320, height: 240, fps: 29.5,
                jitterMs: 7.25, nacksSent: 40, keyFrameRequestsSent: 2, msSinceLastPacket: 4}},
            subscribe: {kbps: 1200.0, rttMs: 12.5, lossPercent: 0.0, jitterMs: 3, nacksReceived: 5,
                keyFrameRequestsReceived: 1},
            transports: [{ice: 'connected', dtls: 'connected', address: '203.0.113.7:50412', msSinceLastPacket: 4},
                {ice: 'connected', dtls: 'connected', address: '203.0.113.7:50413', msSinceLastPacket: 9}]},
        {participantId: 'p2', unit: '', role: 'technician',
            publish: {audio: null, video: null}, subscribe: {kbps: null, rttMs: null, lossPercent: null}},
    ],
};

test('one row per participant with the unit name, total kbps, worst loss, rtt, size and fps', () => {
    const rows = statsRows(stats, [{id: 'thanh-son', name: 'Tỉnh Thanh Sơn'}]);
    assert.deepEqual(rows[0], {participantId: 'p1', unit: 'Tỉnh Thanh Sơn', role: 'delegate', kbps: '845',
        loss: '0.3', rtt: '13', resolution: '320×240', fps: '30', jitter: '7.3', nacks: '45', keyFrames: '3',
        link: 'connected/connected', address: '203.0.113.7:50412', lastPacket: '4', screen: null});
});

test('unknown values are shown as unknown, never as 0', () => {
    const rows = statsRows(stats);
    assert.deepEqual(rows[1], {participantId: 'p2', unit: '', role: 'technician', kbps: '–', loss: '–',
        rtt: '–', resolution: '–', fps: '–', jitter: '–', nacks: '0', keyFrames: '0', link: '–', address: '–',
        lastPacket: '–', screen: null});
    assert.equal(rows[0].unit, 'thanh-son');
    assert.deepEqual(statsRows(null), []);
    assert.deepEqual(statsRows({participants: 'x'}), []);
});

test('a shared screen counts in the kbps and loss, and shows its resolution', () => {
    const sharing = {participants: [{participantId: 'p1', unit: 'thanh-son', role: 'delegate',
        publish: {audio: null, video: {kbps: 500, lossPercent: 0.1, width: 640, height: 360, fps: 30},
            screen: {kbps: 1500, lossPercent: 2.5, width: 1280, height: 720, fps: 5}},
        subscribe: {}},
    {participantId: 'p2', role: 'delegate', publish: {video: null, screen: {kbps: null, lossPercent: null}}}]};
    const rows = statsRows(sharing);
    assert.equal(rows[0].kbps, '2000');
    assert.equal(rows[0].loss, '2.5');
    assert.equal(rows[0].resolution, '640×360', 'the camera');
    assert.equal(rows[0].screen, '1280×720');
    assert.equal(rows[1].screen, '–', 'shared, size not known yet');
});

test('only technicians get the panel, refreshed every 2 s', () => {
    assert.ok(showsTechnicianPanel('technician'));
    assert.ok(!showsTechnicianPanel('delegate'));
    assert.ok(!showsTechnicianPanel('chair'));
    assert.equal(STATS_INTERVAL_MS, 2000);
});

test('a technician subscribes to pushes every 2 s after joining; other roles do not', () => {
    assert.deepEqual(statsSubscription('technician'), {type: 'subscribeStats', intervalMs: 2000});
    assert.equal(statsSubscription('delegate'), null);
    assert.equal(statsSubscription('observer'), null);
});

test('every column has a label in both catalogues', () => {
    for (const lang of ['vi', 'en']) {
        for (const key of COLUMNS) assert.equal(typeof catalogs[lang][key], 'string', `${lang} ${key}`);
    }
});

// Issue 13: the hall endpoints' reports and the technician's restart / reload.
const withHall = {participants: [
    {participantId: 'p9', unit: 'thanh-son.x-phu-loc', role: 'room', publish: {}, subscribe: {},
        endpoint: {version: '0.1.0', camera: '/dev/video0', cameraAvailable: false, microphone: 'hw:1',
            display: 'kms', speaker: 'hw:1', encoder: 'vah264enc (H264, hardware)', videoWidth: 1280,
            videoHeight: 720, fps: 25, restarts: 2, uptimeS: 3600, time: 1764900000000}},
    {participantId: 'p10', unit: 'thanh-son.p-hong-ha', role: 'room', publish: {}, subscribe: {},
        endpoint: {version: null, camera: null, cameraAvailable: null, encoder: null, videoWidth: null,
            videoHeight: null, fps: null, restarts: null}},
    {participantId: 'p1', unit: 'thanh-son', role: 'delegate', publish: {}, subscribe: {}, endpoint: null},
]};

test('one hall row per reporting endpoint: version, encoder, camera, video, restarts', () => {
    const rows = hallRows(withHall, [{id: 'thanh-son.x-phu-loc', name: 'Xã Phú Lộc'}]);
    assert.equal(rows.length, 2, 'the delegate has no endpoint row');
    assert.deepEqual(rows[0], {participantId: 'p9', unit: 'Xã Phú Lộc', version: '0.1.0',
        encoder: 'vah264enc (H264, hardware)', camera: '/dev/video0', cameraMissing: true,
        video: '1280×720 @ 25', restarts: '2'});
    assert.deepEqual(rows[1], {participantId: 'p10', unit: 'thanh-son.p-hong-ha', version: '–', encoder: '–',
        camera: '–', cameraMissing: false, video: '–', restarts: '–'});
    assert.deepEqual(hallRows(null), []);
    assert.deepEqual(hallRows(stats), [], 'stats without endpoints (an older server)');
});

test('the two buttons send restart and reload for that hall, nothing else', () => {
    assert.deepEqual(ENDPOINT_ACTIONS.map((a) => a.action), ['restart', 'reload']);
    assert.deepEqual(endpointCommand('p9', 'restart'), {type: 'endpointCommand', participantId: 'p9', action: 'restart'});
    assert.deepEqual(endpointCommand('p9', 'reload'), {type: 'endpointCommand', participantId: 'p9', action: 'reload'});
    assert.equal(endpointCommand('p9', 'reboot'), null);
    assert.equal(endpointCommand('', 'restart'), null);
    assert.equal(endpointErrorKey('not_an_endpoint'), 'tech.endpointError.not_an_endpoint');
    assert.equal(endpointErrorKey('rate_limited'), 'tech.endpointError.other');
});

test('the halls table draws a row with both buttons, which send their command', () => {
    // A minimal element builder: enough to find the buttons and press them.
    const h = (tag, attrs = {}, children = []) => ({tag, attrs, children,
        replaceChildren(...c) { this.children = c; }});
    const table = h('table');
    const sent = [];
    renderHalls(table, hallRows(withHall), {h, t: (k) => k, send: (m) => sent.push(m)});
    const body = table.children[1];
    assert.equal(body.children.length, 2);
    const buttons = body.children[0].children.at(-1).children;
    assert.deepEqual(buttons.map((b) => b.children[0]), ['tech.endpointRestart', 'tech.endpointReload']);
    buttons[0].attrs.onclick();
    buttons[1].attrs.onclick();
    assert.deepEqual(sent, [{type: 'endpointCommand', participantId: 'p9', action: 'restart'},
        {type: 'endpointCommand', participantId: 'p9', action: 'reload'}]);
});

test('every hall label and button has a text in both catalogues', () => {
    const keys = [...HALL_COLUMNS, ...ENDPOINT_ACTIONS.map((a) => a.labelKey), 'tech.endpointActions', 'tech.noHalls',
        'tech.halls', 'tech.endpointCameraMissing', 'tech.endpointError.forbidden_for_role',
        'tech.endpointError.unknown_participant', 'tech.endpointError.not_an_endpoint', 'tech.endpointError.other',
        'event.endpoint_restart_requested', 'event.endpoint_reload_requested'];
    for (const lang of ['vi', 'en']) {
        for (const key of keys) assert.equal(typeof catalogs[lang][key], 'string', `${lang} ${key}`);
    }
    assert.equal(catalogs.vi['tech.endpointRestart'], 'Khởi động lại');
    assert.equal(catalogs.vi['tech.endpointReload'], 'Tải lại cấu hình');
    assert.equal(catalogs.en['tech.endpointRestart'], 'Restart');
    assert.equal(catalogs.en['tech.endpointReload'], 'Reload config');
});
