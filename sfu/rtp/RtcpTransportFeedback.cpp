#include "sfu/rtp/RtcpTransportFeedback.hpp"

#include <algorithm>
#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {

constexpr size_t kChunksOffset = 16;  // within the body
constexpr uint32_t kMaxRunLength = 0x1FFF;
constexpr uint32_t kMaxStatusCount = 0xFFFF;
constexpr uint8_t kNotReceived = 0;
constexpr uint8_t kSmallDelta = 1;
constexpr uint8_t kLargeDelta = 2;
constexpr uint8_t kReserved = 3;

int64_t floorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

// Decodes the statuses of one chunk, at most `remaining`, into sym(symbol). Returns the number of
// statuses, or -1 on a reserved symbol.
template <typename Sym>
int32_t decodeChunk(uint16_t chunk, uint32_t remaining, Sym&& sym) {
    if ((chunk & 0x8000) == 0) {
        const auto s = static_cast<uint8_t>((chunk >> 13) & 0x3);
        const uint32_t n = std::min<uint32_t>(chunk & kMaxRunLength, remaining);
        if (s == kReserved && n > 0) {
            return -1;
        }
        for (uint32_t i = 0; i < n; ++i) {
            sym(s);
        }
        return static_cast<int32_t>(n);
    }
    if ((chunk & 0x4000) == 0) {
        const uint32_t n = std::min<uint32_t>(14, remaining);
        for (uint32_t i = 0; i < n; ++i) {
            sym(static_cast<uint8_t>((chunk >> (13 - i)) & 0x1));
        }
        return static_cast<int32_t>(n);
    }
    const uint32_t n = std::min<uint32_t>(7, remaining);
    for (uint32_t i = 0; i < n; ++i) {
        if (((chunk >> (12 - 2 * i)) & 0x3) == kReserved) {
            return -1;
        }
    }
    for (uint32_t i = 0; i < n; ++i) {
        sym(static_cast<uint8_t>((chunk >> (12 - 2 * i)) & 0x3));
    }
    return static_cast<int32_t>(n);
}

// Walks the statuses of a list of arrivals in sequence order, computing deltas exactly as they
// are encoded (each relative to the previous encoded time, so rounding never accumulates).
class SymbolCursor {
  public:
    SymbolCursor(std::span<const TccArrival> arrivals, int64_t referenceUs)
        : arrivals_(arrivals),
          base_(arrivals.empty() ? 0 : arrivals[0].sequenceNumber),
          lastUs_(referenceUs) {}

    uint32_t index() const { return index_; }

    uint8_t symbol(int64_t* ticks = nullptr) const {
        if (next_ >= arrivals_.size() ||
            static_cast<uint16_t>(arrivals_[next_].sequenceNumber - base_) != index_) {
            return kNotReceived;
        }
        const int64_t t =
            floorDiv(arrivals_[next_].arrivalTimeUs - lastUs_, RtcpTransportFeedback::kDeltaTickUs);
        if (ticks != nullptr) {
            *ticks = t;
        }
        return (t >= 0 && t <= 0xFF) ? kSmallDelta : kLargeDelta;
    }

    void advance() {
        int64_t t = 0;
        if (symbol(&t) != kNotReceived) {
            lastUs_ += t * RtcpTransportFeedback::kDeltaTickUs;
            ++next_;
        }
        ++index_;
    }

  private:
    std::span<const TccArrival> arrivals_;
    uint16_t base_;
    int64_t lastUs_;
    size_t next_ = 0;
    uint32_t index_ = 0;
};

// Pads the packet to 32 bits (RFC 3550 padding, as libwebrtc does) and writes the header.
size_t finishPacket(uint8_t* out, size_t capacity, size_t used) {
    const size_t total = (used + 3) & ~static_cast<size_t>(3);
    if (total > capacity || total > rtcp::kMaxPacketSize) {
        return 0;
    }
    const size_t pad = total - used;
    if (pad > 0) {
        std::memset(out + used, 0, pad);
        out[total - 1] = static_cast<uint8_t>(pad);
    }
    RtcpHeader::write(out, pad > 0, rtcp::kFmtTransportFeedback, rtcp::kRtpFeedback, total);
    return total;
}

}  // namespace

bool RtcpTransportFeedback::walk(const uint8_t* body, size_t len, PacketFn fn, void* ctx) {
    if (len < kChunksOffset) {
        return false;
    }
    const uint16_t base = readU16(body + 8);
    const uint32_t count = readU16(body + 10);
    if (count == 0) {
        return false;
    }
    // Pass 1: find where the chunks end and how many delta bytes they announce. Every chunk
    // consumes 2 bytes of the packet, so a huge status count just runs out of bytes.
    size_t pos = kChunksOffset;
    uint32_t decoded = 0;
    size_t deltaBytes = 0;
    while (decoded < count) {
        if (len - pos < 2) {
            return false;
        }
        const int32_t n = decodeChunk(readU16(body + pos), count - decoded, [&](uint8_t s) {
            deltaBytes += s == kSmallDelta ? 1 : (s == kLargeDelta ? 2 : 0);
        });
        if (n < 0) {
            return false;
        }
        decoded += static_cast<uint32_t>(n);
        pos += 2;
    }
    if (len - pos < deltaBytes) {
        return false;
    }
    if (fn == nullptr) {
        return true;
    }
    // Pass 2: emit, reading deltas after the chunks (bounds already established above).
    const uint8_t* delta = body + pos;
    const size_t chunksEnd = pos;
    uint32_t index = 0;
    for (pos = kChunksOffset; pos < chunksEnd && index < count; pos += 2) {
        const int32_t n = decodeChunk(readU16(body + pos), count - index, [&](uint8_t s) {
            const auto seq = static_cast<uint16_t>(base + index);
            ++index;
            if (s == kSmallDelta) {
                fn(ctx, seq, true, static_cast<int64_t>(delta[0]) * kDeltaTickUs);
                delta += 1;
            } else if (s == kLargeDelta) {
                fn(ctx, seq, true,
                   static_cast<int64_t>(static_cast<int16_t>(readU16(delta))) * kDeltaTickUs);
                delta += 2;
            } else {
                fn(ctx, seq, false, 0);
            }
        });
        if (n < 0) {
            return false;
        }
    }
    return true;
}

bool RtcpTransportFeedback::parse(const uint8_t* data, size_t len, RtcpTransportFeedback& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpTransportFeedback::parse(const RtcpHeader& header, RtcpTransportFeedback& out) {
    if (header.packetType() != rtcp::kRtpFeedback ||
        header.count() != rtcp::kFmtTransportFeedback) {
        return false;
    }
    const auto body = header.body();
    if (!walk(body.data(), body.size(), nullptr, nullptr)) {
        return false;
    }
    const uint8_t* p = body.data();
    out.senderSsrc_ = readU32(p);
    out.mediaSsrc_ = readU32(p + 4);
    out.baseSequenceNumber_ = readU16(p + 8);
    out.packetStatusCount_ = readU16(p + 10);
    uint32_t ref = readU24(p + 12);
    if ((ref & 0x800000) != 0) {
        ref |= 0xFF000000;
    }
    out.referenceTime_ = static_cast<int32_t>(ref);
    out.feedbackPacketCount_ = p[15];
    out.wire_ = p;
    out.wireSize_ = body.size();
    out.arrivals_ = {};
    return true;
}

void RtcpTransportFeedback::setArrivals(std::span<const TccArrival> arrivals) {
    wire_ = nullptr;
    wireSize_ = 0;
    arrivals_ = arrivals;
    baseSequenceNumber_ = arrivals.empty() ? 0 : arrivals[0].sequenceNumber;
    packetStatusCount_ = 0;
    referenceTime_ = 0;
}

size_t RtcpTransportFeedback::encodablePrefix(std::span<const TccArrival> arrivals) {
    if (arrivals.empty()) {
        return 0;
    }
    const int64_t ref = floorDiv(arrivals[0].arrivalTimeUs, kReferenceTickUs);
    int64_t lastUs = ref * kReferenceTickUs;
    uint32_t offset = 0;
    size_t n = 0;
    for (size_t i = 0; i < arrivals.size(); ++i) {
        if (i > 0) {
            const auto d =
                static_cast<uint16_t>(arrivals[i].sequenceNumber - arrivals[i - 1].sequenceNumber);
            if (d == 0 || d >= 0x8000) {
                break;
            }
            offset += d;
            if (offset >= kMaxStatusCount) {
                break;
            }
        }
        const int64_t ticks = floorDiv(arrivals[i].arrivalTimeUs - lastUs, kDeltaTickUs);
        if (ticks < INT16_MIN || ticks > INT16_MAX) {
            break;
        }
        lastUs += ticks * kDeltaTickUs;
        ++n;
    }
    return n;
}

size_t RtcpTransportFeedback::write(uint8_t* out, size_t capacity) const {
    if (out == nullptr) {
        return 0;
    }
    return wire_ != nullptr ? writeWire(out, capacity) : writeArrivals(out, capacity);
}

size_t RtcpTransportFeedback::writeWire(uint8_t* out, size_t capacity) const {
    const size_t used = rtcp::kHeaderSize + wireSize_;
    if (used > capacity) {
        return 0;
    }
    std::memcpy(out + rtcp::kHeaderSize, wire_, wireSize_);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    out[19] = feedbackPacketCount_;
    return finishPacket(out, capacity, used);
}

size_t RtcpTransportFeedback::writeArrivals(uint8_t* out, size_t capacity) const {
    const size_t n = arrivals_.size();
    if (n == 0 || encodablePrefix(arrivals_) != n || capacity < kFixedSize) {
        return 0;
    }
    const uint16_t base = arrivals_[0].sequenceNumber;
    const uint32_t statusCount = static_cast<uint16_t>(arrivals_[n - 1].sequenceNumber - base) + 1u;
    const int64_t ref = floorDiv(arrivals_[0].arrivalTimeUs, kReferenceTickUs);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    writeU16(out + 12, base);
    writeU16(out + 14, static_cast<uint16_t>(statusCount));
    writeU24(out + 16, static_cast<uint32_t>(ref) & 0xFFFFFF);
    out[19] = feedbackPacketCount_;
    size_t o = kFixedSize;

    // Chunks: greedily pick whichever of run length / 1-bit / 2-bit vector covers the most
    // statuses. Every chunk covers at least one status, so this runs at most statusCount times.
    SymbolCursor cur(arrivals_, ref * kReferenceTickUs);
    while (cur.index() < statusCount) {
        const uint32_t rem = statusCount - cur.index();
        SymbolCursor probe = cur;
        const uint8_t first = probe.symbol();
        uint32_t run = 0;
        const uint32_t runLimit = std::min(rem, kMaxRunLength);
        while (run < runLimit && probe.symbol() == first) {
            probe.advance();
            ++run;
        }
        const uint32_t oneBitCount = std::min<uint32_t>(14, rem);
        bool oneBitOk = true;
        probe = cur;
        for (uint32_t i = 0; i < oneBitCount && oneBitOk; ++i) {
            oneBitOk = probe.symbol() <= kSmallDelta;
            probe.advance();
        }
        const uint32_t twoBitCount = std::min<uint32_t>(7, rem);
        const uint32_t vectorCount = oneBitOk ? oneBitCount : twoBitCount;

        uint16_t chunk = 0;
        if (run >= vectorCount) {
            chunk = static_cast<uint16_t>((first << 13) | run);
            for (uint32_t i = 0; i < run; ++i) {
                cur.advance();
            }
        } else if (oneBitOk) {
            chunk = 0x8000;
            for (uint32_t i = 0; i < oneBitCount; ++i) {
                chunk = static_cast<uint16_t>(chunk | (cur.symbol() << (13 - i)));
                cur.advance();
            }
        } else {
            chunk = 0xC000;
            for (uint32_t i = 0; i < twoBitCount; ++i) {
                chunk = static_cast<uint16_t>(chunk | (cur.symbol() << (12 - 2 * i)));
                cur.advance();
            }
        }
        if (capacity - o < 2) {
            return 0;
        }
        writeU16(out + o, chunk);
        o += 2;
    }

    // Receive deltas, in the same order.
    SymbolCursor deltas(arrivals_, ref * kReferenceTickUs);
    while (deltas.index() < statusCount) {
        int64_t ticks = 0;
        const uint8_t s = deltas.symbol(&ticks);
        if (s == kSmallDelta) {
            if (capacity - o < 1) {
                return 0;
            }
            out[o++] = static_cast<uint8_t>(ticks);
        } else if (s == kLargeDelta) {
            if (capacity - o < 2) {
                return 0;
            }
            writeU16(out + o, static_cast<uint16_t>(static_cast<int16_t>(ticks)));
            o += 2;
        }
        deltas.advance();
    }
    return finishPacket(out, capacity, o);
}

}  // namespace vcb::rtp
