#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/rtp/RtpPacket.hpp"
#include "sfu/rtp/RtpPacketWriter.hpp"

namespace vcb::sfu {

class Producer;

struct ConsumerOptions {
    std::string id;
    MediaKind kind = MediaKind::Video;
    std::string mid;
    uint32_t ssrc = 0;  // what the subscriber sees, whoever the source is
    std::string cname;
    std::vector<RtpCodec> codecs;  // negotiated with the subscriber, with its payload types
    ExtensionIds extensions;       // ids negotiated with the subscriber
    bool nack = true;
};

// One outgoing stream to one subscriber. It rewrites SSRC, sequence number, timestamp, payload
// type and header extensions so that the subscriber sees one continuous stream even when the
// producer behind it changes (floor changes, a publisher that leaves and comes back): after a
// switch, video resumes only at a key frame and numbering continues where it stopped.
class Consumer {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) = 0;
    };

    Consumer(ConsumerOptions options, PacketSink& subscriber, Listener& listener,
             uint16_t initialSeq, uint32_t initialTimestamp);
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    const ConsumerOptions& options() const { return options_; }
    const std::string& id() const { return options_.id; }
    uint32_t ssrc() const { return options_.ssrc; }
    MediaKind kind() const { return options_.kind; }
    PacketSink& subscriber() { return subscriber_; }

    // Changes the source; nullptr pauses the stream. Requests a key frame for video.
    void setProducer(Producer* producer, int64_t nowUs);
    Producer* producer() const { return producer_; }

    // Called by the router for every packet of the current producer.
    void forward(const rtp::RtpPacket& packet, int64_t nowUs);
    // Resends what the subscriber reports lost (RFC 4585 generic NACK), from the producer's buffer.
    void receiveNack(std::span<const uint16_t> lostSeqs, int64_t nowUs);
    void receiveKeyFrameRequest(int64_t nowUs) {
        listener_.onConsumerKeyFrameRequest(*this, nowUs);
    }
    // Writes SR + SDES (compound) describing what was sent; 0 if nothing was sent yet.
    size_t writeSenderReport(uint8_t* out, size_t capacity, uint64_t ntp, int64_t nowUs) const;

    uint64_t packetsSent() const { return packetsSent_; }
    uint64_t packetsDropped() const { return packetsDropped_; }

  private:
    bool send(const rtp::RtpPacket& packet, uint16_t outSeq, uint32_t outTs, int64_t nowUs);
    void rebuildMapping();

    ConsumerOptions options_;
    PacketSink& subscriber_;
    Listener& listener_;
    Producer* producer_ = nullptr;
    rtp::ExtensionIdMap idMap_{};
    int outPayloadType_ = -1;  // -1: the subscriber did not negotiate the producer's codec
    uint32_t clockRate_ = 90000;

    bool syncPending_ = true;  // next accepted packet starts a new numbering epoch
    bool started_ = false;
    uint16_t epochStartSeq_ = 0;  // first input seq of the current epoch
    uint16_t maxInSeq_ = 0;
    uint16_t seqOffset_ = 0;
    uint32_t tsOffset_ = 0;
    uint16_t lastOutSeq_;
    uint32_t lastOutTs_;
    int64_t lastOutUs_ = 0;
    uint64_t packetsSent_ = 0;
    uint64_t octetsSent_ = 0;
    uint64_t packetsDropped_ = 0;
};

}  // namespace vcb::sfu
