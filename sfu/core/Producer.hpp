#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/KeyFrameDetector.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/core/RetransmissionBuffer.hpp"
#include "sfu/core/RtpReceiveStats.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu {

class Consumer;

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
    uint32_t rembBitrate = 2'500'000;  // cap we ask the publisher to respect
};

// One incoming media stream of a publisher. Keeps receive statistics, a retransmission buffer for
// video, and throttles key-frame requests from all of its subscribers into one PLI/FIR stream.
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

    Producer(ProducerOptions options, PacketSink& publisher, Listener& listener);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    const ProducerOptions& options() const { return options_; }
    const std::string& id() const { return options_.id; }
    MediaKind kind() const { return options_.kind; }
    uint32_t ssrc() const { return options_.ssrc; }
    void learnSsrc(uint32_t ssrc) { options_.ssrc = ssrc; }
    PacketSink& publisher() { return publisher_; }
    VideoCodec videoCodec() const { return videoCodec_; }

    void receiveRtp(const rtp::RtpPacket& packet, int64_t nowUs);
    void receiveSenderReport(uint64_t ntp, int64_t nowUs) { stats_.onSenderReport(ntp, nowUs); }
    // Asks the publisher for a key frame unless one was asked for recently. Returns true if a
    // request went out.
    bool requestKeyFrame(int64_t nowUs);
    bool findPacket(uint16_t seq, int64_t nowUs, rtp::RtpPacket& out);
    rtp::ReportBlock makeReportBlock(int64_t nowUs) {
        return stats_.makeReportBlock(options_.ssrc, nowUs);
    }
    bool receivedAny() const { return stats_.started(); }

    std::vector<Consumer*>& consumers() { return consumers_; }
    uint64_t packetsReceived() const { return stats_.packetsReceived(); }
    bool isKeyFramePacket(const rtp::RtpPacket& packet) const;
    // How many packets right before the key frame `packet` carry only its parameter sets (H.264
    // SPS/PPS travel ahead of the IDR: same timestamp, consecutive sequence numbers) and are still
    // buffered: a subscriber that starts at this key frame must receive them first. At most
    // kMaxParameterSetPackets; 0 for other codecs.
    static constexpr uint16_t kMaxParameterSetPackets = 4;
    uint16_t parameterSetPacketsBefore(const rtp::RtpPacket& packet, int64_t nowUs);

  private:
    ProducerOptions options_;
    PacketSink& publisher_;
    Listener& listener_;
    VideoCodec videoCodec_;
    RtpReceiveStats stats_;
    std::unique_ptr<RetransmissionBuffer> buffer_;  // video only
    std::vector<Consumer*> consumers_;
    int64_t lastKeyFrameRequestUs_ = 0;
    bool awaitingKeyFrame_ = false;  // a request went out and no key frame has arrived since
    uint8_t firSequence_ = 0;
};

}  // namespace vcb::sfu
