import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
    initialState, reduce, connecting, connectionLost, myStatus, programmeParticipant, tileGroups, pageOf, rollCall,
    rollCallAsksMe, attendanceBoard, attendanceCsv, linkQuality,
    MAX_EVENTS,
} from '../../signaling/web/app/js/state.js';

function joinedState() {
    let s = connecting(initialState(), {unit: 'hx', subject: 'dai-bieu-hx', role: 'delegate'});
    s = reduce(s, {
        type: 'joined', participantId: 'pme', meeting: 'giao-ban',
        participants: [
            {id: 'pchair', displayName: 'Chủ tịch', unit: 'ts', role: 'chair', tracks: [{id: 'pchair-video', kind: 'video'}]},
            {id: 'pa', displayName: 'Xã A', unit: 'ts.a', role: 'room', tracks: []},
        ],
    });
    return s;
}

test('joined replaces the roster and keeps who I am', () => {
    const s = joinedState();
    assert.equal(s.connection, 'joined');
    assert.equal(s.me.id, 'pme');
    assert.equal(s.me.unit, 'hx');
    assert.deepEqual(Object.keys(s.participants).sort(), ['pa', 'pchair']);
});

test('participants and tracks come and go', () => {
    let s = joinedState();
    s = reduce(s, {type: 'participantJoined', participant: {id: 'pb', displayName: 'Xã B', unit: 'ts.b', role: 'delegate'}});
    assert.deepEqual(s.participants.pb.tracks, []);
    s = reduce(s, {type: 'trackPublished', participantId: 'pb', track: {id: 'pb-video', kind: 'video'}});
    s = reduce(s, {type: 'trackPublished', participantId: 'pb', track: {id: 'pb-video', kind: 'video'}});
    assert.equal(s.participants.pb.tracks.length, 1);
    s = reduce(s, {type: 'trackUnpublished', participantId: 'pb', trackId: 'pb-video'});
    assert.equal(s.participants.pb.tracks.length, 0);
    s = reduce(s, {type: 'participantLeft', participantId: 'pb'});
    assert.equal(s.participants.pb, undefined);
    // A track of someone unknown changes nothing.
    assert.equal(reduce(s, {type: 'trackPublished', participantId: 'zz', track: {id: 'x', kind: 'audio'}}), s);
});

test('my status follows the meeting state: lobby, hand, floor, heard', () => {
    let s = joinedState();
    assert.equal(myStatus(s).governed, false);
    const base = {type: 'meetingState', state: 'open', chair: 'chu-tich', floor: null, queue: [], speakers: []};
    s = reduce(s, base);
    assert.equal(myStatus(s).inLobby, true);
    s = reduce(s, {...base, state: 'in_session', queue: [{unit: 'hx', unitName: 'Xã H', tier: 2, subject: 'dai-bieu-hx', since: 1}]});
    assert.deepEqual([myStatus(s).handRaised, myStatus(s).hasFloor, myStatus(s).heard], [true, false, false]);
    s = reduce(s, {...base, state: 'in_session', floor: 'hx', speakers: ['pchair', 'pme'], programmeParticipant: 'pme'});
    assert.deepEqual([myStatus(s).handRaised, myStatus(s).hasFloor, myStatus(s).heard], [false, true, true]);
    assert.equal(programmeParticipant(s), 'pme');
    assert.equal(myStatus(s).isChair, false);
});

test('the event log is bounded', () => {
    let s = joinedState();
    for (let i = 0; i < MAX_EVENTS + 25; i++) s = reduce(s, {type: 'meetingEvent', seq: i, event: 'hand_raised'});
    assert.equal(s.events.length, MAX_EVENTS);
    assert.equal(s.events[0].seq, 25);
});

test('a session closed by the server is not retried; a lost connection is', () => {
    let s = joinedState();
    const lost = connectionLost(s);
    assert.equal(lost.connection, 'reconnecting');
    assert.deepEqual(lost.participants, {});
    s = reduce(s, {type: 'sessionClosed', reason: 'replaced'});
    assert.equal(s.closedReason, 'replaced');
    assert.equal(connectionLost(s).connection, 'closed');
});

test('without a policy the programme is the latest video publisher', () => {
    let s = joinedState();
    assert.equal(programmeParticipant(s), 'pchair');
    s = reduce(s, {type: 'participantJoined', participant: {id: 'pz', displayName: 'Z', tracks: [{id: 'pz-video', kind: 'video'}]}});
    assert.equal(programmeParticipant(s), 'pz');
});

test('tiles are grouped by parent unit and paged', () => {
    let s = joinedState();
    for (const [id, unit] of [['p1', 'ts.b'], ['p2', 'hx.c'], ['p3', 'ts.c']]) {
        s = reduce(s, {type: 'participantJoined', participant: {id, displayName: id, unit}});
    }
    const units = {'ts.a': {parent: 'ts'}, 'ts.b': {parent: 'ts'}, 'ts.c': {parent: 'ts'}, 'hx.c': {parent: 'hx'}};
    const groups = tileGroups(s, units);  // pchair is the programme, pme is me
    assert.deepEqual(groups.map((g) => [g.parent, g.tiles.map((t) => t.participant.id)]),
        [['hx', ['p2']], ['ts', ['pa', 'p1', 'p3']]]);
    const all = groups.flatMap((g) => g.tiles);
    assert.deepEqual(pageOf(all, 1, 3), {pages: 2, page: 1, tiles: all.slice(3)});
    assert.equal(pageOf(all, 9, 3).page, 1);
    assert.equal(pageOf([], 0, 3).pages, 1);
});

test('only visible tiles and the programme pull video; every audio is pulled', async () => {
    const {wantedTracks} = await import('../../signaling/web/app/js/media.js');
    const participants = {
        me: {id: 'me', tracks: [{id: 'me-audio', kind: 'audio'}, {id: 'me-video', kind: 'video'}]},
        a: {id: 'a', tracks: [{id: 'a-audio', kind: 'audio'}, {id: 'a-video', kind: 'video'}]},
        b: {id: 'b', tracks: [{id: 'b-audio', kind: 'audio'}, {id: 'b-video', kind: 'video'}]},
        c: {id: 'c', tracks: [{id: 'c-video', kind: 'video'}]},
    };
    assert.deepEqual(wantedTracks(participants, new Set(['b']), 'c', 'me'),
        ['a-audio', 'b-audio', 'b-video', 'c-video']);
});

test('received m-lines are mapped to participants by their msid', async () => {
    const {participantsByMid} = await import('../../signaling/web/app/js/media.js');
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=msid:pa pa-audio',
        'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=msid:pb pb-video', 'm=video 0 UDP/TLS/RTP/SAVPF 96', 'a=mid:2', ''].join('\r\n');
    assert.deepEqual(participantsByMid(sdp), {0: 'pa', 1: 'pb'});
});

test('the roll call is followed from its events', () => {
    let s = joinedState();
    assert.equal(rollCall(s), null);
    assert.equal(rollCallAsksMe(s), false);
    const ev = (event, unit, id = '1', extra = {}) => ({type: 'meetingEvent', event, unit, detail: {roll_call: id, ...extra}});
    for (const e of [ev('roll_call_started', '', '1', {asked: '2'}), ev('roll_call_asked', 'ts.b'),
        ev('roll_call_confirmed', 'ts.a'), ev('roll_call_confirmed', 'zz', '0')]) s = reduce(s, e);
    let r = rollCall(s);
    assert.equal(r.running, true);
    assert.equal(r.askedCount, 3);
    assert.deepEqual([...r.confirmed], ['ts.a'], 'a confirmation of another roll call does not count');
    assert.equal(rollCallAsksMe(s), true);
    s = reduce(s, ev('roll_call_confirmed', 'hx'));
    assert.equal(rollCallAsksMe(s), false, 'my unit answered');
    s = reduce(s, ev('roll_call_ended', ''));
    r = rollCall(s);
    assert.equal(r.running, false);
    s = reduce(s, ev('roll_call_started', '', '2', {asked: '4'}));
    assert.equal(rollCall(s).confirmed.size, 0);
    assert.equal(rollCallAsksMe(s), true);
});

test('the attendance board: present, reconnecting for a while, absent', () => {
    let s = connecting(initialState(), {unit: 'ts', subject: 'chu-tich', role: 'chair'});
    s = reduce(s, {
        type: 'joined', participantId: 'pme', meeting: 'm',
        units: [{id: 'ts', name: 'Tỉnh Thanh Sơn', tier: 0}, {id: 'ts.a', name: 'Xã A', tier: 1, parent: 'ts'},
            {id: 'ts.b', name: 'Xã B', tier: 1, parent: 'ts'}, {id: 'ts.c', name: 'Xã C', tier: 1, parent: 'ts'}],
        participants: [
            {id: 'pa', displayName: 'Điểm cầu xã A', unit: 'ts.a', role: 'room'},
            {id: 'pb', displayName: 'Đại biểu xã B', unit: 'ts.b', role: 'delegate'},
            {id: 'po', displayName: 'Quan sát', unit: 'ts.c', role: 'observer'},
        ],
    });
    s = reduce(s, {type: 'participantLeft', participantId: 'pb', receivedAt: 1000});
    const at = (now) => Object.fromEntries(attendanceBoard(s, now).map((u) => [u.id, u.status]));
    assert.deepEqual(at(2000), {'ts': 'present', 'ts.a': 'present', 'ts.b': 'reconnecting', 'ts.c': 'absent'},
        'an observer does not make its unit present');
    assert.equal(at(1000 + 30000)['ts.b'], 'absent');
    assert.deepEqual(attendanceBoard(s, 2000)[1].by, ['Điểm cầu xã A']);
    const csv = attendanceCsv(attendanceBoard(s, 2000), ['Mã', 'Đơn vị', 'Cấp', 'Trực thuộc', 'Tình trạng', 'Người dự'],
        (st) => ({present: 'Có mặt', reconnecting: 'Đang kết nối lại', absent: 'Vắng'})[st]);
    assert.ok(csv.startsWith('\ufeffMã,Đơn vị,'));
    assert.ok(csv.includes('\r\nts.a,Xã A,1,ts,Có mặt,Điểm cầu xã A\r\n'));
    assert.ok(csv.endsWith('ts.c,Xã C,1,ts,Vắng,\r\n'));
    assert.equal(attendanceCsv([{id: 'x', name: 'a, "b"', tier: 0, status: 'absent', by: []}], ['h'], () => 'v'),
        '\ufeffh\r\nx,"a, ""b""",0,,v,\r\n');
});

test('link quality from the loss between two samples', () => {
    const sample = (audioPackets, videoPackets, packetsLost) => ({audioPackets, videoPackets, packetsLost});
    assert.equal(linkQuality(sample(0, 0, 0), sample(100, 900, 5)), 'good');
    assert.equal(linkQuality(sample(0, 0, 0), sample(100, 900, 50)), 'fair');
    assert.equal(linkQuality(sample(0, 0, 0), sample(100, 800, 100)), 'poor');
    assert.equal(linkQuality(sample(5, 5, 0), sample(5, 5, 0)), 'unknown');
    assert.equal(linkQuality(undefined, sample(1, 1, 0)), 'unknown');
});
