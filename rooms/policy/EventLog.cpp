#include "rooms/policy/EventLog.hpp"

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

}  // namespace vcb::rooms::policy
