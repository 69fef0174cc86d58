#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/KeyFrameDetector.hpp"
#include "sfu/core/NackGenerator.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/core/RetransmissionBuffer.hpp"
#include "sfu/core/RtpReceiveStats.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu {

class Consumer;

// The audio level a publisher reported (RFC 6464 ssrc-audio-level) over the packets received
// since the previous read.
struct ProducerAudioLevel {
    double dBov = -127;          // mean level (0 loudest, -127 silence)
    bool voiceActivity = false;  // any packet had its V flag set
    uint32_t packets = 0;        // packets that carried a level
};

struct ProducerOptions {
    std::string id;
    MediaKind kind = MediaKind::Video;
    std::string mid;
    uint32_t ssrc = 0;  // 0 = learn from the first packet carrying our mid
    uint8_t payloadType = 0;
    std::string codecName;  // "opus", "VP8", "H264"
    std::string codecFmtp;  // as negotiated: H.264 profile-level-id and packetization-mode
    uint32_t clockRate = 90000;
    ExtensionIds extensions;  // ids the publisher uses
    bool pli = true;
    bool fir = false;
    bool remb = false;
    bool nack = false;  // the publisher accepts generic NACK: we ask it to resend what is lost
    // RFC 4588 retransmissions from the publisher (video with nack): 0 = none negotiated.
    uint8_t rtxPayloadType = 0;
    uint32_t rtxSsrc = 0;              // 0 = learn from the first RTX packet carrying our mid
    uint32_t rembBitrate = 2'500'000;  // cap we ask the publisher to respect
};

// One incoming media stream of a publisher. Keeps receive statistics, a retransmission buffer for
// video, throttles key-frame requests from all of its subscribers into one PLI/FIR stream and,
// for video with `nack` negotiated, NACKs what the publisher's uplink lost.
class Producer {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet,
                                   int64_t nowUs) = 0;
    };

    // While a request is unanswered, repeat it at most this often (it may have been lost).
    static constexpr int64_t kKeyFrameRequestIntervalUs = 500'000;
    // Once the key frame arrived, a subscriber that joined just after it may ask again sooner:
    // this bounds join time without letting a burst of joins flood the publisher's encoder.
    static constexpr int64_t kKeyFrameMinIntervalUs = 200'000;
    // How many times in a row the router's timer repeats an unanswered request by itself.
    static constexpr int kMaxKeyFrameRepeats = 10;

    Producer(ProducerOptions options, PacketSink& publisher, Listener& listener);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    const ProducerOptions& options() const { return options_; }
    const std::string& id() const { return options_.id; }
    MediaKind kind() const { return options_.kind; }
    uint32_t ssrc() const { return options_.ssrc; }
    void learnSsrc(uint32_t ssrc) { options_.ssrc = ssrc; }
    uint32_t rtxSsrc() const { return options_.rtxSsrc; }
    void learnRtxSsrc(uint32_t ssrc) { options_.rtxSsrc = ssrc; }
    PacketSink& publisher() { return publisher_; }
    VideoCodec videoCodec() const { return videoCodec_; }

    void receiveRtp(const rtp::RtpPacket& packet, int64_t nowUs) {
        handleRtp(packet, nowUs, false);
    }
    // An RFC 4588 retransmission on the RTX SSRC: unwrapped into the original packet, which is
    // used only if it is one we are waiting for (RTX also carries bandwidth probes).
    void receiveRtx(const rtp::RtpPacket& packet, int64_t nowUs);
    void receiveSenderReport(uint64_t ntp, int64_t nowUs) { stats_.onSenderReport(ntp, nowUs); }
    // Asks the publisher for a key frame unless one was asked for recently. Returns true if a
    // request went out.
    bool requestKeyFrame(int64_t nowUs);
    // Called by the router's timer: repeats a request that is still unanswered after
    // kKeyFrameRequestIntervalUs (the PLI, or the key frame itself, may have been lost on a lossy
    // uplink; viewers would otherwise stay frozen until one of them asks again), at most
    // kMaxKeyFrameRepeats times in a row. Returns true if a request went out.
    bool repeatKeyFrameRequest(int64_t nowUs);
    bool findPacket(uint16_t seq, int64_t nowUs, rtp::RtpPacket& out);
    // Sends the publisher a generic NACK for the lost packets that are due (first request or a
    // retry). Called on every gap and by the router's NACK timer. Returns how many were NACKed.
    size_t sendNacks(int64_t nowUs);
    const NackGenerator* nackGenerator() const { return nack_.get(); }
    rtp::ReportBlock makeReportBlock(int64_t nowUs) {
        return stats_.makeReportBlock(options_.ssrc, nowUs);
    }
    bool receivedAny() const { return stats_.started(); }

    // The forwarding gate (floor control, mutes, lobby): while closed the router forwards
    // nothing of this producer and the packets are not buffered either, so a subscriber's NACK or
    // a key frame's parameter-set lead can never bring a withheld packet out later. Open by
    // default; set only on the worker (a plain bool read per packet: no lock, no atomic).
    bool forwarding() const { return forwarding_; }
    void setForwarding(bool open) { forwarding_ = open; }
    uint64_t packetsWithheld() const { return packetsWithheld_; }
    void countWithheld() { ++packetsWithheld_; }

    // Audio producers with ssrc-audio-level negotiated: the levels of the packets received since
    // the previous call (nullopt when none carried one), then starts a new window. Read by the
    // meeting's timer for active speaker detection; the packet path only adds to plain counters.
    std::optional<ProducerAudioLevel> takeAudioLevel();

    std::vector<Consumer*>& consumers() { return consumers_; }
    uint64_t packetsReceived() const { return stats_.packetsReceived(); }
    // For the technician's statistics (read on the worker when asked; plain counters per packet).
    uint64_t bytesReceived() const { return bytesReceived_; }
    int64_t packetsLost() const { return stats_.packetsLost(); }
    // Distinct RTP timestamps seen in order (video: frames received).
    uint64_t framesReceived() const { return framesReceived_; }
    // From the latest VP8 key frame; 0 when unknown (other codecs, no key frame yet).
    uint16_t frameWidth() const { return frameWidth_; }
    uint16_t frameHeight() const { return frameHeight_; }
    // RFC 3550 interarrival jitter of the publisher's stream as we receive it (ms).
    double jitterMs() const { return stats_.jitterMs(); }
    // Packets that arrived only after their gap was seen (NACK answers): lost once by the link.
    uint64_t packetsRecovered() const { return stats_.packetsRecovered(); }
    // Sequence numbers we NACKed to the publisher, PLIs and FIRs we sent it.
    uint64_t nacksSent() const { return nacksSent_; }
    uint64_t plisSent() const { return plisSent_; }
    uint64_t firsSent() const { return firsSent_; }
    // Worker clock of the last RTP packet of this stream (0 = none yet).
    int64_t lastPacketUs() const { return lastPacketUs_; }
    bool isKeyFramePacket(const rtp::RtpPacket& packet) const;
    // How many packets right before the key frame `packet` carry only its parameter sets (H.264
    // SPS/PPS travel ahead of the IDR: same timestamp, consecutive sequence numbers) and are still
    // buffered: a subscriber that starts at this key frame must receive them first. At most
    // kMaxParameterSetPackets; 0 for other codecs.
    static constexpr uint16_t kMaxParameterSetPackets = 4;
    uint16_t parameterSetPacketsBefore(const rtp::RtpPacket& packet, int64_t nowUs);

  private:
    void handleRtp(const rtp::RtpPacket& packet, int64_t nowUs, bool retransmission);

    ProducerOptions options_;
    PacketSink& publisher_;
    Listener& listener_;
    VideoCodec videoCodec_;
    RtpReceiveStats stats_;
    std::unique_ptr<RetransmissionBuffer> buffer_;  // video only
    std::unique_ptr<NackGenerator> nack_;           // video with nack negotiated
    uint64_t givenUpReported_ = 0;                  // nack_->givenUpCount() already in Metrics
    std::vector<Consumer*> consumers_;
    int64_t lastKeyFrameRequestUs_ = 0;
    int keyFrameRepeats_ = 0;        // timer repeats of the current unanswered request
    bool awaitingKeyFrame_ = false;  // a request went out and no key frame has arrived since
    uint8_t firSequence_ = 0;
    bool forwarding_ = true;
    uint64_t packetsWithheld_ = 0;
    // Audio level window (worker thread only): sum of -dBov and packet count since the last read.
    uint32_t levelSum_ = 0;
    uint32_t levelPackets_ = 0;
    bool voiceActivity_ = false;
    uint64_t bytesReceived_ = 0;
    uint64_t framesReceived_ = 0;
    uint32_t lastFrameTimestamp_ = 0;
    uint16_t frameWidth_ = 0;
    uint16_t frameHeight_ = 0;
    uint64_t nacksSent_ = 0;
    uint64_t plisSent_ = 0;
    uint64_t firsSent_ = 0;
    int64_t lastPacketUs_ = 0;
};

}  // namespace vcb::sfu
