#include "rooms/Conference.hpp"

#include <algorithm>
#include <set>

#include "common/Log.hpp"
#include "common/RandomId.hpp"
#include "rooms/MediaGate.hpp"
#include "rooms/MeetingFloor.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/Metrics.hpp"

namespace vcb::rooms {

namespace {

bool hasFeedback(const sfu::RtpCodec& codec, std::string_view fb) {
    return std::find(codec.rtcpFeedback.begin(), codec.rtcpFeedback.end(), fb) !=
           codec.rtcpFeedback.end();
}

const char* kindName(sfu::MediaKind k) { return k == sfu::MediaKind::Audio ? "audio" : "video"; }
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

struct Conference::MeetingState final : sfu::Router::Listener {
    struct Person {
        std::shared_ptr<MeetingObserver> observer;
        ClientKind kind = ClientKind::WebSocket;
        std::set<std::string> transports;
        std::map<sfu::MediaKind, std::string> producers;  // kind → producer id
    };
    struct ConsumerState {
        std::string transportId;
        MediaSelector source;
    };

    MeetingState(std::string meetingId, bool adHoc, size_t maxParticipants)
        : id(meetingId), meeting(std::move(meetingId), adHoc, maxParticipants) {}

    std::string id;
    Conference* conference = nullptr;
    std::weak_ptr<MeetingState> self;
    size_t workerIndex = 0;
    sfu::Worker* worker = nullptr;
    Meeting meeting;
    std::unique_ptr<sfu::Router> router;
    bool permanent = false;
    bool closed = false;
    std::map<std::string, Person> people;
    std::map<std::string, std::string> transportOwner;  // transport → participant
    std::set<std::string> connected;                    // transports given remote parameters
    std::map<std::string, ConsumerState> consumers;     // consumer id = transport:mid
    // Government meetings only: the meeting's policy (null: a plain meeting, everything flows).
    std::unique_ptr<MeetingFloor> floor;

    void onTransportConnected(const std::string&) override {}
    void onTransportClosed(const std::string& transportId, std::string_view reason) override;

    std::string producerFor(const MediaSelector& s) const {
        std::optional<std::string> pid = s.mode != MediaSelector::Mode::Programme
                                             ? std::optional<std::string>(s.participantId)
                                         : floor ? floor->permissions().programmeSession
                                                 : meeting.programmeParticipant();
        if (!pid) return {};
        auto it = people.find(*pid);
        if (it == people.end()) return {};
        auto p = it->second.producers.find(s.kind);
        return p == it->second.producers.end() ? std::string() : p->second;
    }

    void repoint() {
        for (auto& [cid, c] : consumers) router->setConsumerProducer(cid, producerFor(c.source));
    }

    MediaGate::Producers producers() const {
        MediaGate::Producers out;
        for (const auto& [pid, person] : people) out[pid] = person.producers;
        return out;
    }

    // After every policy call: gates and programme follow the policy's snapshot, and everyone is
    // told what changed. Sessions the policy closes (replaced, removed, meeting ended) leave.
    void applyFloor(policy::Outcome outcome) {
        if (!floor || !outcome.ok()) return;
        if (router) {
            MediaGate::apply(*router, floor->permissions(), producers(), sfu::monotonicUs());
            repoint();
        }
        MeetingEvent e{MeetingEvent::Type::FloorChanged, {}, {}, {}};
        e.floor = std::make_shared<const FloorView>(floor->view(std::move(outcome.events)));
        broadcast(e, {});
        for (const std::string& pid : outcome.closeSessions) removePerson(pid);
    }

    void broadcast(const MeetingEvent& e, const std::string& except) {
        for (auto& [pid, person] : people) {
            if (pid != except && person.observer) person.observer->onMeetingEvent(e);
        }
    }

    void dropProducersOf(const std::string& pid, Person& person, const std::string& onlyTransport) {
        bool changed = false;
        for (auto it = person.producers.begin(); it != person.producers.end();) {
            if (!onlyTransport.empty() && it->second.rfind(onlyTransport + ":", 0) != 0) {
                ++it;
                continue;
            }
            router->closeProducer(it->second);
            it = person.producers.erase(it);
            changed = true;
        }
        if (!changed) return;
        for (const TrackInfo& t : meeting.unpublish(pid)) {
            MeetingEvent e{MeetingEvent::Type::TrackUnpublished, {}, t, {}};
            e.participant.id = pid;
            broadcast(e, pid);
        }
        // Tracks on other transports of this participant stay published.
        std::vector<TrackInfo> rest;
        for (auto& [kind, producerId] : person.producers) {
            rest.push_back({pid + "-" + kindName(kind), kind});
        }
        if (!rest.empty()) meeting.publish(pid, rest);
        repoint();
    }

    // Removes a participant and everything it had. Safe to call for one already gone.
    void removePerson(const std::string& pid) {
        auto it = people.find(pid);
        if (it == people.end()) return;
        Person person = std::move(it->second);
        dropProducersOf(pid, person, {});
        people.erase(it);
        for (const std::string& tid : person.transports)
            router->closeTransport(tid, "participant left");
        meeting.leave(pid);
        MeetingEvent e{MeetingEvent::Type::ParticipantLeft, {}, {}, {}};
        e.participant.id = pid;
        broadcast(e, pid);
        repoint();
        if (floor) applyFloor(floor->leave(pid, policy::Clock::now()));
    }
};

void Conference::MeetingState::onTransportClosed(const std::string& transportId,
                                                 std::string_view reason) {
    VCB_LOG_INFO("meeting %s: transport %s closed (%.*s)", id.c_str(), transportId.c_str(),
                 static_cast<int>(reason.size()), reason.data());
    connected.erase(transportId);
    for (auto it = consumers.begin(); it != consumers.end();) {
        it = it->second.transportId == transportId ? consumers.erase(it) : std::next(it);
    }
    auto owner = transportOwner.find(transportId);
    if (owner == transportOwner.end()) return;
    std::string pid = owner->second;
    transportOwner.erase(owner);
    auto person = people.find(pid);
    if (person == people.end()) return;
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
        worker->post([conf = conference, weak = self] {
            if (auto m = weak.lock()) conf->removeIfEmpty(m);
        });
    }
}

Conference::Conference(ConferenceConfig config, std::shared_ptr<dtls::DtlsContext> dtls,
                       std::shared_ptr<const Authenticator> auth)
    : config_(std::move(config)), dtls_(std::move(dtls)), auth_(std::move(auth)) {
    size_t n = std::max<size_t>(1, config_.workers);
    for (size_t i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<sfu::Worker>("vcb-media-" + std::to_string(i)));
        workers_.back()->start();
        workerLoad_.push_back(0);
        std::unique_ptr<sfu::IcePort> port;
        std::string error;
        // The port's read source belongs to the worker's context: create it there.
        workers_.back()->invoke(
            [&] { port = sfu::IcePort::create(workers_.back()->context(), config_.ice, error); });
        if (!port && startError_.empty()) startError_ = error;
        ports_.push_back(std::move(port));
    }
    if (!startError_.empty()) {
        VCB_LOG_ERROR("media ports: %s", startError_.c_str());
        return;
    }
    for (const std::string& id : config_.meetings) {
        RoomError err = RoomError::None;
        auto m = findOrCreateMeeting(id, err);
        if (m) m->permanent = true;
    }
    for (const policy::MeetingInfo& info : config_.governmentMeetings) {
        RoomError err = RoomError::None;
        auto m = findOrCreateMeeting(info.id, err);
        if (!m) continue;
        m->permanent = true;
        // The policy lives on the meeting's worker like the rest of its state.
        m->worker->post([m, info] { m->floor = std::make_unique<MeetingFloor>(info); });
    }
}

Conference::~Conference() {
    stop();
    // Runs what stop() posted, then joins the threads: the media ports (destroyed first) and
    // every meeting's router go with their worker idle.
    for (auto& w : workers_) w->stop();
}

void Conference::stop() {
    if (stopped_.exchange(true)) return;
    std::unordered_map<std::string, std::shared_ptr<MeetingState>> meetings;
    {
        std::lock_guard lock(mutex_);
        meetings.swap(meetings_);
    }
    // Posted, not waited for: stop() runs on a signal handler of the HTTP io_context, and HTTP
    // threads never block on a worker.
    for (auto& [id, meeting] : meetings) {
        meeting->worker->post([m = meeting] {
            if (m->closed) return;
            m->closed = true;
            // Closing a transport calls back into onTransportClosed, which edits people and
            // their transport sets: collect the ids first instead of iterating those containers.
            std::vector<std::string> transports;
            for (auto& [pid, person] : m->people) {
                transports.insert(transports.end(), person.transports.begin(),
                                  person.transports.end());
            }
            for (const auto& tid : transports)
                m->router->closeTransport(tid, "server shutting down");
            m->people.clear();
            m->router.reset();
        });
    }
}

std::vector<uint16_t> Conference::mediaPorts() const {
    std::vector<uint16_t> out;
    for (const auto& p : ports_)
        if (p) out.push_back(p->port());
    return out;
}

size_t Conference::meetingCount() const {
    std::lock_guard lock(mutex_);
    return meetings_.size();
}

std::shared_ptr<Conference::MeetingState> Conference::findMeeting(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = meetings_.find(id);
    return it == meetings_.end() ? nullptr : it->second;
}

std::shared_ptr<Conference::MeetingState> Conference::findOrCreateMeeting(const std::string& id,
                                                                          RoomError& error) {
    std::lock_guard lock(mutex_);
    if (stopped_ || !startError_.empty()) {
        // Shutting down (the workers are going away) or without media ports: no new meeting.
        error = RoomError::Unavailable;
        return nullptr;
    }
    auto it = meetings_.find(id);
    if (it != meetings_.end()) return it->second;
    bool preconfigured =
        std::find(config_.meetings.begin(), config_.meetings.end(), id) != config_.meetings.end() ||
        std::any_of(config_.governmentMeetings.begin(), config_.governmentMeetings.end(),
                    [&](const policy::MeetingInfo& g) { return g.id == id; });
    if (!preconfigured && !config_.allowAdHocMeetings) {
        error = RoomError::MeetingNotFound;
        return nullptr;
    }
    if (meetings_.size() >= config_.maxMeetings) {
        error = RoomError::Unavailable;
        return nullptr;
    }
    auto m = std::make_shared<MeetingState>(id, !preconfigured, config_.maxParticipantsPerMeeting);
    size_t best = static_cast<size_t>(std::min_element(workerLoad_.begin(), workerLoad_.end()) -
                                      workerLoad_.begin());
    ++workerLoad_[best];
    m->workerIndex = best;
    m->conference = this;
    m->self = m;
    m->worker = workers_[best].get();
    // The router's timers attach to the worker's context, so it is created on the worker. Posted,
    // never waited for: this thread holds mutex_, and the worker takes mutex_ itself
    // (removeIfEmpty). The post happens before the meeting becomes findable, and a worker runs
    // posted work in order, so every operation on the meeting finds its router there.
    m->worker->post([m, rc = sfu::RouterConfig{ports_[best].get(), dtls_}] {
        m->router = std::make_unique<sfu::Router>(*m->worker, rc, *m);
    });
    meetings_.emplace(id, m);
    VCB_LOG_INFO("meeting %s created on worker %zu", id.c_str(), best);
    return m;
}

void Conference::removeIfEmpty(const std::shared_ptr<MeetingState>& m) {
    if (m->permanent || !m->meeting.empty() || m->closed) return;
    {
        std::lock_guard lock(mutex_);
        auto it = meetings_.find(m->id);
        if (it == meetings_.end() || it->second != m) return;
        meetings_.erase(it);
        --workerLoad_[m->workerIndex];
    }
    m->closed = true;
    m->router.reset();  // on the worker: transports and timers belong to it
    VCB_LOG_INFO("meeting %s closed (empty)", m->id.c_str());
}

void Conference::join(JoinCredentials credentials, std::shared_ptr<MeetingObserver> observer,
                      std::function<void(JoinResult)> done) {
    AuthDecision decision = auth_->authorize(credentials);
    if (decision.error != RoomError::None) return done({decision.error, {}, {}});
    RoomError err = RoomError::None;
    auto m = findOrCreateMeeting(credentials.meetingId, err);
    if (!m) return done({err, {}, {}});
    m->worker->post([this, m, credentials = std::move(credentials), observer = std::move(observer),
                     decision = std::move(decision), done = std::move(done)]() mutable {
        if (m->closed) {
            // Raced with the removal of an empty ad-hoc meeting: join its successor.
            if (stopped_) return done({RoomError::Unavailable, {}, {}});
            return join(std::move(credentials), std::move(observer), std::move(done));
        }
        Participant p;
        p.id = "p" + randomHex(8);
        p.displayName =
            decision.displayName.empty() ? credentials.displayName : decision.displayName;
        p.kind = credentials.kind;
        p.role = decision.role;
        p.unit = decision.unit;
        p.subject = decision.subject;
        RoomError e = m->meeting.join(p);
        if (e != RoomError::None) return done({e, {}, {}});
        // Government meetings admit WebSocket and WHIP participants through the policy (WHEP
        // viewers only watch the programme, which the policy's gates already decide).
        policy::Outcome admitted;
        const bool governed = m->floor && p.kind != ClientKind::WhepViewer;
        if (governed) {
            admitted = m->floor->join(p, policy::Clock::now());
            if (!admitted.ok()) {
                m->meeting.leave(p.id);
                const policy::PolicyError pe = admitted.error;
                JoinResult refused{pe == policy::PolicyError::BadRequest ? RoomError::BadRequest
                                                                         : RoomError::Forbidden,
                                   {},
                                   {}};
                refused.detail = std::string(policy::policyErrorCode(pe));
                return done(std::move(refused));
            }
        }
        JoinResult result;
        result.participantId = p.id;
        for (const Participant* other : m->meeting.participants()) {
            if (other->id != p.id) result.others.push_back(*other);
        }
        m->people[p.id] = MeetingState::Person{std::move(observer), credentials.kind, {}, {}};
        m->broadcast({MeetingEvent::Type::ParticipantJoined, p, {}, {}}, p.id);
        if (governed) {
            result.floor = std::make_shared<const FloorView>(m->floor->view({}));
            done(std::move(result));
            m->applyFloor(std::move(admitted));
            return;
        }
        done(std::move(result));
    });
}

void Conference::leave(const std::string& meetingId, const std::string& participantId) {
    auto m = findMeeting(meetingId);
    if (!m) return;
    m->worker->post([this, m, participantId] {
        if (m->closed) return;
        m->removePerson(participantId);
        removeIfEmpty(m);
    });
}

void Conference::createTransport(const std::string& meetingId, const std::string& participantId,
                                 std::function<void(TransportResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", {}, {}});
    m->worker->post([m, participantId, limit = config_.maxTransports, done = std::move(done)] {
        if (m->closed) return done({RoomError::MeetingNotFound, "meeting closed", {}, {}});
        auto person = m->people.find(participantId);
        if (person == m->people.end())
            return done({RoomError::NotJoined, "not in the meeting", {}, {}});
        // Process-wide count across all workers; a small overshoot under a race is harmless.
        const int64_t open =
            sfu::Metrics::instance().transportsOpen.load(std::memory_order_relaxed);
        if (open >= 0 && static_cast<size_t>(open) >= limit) {
            return done({RoomError::TooManySessions,
                         "the server has reached its limit of media sessions",
                         {},
                         {}});
        }
        TransportResult r;
        r.transportId = randomHex(16);
        if (!m->router->createTransport(r.transportId, r.local, r.detail)) {
            r.error = RoomError::Unavailable;
            return done(std::move(r));
        }
        m->transportOwner[r.transportId] = participantId;
        person->second.transports.insert(r.transportId);
        done(std::move(r));
    });
}

void Conference::closeTransport(const std::string& meetingId, const std::string& participantId,
                                const std::string& transportId) {
    auto m = findMeeting(meetingId);
    if (!m) return;
    m->worker->post([m, participantId, transportId] {
        if (m->closed) return;
        auto owner = m->transportOwner.find(transportId);
        if (owner == m->transportOwner.end() || owner->second != participantId) return;
        m->router->closeTransport(transportId, "closed by client");
    });
}

void Conference::restartIce(const std::string& meetingId, const std::string& participantId,
                            const std::string& transportId, sfu::RemoteTransportParameters remote,
                            std::function<void(IceRestartResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", false, {}});
    m->worker->post([m, participantId, transportId, remote = std::move(remote),
                     done = std::move(done)] {
        if (m->closed) return done({RoomError::MeetingNotFound, "meeting closed", false, {}});
        auto owner = m->transportOwner.find(transportId);
        if (owner == m->transportOwner.end() || owner->second != participantId)
            return done({RoomError::NotJoined, "unknown session", false, {}});
        // Not connected yet: nothing to restart, the coming connect() takes the credentials.
        if (m->connected.count(transportId) == 0) return done({});
        IceRestartResult r;
        if (!m->router->restartTransportIce(transportId, remote, r.local, r.restarted, r.detail))
            r.error = RoomError::BadRequest;
        done(std::move(r));
    });
}

void Conference::publish(const std::string& meetingId, const std::string& participantId,
                         const std::string& transportId, sfu::RemoteTransportParameters remote,
                         std::vector<PublishTrack> tracks,
                         std::function<void(PublishResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", {}});
    m->worker->post([m, participantId, transportId, remote = std::move(remote),
                     tracks = std::move(tracks), done = std::move(done)] {
        if (m->closed) return done({RoomError::MeetingNotFound, "meeting closed", {}});
        auto owner = m->transportOwner.find(transportId);
        auto person = m->people.find(participantId);
        if (owner == m->transportOwner.end() || owner->second != participantId ||
            person == m->people.end()) {
            return done({RoomError::NotJoined, "unknown session", {}});
        }
        // Observers, technicians and recorders are admitted to watch only.
        if (const Participant* p = m->meeting.find(participantId);
            p != nullptr && !roleMayPublish(p->role)) {
            return done({RoomError::Forbidden,
                         "a " + std::string(participantRoleName(p->role)) + " may not publish",
                         {}});
        }
        if (m->connected.count(transportId) == 0) {
            std::string err;
            if (!m->router->connectTransport(transportId, remote, err)) {
                return done({RoomError::BadRequest, err, {}});
            }
            m->connected.insert(transportId);
        }
        // One audio and one video stream per participant: later ones replace earlier ones.
        PublishResult result;
        std::map<sfu::MediaKind, const PublishTrack*> chosen;
        for (const PublishTrack& t : tracks) chosen.emplace(t.kind, &t);
        if (chosen.empty()) return done({RoomError::BadRequest, "nothing to publish", {}});
        for (auto& [kind, t] : chosen) {
            auto old = person->second.producers.find(kind);
            if (old != person->second.producers.end()) {
                m->router->closeProducer(old->second);
                person->second.producers.erase(old);
            }
            sfu::ProducerOptions o = producerOptions(transportId, *t);
            std::string err;
            if (!m->router->createProducer(transportId, o, err)) {
                return done({RoomError::BadRequest, err, {}});
            }
            person->second.producers[kind] = o.id;
            // A new producer starts closed or open as the policy says, before its first packet.
            if (m->floor) {
                m->router->setProducerForwarding(
                    o.id, MediaGate::open(m->floor->permissions(), participantId, kind),
                    sfu::monotonicUs());
            }
        }
        for (auto& [kind, producerId] : person->second.producers) {
            result.tracks.push_back({participantId + "-" + kindName(kind), kind});
        }
        m->meeting.publish(participantId, result.tracks);
        for (const TrackInfo& t : result.tracks) {
            MeetingEvent e{MeetingEvent::Type::TrackPublished, {}, t, {}};
            e.participant.id = participantId;
            m->broadcast(e, participantId);
        }
        m->repoint();
        done(std::move(result));
    });
}

void Conference::view(const std::string& meetingId, const std::string& participantId,
                      const std::string& transportId,
                      std::optional<sfu::RemoteTransportParameters> remote,
                      std::vector<ViewTrack> tracks,
                      std::function<void(RoomError, std::string)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, "no such meeting");
    m->worker->post([m, participantId, transportId, remote = std::move(remote),
                     tracks = std::move(tracks), done = std::move(done)] {
        if (m->closed) return done(RoomError::MeetingNotFound, "meeting closed");
        auto owner = m->transportOwner.find(transportId);
        if (owner == m->transportOwner.end() || owner->second != participantId) {
            return done(RoomError::NotJoined, "unknown session");
        }
        if (m->connected.count(transportId) == 0) {
            if (!remote) return done(RoomError::BadRequest, "transport parameters missing");
            std::string err;
            if (!m->router->connectTransport(transportId, *remote, err))
                return done(RoomError::BadRequest, err);
            m->connected.insert(transportId);
        }
        std::set<std::string> wanted;
        for (const ViewTrack& t : tracks) {
            std::string cid = transportId + ":" + t.mid;
            wanted.insert(cid);
            auto existing = m->consumers.find(cid);
            if (existing != m->consumers.end()) {
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
            if (!m->router->createConsumer(transportId, o, {}, err))
                return done(RoomError::BadRequest, err);
            m->consumers[cid] = {transportId, t.source};
        }
        for (auto it = m->consumers.begin(); it != m->consumers.end();) {
            if (it->second.transportId == transportId && wanted.count(it->first) == 0) {
                m->router->closeConsumer(it->first);
                it = m->consumers.erase(it);
            } else {
                ++it;
            }
        }
        m->repoint();
        done(RoomError::None, {});
    });
}

void Conference::floorCommand(const std::string& meetingId, const std::string& participantId,
                              FloorCommand command, std::function<void(policy::PolicyError)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(policy::PolicyError::NotJoined);
    m->worker->post([m, participantId, command = std::move(command), done = std::move(done)] {
        if (m->closed || !m->floor) return done(policy::PolicyError::BadRequest);
        policy::Outcome o = m->floor->handle(participantId, command, policy::Clock::now());
        const policy::PolicyError error = o.error;
        done(error);  // the answer first, then the change it caused
        m->applyFloor(std::move(o));
    });
}

void Conference::participants(const std::string& meetingId,
                              std::function<void(RoomError, std::vector<Participant>)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, {});
    m->worker->post([m, done = std::move(done)] {
        std::vector<Participant> out;
        if (!m->closed) {
            for (const Participant* p : m->meeting.participants()) out.push_back(*p);
        }
        done(RoomError::None, std::move(out));
    });
}

}  // namespace vcb::rooms
