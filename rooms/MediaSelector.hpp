#pragma once
#include <string>

#include "rooms/Participant.hpp"
#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

// What an outgoing stream shows: the meeting's programme, or one participant's media.
// Programme video is the programme participant's screen while it shares one, else its camera;
// programme audio its microphone. A Participant selector names the source exactly.
struct MediaSelector {
    enum class Mode { Programme, Participant };
    Mode mode = Mode::Programme;
    std::string participantId;  // for Mode::Participant
    sfu::MediaKind kind = sfu::MediaKind::Video;
    MediaSource source = MediaSource::Camera;  // for Mode::Participant; kindOf(source) == kind
};

}  // namespace vcb::rooms
