#include "rooms/policy/EventLog.hpp"

#include <algorithm>

namespace vcb::rooms::policy {

const std::string& Event::get(const std::string& key) const {
    static const std::string kEmpty;
    for (const auto& [k, v] : detail) {
        if (k == key) return v;
    }
    return kEmpty;
}

Event makeEvent(TimePoint now, std::string type, std::string unit, std::string subject,
                EventDetail detail) {
    Event e;
    e.timeMs = toEpochMs(now);
    e.type = std::move(type);
    e.unit = std::move(unit);
    e.subject = std::move(subject);
    e.detail = std::move(detail);
    return e;
}

void Outcome::merge(Outcome other) {
    if (error == PolicyError::None) error = other.error;
    for (auto& e : other.events) events.push_back(std::move(e));
    for (auto& s : other.closeSessions) closeSessions.push_back(std::move(s));
    mediaChanged = mediaChanged || other.mediaChanged;
}

const Event& EventLog::append(Event event) {
    event.seq = lastSeq() + 1;
    events_.push_back(std::move(event));
    return events_.back();
}

std::vector<Event> EventLog::since(uint64_t seq) const {
    std::vector<Event> out;
    for (const Event& e : events_) {
        if (e.seq > seq) out.push_back(e);
    }
    return out;
}

std::string closeReason(const Outcome& outcome, const std::string& session) {
    if (std::find(outcome.closeSessions.begin(), outcome.closeSessions.end(), session) ==
        outcome.closeSessions.end()) {
        return {};
    }
    for (const Event& e : outcome.events) {
        // A replaced session of a unit that stays present leaves no `left` event.
        if (e.type == "session_replaced" && e.get("old_session") == session) return "replaced";
        if (e.type == "left" && e.get("session") == session) {
            const std::string& reason = e.get("reason");
            if (reason == "ended") return "meeting_ended";
            if (reason == "removed" || reason == "replaced") return reason;
        }
    }
    return "closed";  // not expected: every closing call logs one of the above
}

}  // namespace vcb::rooms::policy
