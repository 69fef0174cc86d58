#pragma once
// A synthetic WHIP publisher: replays the capture's Opus and VP8 packets (StreamReplayer) at
// their original pacing once DTLS is up, stamped for latency/loss, and answers the SFU's PLI/FIR
// by jumping to a key frame. Sends nothing but RTP: no RTCP SR (vcbridge does not need it).
#include <atomic>
#include <cstdint>
#include <optional>

#include "clients/loadgen/CaptureFile.hpp"
#include "clients/loadgen/PeerConnection.hpp"
#include "clients/loadgen/StreamReplayer.hpp"

namespace vcb::loadgen {

struct PublisherStats {
    uint64_t videoPackets = 0;
    uint64_t audioPackets = 0;
    uint64_t bytes = 0;  // RTP bytes before SRTP
    uint64_t sendFailures = 0;
    uint64_t keyFrameRequests = 0;  // PLI + FIR received
    uint64_t keyFramesForced = 0;   // replay jumps they caused
};

class Publisher : public PeerConnection {
  public:
    // sending: the run's switch; when false, connected publishers stop sending.
    Publisher(LoopThread& loop, PeerConfig config, const CaptureFile& capture,
              double videoReplication, const std::atomic<bool>& sending);

    PublisherStats stats() const;

  protected:
    std::vector<signaling::MediaSection> offerMedia() override;
    bool acceptAnswerMedia(const signaling::SessionDescription& answer,
                           std::string& error) override;
    void onConnected(int64_t nowUs) override;
    void onRtp(const rtp::RtpPacket&, int64_t) override {}
    void onRtcp(const uint8_t* data, size_t len, int64_t nowUs) override;
    void onConnectedTick(int64_t nowUs) override;

  private:
    // Bounds the catch-up after a stalled loop: later packets wait for the next tick.
    static constexpr int kMaxPacketsPerTick = 256;
    void sendDue(StreamReplayer& replayer, uint64_t& counter, int64_t nowUs);

    const CaptureFile& capture_;
    double videoReplication_;
    const std::atomic<bool>& sending_;
    uint32_t audioSsrc_;
    uint32_t videoSsrc_;
    std::optional<StreamReplayer> audio_;
    std::optional<StreamReplayer> video_;
    PublisherStats stats_;
    uint8_t sendBuffer_[kPacketCapacity];
};

}  // namespace vcb::loadgen
