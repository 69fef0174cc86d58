#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rooms/policy/Identity.hpp"

namespace vcb::rooms::policy {

struct AttendanceRow {
    MeetingUnit unit;
    bool present = false;
    std::optional<TimePoint> firstJoin;
    std::optional<TimePoint> lastLeave;
    int64_t timePresentMs = 0;               // time with at least one of its sessions connected
    std::vector<std::string> representedBy;  // subjects, in order of first appearance
    uint32_t reconnects = 0;  // came back after being absent, or an identity replaced its session
};

// Attendance per unit of the meeting. A unit is present while at least one session speaking for
// it (chair, delegate or room) is connected; overlapping sessions count once.
class Attendance {
  public:
    explicit Attendance(std::vector<MeetingUnit> units);

    // Unknown units are ignored (MeetingPolicy admits only the meeting's units).
    void joined(const std::string& unit, const std::string& subject, TimePoint now);
    void left(const std::string& unit, TimePoint now);
    // The same identity replaced its session: still present, one more reconnect.
    void reconnected(const std::string& unit, TimePoint now);

    // Before anyone joined: the rows kept from before a restart (matched by unit id, the unit's
    // name and tier stay this meeting's). Nobody is present; a unit that joins again counts a
    // reconnect, as it had joined before.
    void restore(const std::vector<AttendanceRow>& rows);

    bool present(const std::string& unit) const;
    // One row per unit in the order given at construction; time present includes the current
    // stretch up to `now`.
    std::vector<AttendanceRow> rows(TimePoint now) const;
    std::optional<AttendanceRow> row(const std::string& unit, TimePoint now) const;

  private:
    struct State {
        AttendanceRow row;
        int sessions = 0;
        TimePoint since;  // start of the current present stretch
    };
    AttendanceRow finish(const State& s, TimePoint now) const;

    std::vector<std::string> order_;
    std::map<std::string, State> units_;
};

}  // namespace vcb::rooms::policy
