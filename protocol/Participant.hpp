#pragma once
#include <string>
#include <vector>

#include "protocol/Track.hpp"

namespace vcb::protocol {

// `participant` object of joined / participantJoined.
struct Participant {
    std::string id;
    std::string displayName;
    std::vector<Track> tracks;

    bool operator==(const Participant&) const = default;
};

}  // namespace vcb::protocol
