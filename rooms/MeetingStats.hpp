#pragma once
// Link quality of a meeting's participants for the technician panel (issue 11), computed on the
// meeting's worker from the media core's cumulative counters. Plain logic with `now` passed in.
//
// Rates (kbps, loss %, fps) cover the interval since the previous snapshot taken by the same
// requester; the first snapshot of a requester (or one taken within 100 ms of the previous) has
// no interval and reports them as unknown (nullopt → JSON null). Resolution, cumulative packets
// lost, round-trip time and the subscriber's RR fraction lost need no interval.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vcb::rooms {

// Cumulative counters of one published stream.
struct StreamCounters {
    std::string producerId;  // distinguishes a republished stream (its counters start over)
    uint64_t bytes = 0;
    uint64_t packets = 0;
    int64_t lost = 0;      // RFC 3550 extended-sequence loss, cumulative
    uint64_t frames = 0;   // distinct RTP timestamps (video)
    uint16_t width = 0;    // 0 = unknown
    uint16_t height = 0;
};

struct ParticipantCounters {
    std::string participantId;
    std::string unit;
    std::string role;
    std::optional<StreamCounters> audio;
    std::optional<StreamCounters> video;   // the camera
    std::optional<StreamCounters> screen;  // the shared screen
    bool subscribing = false;     // has consumers
    uint64_t subscribeBytes = 0;  // sum over its consumers (they come and go: rate clamps at 0)
    int64_t rttUs = -1;           // mean over consumers that measured one, -1 unknown
    int fractionLost = -1;        // worst RR fraction lost (of 256) over its consumers, -1 unknown
};

struct StreamStats {
    std::optional<double> kbps;
    int64_t packetsLost = 0;  // cumulative
    std::optional<double> lossPercent;
    std::optional<int> width;
    std::optional<int> height;
    std::optional<double> fps;
};

struct ParticipantStats {
    std::string participantId;
    std::string unit;
    std::string role;
    std::optional<StreamStats> audio;
    std::optional<StreamStats> video;   // the camera
    std::optional<StreamStats> screen;  // the shared screen
    std::optional<double> subscribeKbps;
    std::optional<double> rttMs;
    std::optional<double> subscribeLossPercent;
};

struct MeetingStats {
    int64_t timeMs = 0;  // wall clock of the snapshot (ms since the epoch)
    std::vector<ParticipantStats> participants;
};

class StatsSampler {
  public:
    // Requesters remembered at most (the least recently seen goes first).
    static constexpr size_t kMaxRequesters = 32;
    static constexpr int64_t kMinIntervalUs = 100'000;

    std::vector<ParticipantStats> sample(const std::string& requester,
                                         const std::vector<ParticipantCounters>& counters,
                                         int64_t nowUs);

  private:
    struct Previous {
        int64_t atUs = 0;
        std::map<std::string, StreamCounters> streams;  // "<pid>/a", "<pid>/v", "<pid>/s"
        std::map<std::string, uint64_t> subscribeBytes;
    };
    std::map<std::string, Previous> previous_;
};

}  // namespace vcb::rooms
