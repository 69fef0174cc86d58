#pragma once
#include <string>
#include <vector>

namespace vcb::protocol {

enum class TrackKind { Audio, Video };

// `track` object: id is "<participantId>-<mid>".
struct Track {
    std::string id;
    TrackKind kind = TrackKind::Audio;

    bool operator==(const Track&) const = default;
};

}  // namespace vcb::protocol
