#pragma once
#include <string>
#include <vector>

namespace vcb::protocol {

enum class TrackKind { Audio, Video };
// What a track carries: the microphone (audio), the camera or the shared screen (video).
enum class TrackSource { Microphone, Camera, Screen };

// `track` object: id is "<participantId>-audio", "-video" (camera) or "-screen".
struct Track {
    std::string id;
    TrackKind kind = TrackKind::Audio;
    // A video track that carries the shared screen, not the camera. On the wire as `source`:
    // "microphone" (audio), "camera" or "screen" (video); a track without it is the kind's
    // default (microphone, camera).
    bool screen = false;

    TrackSource source() const {
        return kind == TrackKind::Audio ? TrackSource::Microphone
               : screen                 ? TrackSource::Screen
                                        : TrackSource::Camera;
    }

    bool operator==(const Track&) const = default;
};

}  // namespace vcb::protocol
