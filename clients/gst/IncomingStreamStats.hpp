#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace vcb::gstclient {

// What a WebRtcPeer has received and decoded on one incoming stream (one m-section / mid).
struct IncomingStreamStats {
    std::string mid;
    std::string kind;        // "audio" or "video"
    std::string msidStream;  // from the remote description (participant id for vcbridge)
    std::string msidTrack;

    // video
    std::uint64_t framesDecoded = 0;
    std::map<std::string, std::uint64_t> framesByPicture;  // "smpte"/"red"/.../"unknown" -> count
    std::string lastPicture;
    int width = 0;
    int height = 0;

    // audio
    std::uint64_t audioBuffers = 0;
    std::uint64_t audioBuffersWithSignal = 0;  // RMS above kAudioPresentRms
    double lastRms = 0.0;
    double maxRms = 0.0;
    // WebRtcPeerOptions::toneFrequencies: buffers in which each was present, and when (steady
    // clock, µs) it last appeared after a buffer without it.
    std::map<int, std::uint64_t> toneBuffers;
    std::map<int, std::int64_t> toneOnsetUs;
    std::map<int, bool> toneOn;

    // Longest wall-clock gap between two decoded video frames or audio buffers (a freeze or a
    // dropout), in microseconds of the steady clock; the first sample only starts the clock.
    std::int64_t lastSampleUs = 0;
    std::int64_t maxGapUs = 0;

    void noteSample(std::int64_t nowUs) {
        if (lastSampleUs != 0 && nowUs - lastSampleUs > maxGapUs) maxGapUs = nowUs - lastSampleUs;
        lastSampleUs = nowUs;
    }

    std::uint64_t framesMatching(const std::string& picture) const {
        auto it = framesByPicture.find(picture);
        return it == framesByPicture.end() ? 0 : it->second;
    }
};

// A full-scale sine at the senders' volume has an RMS around 0.2; silence and comfort noise stay
// far below this.
inline constexpr double kAudioPresentRms = 0.02;
// The senders' sines have an amplitude of 0.3; a tone counts as present from a sixth of that.
inline constexpr double kTonePresentAmplitude = 0.05;

}  // namespace vcb::gstclient
