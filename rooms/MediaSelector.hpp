#pragma once
#include <string>

#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

// What an outgoing stream shows: the meeting's programme, or one participant's media.
struct MediaSelector {
    enum class Mode { Programme, Participant };
    Mode mode = Mode::Programme;
    std::string participantId;  // for Mode::Participant
    sfu::MediaKind kind = sfu::MediaKind::Video;
};

}  // namespace vcb::rooms
