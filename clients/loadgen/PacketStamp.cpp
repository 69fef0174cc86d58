#include "clients/loadgen/PacketStamp.hpp"

namespace vcb::loadgen {

namespace {
void putBe(uint8_t* out, uint64_t value, size_t bytes) {
    for (size_t i = 0; i < bytes; ++i)
        out[i] = static_cast<uint8_t>(value >> (8 * (bytes - 1 - i)));
}
uint64_t getBe(const uint8_t* in, size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | in[i];
    return v;
}
}  // namespace

size_t PacketStamp::writePadding(std::span<uint8_t> out) const {
    if (out.size() < kPaddingSize) return 0;
    putBe(out.data(), kMagic, 4);
    putBe(out.data() + 4, counter, 4);
    putBe(out.data() + 8, static_cast<uint64_t>(sendTimeUs), 8);
    out[16] = static_cast<uint8_t>(kPaddingSize);
    return kPaddingSize;
}

std::optional<PacketStamp> PacketStamp::read(const rtp::RtpPacket& packet) {
    if (!packet.hasPadding() || packet.paddingSize() != kPaddingSize) return std::nullopt;
    // parse() checked that the padding lies inside the packet.
    const uint8_t* pad = packet.data() + packet.size() - kPaddingSize;
    if (getBe(pad, 4) != kMagic) return std::nullopt;
    PacketStamp stamp;
    stamp.counter = static_cast<uint32_t>(getBe(pad + 4, 4));
    stamp.sendTimeUs = static_cast<int64_t>(getBe(pad + 8, 8));
    return stamp;
}

}  // namespace vcb::loadgen
