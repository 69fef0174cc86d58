#include "sfu/rtp/RtcpHeader.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpHeader::parse(const uint8_t* data, size_t len, RtcpHeader& out) {
    if (data == nullptr || len < rtcp::kHeaderSize) {
        return false;
    }
    if ((data[0] >> 6) != 2) {
        return false;
    }
    const size_t size = (static_cast<size_t>(readU16(data + 2)) + 1) * 4;
    if (size > len) {
        return false;
    }
    size_t body = size - rtcp::kHeaderSize;
    if ((data[0] & 0x20) != 0) {
        const size_t padding = data[size - 1];
        if (padding == 0 || padding > body) {
            return false;
        }
        body -= padding;
    }
    out.data_ = data;
    out.size_ = size;
    out.bodySize_ = body;
    return true;
}

void RtcpHeader::write(uint8_t* out, bool padding, uint8_t count, uint8_t packetType,
                       size_t totalSize) {
    out[0] = static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) | (count & 0x1F));
    out[1] = packetType;
    writeU16(out + 2, static_cast<uint16_t>(totalSize / 4 - 1));
}

}  // namespace vcb::rtp
