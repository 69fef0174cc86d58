// Screen sharing in the web client: what is pulled, what the programme shows, and the publish
// renegotiation (screenMid, one offer at a time, stop = removeTrack + offer without screenMid)
// against a fake RTCPeerConnection.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
    MediaLink, wantedTracks, tracksByMid, displayTracks, isScreenTrack,
} from '../../signaling/web/app/js/media.js';

const tracksOf = (id, screen) => [
    {id: `${id}-audio`, kind: 'audio', source: 'microphone'},
    {id: `${id}-video`, kind: 'video', source: 'camera'},
    ...(screen ? [{id: `${id}-screen`, kind: 'video', source: 'screen'}] : []),
];

test('a shared screen is pulled for the programme participant only', () => {
    const participants = {
        a: {id: 'a', tracks: tracksOf('a', true)},
        b: {id: 'b', tracks: tracksOf('b', true)},
    };
    assert.deepEqual(wantedTracks(participants, new Set(['b']), 'a', 'me'),
        ['a-audio', 'a-screen', 'a-video', 'b-audio', 'b-video']);
    assert.equal(isScreenTrack({id: 'x-screen'}), true, 'a track without source: by its id');
    assert.equal(isScreenTrack({id: 'x-video', source: 'camera'}), false);
});

test('received m-lines name their track ids', () => {
    const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=msid:pa pa-video',
        'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=msid:pa pa-screen', ''].join('\r\n');
    assert.deepEqual(tracksByMid(sdp), {
        0: {participantId: 'pa', trackId: 'pa-video'},
        1: {participantId: 'pa', trackId: 'pa-screen'},
    });
});

test('the programme shows the screen while it is published and has arrived, else the camera', () => {
    const live = {'a-audio': {id: 'ta'}, 'a-video': {id: 'tv'}, 'a-screen': {id: 'ts'}};
    const sharing = displayTracks({id: 'a', tracks: tracksOf('a', true)}, live);
    assert.deepEqual(sharing.programme.map((x) => x.id), ['ta', 'ts']);
    assert.equal(sharing.programmeSource, 'screen');
    assert.deepEqual(sharing.camera.map((x) => x.id), ['tv'], 'the tile keeps the camera');
    // Unpublished (trackUnpublished): back to the camera even if the old track still lingers.
    const stopped = displayTracks({id: 'a', tracks: tracksOf('a', false)}, live);
    assert.deepEqual(stopped.programme.map((x) => x.id), ['ta', 'tv']);
    assert.equal(stopped.programmeSource, 'camera');
    // Published but not arrived yet: the camera meanwhile.
    const notYet = displayTracks({id: 'a', tracks: tracksOf('a', true)}, {'a-video': {id: 'tv'}});
    assert.equal(notYet.programmeSource, 'camera');
    assert.equal(displayTracks(null, live).programmeSource, null);
});

class FakePc {
    constructor() {
        this.transceivers = [];
        this.offers = 0;
        this.localDescription = null;
        this.log = [];
    }
    addTransceiver(track, init) {
        const t = {mid: null, direction: init.direction, sender: {track}, receiver: {}};
        this.transceivers.push(t);
        return t;
    }
    getTransceivers() { return this.transceivers; }
    getSenders() { return this.transceivers.map((t) => t.sender); }
    removeTrack(sender) {
        const t = this.transceivers.find((x) => x.sender === sender);
        sender.track = null;
        t.direction = 'inactive';
        this.log.push('removeTrack');
    }
    async createOffer() {
        this.offers += 1;
        return {type: 'offer', sdp: `offer-${this.offers} ${this.transceivers.map((t) => t.direction).join(',')}`};
    }
    async setLocalDescription(d) {
        if (d.type === 'rollback') {
            this.log.push('rollback');
            return;
        }
        this.transceivers.forEach((t, i) => { if (t.mid === null) t.mid = String(i); });
        this.localDescription = d;
    }
    async setRemoteDescription(d) { this.log.push(`remote ${d.sdp}`); }
    close() {}
}

function link() {
    const sent = [];
    const errors = [];
    globalThis.RTCPeerConnection = FakePc;
    const m = new MediaLink({
        send: (message) => { sent.push(message); return sent.length; },
        onStream: () => {},
        onError: (e) => errors.push(e),
    });
    return {m, sent, errors};
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('sharing and stopping the screen renegotiate the publish PC one offer at a time', async () => {
    const {m, sent, errors} = link();
    const camera = {kind: 'video', id: 'cam'};
    const mic = {kind: 'audio', id: 'mic'};
    m.publish({getTracks: () => [mic, camera]});
    await settle();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].type, 'publish');
    assert.equal(sent[0].screenMid, undefined, 'no screen yet');

    // Shared before the first answer: the offer waits for it (JSEP: one offer at a time).
    const sharing = m.shareScreen({kind: 'video', id: 'screen'});
    await settle();
    assert.equal(sent.length, 1, 'no second offer before the answer');
    m.handle({type: 'answer', pc: 'publish', sdp: 'answer-1'});
    await settle();
    await settle();
    assert.equal(sent.length, 2);
    assert.equal(sent[1].screenMid, '2', 'the screen is the third m-section');
    assert.equal(m.sharingScreen, true);
    m.handle({type: 'answer', pc: 'publish', sdp: 'answer-2'});
    assert.equal(await sharing, true);

    // Camera changes leave the screen's sender alone.
    let replaced = 0;
    m.pub.transceivers.forEach((t) => { t.sender.replaceTrack = async () => { replaced += 1; }; });
    await m.replaceTrack('video', {kind: 'video', id: 'cam2'});
    assert.equal(replaced, 1);

    const stopping = m.stopScreen();
    await settle();
    await settle();
    assert.equal(sent.length, 3);
    assert.deepEqual(m.pub.log.filter((x) => x === 'removeTrack'), ['removeTrack']);
    assert.equal(sent[2].screenMid, undefined, 'stopped: the offer names no screen');
    assert.match(sent[2].sdp, /inactive/, 'its m-section is inactive');
    assert.equal(m.sharingScreen, false);
    m.handle({type: 'answer', pc: 'publish', sdp: 'answer-3'});
    await stopping;
    assert.deepEqual(errors, []);
});

test('a refused publish rolls back and does not block the next one', async () => {
    const {m, sent} = link();
    m.publish({getTracks: () => [{kind: 'video', id: 'cam'}]});
    await settle();
    m.handle({type: 'answer', pc: 'publish', sdp: 'answer-1'});
    await settle();
    const sharing = m.shareScreen({kind: 'video', id: 'screen'});
    await settle();
    await settle();
    assert.equal(sent.length, 2);
    m.handle({type: 'error', code: 'bad_message', requestId: 2});
    await sharing;
    assert.ok(m.pub.log.includes('rollback'));
    const stopping = m.stopScreen();
    await settle();
    await settle();
    assert.equal(sent.length, 3, 'the next offer goes out');
    m.handle({type: 'answer', pc: 'publish', sdp: 'answer-3'});
    await stopping;
});
