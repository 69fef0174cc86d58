#pragma once
// The meeting records kept by MeetingStore, as plain structs. Times are milliseconds since the
// Unix epoch (UTC); strings are UTF-8 and stored byte-exact (Vietnamese names round-trip).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/policy/MeetingState.hpp"

namespace vcb::store {

// The one meeting state enum, shared with the policy (header-only, so no link dependency).
using MeetingState = rooms::policy::MeetingState;
using rooms::policy::meetingStateName;
using rooms::policy::parseMeetingState;

// An invited unit: the unit alone, or (subtree) the unit and every unit below it.
struct InvitedUnit {
    std::string unit;
    bool subtree = false;
    bool operator==(const InvitedUnit&) const = default;
};

struct StoredMeeting {
    std::string id;
    std::string title;
    std::string convenedBy;            // convening unit id
    std::vector<InvitedUnit> invited;  // in the order given
    std::string chair;                 // chair identity (token subject)
    int64_t scheduledStartMs = 0;
    MeetingState state = MeetingState::Scheduled;
    bool locked = false;
    int64_t createdMs = 0;
    int64_t updatedMs = 0;
    bool recordAuto = false;  // record: auto — the session's start starts the recording
    bool operator==(const StoredMeeting&) const = default;
};

// One entry of a meeting's append-only event log (the minutes). seq is assigned by the store:
// 1, 2, 3, ... per meeting.
struct StoredEvent {
    int64_t seq = 0;
    int64_t timeMs = 0;
    std::string type;           // stable string, e.g. "meeting.opened", "floor.granted"
    std::string unit;           // the unit concerned, may be empty
    std::string subject;        // the identity concerned, may be empty
    std::string detail = "{}";  // JSON text (checked with json_valid on insert)
    bool operator==(const StoredEvent&) const = default;
};

// Attendance of one invited unit in one meeting.
struct AttendanceRow {
    std::string unit;
    bool present = false;
    std::optional<int64_t> firstJoinMs;
    std::optional<int64_t> lastLeaveMs;
    int64_t timePresentMs = 0;
    std::vector<std::string> representedBy;  // subjects who attended for the unit, in order
    int64_t reconnects = 0;
    bool operator==(const AttendanceRow&) const = default;
};

struct RollCallUnit {
    std::string unit;
    std::optional<int64_t> confirmedAtMs;  // nullopt: not (yet) confirmed
    bool operator==(const RollCallUnit&) const = default;
};

// A roll call; id is chosen by the caller (unique per meeting). Saving it again replaces it
// (end time, confirmations).
struct RollCallRecord {
    int64_t id = 0;
    int64_t startedAtMs = 0;
    std::string startedBy;
    std::optional<int64_t> endedAtMs;
    std::vector<RollCallUnit> units;  // sorted by unit when read back
    bool operator==(const RollCallRecord&) const = default;
};

// An identity removed from a meeting: it may not rejoin.
struct RemovedIdentity {
    std::string subject;
    int64_t removedAtMs = 0;
    std::string removedBy;
    bool operator==(const RemovedIdentity&) const = default;
};

}  // namespace vcb::store
