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
    std::string unit;  // the unit it speaks for; "" = none
    std::string role;  // chair, delegate, room, observer, technician or recorder; "" = not sent
    std::string subject;  // government meetings: the identity (token `sub`); "" = not sent

    bool operator==(const Participant&) const = default;
};

}  // namespace vcb::protocol
