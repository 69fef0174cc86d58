#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "rooms/policy/Roles.hpp"

namespace vcb::rooms::policy {

// Wall-clock time: the policy's times end up in minutes and attendance records. The policy never
// reads a clock; every call that depends on time is given `now`.
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

inline int64_t toEpochMs(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// An administrative unit as the meeting sees it: the caller resolves the meeting's invitations
// with the unit tree (rooms/policy/UnitTree) and copies these three fields of each unit.
struct MeetingUnit {
    std::string id;
    std::string name;
    size_t tier = 0;  // depth of its tier in the unit tree (0 = the root tier), as rooms::Unit
    std::string parent = {};    // the parent unit's id; "" for a root
    std::string tierName = {};  // its tier's name in the units file (e.g. "commune")
};

// Who is connecting: from the join credentials.
struct Identity {
    std::string subject;  // the person or endpoint (token `sub`); one session per subject
    std::string unit;     // unit id it speaks for
    Role role = Role::Observer;
};

// One connection of an identity to the meeting.
struct Session {
    std::string id;  // the conference's participant id
    Identity identity;
    TimePoint joinedAt;
};

}  // namespace vcb::rooms::policy
