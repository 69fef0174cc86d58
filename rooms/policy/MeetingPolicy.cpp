#include "rooms/policy/MeetingPolicy.hpp"

#include <algorithm>

namespace vcb::rooms::policy {
namespace {

std::vector<MeetingUnit> meetingUnits(const MeetingInfo& info) {
    std::vector<MeetingUnit> units{info.convening};
    for (const MeetingUnit& u : info.invited) {
        bool seen = std::any_of(units.begin(), units.end(),
                                [&](const MeetingUnit& x) { return x.id == u.id; });
        if (!seen) units.push_back(u);
    }
    return units;
}

// Sessions that speak for their unit: they make it present and may be heard with it. The role
// table is the one place that says who may be heard (chair, delegate, room).
bool represents(const Identity& id) { return may(id.role, Action::PublishAudio); }

}  // namespace

bool MediaPermissions::audible(const std::string& session) const {
    auto it = audio.find(session);
    return forwarding && it != audio.end() && it->second;
}

std::set<std::string> MediaPermissions::audibleSessions() const {
    std::set<std::string> out;
    if (!forwarding) return out;
    for (const auto& [s, ok] : audio) {
        if (ok) out.insert(s);
    }
    return out;
}

MeetingPolicy::MeetingPolicy(MeetingInfo info, ActiveSpeakerConfig speaker)
    : info_(std::move(info)),
      units_(meetingUnits(info_)),
      chair_(info_.chairSubject),
      rollCall_(units_),
      attendance_(units_),
      speaker_(speaker) {}

void MeetingPolicy::restore(const RestoredRecord& record) {
    state_ = record.state;
    locked_ = record.locked;
    removed_.insert(record.removed.begin(), record.removed.end());
    attendance_.restore(record.attendance);
    for (const AttendanceRow& row : record.attendance) {
        admitted_.insert(row.representedBy.begin(), row.representedBy.end());
    }
    rollCall_.restore(record.rollCalls);
    for (const auto& [from, to] : record.chairHandOvers) {
        if (from == chair_) chair_ = to;
    }
}

RestoredRecord MeetingPolicy::record(TimePoint now) const {
    RestoredRecord r;
    r.state = state_;
    r.locked = locked_;
    r.removed = removed_;
    r.attendance = attendance_.rows(now);
    r.rollCalls = rollCall_.records();
    if (chair_ != info_.chairSubject) r.chairHandOvers.emplace_back(info_.chairSubject, chair_);
    return r;
}

const Session* MeetingPolicy::findSession(const std::string& session) const {
    for (const Session& s : sessions_) {
        if (s.id == session) return &s;
    }
    return nullptr;
}

const MeetingUnit* MeetingPolicy::findUnit(const std::string& unit) const {
    for (const MeetingUnit& u : units_) {
        if (u.id == unit) return &u;
    }
    return nullptr;
}

const std::string& MeetingPolicy::subjectOf(const std::string& session) const {
    static const std::string kNone;
    const Session* s = findSession(session);
    return s == nullptr ? kNone : s->identity.subject;
}

Role MeetingPolicy::roleOf(const Identity& identity) const {
    if (identity.subject == chair_) return Role::Chair;
    if (identity.role == Role::Chair) return Role::Delegate;
    return identity.role;
}

PolicyError MeetingPolicy::authorize(const std::string& session, Action action) const {
    const Session* s = findSession(session);
    if (s == nullptr) return PolicyError::NotJoined;
    if (may(roleOf(s->identity), action)) return PolicyError::None;
    Role base = s->identity.role;
    if (isChairAction(action) && (base == Role::Chair || base == Role::Delegate)) {
        return PolicyError::NotChair;
    }
    return PolicyError::ForbiddenForRole;
}

PolicyError MeetingPolicy::check(const std::string& actor, Action action, bool needActive) const {
    PolicyError e = authorize(actor, action);
    if (e != PolicyError::None) return e;
    if (needActive && !active()) return PolicyError::WrongState;
    return PolicyError::None;
}

Outcome MeetingPolicy::commit(Outcome o) {
    for (Event& e : o.events) e = log_.append(std::move(e));
    return o;
}

// --- state machine

Outcome MeetingPolicy::open(TimePoint now) {
    if (state_ != MeetingState::Scheduled) return Outcome::failure(PolicyError::WrongState);
    state_ = MeetingState::Open;
    Outcome o;
    o.events.push_back(
        makeEvent(now, "meeting_opened", info_.convening.id, {}, {{"title", info_.title}}));
    return commit(std::move(o));
}

Outcome MeetingPolicy::startSession(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::StartSession, false); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (state_ != MeetingState::Open) return Outcome::failure(PolicyError::WrongState);
    state_ = MeetingState::InSession;
    Outcome o;
    o.events.push_back(makeEvent(now, "session_started", {}, subjectOf(actor)));
    o.mediaChanged = true;
    return commit(std::move(o));
}

Outcome MeetingPolicy::end(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::EndMeeting); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    std::string by = subjectOf(actor);
    Outcome o;
    if (rollCall_.active()) o.merge(rollCall_.end(by, now));
    if (floor_.holder()) o.merge(floor_.revoke(by, now, "ended"));
    floor_.clear();
    state_ = MeetingState::Ended;
    o.events.push_back(makeEvent(now, "meeting_ended", {}, by));
    while (!sessions_.empty()) {
        o.closeSessions.push_back(sessions_.back().id);
        o.merge(dropSession(sessions_.size() - 1, "ended", now));
    }
    o.mediaChanged = true;
    return commit(std::move(o));
}

Outcome MeetingPolicy::handOverChair(const std::string& actor, const std::string& subject,
                                     TimePoint now) {
    if (PolicyError e = check(actor, Action::HandOverChair); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    auto target = std::find_if(sessions_.begin(), sessions_.end(),
                               [&](const Session& s) { return s.identity.subject == subject; });
    if (target == sessions_.end()) return Outcome::failure(PolicyError::NotPresent);
    Role base = target->identity.role;
    if (base != Role::Chair && base != Role::Delegate) {
        return Outcome::failure(PolicyError::ForbiddenForRole);
    }
    if (subject == chair_) return {};
    Outcome o;
    o.events.push_back(
        makeEvent(now, "chair_handed_over", target->identity.unit, subject, {{"from", chair_}}));
    chair_ = subject;
    o.mediaChanged = true;
    return commit(std::move(o));
}

Outcome MeetingPolicy::lock(const std::string& actor, bool locked, TimePoint now) {
    if (PolicyError e = check(actor, Action::LockMeeting); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (locked_ == locked) return {};
    locked_ = locked;
    Outcome o;
    o.events.push_back(
        makeEvent(now, locked ? "meeting_locked" : "meeting_unlocked", {}, subjectOf(actor)));
    return commit(std::move(o));
}

// --- admission and roster

Outcome MeetingPolicy::join(const std::string& session, const Identity& identity, TimePoint now) {
    if (!active()) return Outcome::failure(PolicyError::WrongState);
    if (session.empty() || identity.subject.empty()) {
        return Outcome::failure(PolicyError::BadRequest);
    }
    if (findSession(session) != nullptr) return Outcome::failure(PolicyError::AlreadyJoined);
    if (removed_.count(identity.subject) != 0) return Outcome::failure(PolicyError::Removed);
    if (findUnit(identity.unit) == nullptr) return Outcome::failure(PolicyError::NotInvited);
    if (locked_ && identity.subject != chair_ && admitted_.count(identity.subject) == 0) {
        return Outcome::failure(PolicyError::MeetingLocked);
    }
    if (identity.role == Role::Room) {
        for (const Session& s : sessions_) {
            if (s.identity.role == Role::Room && s.identity.unit == identity.unit &&
                s.identity.subject != identity.subject) {
                return Outcome::failure(PolicyError::RoomEndpointTaken);
            }
        }
    }

    Outcome o;
    auto old = std::find_if(sessions_.begin(), sessions_.end(), [&](const Session& s) {
        return s.identity.subject == identity.subject;
    });
    bool sameUnit = false;
    if (old != sessions_.end()) {
        // The same identity again (a reconnect, a second device): the new session wins at once.
        std::string oldId = old->id;
        sameUnit = old->identity.unit == identity.unit && represents(old->identity) &&
                   represents(identity);
        o.events.push_back(makeEvent(now, "session_replaced", identity.unit, identity.subject,
                                     {{"old_session", oldId}, {"session", session}}));
        if (sameUnit) {
            // Keep the unit present throughout: swap the session in place.
            floor_.sessionGone(oldId);
            speaker_.forget(oldId);
            attendance_.reconnected(identity.unit, now);
            sessions_.erase(old);
        } else {
            o.merge(dropSession(static_cast<size_t>(old - sessions_.begin()), "replaced", now));
        }
        o.closeSessions.push_back(oldId);
    }
    sessions_.push_back({session, identity, now});
    admitted_.insert(identity.subject);
    if (represents(identity) && !sameUnit) {
        attendance_.joined(identity.unit, identity.subject, now);
    }
    o.events.push_back(
        makeEvent(now, "joined", identity.unit, identity.subject,
                  {{"session", session}, {"role", std::string(roleName(identity.role))}}));
    if (represents(identity)) o.merge(rollCall_.ask(identity.unit, now));
    o.mediaChanged = true;
    return commit(std::move(o));
}

Outcome MeetingPolicy::dropSession(size_t index, const char* reason, TimePoint now) {
    Session s = sessions_[index];
    sessions_.erase(sessions_.begin() + static_cast<std::ptrdiff_t>(index));
    Outcome o;
    o.events.push_back(makeEvent(now, "left", s.identity.unit, s.identity.subject,
                                 {{"session", s.id}, {"reason", reason}}));
    floor_.sessionGone(s.id);
    speaker_.forget(s.id);
    if (represents(s.identity)) {
        attendance_.left(s.identity.unit, now);
        if (!attendance_.present(s.identity.unit)) o.merge(floor_.unitGone(s.identity.unit, now));
    }
    o.mediaChanged = true;
    return o;
}

Outcome MeetingPolicy::leave(const std::string& session, TimePoint now) {
    auto it = std::find_if(sessions_.begin(), sessions_.end(),
                           [&](const Session& s) { return s.id == session; });
    if (it == sessions_.end()) return Outcome::failure(PolicyError::NotJoined);
    return commit(dropSession(static_cast<size_t>(it - sessions_.begin()), "left", now));
}

Outcome MeetingPolicy::remove(const std::string& actor, const std::string& session, TimePoint now) {
    if (PolicyError e = check(actor, Action::RemoveParticipant); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    auto it = std::find_if(sessions_.begin(), sessions_.end(),
                           [&](const Session& s) { return s.id == session; });
    if (it == sessions_.end()) return Outcome::failure(PolicyError::NotPresent);
    if (it->identity.subject == chair_) return Outcome::failure(PolicyError::BadRequest);
    removed_.insert(it->identity.subject);
    Outcome o;
    o.events.push_back(makeEvent(now, "participant_removed", it->identity.unit,
                                 it->identity.subject,
                                 {{"session", session}, {"by", subjectOf(actor)}}));
    o.merge(dropSession(static_cast<size_t>(it - sessions_.begin()), "removed", now));
    o.closeSessions.push_back(session);
    return commit(std::move(o));
}

// --- floor

Outcome MeetingPolicy::raiseHand(const std::string& session, TimePoint now) {
    if (PolicyError e = check(session, Action::RaiseHand); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    const Identity& id = findSession(session)->identity;
    return commit(floor_.raiseHand(*findUnit(id.unit), id.subject, now));
}

Outcome MeetingPolicy::lowerHand(const std::string& session, TimePoint now) {
    if (PolicyError e = check(session, Action::RaiseHand); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    const Identity& id = findSession(session)->identity;
    return commit(floor_.lowerHand(id.unit, id.subject, now));
}

Outcome MeetingPolicy::grantFloor(const std::string& actor, const std::string& unit,
                                  TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageFloor); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (findUnit(unit) == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
    return commit(floor_.grant(unit, subjectOf(actor), now));
}

Outcome MeetingPolicy::denyFloor(const std::string& actor, const std::string& unit, TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageFloor); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (findUnit(unit) == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
    return commit(floor_.deny(unit, subjectOf(actor), now));
}

Outcome MeetingPolicy::revokeFloor(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageFloor); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    return commit(floor_.revoke(subjectOf(actor), now));
}

Outcome MeetingPolicy::setSpeakerTimeLimit(const std::string& actor,
                                           std::optional<std::chrono::milliseconds> limit,
                                           std::chrono::milliseconds warningBefore, TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageFloor); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if ((limit && limit->count() <= 0) || warningBefore.count() < 0 ||
        (limit && warningBefore >= *limit)) {
        return Outcome::failure(PolicyError::BadRequest);
    }
    floor_.setTimeLimit(limit, warningBefore);
    Outcome o;
    o.events.push_back(makeEvent(now, "time_limit_set", {}, subjectOf(actor),
                                 {{"limit_ms", limit ? std::to_string(limit->count()) : "none"},
                                  {"warning_ms", std::to_string(warningBefore.count())}}));
    return commit(std::move(o));
}

Outcome MeetingPolicy::unmuteUnit(const std::string& actor, const std::string& unit,
                                  TimePoint now) {
    if (PolicyError e = check(actor, Action::Unmute); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (findUnit(unit) == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
    if (!attendance_.present(unit)) return Outcome::failure(PolicyError::NotPresent);
    return commit(floor_.unmuteUnit(unit, subjectOf(actor), now));
}

Outcome MeetingPolicy::muteUnit(const std::string& actor, const std::string& unit, TimePoint now) {
    if (PolicyError e = check(actor, Action::Mute); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (findUnit(unit) == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
    return commit(floor_.muteUnit(unit, subjectOf(actor), now));
}

Outcome MeetingPolicy::mute(const std::string& actor, const std::string& session, TimePoint now) {
    if (PolicyError e = check(actor, Action::Mute); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    const Session* target = findSession(session);
    if (target == nullptr) return Outcome::failure(PolicyError::NotPresent);
    return commit(floor_.muteSession(session, target->identity.unit, target->identity.subject,
                                     subjectOf(actor), now));
}

Outcome MeetingPolicy::muteAll(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::Mute); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    return commit(floor_.muteAll(subjectOf(actor), now));
}

Outcome MeetingPolicy::spotlight(const std::string& actor, const std::optional<std::string>& unit,
                                 TimePoint now) {
    if (PolicyError e = check(actor, Action::Spotlight); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    if (unit) {
        if (findUnit(*unit) == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
        if (!attendance_.present(*unit)) return Outcome::failure(PolicyError::NotPresent);
    }
    return commit(floor_.spotlight(unit, subjectOf(actor), now));
}

Outcome MeetingPolicy::tick(TimePoint now) {
    if (!active()) return {};
    return commit(floor_.tick(now));
}

// --- roll call

Outcome MeetingPolicy::startRollCall(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageRollCall); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    std::set<std::string> present;
    for (const MeetingUnit& u : units_) {
        if (attendance_.present(u.id)) present.insert(u.id);
    }
    return commit(rollCall_.start(subjectOf(actor), present, now));
}

Outcome MeetingPolicy::confirmRollCall(const std::string& session, TimePoint now) {
    if (PolicyError e = check(session, Action::ConfirmRollCall); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    const Identity& id = findSession(session)->identity;
    return commit(rollCall_.confirm(id.unit, id.subject, now));
}

Outcome MeetingPolicy::endRollCall(const std::string& actor, TimePoint now) {
    if (PolicyError e = check(actor, Action::ManageRollCall); e != PolicyError::None) {
        return Outcome::failure(e);
    }
    return commit(rollCall_.end(subjectOf(actor), now));
}

// --- active speaker

void MeetingPolicy::audioLevel(const std::string& session, double dBov, TimePoint now) {
    if (findSession(session) != nullptr) speaker_.level(session, dBov, now);
}

bool MeetingPolicy::updateActiveSpeaker(TimePoint now) {
    return speaker_.update(snapshot().audibleSessions(), now);
}

// --- media decisions

bool MeetingPolicy::audibleNow(const Session& s) const {
    Role role = roleOf(s.identity);
    if (!may(role, Action::PublishAudio) || floor_.isMuted(s.id)) return false;
    if (role == Role::Chair) return true;
    const std::string& unit = s.identity.unit;
    return (floor_.holder() && floor_.holder()->unit == unit) || floor_.discussion().count(unit);
}

const Session* MeetingPolicy::videoSource(const std::string& unit,
                                          const std::string& preferred) const {
    const Session* room = nullptr;
    const Session* any = nullptr;
    for (const Session& s : sessions_) {
        if (s.identity.unit != unit || !may(roleOf(s.identity), Action::PublishVideo)) continue;
        if (!preferred.empty() && s.identity.subject == preferred) return &s;
        if (room == nullptr && s.identity.role == Role::Room) room = &s;
        if (any == nullptr) any = &s;
    }
    return room != nullptr ? room : any;
}

MediaPermissions MeetingPolicy::snapshot() const {
    MediaPermissions p;
    p.forwarding = state_ == MeetingState::InSession;
    for (const Session& s : sessions_) p.audio[s.id] = p.forwarding && audibleNow(s);
    if (!p.forwarding) return p;

    const Session* source = nullptr;
    if (auto unit = floor_.programmeUnit()) {
        p.programmeUnit = unit;
        bool isHolder = !floor_.spotlighted() && floor_.holder();
        source = videoSource(*unit, isHolder ? floor_.holder()->subject : std::string());
    } else {
        // Nobody has the floor: the chair is the programme.
        for (const Session& s : sessions_) {
            if (s.identity.subject == chair_) source = &s;
        }
        if (source != nullptr) p.programmeUnit = source->identity.unit;
    }
    if (source != nullptr) p.programmeSession = source->id;
    return p;
}

}  // namespace vcb::rooms::policy
