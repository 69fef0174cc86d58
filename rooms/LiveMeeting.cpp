#include "rooms/LiveMeeting.hpp"

#include <algorithm>
#include <ctime>
#include <random>

#include "common/Log.hpp"
#include "common/RandomId.hpp"
#include "media/AudioMixer.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/Metrics.hpp"

namespace vcb::rooms {

namespace {

bool hasFeedback(const sfu::RtpCodec& codec, std::string_view fb) {
    return std::find(codec.rtcpFeedback.begin(), codec.rtcpFeedback.end(), fb) !=
           codec.rtcpFeedback.end();
}

// "2026-12-05T08:00:00Z", for messages.
std::string utcTime(policy::TimePoint t) {
    const std::time_t secs = policy::Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

sfu::ProducerOptions producerOptions(const std::string& transportId, const PublishTrack& t) {
    sfu::ProducerOptions o;
    o.id = transportId + ":" + t.mid;
    o.kind = t.kind;
    o.mid = t.mid;
    o.ssrc = t.ssrc;
    o.payloadType = t.codec.payloadType;
    o.codecName = t.codec.name;
    o.codecFmtp = t.codec.fmtp;
    o.clockRate = t.codec.clockRate;
    o.extensions = sfu::ExtensionIds::fromNegotiated(t.extensions);
    o.pli = hasFeedback(t.codec, "nack pli");
    o.fir = hasFeedback(t.codec, "ccm fir");
    o.remb = hasFeedback(t.codec, "goog-remb");
    o.nack = hasFeedback(t.codec, "nack");
    if (o.nack && t.codec.rtxPayloadType) {
        o.rtxPayloadType = *t.codec.rtxPayloadType;
        o.rtxSsrc = t.rtxSsrc;
    }
    return o;
}

LiveMeeting::LiveMeeting(std::string id, bool adHoc, size_t maxParticipants, sfu::Worker& worker,
                         size_t workerIndex)
    : id_(id),
      worker_(worker),
      workerIndex_(workerIndex),
      meeting_(std::move(id), adHoc, maxParticipants) {}

LiveMeeting::~LiveMeeting() {
    // Normally removed by close(); g_source_destroy is safe from any thread.
    if (tickTimer_ != 0) worker_.removeTimer(tickTimer_);
    stopStatsSubscriptions();
}

void LiveMeeting::createRouter(const sfu::RouterConfig& config) {
    router_ = std::make_unique<sfu::Router>(worker_, config, *this);
    startLinkMetrics();
}

void LiveMeeting::govern(const policy::MeetingInfo& info, std::chrono::milliseconds lobbyOpensBefore,
                         std::shared_ptr<MeetingJournal> journal) {
    floor_ = std::make_unique<MeetingFloor>(info, lobbyOpensBefore);
    journal_ = std::move(journal);
    // The lobby opened at construction is recorded like any other change; a restored meeting
    // records its state and attendance as it now stands.
    if (journal_) journal_->record(floor_->policy(), floor_->opened().events, policy::Clock::now());
    // The timer holds `this`: close() removes it, and the conference keeps the meeting alive
    // until it is closed.
    if (tickTimer_ == 0 && !closed_) {
        tickTimer_ = worker_.addTimer(kTickMs, [this] {
            if (closed_) return false;
            onTick();
            return true;
        });
    }
}

std::optional<policy::RestoredRecord> LiveMeeting::policyRecord(policy::TimePoint now) const {
    if (!floor_) return std::nullopt;
    return floor_->policy().record(now);
}

void LiveMeeting::onTick() {
    if (!floor_) return;
    const policy::TimePoint now = policy::Clock::now();
    policy::Outcome o = floor_->openLobbyIfDue(now);
    o.merge(floor_->tick(now));
    // Levels of everyone who publishes audio; the policy counts only those allowed to be heard.
    if (router_) {
        for (const auto& [pid, person] : people_) {
            auto audio = person.producers.find(MediaSource::Microphone);
            if (audio == person.producers.end()) continue;
            if (auto level = router_->takeProducerAudioLevel(audio->second)) {
                floor_->audioLevel(pid, level->dBov, now);
            }
        }
    }
    const bool speakerChanged = floor_->updateActiveSpeaker(now);
    if (o.ok() &&
        (speakerChanged || o.mediaChanged || !o.events.empty() || !o.closeSessions.empty())) {
        applyFloor(std::move(o));
    } else if (journal_) {
        // Nothing changed: the record still refreshes the time present of units present.
        journal_->record(floor_->policy(), {}, now);
    }
}

void LiveMeeting::close(const char* reason) {
    if (closed_) return;
    closed_ = true;
    if (tickTimer_ != 0) worker_.removeTimer(tickTimer_);
    tickTimer_ = 0;
    stopStatsSubscriptions();
    // Closing a transport calls back into onTransportClosed, which edits people_ and their
    // transport sets: collect the ids first instead of iterating those containers.
    std::vector<std::string> transports;
    for (auto& [pid, person] : people_) {
        transports.insert(transports.end(), person.transports.begin(), person.transports.end());
    }
    if (router_) {
        for (const auto& tid : transports) router_->closeTransport(tid, reason);
    }
    people_.clear();
    if (recorder_) {
        // EOF on its stdin: the recorder finishes its files; the reader thread reaps it.
        recorder_->detach();
        recorder_->stop();
        recorder_.reset();
        recGroups_.clear();
    }
    if (mixer_) mixer_->close();  // posted to the mixer host; never waited for
    mixer_.reset();
    mixInputs_.clear();
    router_.reset();  // on the worker: transports and timers belong to it
}

std::string LiveMeeting::producerFor(const MediaSelector& s) const {
    // The programme's audio is the mix of everyone allowed to be heard: the gates keep the rest
    // out of it as they keep them from every other consumer.
    if (s.mode == MediaSelector::Mode::Programme && s.kind == sfu::MediaKind::Audio && mixer_)
        return kMixProducerId;
    std::optional<std::string> pid = s.mode != MediaSelector::Mode::Programme
                                         ? std::optional<std::string>(s.participantId)
                                     : floor_ ? floor_->permissions().programmeSession
                                              : meeting_.programmeParticipant();
    if (!pid) return {};
    auto it = people_.find(*pid);
    if (it == people_.end()) return {};
    const auto& producers = it->second.producers;
    MediaSource source = s.source;
    if (s.mode == MediaSelector::Mode::Programme) {
        // The programme shows the participant's shared screen while there is one (documents
        // presented by the floor holder), else its camera.
        source = s.kind == sfu::MediaKind::Audio       ? MediaSource::Microphone
                 : producers.count(MediaSource::Screen) ? MediaSource::Screen
                                                        : MediaSource::Camera;
    }
    auto p = producers.find(source);
    return p == producers.end() ? std::string() : p->second;
}

void LiveMeeting::repoint() {
    syncMix();
    for (auto& [cid, c] : consumers_) router_->setConsumerProducer(cid, producerFor(c.source));
    syncRecording();
}

namespace {
uint32_t randomSsrc() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    uint32_t v = 0;
    while (v == 0) v = rng();
    return v;
}
sfu::RtpCodec mixOpus() { return sfu::RtpCodec{111, "opus", 48000, 2, "", {}, {}}; }
}  // namespace

void LiveMeeting::startMix() {
    std::string err;
    uint16_t outPort = 0;
    // The mix comes back on a plain transport whose peer is the mixer's sending socket.
    if (!router_->createPlainTransport(kMixTransportId, {0, false}, outPort, err)) {
        VCB_LOG_ERROR("meeting %s: programme mix transport: %s", id_.c_str(), err.c_str());
        mixFailed_ = true;
        return;
    }
    media::AudioMixerOptions mo;
    mo.outputPort = outPort;
    mo.outputSsrc = randomSsrc();
    mo.outputPayloadType = mixOpus().payloadType;
    mo.inputPayloadType = mixOpus().payloadType;
    mo.name = id_;
    mixer_ = media::AudioMixer::create(*mixerHost_, mo, err);
    sfu::ProducerOptions po;
    po.id = kMixProducerId;
    po.kind = sfu::MediaKind::Audio;
    po.mid = "mix";
    po.ssrc = mo.outputSsrc;
    po.payloadType = mo.outputPayloadType;
    po.codecName = "opus";
    po.clockRate = 48000;
    po.pli = false;
    if (!mixer_ || !router_->setPlainTransportRemotePort(kMixTransportId, mixer_->sourcePort()) ||
        !router_->createProducer(kMixTransportId, po, err)) {
        VCB_LOG_ERROR("meeting %s: programme mix: %s", id_.c_str(), err.c_str());
        if (mixer_) mixer_->close();
        mixer_.reset();
        router_->closeTransport(kMixTransportId, "mix failed");
        mixFailed_ = true;
        return;
    }
    VCB_LOG_INFO("meeting %s: programme audio mix started", id_.c_str());
}

void LiveMeeting::syncMix() {
    if (!router_ || closed_ || mixerHost_ == nullptr) return;
    std::set<std::string> audio;
    for (const auto& [pid, person] : people_) {
        auto a = person.producers.find(MediaSource::Microphone);
        if (a != person.producers.end()) audio.insert(a->second);
    }
    if (!mixer_ && !audio.empty() && !mixFailed_) startMix();
    if (!mixer_) return;
    for (auto it = mixInputs_.begin(); it != mixInputs_.end();) {
        if (audio.count(it->first) != 0) {
            // A republish recreates the producer under the same id: the input follows it.
            router_->setConsumerProducer(it->second + ":audio", it->first);
            ++it;
            continue;
        }
        router_->closeTransport(it->second, "mix input gone");
        mixer_->removeInput(it->first);
        it = mixInputs_.erase(it);
    }
    for (const std::string& producerId : audio) {
        if (mixInputs_.count(producerId) != 0) continue;
        std::string err;
        auto port = mixer_->addInput(producerId, err);
        const std::string tid = std::string(kMixTransportId) + "-in:" + producerId;
        uint16_t local = 0;
        if (!port || !router_->createPlainTransport(tid, {*port, false}, local, err)) {
            VCB_LOG_ERROR("meeting %s: mix input for %s: %s", id_.c_str(), producerId.c_str(),
                          err.c_str());
            if (port) mixer_->removeInput(producerId);
            continue;
        }
        sfu::ConsumerOptions o;
        o.id = tid + ":audio";
        o.kind = sfu::MediaKind::Audio;
        o.mid = "0";
        o.ssrc = randomSsrc();
        o.cname = "mix";
        o.codecs = {mixOpus()};
        o.nack = false;
        if (!router_->createConsumer(tid, o, producerId, err)) {
            VCB_LOG_ERROR("meeting %s: mix input for %s: %s", id_.c_str(), producerId.c_str(),
                          err.c_str());
            router_->closeTransport(tid, "mix input failed");
            mixer_->removeInput(producerId);
            continue;
        }
        mixInputs_[producerId] = tid;
    }
}

MediaGate::Producers LiveMeeting::producers() const {
    MediaGate::Producers out;
    for (const auto& [pid, person] : people_) out[pid] = person.producers;
    return out;
}

void LiveMeeting::applyFloor(policy::Outcome outcome) {
    if (!floor_ || !outcome.ok()) return;
    const bool startsSession =
        std::any_of(outcome.events.begin(), outcome.events.end(),
                    [](const policy::Event& e) { return e.type == "session_started"; });
    // The record first, in the order the policy logged: the view below takes the events.
    if (journal_ && !outcome.events.empty()) {
        journal_->record(floor_->policy(), outcome.events, policy::Clock::now());
    }
    if (router_) {
        MediaGate::apply(*router_, floor_->permissions(), producers(), sfu::monotonicUs());
        repoint();
    }
    // Why each closed session goes, read before the events move into the view.
    std::vector<std::string> reasons;
    for (const std::string& pid : outcome.closeSessions) {
        reasons.push_back(policy::closeReason(outcome, pid));
    }
    MeetingEvent e{MeetingEvent::Type::FloorChanged, {}, {}, {}};
    {
        FloorView v = floor_->view(std::move(outcome.events));
        v.recording = recorder_ != nullptr;
        e.floor = std::make_shared<const FloorView>(std::move(v));
    }
    broadcast(e, {});
    for (size_t i = 0; i < outcome.closeSessions.size(); ++i) {
        const std::string& pid = outcome.closeSessions[i];
        // The closed participant is told why before it goes (removePerson tells only the others).
        if (auto it = people_.find(pid); it != people_.end() && it->second.observer) {
            MeetingEvent closed{MeetingEvent::Type::SessionClosed, {}, {}, {}};
            closed.participant.id = pid;
            closed.reason = reasons[i];
            it->second.observer->onMeetingEvent(closed);
        }
        removePerson(pid);
    }
    // record: auto — the session's start starts the recording (after this change is applied).
    if (startsSession && floor_->policy().info().recordAuto && !recorder_ &&
        !recConfig_.dir.empty()) {
        worker_.post([weak = weak_from_this()] {
            auto m = weak.lock();
            if (!m || m->closed_ || m->recorder_) return;
            std::string detail;
            const RecordingError e = m->startRecording({}, detail);
            if (e != RecordingError::None)
                VCB_LOG_WARN("meeting %s: record: auto: %s %s", m->id_.c_str(),
                             recordingErrorCode(e), detail.c_str());
        });
    }
}

void LiveMeeting::broadcast(const MeetingEvent& e, const std::string& except) {
    for (auto& [pid, person] : people_) {
        if (pid != except && person.observer) person.observer->onMeetingEvent(e);
    }
}

void LiveMeeting::dropProducersOf(const std::string& pid, Person& person,
                                  const std::string& onlyTransport) {
    bool changed = false;
    for (auto it = person.producers.begin(); it != person.producers.end();) {
        if (!onlyTransport.empty() && it->second.rfind(onlyTransport + ":", 0) != 0) {
            ++it;
            continue;
        }
        router_->closeProducer(it->second);
        person.codecs.erase(it->first);
        it = person.producers.erase(it);
        changed = true;
    }
    if (!changed) return;
    for (const TrackInfo& t : meeting_.unpublish(pid)) {
        MeetingEvent e{MeetingEvent::Type::TrackUnpublished, {}, t, {}};
        e.participant.id = pid;
        broadcast(e, pid);
    }
    // Tracks on other transports of this participant stay published.
    std::vector<TrackInfo> rest;
    for (auto& [source, producerId] : person.producers) {
        rest.push_back({pid + "-" + std::string(trackSuffix(source)), kindOf(source), source,
                        person.codecs[source]});
    }
    if (!rest.empty()) meeting_.publish(pid, rest);
    repoint();
}

void LiveMeeting::removePerson(const std::string& pid) {
    auto it = people_.find(pid);
    if (it == people_.end()) return;
    Person person = std::move(it->second);
    forgetStatsOf(pid);
    dropProducersOf(pid, person, {});
    people_.erase(it);
    for (const std::string& tid : person.transports)
        router_->closeTransport(tid, "participant left");
    meeting_.leave(pid);
    MeetingEvent e{MeetingEvent::Type::ParticipantLeft, {}, {}, {}};
    e.participant.id = pid;
    broadcast(e, pid);
    repoint();
    if (floor_) applyFloor(floor_->leave(pid, policy::Clock::now()));
}

void LiveMeeting::onTransportClosed(const std::string& transportId, std::string_view reason) {
    VCB_LOG_INFO("meeting %s: transport %s closed (%.*s)", id_.c_str(), transportId.c_str(),
                 static_cast<int>(reason.size()), reason.data());
    connected_.erase(transportId);
    for (auto it = consumers_.begin(); it != consumers_.end();) {
        it = it->second.transportId == transportId ? consumers_.erase(it) : std::next(it);
    }
    auto owner = transportOwner_.find(transportId);
    if (owner == transportOwner_.end()) return;
    std::string pid = owner->second;
    transportOwner_.erase(owner);
    auto person = people_.find(pid);
    if (person == people_.end()) return;
    person->second.transports.erase(transportId);
    dropProducersOf(pid, person->second, transportId);
    if (person->second.observer) {
        MeetingEvent e{MeetingEvent::Type::TransportClosed, {}, {}, transportId};
        e.participant.id = pid;
        person->second.observer->onMeetingEvent(e);
    }
    // A WHIP/WHEP participant is its transport: when the connection dies, the unit has left.
    if (person->second.kind != ClientKind::WebSocket && person->second.transports.empty()) {
        removePerson(pid);
        // Not from inside the router's callback: removing the meeting destroys the router.
        if (emptied_) worker_.post(emptied_);
    }
}

void LiveMeeting::join(Participant p, std::shared_ptr<MeetingObserver> observer,
                       const std::function<void(JoinResult)>& done) {
    RoomError e = meeting_.join(p);
    if (e != RoomError::None) return done({e, {}, {}});
    // Government meetings admit WebSocket and WHIP participants through the policy, and WHEP
    // viewers with a verified token too (its unit must be admitted; removal and the lobby apply).
    // A WHEP viewer without one (auth: dev) only watches the programme, as the gates decide.
    policy::Outcome admitted;
    const bool governed = floor_ && (p.kind != ClientKind::WhepViewer || p.verified);
    if (governed) {
        const policy::TimePoint now = policy::Clock::now();
        // The lobby's time may have come since the last tick: open it before admitting.
        if (policy::Outcome opened = floor_->openLobbyIfDue(now); !opened.events.empty())
            applyFloor(std::move(opened));
        admitted = floor_->join(p, now);
        if (!admitted.ok()) {
            meeting_.leave(p.id);
            const policy::PolicyError pe = admitted.error;
            JoinResult refused{pe == policy::PolicyError::BadRequest ? RoomError::BadRequest
                                                                     : RoomError::Forbidden,
                               {},
                               {}};
            refused.detail = std::string(policy::policyErrorCode(pe));
            if (floor_->policy().state() == policy::MeetingState::Scheduled) {
                refused.message = "the meeting is not open yet: its lobby opens at " +
                                  utcTime(floor_->lobbyOpensAt()) + " (scheduled start " +
                                  utcTime(floor_->policy().info().scheduledStart) + ")";
            }
            return done(std::move(refused));
        }
    }
    JoinResult result;
    result.participantId = p.id;
    for (const Participant* other : meeting_.participants()) {
        if (other->id != p.id) result.others.push_back(*other);
    }
    people_[p.id] = Person{std::move(observer), p.kind, {}, {}, {}, {}};
    broadcast({MeetingEvent::Type::ParticipantJoined, p, {}, {}}, p.id);
    if (governed) {
        FloorView v = floor_->view({});
        v.recording = recorder_ != nullptr;
        v.units.push_back(floor_->policy().info().convening);
        v.units.insert(v.units.end(), floor_->policy().info().invited.begin(),
                       floor_->policy().info().invited.end());
        result.floor = std::make_shared<const FloorView>(std::move(v));
        done(std::move(result));
        applyFloor(std::move(admitted));
        return;
    }
    done(std::move(result));
}

TransportResult LiveMeeting::createTransport(const std::string& participantId,
                                             size_t maxTransports) {
    auto person = people_.find(participantId);
    if (person == people_.end()) return {RoomError::NotJoined, "not in the meeting", {}, {}};
    // Process-wide count across all workers; a small overshoot under a race is harmless.
    const int64_t open = sfu::Metrics::instance().transportsOpen.load(std::memory_order_relaxed);
    if (open >= 0 && static_cast<size_t>(open) >= maxTransports) {
        return {RoomError::TooManySessions,
                "the server has reached its limit of media sessions",
                {},
                {}};
    }
    TransportResult r;
    r.transportId = randomHex(16);
    if (!router_->createTransport(r.transportId, r.local, r.detail)) {
        r.error = RoomError::Unavailable;
        return r;
    }
    transportOwner_[r.transportId] = participantId;
    person->second.transports.insert(r.transportId);
    return r;
}

void LiveMeeting::closeTransport(const std::string& participantId, const std::string& transportId) {
    auto owner = transportOwner_.find(transportId);
    if (owner == transportOwner_.end() || owner->second != participantId) return;
    router_->closeTransport(transportId, "closed by client");
}

IceRestartResult LiveMeeting::restartIce(const std::string& participantId,
                                         const std::string& transportId,
                                         const sfu::RemoteTransportParameters& remote) {
    auto owner = transportOwner_.find(transportId);
    if (owner == transportOwner_.end() || owner->second != participantId)
        return {RoomError::NotJoined, "unknown session", false, {}};
    // Not connected yet: nothing to restart, the coming connect() takes the credentials.
    if (connected_.count(transportId) == 0) return {};
    IceRestartResult r;
    if (!router_->restartTransportIce(transportId, remote, r.local, r.restarted, r.detail))
        r.error = RoomError::BadRequest;
    return r;
}

PublishResult LiveMeeting::publish(const std::string& participantId, const std::string& transportId,
                                   const sfu::RemoteTransportParameters& remote,
                                   const std::vector<PublishTrack>& tracks) {
    auto owner = transportOwner_.find(transportId);
    auto person = people_.find(participantId);
    if (owner == transportOwner_.end() || owner->second != participantId ||
        person == people_.end()) {
        return {RoomError::NotJoined, "unknown session", {}};
    }
    // Observers, technicians and recorders are admitted to watch only.
    if (const Participant* p = meeting_.find(participantId);
        p != nullptr && !roleMayPublish(p->role)) {
        return {RoomError::Forbidden,
                "a " + std::string(participantRoleName(p->role)) + " may not publish",
                {}};
    }
    if (connected_.count(transportId) == 0) {
        std::string err;
        if (!router_->connectTransport(transportId, remote, err)) {
            return {RoomError::BadRequest, err, {}};
        }
        connected_.insert(transportId);
    }
    // One stream per source (microphone, camera, screen) per participant: later ones replace
    // earlier ones; a publish without a screen stops the one shared before.
    PublishResult result;
    std::map<MediaSource, const PublishTrack*> chosen;
    for (const PublishTrack& t : tracks) {
        chosen.emplace(kindOf(t.source) == t.kind ? t.source : defaultSource(t.kind), &t);
    }
    if (chosen.empty()) return {RoomError::BadRequest, "nothing to publish", {}};
    std::vector<TrackInfo> stopped;
    if (chosen.count(MediaSource::Screen) == 0) {
        if (auto old = person->second.producers.find(MediaSource::Screen);
            old != person->second.producers.end()) {
            router_->closeProducer(old->second);
            person->second.producers.erase(old);
            person->second.codecs.erase(MediaSource::Screen);
            stopped.push_back({participantId + "-" + std::string(trackSuffix(MediaSource::Screen)),
                               sfu::MediaKind::Video,
                               MediaSource::Screen,
                               {}});
        }
    }
    for (auto& [source, t] : chosen) {
        auto old = person->second.producers.find(source);
        if (old != person->second.producers.end()) {
            router_->closeProducer(old->second);
            person->second.producers.erase(old);
        }
        sfu::ProducerOptions o = producerOptions(transportId, *t);
        std::string err;
        if (!router_->createProducer(transportId, o, err)) {
            return {RoomError::BadRequest, err, {}};
        }
        person->second.producers[source] = o.id;
        person->second.codecs[source] = o.codecName;
        // A new producer starts closed or open as the policy says, before its first packet.
        if (floor_) {
            router_->setProducerForwarding(
                o.id, MediaGate::open(floor_->permissions(), participantId, source),
                sfu::monotonicUs());
        }
    }
    for (auto& [source, producerId] : person->second.producers) {
        result.tracks.push_back({participantId + "-" + std::string(trackSuffix(source)),
                                 kindOf(source), source, person->second.codecs[source]});
    }
    meeting_.publish(participantId, result.tracks);
    for (const TrackInfo& t : stopped) {
        MeetingEvent e{MeetingEvent::Type::TrackUnpublished, {}, t, {}};
        e.participant.id = participantId;
        broadcast(e, participantId);
    }
    for (const TrackInfo& t : result.tracks) {
        MeetingEvent e{MeetingEvent::Type::TrackPublished, {}, t, {}};
        e.participant.id = participantId;
        broadcast(e, participantId);
    }
    repoint();
    return result;
}

std::pair<RoomError, std::string> LiveMeeting::view(
    const std::string& participantId, const std::string& transportId,
    const std::optional<sfu::RemoteTransportParameters>& remote,
    const std::vector<ViewTrack>& tracks) {
    auto owner = transportOwner_.find(transportId);
    if (owner == transportOwner_.end() || owner->second != participantId) {
        return {RoomError::NotJoined, "unknown session"};
    }
    if (connected_.count(transportId) == 0) {
        if (!remote) return {RoomError::BadRequest, "transport parameters missing"};
        std::string err;
        if (!router_->connectTransport(transportId, *remote, err))
            return {RoomError::BadRequest, err};
        connected_.insert(transportId);
    }
    std::set<std::string> wanted;
    for (const ViewTrack& t : tracks) {
        std::string cid = transportId + ":" + t.mid;
        wanted.insert(cid);
        auto existing = consumers_.find(cid);
        if (existing != consumers_.end()) {
            existing->second.source = t.source;
            continue;
        }
        sfu::ConsumerOptions o;
        o.id = cid;
        o.kind = t.source.kind;
        o.mid = t.mid;
        o.ssrc = t.ssrc;
        o.cname = t.cname;
        o.codecs = t.codecs;
        o.extensions = sfu::ExtensionIds::fromNegotiated(t.extensions);
        o.nack = std::any_of(t.codecs.begin(), t.codecs.end(),
                             [](const sfu::RtpCodec& c) { return hasFeedback(c, "nack"); });
        if (o.nack) o.rtxSsrc = t.rtxSsrc;  // the codecs carry their RTX payload types
        std::string err;
        if (!router_->createConsumer(transportId, o, {}, err)) return {RoomError::BadRequest, err};
        consumers_[cid] = {transportId, t.source};
    }
    for (auto it = consumers_.begin(); it != consumers_.end();) {
        if (it->second.transportId == transportId && wanted.count(it->first) == 0) {
            router_->closeConsumer(it->first);
            it = consumers_.erase(it);
        } else {
            ++it;
        }
    }
    repoint();
    return {RoomError::None, {}};
}

void LiveMeeting::floorCommand(const std::string& participantId, const FloorCommand& command,
                               const std::function<void(policy::PolicyError)>& done) {
    if (!floor_) return done(policy::PolicyError::BadRequest);
    policy::Outcome o = floor_->handle(participantId, command, policy::Clock::now());
    const policy::PolicyError error = o.error;
    done(error);  // the answer first, then the change it caused
    applyFloor(std::move(o));
}

std::vector<Participant> LiveMeeting::participants() const {
    std::vector<Participant> out;
    if (!closed_) {
        for (const Participant* p : meeting_.participants()) out.push_back(*p);
    }
    return out;
}

RoomError LiveMeeting::stats(const std::string& requester, const std::string& viewer,
                             int64_t nowUs, int64_t wallMs, MeetingStats& out) {
    out.timeMs = wallMs;
    if (closed_) return RoomError::MeetingNotFound;
    if (!viewer.empty()) {
        const Participant* v = meeting_.find(viewer);
        if (!v) return RoomError::NotJoined;
        if (!policy::may(v->role, policy::Action::ViewStats)) return RoomError::Forbidden;
    }
    std::vector<ParticipantCounters> counters;
    std::map<std::string, size_t> index;
    for (const Participant* p : meeting_.participants()) {
        ParticipantCounters c;
        c.participantId = p->id;
        c.unit = p->unit;
        c.role = std::string(participantRoleName(p->role));
        if (router_) {
            if (auto person = people_.find(p->id); person != people_.end()) {
                for (const auto& [source, producerId] : person->second.producers) {
                    const sfu::Producer* producer = router_->findProducer(producerId);
                    if (!producer) continue;
                    StreamCounters s;
                    s.producerId = producerId;
                    s.bytes = producer->bytesReceived();
                    s.packets = producer->packetsReceived();
                    s.lost = producer->packetsLost();
                    s.frames = producer->framesReceived();
                    s.width = producer->frameWidth();
                    s.height = producer->frameHeight();
                    s.recovered = producer->packetsRecovered();
                    s.jitterMs = producer->jitterMs();
                    s.nacksSent = producer->nacksSent();
                    s.keyFrameRequestsSent = producer->plisSent() + producer->firsSent();
                    s.lastPacketUs = producer->lastPacketUs();
                    (source == MediaSource::Microphone ? c.audio
                     : source == MediaSource::Camera   ? c.video
                                                       : c.screen) = s;
                }
            }
        }
        if (auto person = people_.find(p->id); router_ && person != people_.end()) {
            for (const std::string& tid : person->second.transports) {
                if (const sfu::WebRtcTransport* t = router_->findTransport(tid)) {
                    c.transports.push_back({std::string(t->iceStateName()),
                                            std::string(t->dtlsStateName()), t->remoteAddress(),
                                            t->lastReceiveUs()});
                }
            }
        }
        index[p->id] = counters.size();
        counters.push_back(std::move(c));
    }
    if (router_) {
        std::map<std::string, std::pair<int64_t, int>> rttSums;  // pid → (sum, count)
        for (const auto& [consumerId, state] : consumers_) {
            auto owner = transportOwner_.find(state.transportId);
            if (owner == transportOwner_.end()) continue;
            auto at = index.find(owner->second);
            if (at == index.end()) continue;
            const sfu::Consumer* consumer = router_->findConsumer(consumerId);
            if (!consumer) continue;
            ParticipantCounters& c = counters[at->second];
            c.subscribing = true;
            c.subscribeBytes += consumer->octetsSent();
            c.fractionLost = std::max(c.fractionLost, consumer->fractionLost());
            c.jitterMs = std::max(c.jitterMs, consumer->reportedJitterMs());
            c.nacksReceived += consumer->nacksReceived();
            c.keyFrameRequestsReceived += consumer->plisReceived() + consumer->firsReceived();
            if (consumer->rttUs() >= 0) {
                auto& sum = rttSums[owner->second];
                sum.first += consumer->rttUs();
                ++sum.second;
            }
        }
        for (const auto& [pid, sum] : rttSums) counters[index[pid]].rttUs = sum.first / sum.second;
    }
    out.participants = statsSampler_.sample(requester, counters, nowUs);
    for (ParticipantStats& p : out.participants) {
        if (auto person = people_.find(p.participantId); person != people_.end())
            p.endpoint = person->second.endpoint;
    }
    out.totals = meetingTotals(out.participants);
    return RoomError::None;
}

// --- recording

RecordingError LiveMeeting::authorizeRecording(const std::string& requester) const {
    if (requester.empty()) return RecordingError::None;  // the REST API checked its token
    if (floor_) {
        switch (floor_->policy().authorize(requester, policy::Action::ControlRecording)) {
            case policy::PolicyError::None:
                return RecordingError::None;
            case policy::PolicyError::NotJoined:
                return RecordingError::NotJoined;
            default:
                return RecordingError::Forbidden;
        }
    }
    const Participant* p = meeting_.find(requester);
    if (!p) return RecordingError::NotJoined;
    return policy::may(p->role, policy::Action::ControlRecording) ? RecordingError::None
                                                                  : RecordingError::Forbidden;
}

RecordingError LiveMeeting::startRecording(const std::string& requester, std::string& detail) {
    if (closed_ || !router_) return RecordingError::NotJoined;
    if (RecordingError e = authorizeRecording(requester); e != RecordingError::None) return e;
    if (recConfig_.dir.empty()) return RecordingError::Disabled;
    if (recorder_) return RecordingError::AlreadyRecording;
    std::weak_ptr<LiveMeeting> weak = weak_from_this();
    sfu::Worker* worker = &worker_;
    // The reader thread only posts: the event is handled on the worker, if the meeting lives.
    auto sink = [weak, worker](boost::json::object event) {
        worker->post([weak, event = std::move(event)] {
            if (auto m = weak.lock()) m->onRecorderEvent(event);
        });
    };
    const std::string title = floor_ ? floor_->policy().info().title : std::string();
    auto session = RecordingSession::start(recConfig_, id_, title, sink, detail);
    if (!session) {
        VCB_LOG_ERROR("meeting %s: recording: %s", id_.c_str(), detail.c_str());
        recordingNote("recording_failed", {{"reason", "start"}, {"message", detail}});
        return RecordingError::Failed;
    }
    recorder_ = std::move(session);
    recReady_ = false;
    recStopRequested_ = false;
    recStopReason_.clear();
    recGroups_.clear();
    recLastProgramme_.clear();
    recLastUnits_.clear();
    recordingNote("recording_started",
                  {{"by", requester.empty() ? std::string("api") : requester}});
    return RecordingError::None;
}

RecordingError LiveMeeting::stopRecording(const std::string& requester) {
    if (closed_) return RecordingError::NotJoined;
    if (RecordingError e = authorizeRecording(requester); e != RecordingError::None) return e;
    if (!recorder_ || recStopRequested_) return RecordingError::NotRecording;
    recStopRequested_ = true;
    recStopReason_ = "requested";
    recorder_->stop();  // EOF: finishes every file; `stopped` and then the exit follow
    return RecordingError::None;
}

void LiveMeeting::recordingNote(const std::string& type, policy::EventDetail detail) {
    std::string text;
    for (const auto& [k, v] : detail) text += " " + k + "=" + v;
    VCB_LOG_INFO("meeting %s: %s%s", id_.c_str(), type.c_str(), text.c_str());
    if (!floor_) return;
    // Into the meeting's log (and record); everyone hears of it as a meetingEvent.
    applyFloor(floor_->note(policy::makeEvent(policy::Clock::now(), type, {}, {}, std::move(detail))));
}

std::string LiveMeeting::recProducer(const RecGroup& g, sfu::MediaKind kind) const {
    if (g.participantId.empty()) {
        MediaSelector s;
        s.mode = MediaSelector::Mode::Programme;
        s.kind = kind;
        return producerFor(s);
    }
    auto it = people_.find(g.participantId);
    if (it == people_.end()) return {};
    auto p = it->second.producers.find(kind == sfu::MediaKind::Audio ? MediaSource::Microphone
                                                                      : MediaSource::Camera);
    return p == it->second.producers.end() ? std::string() : p->second;
}

void LiveMeeting::syncRecording() {
    if (!recorder_ || !recReady_ || recStopRequested_ || !router_ || closed_) return;
    // One group per publishing participant (microphone or camera), and the programme.
    std::set<std::string> wanted;
    for (const auto& [pid, person] : people_) {
        if (person.producers.count(MediaSource::Microphone) ||
            person.producers.count(MediaSource::Camera))
            wanted.insert("p-" + pid);
    }
    for (auto it = recGroups_.begin(); it != recGroups_.end();) {
        const std::string name = it->first;
        ++it;
        if (name != "programme" && wanted.count(name) == 0) removeRecGroup(name, true);
    }
    if (recGroups_.count("programme") == 0) addRecGroup("programme", {});
    for (const std::string& name : wanted) {
        if (recGroups_.count(name) == 0) addRecGroup(name, name.substr(2));
    }
    // Connected groups follow their producers (the programme switches with the floor); a
    // consumer that changes producer asks it for a key frame (the recorder has no RTCP back).
    for (auto& [name, g] : recGroups_) {
        if (!g.connected) continue;
        for (sfu::MediaKind kind : {sfu::MediaKind::Audio, sfu::MediaKind::Video}) {
            const std::string tid = kRecordingTransportPrefix + name +
                                    (kind == sfu::MediaKind::Audio ? ":audio" : ":video");
            router_->setConsumerProducer(tid + ":m", recProducer(g, kind));
        }
    }
    // Chapter marks at each programme change; the units present.
    std::string programme;
    if (floor_) {
        const auto perms = floor_->permissions();
        if (perms.programmeSession) {
            if (const Participant* p = meeting_.find(*perms.programmeSession))
                programme = p->unit.empty() ? p->id : p->unit;
        }
    } else if (auto pid = meeting_.programmeParticipant()) {
        programme = *pid;
    }
    if (programme != recLastProgramme_) {
        recLastProgramme_ = programme;
        recorder_->send({{"cmd", "mark"},
                         {"text", programme.empty() ? std::string("programme: none")
                                                    : "floor: " + programme}});
    }
    std::set<std::string> unitSet;
    for (const Participant* p : meeting_.participants())
        if (!p->unit.empty()) unitSet.insert(p->unit);
    std::vector<std::string> units(unitSet.begin(), unitSet.end());
    if (units != recLastUnits_) {
        recLastUnits_ = units;
        boost::json::array list;
        for (const auto& u : units) list.emplace_back(u);
        recorder_->send({{"cmd", "units"}, {"list", std::move(list)}});
    }
}

void LiveMeeting::addRecGroup(const std::string& name, const std::string& participantId) {
    RecGroup g;
    g.participantId = participantId;
    g.audioSsrc = randomSsrc();
    g.videoSsrc = randomSsrc();
    g.videoCodec = "VP8";
    g.videoPt = 96;
    if (const std::string vp = recProducer(g, sfu::MediaKind::Video); !vp.empty()) {
        if (const sfu::Producer* p = router_->findProducer(vp);
            p && p->options().codecName == "H264")
            g.videoCodec = "H264", g.videoPt = 102;
    }
    boost::json::array streams;
    streams.push_back({{"kind", "video"},
                       {"codec", g.videoCodec},
                       {"payloadType", g.videoPt},
                       {"clockRate", 90000},
                       {"ssrc", g.videoSsrc}});
    streams.push_back({{"kind", "audio"},
                       {"codec", "opus"},
                       {"payloadType", 111},
                       {"clockRate", 48000},
                       {"ssrc", g.audioSsrc}});
    recGroups_[name] = g;
    recorder_->send({{"cmd", "addGroup"}, {"name", name}, {"streams", std::move(streams)}});
}

void LiveMeeting::removeRecGroup(const std::string& name, bool tellRecorder) {
    auto it = recGroups_.find(name);
    if (it == recGroups_.end()) return;
    if (router_) {
        router_->closeTransport(kRecordingTransportPrefix + name + ":audio", "recording group gone");
        router_->closeTransport(kRecordingTransportPrefix + name + ":video", "recording group gone");
    }
    recGroups_.erase(it);
    if (tellRecorder && recorder_) recorder_->send({{"cmd", "removeGroup"}, {"name", name}});
}

void LiveMeeting::connectRecGroup(const std::string& name, const boost::json::array& streams) {
    auto it = recGroups_.find(name);
    if (it == recGroups_.end() || it->second.connected || !router_) return;
    RecGroup& g = it->second;
    const sfu::RtpCodec opus = mixOpus();
    for (const boost::json::value& v : streams) {
        if (!v.is_object()) continue;
        const auto& st = v.as_object();
        const auto* kindV = st.if_contains("kind");
        const auto* rtp = st.if_contains("rtpPort");
        const auto* rtcp = st.if_contains("rtcpPort");
        if (!kindV || !kindV->is_string() || !rtp || !rtp->is_int64() || !rtcp ||
            !rtcp->is_int64())
            continue;
        const bool audio = kindV->as_string() == "audio";
        const std::string tid =
            kRecordingTransportPrefix + name + (audio ? ":audio" : ":video");
        std::string err;
        uint16_t local = 0;
        sfu::PlainTransport::Options po;
        po.remotePort = static_cast<uint16_t>(rtp->as_int64());
        po.remoteRtcpPort = static_cast<uint16_t>(rtcp->as_int64());
        po.rtcp = true;
        if (!router_->createPlainTransport(tid, po, local, err)) {
            VCB_LOG_ERROR("meeting %s: recording %s: %s", id_.c_str(), tid.c_str(), err.c_str());
            continue;
        }
        sfu::ConsumerOptions o;
        o.id = tid + ":m";
        o.kind = audio ? sfu::MediaKind::Audio : sfu::MediaKind::Video;
        o.mid = "0";
        o.ssrc = audio ? g.audioSsrc : g.videoSsrc;
        // One CNAME per group: the recorder lines audio and video up from the SRs.
        o.cname = "vcb-rec-" + name;
        o.codecs = {audio ? opus
                          : sfu::RtpCodec{g.videoPt, g.videoCodec, 90000, 0,
                                          g.videoCodec == "H264"
                                              ? "packetization-mode=1;profile-level-id=42e01f"
                                              : "",
                                          {}, {}}};
        o.nack = false;
        const std::string producer = recProducer(g, o.kind);
        if (!router_->createConsumer(tid, o, {}, err)) {
            VCB_LOG_ERROR("meeting %s: recording %s: %s", id_.c_str(), tid.c_str(), err.c_str());
            router_->closeTransport(tid, "recording consumer failed");
            continue;
        }
        router_->setConsumerProducer(o.id, producer);
        // The group starts: its video starts at a key frame, asked for now.
        if (!audio && !producer.empty()) {
            if (sfu::Producer* p = router_->findProducer(producer))
                p->requestKeyFrame(sfu::monotonicUs());
        }
    }
    g.connected = true;
}

void LiveMeeting::onRecorderEvent(const boost::json::object& event) {
    if (closed_ || !recorder_) return;
    const auto* ev = event.if_contains("event");
    if (!ev || !ev->is_string()) return;
    const std::string type(ev->as_string());
    auto str = [&](const char* key) {
        const auto* v = event.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (type == "ready") {
        recReady_ = true;
        syncRecording();
    } else if (type == "groupAdded") {
        const auto* streams = event.if_contains("streams");
        if (streams && streams->is_array()) connectRecGroup(str("name"), streams->as_array());
    } else if (type == "fileStarted" || type == "fileClosed") {
        VCB_LOG_INFO("meeting %s: recording %s %s", id_.c_str(), type.c_str(),
                     str("file").c_str());
    } else if (type == "failed") {
        const std::string group = str("group");
        recordingNote("recording_failed",
                      {{"reason", group.empty() ? str("reason") : "group"},
                       {"group", group},
                       {"message", str("message")}});
        if (!group.empty()) removeRecGroup(group, false);
        else if (recStopReason_.empty()) recStopReason_ = "failed";
    } else if (type == "diskLow") {
        recStopReason_ = "disk_low";
        recordingNote("recording_failed", {{"reason", "disk_low"}});
    } else if (type == "stopped") {
        if (recStopReason_.empty()) recStopReason_ = str("reason");
    } else if (type == "exited") {
        const auto* status = event.if_contains("status");
        const auto* sig = event.if_contains("signal");
        const int64_t code = status && status->is_int64() ? status->as_int64() : -1;
        const int64_t signal = sig && sig->is_int64() ? sig->as_int64() : 0;
        if (!recStopRequested_ && recStopReason_.empty()) {
            recordingNote("recording_failed",
                          {{"reason", "exited"},
                           {"exitCode", std::to_string(code)},
                           {"signal", std::to_string(signal)}});
        }
        std::string reason = recStopReason_.empty() ? "exited" : recStopReason_;
        endRecording();
        recordingNote("recording_stopped",
                      {{"reason", reason}, {"exitCode", std::to_string(code)}});
    }
}

void LiveMeeting::endRecording() {
    std::vector<std::string> names;
    for (const auto& [name, g] : recGroups_) names.push_back(name);
    for (const auto& name : names) removeRecGroup(name, false);
    if (recorder_) recorder_->detach();
    recorder_.reset();
    recReady_ = false;
    recStopRequested_ = false;
}

}  // namespace vcb::rooms
