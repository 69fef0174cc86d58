#include "rooms/StoreJournal.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/Log.hpp"

namespace vcb::rooms {
namespace {

// Through the stable names, so the two enums may differ (or become one) without this changing.
store::MeetingState toStore(policy::MeetingState s) {
    return store::parseMeetingState(policy::meetingStateName(s))
        .value_or(store::MeetingState::Scheduled);
}

policy::MeetingState toPolicy(store::MeetingState s) {
    std::string_view name = store::meetingStateName(s);
    for (auto p : {policy::MeetingState::Scheduled, policy::MeetingState::Open,
                   policy::MeetingState::InSession, policy::MeetingState::Ended}) {
        if (policy::meetingStateName(p) == name) return p;
    }
    return policy::MeetingState::Scheduled;
}

void appendJsonString(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);  // UTF-8 bytes as they are
                }
        }
    }
    out += '"';
}

store::AttendanceRow toStore(const policy::AttendanceRow& r) {
    store::AttendanceRow out;
    out.unit = r.unit.id;
    out.present = r.present;
    if (r.firstJoin) out.firstJoinMs = policy::toEpochMs(*r.firstJoin);
    if (r.lastLeave) out.lastLeaveMs = policy::toEpochMs(*r.lastLeave);
    out.timePresentMs = r.timePresentMs;
    out.representedBy = r.representedBy;
    out.reconnects = r.reconnects;
    return out;
}

// The units the roll call asked (only those: a unit missing from the stored record was not asked).
store::RollCallRecord toStore(const policy::RollCallRecord& r) {
    store::RollCallRecord out;
    out.id = r.id;
    out.startedAtMs = policy::toEpochMs(r.startedAt);
    out.startedBy = r.startedBy;
    if (r.endedAt) out.endedAtMs = policy::toEpochMs(*r.endedAt);
    for (const policy::RollCallEntry& e : r.units) {
        if (!e.asked && !e.confirmedAt) continue;
        store::RollCallUnit u;
        u.unit = e.unit.id;
        if (e.confirmedAt) u.confirmedAtMs = policy::toEpochMs(*e.confirmedAt);
        out.units.push_back(std::move(u));
    }
    return out;
}

policy::TimePoint fromEpochMs(int64_t ms) {
    return policy::TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace

std::string eventDetailJson(const policy::EventDetail& detail) {
    std::string out = "{";
    for (const auto& [k, v] : detail) {
        if (out.size() > 1) out += ',';
        appendJsonString(out, k);
        out += ':';
        appendJsonString(out, v);
    }
    out += '}';
    return out;
}

StoreJournal::StoreJournal(store::MeetingStoreWriter& writer, std::string meetingId,
                           std::chrono::milliseconds refreshPresent)
    : writer_(writer), id_(std::move(meetingId)), refreshPresent_(refreshPresent) {}

MeetingJournalFactory StoreJournal::factory(store::MeetingStoreWriter& writer) {
    return [&writer](const std::string& id) -> std::shared_ptr<MeetingJournal> {
        return std::make_shared<StoreJournal>(writer, id);
    };
}

void StoreJournal::posted(bool ok) {
    if (ok) return;
    ++dropped_;
    static LogRateLimiter limiter(1);
    if (limiter.allow()) {
        VCB_LOG_WARN("meeting %s: record write dropped (writer queue full or stopped), %llu so far",
                     id_.c_str(), static_cast<unsigned long long>(dropped_));
    }
}

void StoreJournal::record(const policy::MeetingPolicy& policy,
                          const std::vector<policy::Event>& events, policy::TimePoint now) {
    std::set<std::string> attendanceChanged;
    std::set<uint32_t> rollCalls;
    for (const policy::Event& e : events) {
        store::StoredEvent se;
        se.timeMs = e.timeMs;
        se.type = e.type;
        se.unit = e.unit;
        se.subject = e.subject;
        se.detail = eventDetailJson(e.detail);
        posted(writer_.appendEvent(id_, std::move(se), {}));
        if (e.type == "joined" || e.type == "left" || e.type == "session_replaced") {
            if (!e.unit.empty()) attendanceChanged.insert(e.unit);
        } else if (e.type.rfind("roll_call_", 0) == 0) {
            rollCalls.insert(
                static_cast<uint32_t>(std::strtoul(e.get("roll_call").c_str(), nullptr, 10)));
        } else if (e.type == "participant_removed") {
            posted(writer_.addRemovedIdentity(
                id_, store::RemovedIdentity{e.subject, e.timeMs, e.get("by")}, {}));
        }
    }
    if (!stateWritten_ || policy.state() != state_ || policy.locked() != locked_) {
        stateWritten_ = true;
        state_ = policy.state();
        locked_ = policy.locked();
        posted(writer_.setMeetingState(id_, toStore(state_), locked_, policy::toEpochMs(now), {}));
    }
    // Units still present accumulate time present: refreshed now and then so that a crash loses
    // at most about `refreshPresent_` of it.
    // The first call (the meeting going live) writes every unit that ever attended: after a
    // restart nobody is present any more until it joins again.
    const bool first = !presentRefreshed_;
    const bool refresh = first || now - *presentRefreshed_ >= refreshPresent_;
    if (!attendanceChanged.empty() || refresh) {
        for (const policy::AttendanceRow& row : policy.attendance(now)) {
            if (attendanceChanged.count(row.unit.id) != 0 || (refresh && row.present) ||
                (first && row.firstJoin)) {
                posted(writer_.upsertAttendance(id_, toStore(row), {}));
            }
        }
        if (refresh) presentRefreshed_ = now;
    }
    for (uint32_t id : rollCalls) {
        for (const policy::RollCallRecord& r : policy.rollCalls().records()) {
            if (r.id == id) posted(writer_.saveRollCall(id_, toStore(r), {}));
        }
    }
}

std::optional<policy::RestoredRecord> loadRestoredRecord(store::MeetingStore& store,
                                                         const std::string& id) {
    auto meeting = store.getMeeting(id);
    if (!meeting) {
        if (meeting.error().code != store::StoreErrorCode::NotFound) {
            VCB_LOG_ERROR("meeting %s: cannot read its record: %s", id.c_str(),
                          meeting.error().message.c_str());
        }
        return std::nullopt;
    }
    policy::RestoredRecord r;
    r.state = toPolicy(meeting.value().state);
    r.locked = meeting.value().locked;
    auto attendance = store.listAttendance(id);
    auto rollCalls = store.listRollCalls(id);
    auto removed = store.listRemovedIdentities(id);
    auto handOvers = store.listEventsOfType(id, "chair_handed_over", "from");
    if (!attendance || !rollCalls || !removed || !handOvers) {
        VCB_LOG_ERROR("meeting %s: cannot read its attendance, roll calls, removals or chair "
                      "hand-overs",
                      id.c_str());
        return std::nullopt;
    }
    for (const auto& [event, from] : handOvers.value()) {
        r.chairHandOvers.emplace_back(from, event.subject);
    }
    for (const store::AttendanceRow& a : attendance.value()) {
        policy::AttendanceRow row;
        row.unit.id = a.unit;
        row.present = false;
        if (a.firstJoinMs) row.firstJoin = fromEpochMs(*a.firstJoinMs);
        if (a.lastLeaveMs) row.lastLeave = fromEpochMs(*a.lastLeaveMs);
        row.timePresentMs = a.timePresentMs;
        row.representedBy = a.representedBy;
        row.reconnects = static_cast<uint32_t>(std::max<int64_t>(0, a.reconnects));
        r.attendance.push_back(std::move(row));
    }
    for (const store::RollCallRecord& s : rollCalls.value()) {
        policy::RollCallRecord rc;
        rc.id = static_cast<uint32_t>(s.id);
        rc.startedAt = fromEpochMs(s.startedAtMs);
        rc.startedBy = s.startedBy;
        if (s.endedAtMs) rc.endedAt = fromEpochMs(*s.endedAtMs);
        for (const store::RollCallUnit& u : s.units) {
            policy::RollCallEntry e;
            e.unit.id = u.unit;
            e.asked = true;
            if (u.confirmedAtMs) e.confirmedAt = fromEpochMs(*u.confirmedAtMs);
            rc.units.push_back(std::move(e));
        }
        r.rollCalls.push_back(std::move(rc));
    }
    for (const store::RemovedIdentity& x : removed.value()) r.removed.insert(x.subject);
    return r;
}

}  // namespace vcb::rooms
