// The two peer connections of docs/protocol.md: publish (the page offers its camera and
// microphone, sendonly, and its screen while it shares one) and subscribe (the server offers what
// the page subscribed to, the page answers). Received streams are reported by participant: the
// server's msid stream id is the participant id, its track id tells the screen
// ("<participantId>-screen") from the camera. Offers are applied one after the other (JSEP: one
// offer in flight).
//
// A new MediaLink is made for each join (a reconnect gets fresh peer connections).

const PC_CONFIG = {bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require'};

export class MediaLink {
    // send(message) -> requestId; onStream(participantId, MediaStream); onError(text)
    constructor({send, onStream, onError}) {
        this.send = send;
        this.onStream = onStream;
        this.onError = onError;
        this.sub = new RTCPeerConnection(PC_CONFIG);
        this.pub = null;
        this.chain = Promise.resolve();
        this.publishRequest = null;
        this.screenTransceiver = null;  // the shared screen's, on the publish PC
        this.answered = Promise.resolve();  // the publish PC is stable again (answer applied)
        this.settlePublish = () => {};
        this.subscribed = new Set();
        this.sub.ontrack = (event) => {
            const stream = event.streams[0];
            if (stream) this.onStream(stream.id, stream);
        };
    }

    async publish(stream) {
        if (!stream || stream.getTracks().length === 0) return;
        this.pub = new RTCPeerConnection(PC_CONFIG);
        this.stream = stream;
        for (const track of stream.getTracks()) {
            this.pub.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
        }
        await this.offerPublish();
    }

    // One publish negotiation at a time: waits for the previous answer (or refusal), then offers
    // the publish PC as it is now, naming the screen's m-section while one is shared.
    offerPublish() {
        const next = this.answered.then(async () => {
            const offer = await this.pub.createOffer();
            await this.pub.setLocalDescription(offer);
            const message = {type: 'publish', sdp: this.pub.localDescription.sdp};
            const mid = this.screenTransceiver ? this.screenTransceiver.mid : null;
            if (mid) message.screenMid = mid;
            const done = new Promise((resolve) => { this.settlePublish = resolve; });
            this.publishRequest = this.send(message);
            if (this.publishRequest === null) this.settlePublish();  // not joined (any more)
            await done;
        });
        this.answered = next.catch((e) => this.onError(`publish: ${e.message}`));
        return this.answered;
    }

    // Shares `track` (from getDisplayMedia) as the screen: a second video sender on the publish
    // PC, named in the publish message (docs/protocol.md "Screen sharing").
    async shareScreen(track) {
        if (!this.pub || this.screenTransceiver) return false;
        this.screenTransceiver = this.pub.addTransceiver(track, {direction: 'sendonly'});
        await this.offerPublish();
        return true;
    }

    // Stops sharing: the screen's sender is removed, so its m-section is inactive in the next
    // offer, sent without screenMid; the server answers it rejected and unpublishes the screen.
    async stopScreen() {
        const transceiver = this.screenTransceiver;
        if (!this.pub || !transceiver) return;
        this.screenTransceiver = null;
        try {
            this.pub.removeTrack(transceiver.sender);
        } catch (e) {
            this.onError(`screen: ${e.message}`);
        }
        await this.offerPublish();
    }

    get sharingScreen() {
        return this.screenTransceiver !== null && this.screenTransceiver !== undefined;
    }

    // Replaces a published track (camera off/on, another device) without renegotiating.
    async replaceTrack(kind, track) {
        if (!this.pub) return;
        for (const sender of this.pub.getSenders()) {
            if (this.screenTransceiver && sender === this.screenTransceiver.sender) continue;
            if (sender.track ? sender.track.kind === kind : false) await sender.replaceTrack(track);
        }
    }

    // Server messages that concern the peer connections.
    handle(message) {
        if (message.type === 'answer' && message.pc === 'publish' && this.pub) {
            this.pub.setRemoteDescription({type: 'answer', sdp: message.sdp})
                .catch((e) => this.onError(`publish answer: ${e.message}`))
                .finally(() => this.settlePublish());
        } else if (message.type === 'error' && this.pub && message.requestId !== undefined &&
                   message.requestId === this.publishRequest) {
            // The server refused the offer: back to the last stable description.
            this.pub.setLocalDescription({type: 'rollback'})
                .catch(() => {})
                .finally(() => this.settlePublish());
        } else if (message.type === 'offer' && message.pc === 'subscribe') {
            this.chain = this.chain.then(() => this.answer(message));
        }
    }

    async answer(message) {
        try {
            await this.sub.setRemoteDescription({type: 'offer', sdp: message.sdp});
            const answer = await this.sub.createAnswer();
            await this.sub.setLocalDescription(answer);
            this.send({type: 'answer', sdp: this.sub.localDescription.sdp, revision: message.revision});
        } catch (e) {
            this.onError(`subscribe offer: ${e.message}`);
        }
    }

    // Makes the subscription exactly `trackIds` (only what the page shows is pulled).
    setSubscription(trackIds) {
        const wanted = new Set(trackIds);
        const add = [...wanted].filter((id) => !this.subscribed.has(id));
        const remove = [...this.subscribed].filter((id) => !wanted.has(id));
        if (remove.length) this.send({type: 'unsubscribe', trackIds: remove});
        if (add.length) this.send({type: 'subscribe', trackIds: add});
        this.subscribed = wanted;
    }

    // The live received tracks by the server's track id ("<participantId>-video", "-screen", ...).
    receivedTracks() {
        const ids = tracksByMid(this.sub.remoteDescription ? this.sub.remoteDescription.sdp : '');
        const out = {};
        for (const t of this.sub.getTransceivers()) {
            const id = ids[t.mid];
            if (!id || t.currentDirection === 'stopped' || t.currentDirection === 'inactive') continue;
            if (t.receiver.track && t.receiver.track.readyState === 'live') out[id.trackId] = t.receiver.track;
        }
        return out;
    }

    // What arrives from each participant (for the quality marks and the technician): packets of
    // audio and video, video frames decoded (camera: videoFrames, shared screen: screenFrames),
    // packets lost, by the participant id of the m-line's msid. Counters since the streams began.
    async receiveStats() {
        const ids = tracksByMid(this.sub.remoteDescription ? this.sub.remoteDescription.sdp : '');
        const out = {};
        for (const t of this.sub.getTransceivers()) {
            const pid = ids[t.mid] && ids[t.mid].participantId;
            if (!pid || t.currentDirection === 'stopped') continue;
            const screen = isScreenTrackId(ids[t.mid].trackId);
            let report;
            try {
                report = await t.receiver.getStats();
            } catch (e) {
                continue;  // stopped meanwhile
            }
            const entry = out[pid] || (out[pid] = {audioPackets: 0, videoPackets: 0, videoFrames: 0, screenFrames: 0, packetsLost: 0});
            report.forEach((s) => {
                if (s.type !== 'inbound-rtp') return;
                if (s.kind === 'audio') {
                    entry.audioPackets += s.packetsReceived || 0;
                } else {
                    entry.videoPackets += s.packetsReceived || 0;
                    if (screen) entry.screenFrames += s.framesDecoded || 0;
                    else entry.videoFrames += s.framesDecoded || 0;
                }
                entry.packetsLost += s.packetsLost || 0;
            });
        }
        return out;
    }

    close() {
        if (this.pub) this.pub.close();
        this.sub.close();
    }
}

// Whether a track (object with `source`, or a track id) is a shared screen.
export function isScreenTrack(track) {
    return track.source === 'screen' || (track.source === undefined && isScreenTrackId(track.id));
}

export function isScreenTrackId(trackId) {
    return typeof trackId === 'string' && trackId.endsWith('-screen');
}

// Which tracks to pull: every audio track (audio is small, and the server forwards only those
// allowed to speak), the camera of the programme and of the tiles on screen, and the shared
// screen of the programme participant only (the programme shows it; tiles show cameras).
export function wantedTracks(participants, visibleIds, programmeId, myId) {
    const out = [];
    for (const p of Object.values(participants)) {
        if (p.id === myId) continue;
        for (const t of p.tracks || []) {
            const wanted = t.kind === 'audio' || p.id === programmeId ||
                (visibleIds.has(p.id) && !isScreenTrack(t));
            if (wanted) out.push(t.id);
        }
    }
    return out.sort();
}

// The participant id and track id of each m-line's msid (a=msid:<participantId> <trackId>), by
// mid.
export function tracksByMid(sdp) {
    const out = {};
    let mid = null;
    for (const line of sdp.split(/\r?\n/)) {
        if (line.startsWith('m=')) mid = null;
        else if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
        else if (line.startsWith('a=msid:') && mid !== null) {
            const [participantId, trackId] = line.slice(7).trim().split(' ');
            out[mid] = {participantId, trackId: trackId || ''};
        }
    }
    return out;
}

// The participant id of each m-line's msid, by mid.
export function participantsByMid(sdp) {
    return Object.fromEntries(Object.entries(tracksByMid(sdp)).map(([mid, v]) => [mid, v.participantId]));
}

// The tracks a page shows for one participant, from its live received tracks by track id:
// `camera` (its camera and microphone, for its tile) and `programme` (its microphone with its
// shared screen when it publishes one and the screen has arrived, else with its camera: what the
// server's programme shows). `participant.tracks` are the tracks it publishes now.
export function displayTracks(participant, received) {
    const published = (participant && participant.tracks) || [];
    const live = (t) => received[t.id];
    const audio = published.filter((t) => t.kind === 'audio' && live(t)).map(live);
    const camera = published.find((t) => t.kind === 'video' && !isScreenTrack(t) && live(t));
    const screen = published.find((t) => isScreenTrack(t) && live(t));
    const chosen = screen || camera;
    return {
        camera: camera ? [live(camera)] : [],
        programme: [...audio, ...(chosen ? [live(chosen)] : [])],
        programmeSource: screen ? 'screen' : camera ? 'camera' : null,
    };
}
