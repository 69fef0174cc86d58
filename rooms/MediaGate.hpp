#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "rooms/Participant.hpp"
#include "rooms/policy/MeetingPolicy.hpp"
#include "sfu/core/Router.hpp"

namespace vcb::rooms {

// Applies a government meeting's media permissions (MeetingPolicy::snapshot()) to its router's
// forwarding gates: audio producers open when their session may be heard, video producers (camera
// and shared screen alike) while the meeting is in session; in the lobby and after the end nothing is forwarded. Runs on the
// meeting's worker, after every policy change and every new producer.
class MediaGate {
  public:
    // participant id -> (source -> producer id), as the conference keeps them.
    using Producers = std::map<std::string, std::map<MediaSource, std::string>>;

    static void apply(sfu::Router& router, const policy::MediaPermissions& permissions,
                      const Producers& producers, int64_t nowUs);
    // Whether one producer of `participantId` may be forwarded under `permissions`.
    static bool open(const policy::MediaPermissions& permissions, const std::string& participantId,
                     MediaSource source);
};

}  // namespace vcb::rooms
