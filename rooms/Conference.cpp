#include "rooms/Conference.hpp"

#include <algorithm>
#include <set>

#include "common/Log.hpp"
#include "common/RandomId.hpp"
#include "media/AudioMixer.hpp"
#include "rooms/LiveMeeting.hpp"
#include "sfu/core/Clock.hpp"

namespace vcb::rooms {

Conference::Conference(ConferenceConfig config, std::shared_ptr<dtls::DtlsContext> dtls,
                       std::shared_ptr<const Authenticator> auth)
    : config_(std::move(config)), dtls_(std::move(dtls)), auth_(std::move(auth)) {
    if (config_.mixProgrammeAudio) mixerHost_ = std::make_unique<media::MixerHost>();
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
        if (m) m->setPermanent();
    }
    for (const policy::MeetingInfo& info : config_.governmentMeetings) {
        RoomError err = RoomError::None;
        auto m = findOrCreateMeeting(info.id, err);
        if (!m) continue;
        m->setPermanent();
        // The policy lives on the meeting's worker like the rest of its state.
        auto journal = config_.journal ? config_.journal(info.id) : nullptr;
        m->worker().post([m, info, before = config_.lobbyOpensBefore, journal] {
            m->govern(info, before, journal);
        });
    }
}

Conference::~Conference() {
    stop();
    // Runs what stop() posted, then joins the threads: the media ports (destroyed first) and
    // every meeting's router go with their worker idle.
    for (auto& w : workers_) w->stop();
    // The meetings closed their mixers on the workers (posted to the host): those go now.
    mixerHost_.reset();
}

void Conference::stop() {
    if (stopped_.exchange(true)) return;
    std::unordered_map<std::string, std::shared_ptr<LiveMeeting>> meetings;
    {
        std::lock_guard lock(mutex_);
        meetings.swap(meetings_);
    }
    // Posted, not waited for: stop() runs on a signal handler of the HTTP io_context, and HTTP
    // threads never block on a worker.
    for (auto& [id, meeting] : meetings) {
        meeting->worker().post([m = meeting] { m->close("server shutting down"); });
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

std::shared_ptr<LiveMeeting> Conference::findMeeting(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = meetings_.find(id);
    return it == meetings_.end() ? nullptr : it->second;
}

std::shared_ptr<LiveMeeting> Conference::findOrCreateMeeting(const std::string& id,
                                                             RoomError& error) {
    std::lock_guard lock(mutex_);
    if (stopped_ || !startError_.empty()) {
        // Shutting down (the workers are going away) or without media ports: no new meeting.
        error = RoomError::Unavailable;
        return nullptr;
    }
    auto it = meetings_.find(id);
    if (it != meetings_.end()) return it->second;
    const auto definition = defined_.find(id);
    bool preconfigured =
        std::find(config_.meetings.begin(), config_.meetings.end(), id) != config_.meetings.end() ||
        std::any_of(config_.governmentMeetings.begin(), config_.governmentMeetings.end(),
                    [&](const policy::MeetingInfo& g) { return g.id == id; }) ||
        definition != defined_.end();
    if (!preconfigured && !config_.allowAdHocMeetings) {
        error = RoomError::MeetingNotFound;
        return nullptr;
    }
    if (meetings_.size() >= config_.maxMeetings) {
        error = RoomError::Unavailable;
        return nullptr;
    }
    size_t best = static_cast<size_t>(std::min_element(workerLoad_.begin(), workerLoad_.end()) -
                                      workerLoad_.begin());
    ++workerLoad_[best];
    auto m = std::make_shared<LiveMeeting>(id, !preconfigured, config_.maxParticipantsPerMeeting,
                                           *workers_[best], best);
    m->setMixerHost(mixerHost_.get());
    m->setRecordingConfig(config_.recording);
    m->setEmptiedHandler([this, weak = std::weak_ptr<LiveMeeting>(m)] {
        if (auto live = weak.lock()) removeIfEmpty(live);
    });
    // The router's timers attach to the worker's context, so it is created on the worker. Posted,
    // never waited for: this thread holds mutex_, and the worker takes mutex_ itself
    // (removeIfEmpty). The post happens before the meeting becomes findable, and a worker runs
    // posted work in order, so every operation on the meeting finds its router there.
    m->worker().post(
        [m, rc = sfu::RouterConfig{ports_[best].get(), dtls_}] { m->createRouter(rc); });
    if (definition != defined_.end()) {
        // After the router, before any join (posted in order): a copy of today's definition.
        auto journal = config_.journal ? config_.journal(id) : nullptr;
        m->worker().post(
            [m, info = definition->second, before = config_.lobbyOpensBefore, journal] {
                m->govern(info, before, journal);
            });
        // The live meeting carries the record on; removeIfEmpty hands it back.
        definition->second.restored.reset();
    }
    meetings_.emplace(id, m);
    VCB_LOG_INFO("meeting %s created on worker %zu", id.c_str(), best);
    return m;
}

void Conference::defineGovernmentMeeting(policy::MeetingInfo info) {
    std::lock_guard lock(mutex_);
    const bool configured =
        std::any_of(config_.governmentMeetings.begin(), config_.governmentMeetings.end(),
                    [&](const policy::MeetingInfo& g) { return g.id == info.id; });
    if (configured) return;  // the config's definition is live and permanent
    // The record of an earlier live time of the meeting stays with its new definition.
    if (auto it = defined_.find(info.id); it != defined_.end() && !info.restored) {
        info.restored = std::move(it->second.restored);
    }
    std::string id = info.id;
    defined_.insert_or_assign(std::move(id), std::move(info));
}

void Conference::forgetGovernmentMeeting(const std::string& id) {
    std::lock_guard lock(mutex_);
    defined_.erase(id);
}

bool Conference::governmentMeetingDefined(const std::string& id) const {
    std::lock_guard lock(mutex_);
    return defined_.count(id) != 0;
}

void Conference::removeIfEmpty(const std::shared_ptr<LiveMeeting>& m) {
    if (m->permanent() || !m->empty() || m->closed()) return;
    {
        std::lock_guard lock(mutex_);
        auto it = meetings_.find(m->id());
        if (it == meetings_.end() || it->second != m) return;
        // A government meeting defined over REST goes while nobody is connected; its record
        // (state, lock, removals, attendance, roll calls) comes back with its next join. On the
        // meeting's worker, as its policy is.
        if (auto d = defined_.find(m->id()); d != defined_.end()) {
            d->second.restored = m->policyRecord(policy::Clock::now());
        }
        meetings_.erase(it);
        --workerLoad_[m->workerIndex()];
    }
    m->close("meeting closed");
    VCB_LOG_INFO("meeting %s closed (empty)", m->id().c_str());
}

void Conference::join(JoinCredentials credentials, std::shared_ptr<MeetingObserver> observer,
                      std::function<void(JoinResult)> done) {
    AuthDecision decision = auth_->authorize(credentials);
    if (decision.error != RoomError::None) return done({decision.error, {}, {}});
    RoomError err = RoomError::None;
    auto m = findOrCreateMeeting(credentials.meetingId, err);
    if (!m) return done({err, {}, {}});
    m->worker().post([this, m, credentials = std::move(credentials), observer = std::move(observer),
                      decision = std::move(decision), done = std::move(done)]() mutable {
        if (m->closed()) {
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
        p.verified = decision.verified;
        m->join(std::move(p), std::move(observer), done);
        // A refused join (a government meeting whose lobby is not open yet, ...) must not keep
        // the meeting live: the next join gets the definition current then.
        removeIfEmpty(m);
    });
}

void Conference::leave(const std::string& meetingId, const std::string& participantId) {
    auto m = findMeeting(meetingId);
    if (!m) return;
    m->worker().post([this, m, participantId] {
        if (m->closed()) return;
        m->removePerson(participantId);
        removeIfEmpty(m);
    });
}

void Conference::createTransport(const std::string& meetingId, const std::string& participantId,
                                 std::function<void(TransportResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", {}, {}});
    m->worker().post([m, participantId, limit = config_.maxTransports, done = std::move(done)] {
        if (m->closed()) return done({RoomError::MeetingNotFound, "meeting closed", {}, {}});
        done(m->createTransport(participantId, limit));
    });
}

void Conference::closeTransport(const std::string& meetingId, const std::string& participantId,
                                const std::string& transportId) {
    auto m = findMeeting(meetingId);
    if (!m) return;
    m->worker().post([m, participantId, transportId] {
        if (!m->closed()) m->closeTransport(participantId, transportId);
    });
}

void Conference::restartIce(const std::string& meetingId, const std::string& participantId,
                            const std::string& transportId, sfu::RemoteTransportParameters remote,
                            std::function<void(IceRestartResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", false, {}});
    m->worker().post(
        [m, participantId, transportId, remote = std::move(remote), done = std::move(done)] {
            if (m->closed()) return done({RoomError::MeetingNotFound, "meeting closed", false, {}});
            done(m->restartIce(participantId, transportId, remote));
        });
}

void Conference::publish(const std::string& meetingId, const std::string& participantId,
                         const std::string& transportId, sfu::RemoteTransportParameters remote,
                         std::vector<PublishTrack> tracks,
                         std::function<void(PublishResult)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done({RoomError::MeetingNotFound, "no such meeting", {}});
    m->worker().post([m, participantId, transportId, remote = std::move(remote),
                      tracks = std::move(tracks), done = std::move(done)] {
        if (m->closed()) return done({RoomError::MeetingNotFound, "meeting closed", {}});
        done(m->publish(participantId, transportId, remote, tracks));
    });
}

void Conference::view(const std::string& meetingId, const std::string& participantId,
                      const std::string& transportId,
                      std::optional<sfu::RemoteTransportParameters> remote,
                      std::vector<ViewTrack> tracks,
                      std::function<void(RoomError, std::string)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, "no such meeting");
    m->worker().post([m, participantId, transportId, remote = std::move(remote),
                      tracks = std::move(tracks), done = std::move(done)] {
        if (m->closed()) return done(RoomError::MeetingNotFound, "meeting closed");
        auto [error, detail] = m->view(participantId, transportId, remote, tracks);
        done(error, std::move(detail));
    });
}

void Conference::floorCommand(const std::string& meetingId, const std::string& participantId,
                              FloorCommand command, std::function<void(policy::PolicyError)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(policy::PolicyError::NotJoined);
    m->worker().post([m, participantId, command = std::move(command), done = std::move(done)] {
        if (m->closed()) return done(policy::PolicyError::BadRequest);
        m->floorCommand(participantId, command, done);
    });
}

void Conference::participants(const std::string& meetingId,
                              std::function<void(RoomError, std::vector<Participant>)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, {});
    m->worker().post([m, done = std::move(done)] { done(RoomError::None, m->participants()); });
}

void Conference::stats(const std::string& meetingId, const std::string& requester,
                       const std::string& viewer,
                       std::function<void(RoomError, MeetingStats)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, {});
    m->worker().post([m, requester, viewer, done = std::move(done)] {
        const int64_t wallMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        MeetingStats out;
        const RoomError e = m->stats(requester, viewer, sfu::monotonicUs(), wallMs, out);
        done(e, std::move(out));
    });
}

void Conference::recording(const std::string& meetingId, const std::string& participantId,
                           bool start, std::function<void(RecordingError, std::string)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RecordingError::NotJoined, "no such live meeting");
    m->worker().post([m, participantId, start, done = std::move(done)] {
        std::string detail;
        const RecordingError e =
            start ? m->startRecording(participantId, detail) : m->stopRecording(participantId);
        done(e, std::move(detail));
    });
}

void Conference::subscribeStats(const std::string& meetingId, const std::string& viewer,
                                uint32_t intervalMs,
                                std::function<void(const MeetingStats&)> push,
                                std::function<void(RoomError, MeetingStats)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(RoomError::MeetingNotFound, {});
    m->worker().post(
        [m, viewer, intervalMs, push = std::move(push), done = std::move(done)]() mutable {
            MeetingStats first;
            const RoomError e = m->subscribeStats(viewer, intervalMs, std::move(push), first);
            done(e, std::move(first));
        });
}

void Conference::unsubscribeStats(const std::string& meetingId, const std::string& viewer) {
    auto m = findMeeting(meetingId);
    if (!m) return;
    m->worker().post([m, viewer] { m->unsubscribeStats(viewer); });
}

void Conference::endpointReport(const std::string& meetingId, const std::string& participantId,
                                EndpointReport report, std::function<void(EndpointError)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(EndpointError::NotJoined);
    m->worker().post([m, participantId, report = std::move(report), done = std::move(done)]() mutable {
        if (m->closed()) return done(EndpointError::NotJoined);
        report.receivedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
        done(m->endpointReport(participantId, std::move(report)));
    });
}

void Conference::endpointCommand(const std::string& meetingId, const std::string& participantId,
                                 const std::string& target, EndpointAction action,
                                 std::function<void(EndpointError)> done) {
    auto m = findMeeting(meetingId);
    if (!m) return done(EndpointError::NotJoined);
    m->worker().post([m, participantId, target, action, done = std::move(done)] {
        if (m->closed()) return done(EndpointError::NotJoined);
        done(m->endpointCommand(participantId, target, action));
    });
}

}  // namespace vcb::rooms
