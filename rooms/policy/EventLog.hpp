#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rooms/policy/Identity.hpp"
#include "rooms/policy/PolicyError.hpp"

namespace vcb::rooms::policy {

// Small ordered key/value details of an event ("reason" -> "time_limit", "session" -> "s1", ...).
using EventDetail = std::vector<std::pair<std::string, std::string>>;

// One line of the minutes. `type` is a stable snake_case string (see MeetingPolicy.hpp for the
// list); `unit` and `subject` are whom it concerns ("" if nobody in particular).
struct Event {
    uint64_t seq = 0;    // 1, 2, ... per meeting, assigned by the EventLog
    int64_t timeMs = 0;  // ms since the Unix epoch, from `now`
    std::string type;
    std::string unit;
    std::string subject;
    EventDetail detail;

    // The value of a detail key, "" if absent.
    const std::string& get(const std::string& key) const;
};

Event makeEvent(TimePoint now, std::string type, std::string unit = {}, std::string subject = {},
                EventDetail detail = {});

// What a policy decision changed. Every mutating call returns one, so the caller knows what to
// push: `events` to notify clients (and persist), `closeSessions` to disconnect, and, when
// `mediaChanged`, a fresh MeetingPolicy::snapshot() for the media worker.
struct Outcome {
    PolicyError error = PolicyError::None;
    std::vector<Event> events;
    std::vector<std::string> closeSessions;
    bool mediaChanged = false;

    bool ok() const { return error == PolicyError::None; }
    static Outcome failure(PolicyError e) {
        Outcome o;
        o.error = e;
        return o;
    }
    // Appends another outcome's effects (its error is kept only if this one has none).
    void merge(Outcome other);
};

// Why `outcome` closes `session`: "replaced" (the same identity joined again), "removed" (by the
// chair) or "meeting_ended", read from its session_replaced and left events; "" if it does not
// close that session.
std::string closeReason(const Outcome& outcome, const std::string& session);

// The append-only event log of one meeting, usable as minutes.
class EventLog {
  public:
    // Assigns the next sequence number and returns the stored event.
    const Event& append(Event event);
    const std::vector<Event>& events() const { return events_; }
    // Events with seq > `seq`, for a store catching up or a client resuming.
    std::vector<Event> since(uint64_t seq) const;
    size_t size() const { return events_.size(); }
    uint64_t lastSeq() const { return events_.empty() ? 0 : events_.back().seq; }

  private:
    std::vector<Event> events_;
};

}  // namespace vcb::rooms::policy
