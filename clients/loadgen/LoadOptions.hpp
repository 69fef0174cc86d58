#pragma once
// vcb-loadgen's command line (Boost.program_options).
#include <cstdint>
#include <optional>
#include <string>

namespace vcb::loadgen {

struct LoadOptions {
    std::string server = "http://127.0.0.1:8080";
    std::string protocol = "whip-whep";  // or "janus" (VideoRoom over Janus's HTTP API)
    std::string meeting = "loadtest";
    unsigned publishers = 1;
    unsigned subscribersPerPublisher = 10;
    // Mesh meeting: every publisher in --meeting, each one watching every other one (one
    // subscriber endpoint per publisher pair); subscribersPerPublisher is not used.
    bool mesh = false;
    double videoBitrateKbps = 0;  // 0: the capture's own rate
    double videoPacketRate = 0;   // packets/s; 0: the capture's own rate
    double durationS = 10;        // sending time after the ramp-up
    double rampUpS = 0;           // endpoint starts are spread over this
    unsigned threads = 1;         // event-loop threads
    unsigned signalingThreads = 4;
    double subscriberPliMs = 200;  // 0: subscribers never ask for a key frame
    double drainS = 0.5;           // receive time after the publishers stop
    std::string capture;           // RFC 4571 RTP file (media/make-capture.sh)
    std::string localIp = "127.0.0.1";

    // Meeting of publisher i: --meeting itself for a single publisher or a mesh, else
    // "<meeting>-<i>".
    std::string meetingFor(unsigned publisher) const;
    unsigned totalSubscribers() const;

    enum class ParseOutcome { Run, Help, Error };
    // Fills out; on Help/Error, message holds the usage or the error (with usage).
    static ParseOutcome parse(int argc, const char* const* argv, LoadOptions& out,
                              std::string& message);
};

}  // namespace vcb::loadgen
