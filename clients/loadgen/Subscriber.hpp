#pragma once
// A synthetic viewer (WHEP, or a Janus VideoRoom subscriber): receives the programme's Opus and
// VP8, SRTP-decrypts and authenticates every packet (PeerConnection), reads the publisher's
// PacketStamp for latency and loss, and notes when the first packet of a VP8 key frame arrived
// (join time). Never decodes.
//
// Like a browser whose decoder got delta frames without a key frame, a subscriber that receives
// video before any key frame sends PLI (at most every pliInterval; 0 disables). Like a browser it
// also sends a receiver report every second (without report blocks): servers end sessions they
// hear nothing from (vcbridge after 30 s, RFC 7675).
#include <cstdint>
#include <optional>

#include "clients/loadgen/LatencyHistogram.hpp"
#include "clients/loadgen/PeerConnection.hpp"
#include "clients/loadgen/StreamReceiveStats.hpp"

namespace vcb::loadgen {

struct SubscriberStats {
    uint64_t audioPackets = 0;  // distinct stamped packets
    uint64_t videoPackets = 0;
    uint64_t expected = 0;
    uint64_t lost = 0;
    uint64_t duplicates = 0;
    uint64_t late = 0;
    uint64_t unstamped = 0;  // authenticated RTP without our stamp (or an unknown payload type)
    uint64_t srtpFailures = 0;
    uint64_t plisSent = 0;
    std::optional<int64_t> firstKeyFrameUs;
};

class Subscriber : public PeerConnection {
  public:
    // latency: the loop thread's histogram (only this thread touches it).
    Subscriber(LoopThread& loop, PeerConfig config, LatencyHistogram& latency,
               int64_t pliIntervalUs);

    SubscriberStats stats() const;

  protected:
    std::vector<signaling::MediaSection> offerMedia() override;
    bool acceptAnswerMedia(const signaling::SessionDescription& answer,
                           std::string& error) override;
    // Janus-style server offers: receive its Opus and VP8 at the capture's payload types, with
    // the same feedback and header extensions as our own offer, and reject anything else.
    std::optional<std::vector<signaling::MediaSection>> answerMedia(
        const signaling::SessionDescription& offer, std::string& error) override;
    void onConnected(int64_t) override {}
    void onRtp(const rtp::RtpPacket& packet, int64_t nowUs) override;
    void onRtcp(const uint8_t*, size_t, int64_t) override {}
    void onConnectedTick(int64_t nowUs) override;

  private:
    static constexpr int64_t kReportIntervalUs = 1'000'000;
    void sendPli(uint32_t mediaSsrc, int64_t nowUs);

    LatencyHistogram& latency_;
    int64_t pliIntervalUs_;
    uint32_t rtcpSsrc_;
    int64_t lastPliUs_ = 0;
    uint64_t plisSent_ = 0;
    int64_t lastReportUs_ = 0;
    uint8_t rtcpBuffer_[128];
    StreamReceiveStats audio_;
    StreamReceiveStats video_;
    uint64_t unstamped_ = 0;
    std::optional<int64_t> firstKeyFrameUs_;
};

}  // namespace vcb::loadgen
