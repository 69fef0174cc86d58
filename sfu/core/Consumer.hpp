#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/ExtensionIds.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/rtp/RtcpReportBlock.hpp"
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
    // RFC 4588: NACKed packets go out on this SSRC with the codec's rtxPayloadType, when both
    // were negotiated with the subscriber; 0 = plain retransmission on `ssrc`.
    uint32_t rtxSsrc = 0;
};

// One outgoing stream to one subscriber. It rewrites SSRC, sequence number, timestamp, payload
// type and header extensions so that the subscriber sees one continuous stream even when the
// producer behind it changes (floor changes, a publisher that leaves and comes back): after a
// switch, video resumes only at a key frame and numbering continues where it stopped.
//
// Every outgoing sequence number is sealed once: SRTP derives the AES-GCM IV from SSRC and
// sequence number, so two different plaintexts under one number would leak the GCM
// authentication key. A ring of what was sent (indexed by outgoing sequence number) remembers
// the per-hop header extension values written for each packet; a retransmission rebuilds the
// same bytes from them and is refused when the slot no longer describes the packet, and a
// packet whose number already went out (a duplicate from the publisher) is not sent again.
//
// With RTX negotiated (rtxSsrc and the codec's rtxPayloadType), a retransmission is a new
// packet instead (RFC 4588 §4): RTX SSRC and payload type, the next number of its own sequence
// space (random start), the original's timestamp and marker, payload = the outgoing sequence
// number the subscriber saw (OSN) + the original payload, per-hop header extensions written fresh
// (it is a new packet on the wire for transport-cc). Every RTX number is sealed once too. It is
// rebuilt like a plain retransmission, from the producer's buffer and the ring, and refused when
// its media part would not be the same size as what went out. Without RTX for the current codec
// the plain (byte-identical) retransmission is used.
//
// NACKs are answered within bounds: at most kMaxNackSeqsPerMessage sequence numbers per NACK,
// each at most once per message and once per resend interval (the RTT measured from the
// subscriber's receiver reports, kDefaultResendIntervalUs before one is known), and only while
// the retransmission budget lasts: a token bucket earning kNackBudgetShare of the bytes sent,
// at most max(kNackBurstFloorBytes, that share of the last second's bytes) deep.
class Consumer {
  public:
    static constexpr size_t kVideoHistory = 512;  // = the producer's RetransmissionBuffer slots
    static constexpr size_t kAudioHistory = 128;  // no NACK for audio: duplicates only
    static constexpr size_t kMaxNackSeqsPerMessage = 128;
    static constexpr int64_t kDefaultResendIntervalUs = 20'000;
    static constexpr int64_t kMinResendIntervalUs = 10'000;
    static constexpr int64_t kMaxResendIntervalUs = 500'000;
    static constexpr double kNackBudgetShare = 0.5;
    static constexpr int64_t kNackBurstFloorBytes = 24'000;

    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) = 0;
    };

    Consumer(ConsumerOptions options, PacketSink& subscriber, Listener& listener,
             uint16_t initialSeq, uint32_t initialTimestamp, uint16_t initialRtxSeq = 0);
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    const ConsumerOptions& options() const { return options_; }
    const std::string& id() const { return options_.id; }
    uint32_t ssrc() const { return options_.ssrc; }
    uint32_t rtxSsrc() const { return options_.rtxSsrc; }
    // True while NACKs are answered with RTX (negotiated for the current producer's codec).
    bool sendsRtx() const { return outRtxPayloadType_ >= 0; }
    MediaKind kind() const { return options_.kind; }
    PacketSink& subscriber() { return subscriber_; }

    // Changes the source; nullptr pauses the stream. Requests a key frame for video.
    void setProducer(Producer* producer, int64_t nowUs);
    Producer* producer() const { return producer_; }

    // Called by the router for every packet of the current producer.
    void forward(const rtp::RtpPacket& packet, int64_t nowUs);
    // Resends what the subscriber reports lost (RFC 4585 generic NACK), from the producer's buffer.
    void receiveNack(std::span<const uint16_t> lostSeqs, int64_t nowUs);
    // A PLI (fir = false) or FIR from the subscriber.
    void receiveKeyFrameRequest(int64_t nowUs, bool fir = false) {
        ++(fir ? firsReceived_ : plisReceived_);
        listener_.onConsumerKeyFrameRequest(*this, nowUs);
    }
    // Writes SR + SDES (compound) describing what was sent; 0 if nothing was sent yet. Remembers
    // the SR's NTP time so that receiver reports yield the round-trip time.
    size_t writeSenderReport(uint8_t* out, size_t capacity, uint64_t ntp, int64_t nowUs);
    // A report block about this stream from the subscriber (RFC 3550 §6.4.1): RTT from LSR/DLSR.
    void receiveReportBlock(const rtp::ReportBlock& block, int64_t nowUs);
    // Round-trip time to the subscriber, -1 until measured.
    int64_t rttUs() const { return rttUs_; }

    uint64_t packetsSent() const { return packetsSent_; }
    uint64_t octetsSent() const { return octetsSent_; }
    // The subscriber's latest RR fraction lost (0..255 of 256), -1 until one arrived.
    int fractionLost() const { return fractionLost_; }
    uint64_t packetsDropped() const { return packetsDropped_; }
    // Sequence numbers the subscriber NACKed, PLIs and FIRs it sent (cumulative).
    uint64_t nacksReceived() const { return nacksReceived_; }
    uint64_t plisReceived() const { return plisReceived_; }
    uint64_t firsReceived() const { return firsReceived_; }
    // The interarrival jitter of the subscriber's latest RR (ms), -1 until one arrived.
    double reportedJitterMs() const {
        return reportedJitter_ < 0 ? -1.0 : reportedJitter_ * 1000.0 / clockRate_;
    }

  private:
    // What went out under one sequence number, enough to write the same bytes again.
    struct SentSlot {
        int64_t lastResentUs = 0;  // 0 = never resent
        uint32_t epoch = 0;        // 0 = empty; numbering epochs count from 1
        uint32_t timestamp = 0;    // outgoing RTP timestamp
        uint32_t nackRound = 0;    // last NACK message that listed this sequence number
        uint16_t seq = 0;          // outgoing sequence number
        uint16_t inSeq = 0;        // the producer's sequence number
        uint16_t transportSeq = 0;
        uint16_t size = 0;  // plaintext bytes handed to the transport
        std::array<uint8_t, 3> absSendTime{};
    };

    // replay == nullptr: a new packet, recorded in its slot; otherwise the bytes of `replay`.
    // Returns the bytes sent, 0 if nothing was.
    size_t send(const rtp::RtpPacket& packet, uint16_t outSeq, uint32_t outTs, int64_t nowUs,
                const SentSlot* replay);
    // The RTX packet (RFC 4588) repairing what `slot` describes; bytes sent, 0 if nothing was.
    size_t sendRtx(const rtp::RtpPacket& original, const SentSlot& slot, int64_t nowUs);
    // Writes `packet` with `header` and this hop's extensions into the send buffer; replay
    // repeats its abs-send-time and transport-wide sequence number, else fresh ones are taken
    // and written to `fresh`. Returns the size, 0 if it does not fit in `capacity`.
    size_t write(const rtp::RtpPacket& packet, const rtp::RtpHeaderRewrite& header, int64_t nowUs,
                 const SentSlot* replay, SentSlot& fresh, size_t capacity);
    void rebuildMapping();
    SentSlot& slotFor(uint16_t outSeq) { return sent_[outSeq % historySize_]; }
    // True if outSeq was handed to the transport already, or is too old for the ring to tell.
    bool alreadyUsed(uint16_t outSeq);
    void earnNackBudget(size_t bytes, int64_t nowUs);
    int64_t resendIntervalUs() const;

    ConsumerOptions options_;
    PacketSink& subscriber_;
    Listener& listener_;
    Producer* producer_ = nullptr;
    rtp::ExtensionIdMap idMap_{};
    int outPayloadType_ = -1;     // -1: the subscriber did not negotiate the producer's codec
    int outRtxPayloadType_ = -1;  // -1: no RTX for that codec (plain retransmission)
    uint16_t nextRtxSeq_;
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

    size_t historySize_;
    std::unique_ptr<SentSlot[]> sent_;  // preallocated: nothing is allocated per packet
    uint32_t epoch_ = 0;
    uint32_t nackRound_ = 0;
    double nackTokens_ = kNackBurstFloorBytes;  // bytes of retransmission allowed now
    int64_t windowStartUs_ = 0;                 // 1-second windows of bytes sent
    uint64_t windowBytes_ = 0;
    uint64_t lastWindowBytes_ = 0;
    std::array<uint32_t, 4> srNtpMiddle_{};  // the last SRs sent (ring), for RTT
    std::array<int64_t, 4> srSentUs_{};
    size_t srNext_ = 0;
    int64_t rttUs_ = -1;
    int fractionLost_ = -1;
    int64_t reportedJitter_ = -1;  // RTP timestamp units
    uint64_t nacksReceived_ = 0;
    uint64_t plisReceived_ = 0;
    uint64_t firsReceived_ = 0;
};

}  // namespace vcb::sfu
