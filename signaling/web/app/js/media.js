// The two peer connections of docs/protocol.md: publish (the page offers its camera and
// microphone, sendonly) and subscribe (the server offers what the page subscribed to, the page
// answers). Received streams are reported by participant: the server's msid stream id is the
// participant id. Offers are applied one after the other (JSEP: one offer in flight).
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
        this.subscribed = new Set();
        this.sub.ontrack = (event) => {
            const stream = event.streams[0];
            if (stream) this.onStream(stream.id, stream);
        };
    }

    async publish(stream) {
        if (!stream || stream.getTracks().length === 0) return;
        this.pub = new RTCPeerConnection(PC_CONFIG);
        for (const track of stream.getTracks()) {
            this.pub.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
        }
        const offer = await this.pub.createOffer();
        await this.pub.setLocalDescription(offer);
        this.publishRequest = this.send({type: 'publish', sdp: this.pub.localDescription.sdp});
    }

    // Replaces a published track (camera off/on, another device) without renegotiating.
    async replaceTrack(kind, track) {
        if (!this.pub) return;
        for (const sender of this.pub.getSenders()) {
            if (sender.track ? sender.track.kind === kind : false) await sender.replaceTrack(track);
        }
    }

    // Server messages that concern the peer connections.
    handle(message) {
        if (message.type === 'answer' && message.pc === 'publish' && this.pub) {
            this.pub.setRemoteDescription({type: 'answer', sdp: message.sdp})
                .catch((e) => this.onError(`publish answer: ${e.message}`));
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

    // What arrives from each participant (for the quality marks and the technician): packets of
    // audio and video, video frames decoded, packets lost, by the participant id of the m-line's
    // msid. Counters since the streams began.
    async receiveStats() {
        const owners = participantsByMid(this.sub.remoteDescription ? this.sub.remoteDescription.sdp : '');
        const out = {};
        for (const t of this.sub.getTransceivers()) {
            const pid = owners[t.mid];
            if (!pid || t.currentDirection === 'stopped') continue;
            let report;
            try {
                report = await t.receiver.getStats();
            } catch (e) {
                continue;  // stopped meanwhile
            }
            const entry = out[pid] || (out[pid] = {audioPackets: 0, videoPackets: 0, videoFrames: 0, packetsLost: 0});
            report.forEach((s) => {
                if (s.type !== 'inbound-rtp') return;
                if (s.kind === 'audio') {
                    entry.audioPackets += s.packetsReceived || 0;
                } else {
                    entry.videoPackets += s.packetsReceived || 0;
                    entry.videoFrames += s.framesDecoded || 0;
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

// Which tracks to pull: every audio track (audio is small, and the server forwards only those
// allowed to speak) and the video of the programme and of the tiles on screen.
export function wantedTracks(participants, visibleIds, programmeId, myId) {
    const out = [];
    for (const p of Object.values(participants)) {
        if (p.id === myId) continue;
        for (const t of p.tracks || []) {
            if (t.kind === 'audio' || p.id === programmeId || visibleIds.has(p.id)) out.push(t.id);
        }
    }
    return out.sort();
}

// The participant id of each m-line's msid (a=msid:<participantId> <trackId>), by mid.
export function participantsByMid(sdp) {
    const out = {};
    let mid = null;
    for (const line of sdp.split(/\r?\n/)) {
        if (line.startsWith('m=')) mid = null;
        else if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
        else if (line.startsWith('a=msid:') && mid !== null) out[mid] = line.slice(7).trim().split(' ')[0];
    }
    return out;
}
