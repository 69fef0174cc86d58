#pragma once
// Totals of one run and their JSON form (the one line vcb-loadgen prints).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clients/loadgen/LatencyHistogram.hpp"

namespace vcb::loadgen {

struct LoadSummary {
    static constexpr size_t kMaxMessages = 10;

    // Configuration echoed for the record.
    std::string server;
    std::string protocol;
    unsigned publishers = 0;
    unsigned subscribers = 0;
    bool mesh = false;
    unsigned threads = 0;
    double durationS = 0;
    double rampUpS = 0;
    double captureVideoKbps = 0;
    double captureVideoPacketRate = 0;
    double videoReplication = 1;
    double elapsedS = 0;

    // Publishers.
    uint64_t sentVideoPackets = 0;
    uint64_t sentAudioPackets = 0;
    uint64_t sentBytes = 0;
    uint64_t sendFailures = 0;
    uint64_t keyFrameRequests = 0;
    uint64_t keyFramesForced = 0;

    // Subscribers.
    uint64_t receivedPackets = 0;  // distinct stamped packets
    uint64_t expectedPackets = 0;
    uint64_t lostPackets = 0;
    uint64_t duplicatePackets = 0;
    uint64_t latePackets = 0;
    uint64_t unstampedPackets = 0;
    uint64_t srtpFailures = 0;
    uint64_t subscriberPlis = 0;
    LatencyHistogram latencyUs;
    LatencyHistogram joinTimeUs;
    // Every endpoint: answer applied -> ICE connected, and -> DTLS connected (SRTP keys).
    LatencyHistogram iceConnectUs;
    LatencyHistogram dtlsConnectUs;
    // Connected endpoints per negotiated SRTP profile (the server picks it).
    std::map<std::string, uint64_t> srtpProfiles;

    // Endpoints that never got going.
    uint64_t signalingFailures = 0;
    uint64_t connectFailures = 0;     // ICE/DTLS failed or never connected
    uint64_t noMediaSubscribers = 0;  // connected, but no key frame arrived
    uint64_t closeFailures = 0;
    std::vector<std::string> messages;  // the first kMaxMessages distinct failure reasons

    void addMessage(const std::string& message);
    uint64_t failures() const { return signalingFailures + connectFailures + noMediaSubscribers; }
    double lossPercent() const;
    std::string toJson() const;
};

}  // namespace vcb::loadgen
