#pragma once
#include <chrono>
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

// An administrative unit as the meeting sees it (resolved from the unit tree by the caller).
struct Unit {
    std::string id;
    std::string name;
    int tier = 0;  // level in the administrative tree (1 = central, larger = more local)
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
