#pragma once
// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3.1): RTPFB (PT = 205), FMT = 15:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=15 |    PT=205     |           length              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     SSRC of packet sender                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      SSRC of media source                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      base sequence number     |      packet status count      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 reference time                | fb pkt. count |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          packet chunk         |         packet chunk          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                                                               .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         packet chunk          |  recv delta   |  recv delta   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                                                               .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           recv delta          |  recv delta   | zero padding  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Run length chunk:             |T=0| S (2) |       run length (13)       |
// Status vector chunk, 1-bit:   |T=1|S=0| 14 symbols, 0 = not received, 1 = small delta |
// Status vector chunk, 2-bit:   |T=1|S=1| 7 symbols: 00 not received, 01 small, 10 large, 11 -|
// Symbols: 0 = not received, 1 = received, small delta (1 byte, unsigned, 250 us units),
// 2 = received, large or negative delta (2 bytes, signed, 250 us units).
// Reference time: 24-bit signed, 64 ms units. The first delta is relative to it, each further
// delta to the previous received packet.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

// A received packet: its transport-wide sequence number and arrival time on a local clock.
struct TccArrival {
    uint16_t sequenceNumber = 0;
    int64_t arrivalTimeUs = 0;
};

class RtcpTransportFeedback {
  public:
    static constexpr size_t kFixedSize = 20;
    static constexpr int64_t kDeltaTickUs = 250;
    static constexpr int64_t kReferenceTickUs = 64000;

    // Validates that the chunks cover the status count and the deltas fit in the packet.
    static bool parse(const uint8_t* data, size_t len, RtcpTransportFeedback& out);
    static bool parse(const RtcpHeader& header, RtcpTransportFeedback& out);

    uint32_t senderSsrc() const { return senderSsrc_; }
    uint32_t mediaSsrc() const { return mediaSsrc_; }
    uint16_t baseSequenceNumber() const { return baseSequenceNumber_; }
    uint16_t packetStatusCount() const { return packetStatusCount_; }
    int32_t referenceTime() const { return referenceTime_; }  // 64 ms units, sign-extended
    int64_t referenceTimeUs() const { return referenceTime_ * kReferenceTickUs; }
    uint8_t feedbackPacketCount() const { return feedbackPacketCount_; }

    // Calls f(uint16_t seq, bool received, int64_t deltaUs) for each of packetStatusCount()
    // packets of a parsed feedback; deltaUs is 0 for lost packets. The arrival time of a received
    // packet is referenceTimeUs() plus the sum of deltas up to and including it.
    template <typename F>
    void forEachPacket(F&& f) const {
        if (wire_ != nullptr) {
            walk(wire_, wireSize_, &PacketThunk<F>::call, &f);
        }
    }

    void setSenderSsrc(uint32_t v) { senderSsrc_ = v; }
    void setMediaSsrc(uint32_t v) { mediaSsrc_ = v; }
    void setFeedbackPacketCount(uint8_t v) { feedbackPacketCount_ = v; }
    // Packets to report, sorted by sequence number (wrap-aware, no duplicates); gaps are encoded
    // as not received. The span must outlive this object. Drops the parsed content.
    void setArrivals(std::span<const TccArrival> arrivals);

    // How many leading arrivals fit in one feedback: stops at a delta outside +-8.19 s, a
    // sequence number not strictly after the previous one, or more than 65535 statuses.
    static size_t encodablePrefix(std::span<const TccArrival> arrivals);

    // Encodes the arrivals (or re-encodes a parsed packet with the current SSRCs and count).
    // Returns bytes written, 0 if it does not fit, there is nothing to send or the arrivals are
    // not all encodable (see encodablePrefix()).
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    using PacketFn = void (*)(void* ctx, uint16_t seq, bool received, int64_t deltaUs);
    template <typename F>
    struct PacketThunk {
        static void call(void* ctx, uint16_t seq, bool received, int64_t deltaUs) {
            (*static_cast<F*>(ctx))(seq, received, deltaUs);
        }
    };
    // Decodes the body (after the RTCP header, without padding). fn may be null (validation).
    static bool walk(const uint8_t* body, size_t len, PacketFn fn, void* ctx);
    size_t writeArrivals(uint8_t* out, size_t capacity) const;
    size_t writeWire(uint8_t* out, size_t capacity) const;

    uint32_t senderSsrc_ = 0;
    uint32_t mediaSsrc_ = 0;
    uint16_t baseSequenceNumber_ = 0;
    uint16_t packetStatusCount_ = 0;
    int32_t referenceTime_ = 0;
    uint8_t feedbackPacketCount_ = 0;
    const uint8_t* wire_ = nullptr;
    size_t wireSize_ = 0;
    std::span<const TccArrival> arrivals_;
};

}  // namespace vcb::rtp
