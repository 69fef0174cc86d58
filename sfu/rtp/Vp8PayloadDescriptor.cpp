#include "sfu/rtp/Vp8PayloadDescriptor.hpp"

namespace vcb::rtp {

bool Vp8PayloadDescriptor::parse(std::span<const uint8_t> payload, Vp8PayloadDescriptor& out) {
    const size_t len = payload.size();
    if (len == 0) {
        return false;
    }
    Vp8PayloadDescriptor d;
    const uint8_t b0 = payload[0];
    d.nonReference_ = (b0 & 0x20) != 0;
    d.startOfPartition_ = (b0 & 0x10) != 0;
    d.partitionId_ = b0 & 0x07;
    size_t pos = 1;
    if ((b0 & 0x80) != 0) {
        if (pos >= len) {
            return false;
        }
        const uint8_t x = payload[pos++];
        const bool i = (x & 0x80) != 0;
        const bool l = (x & 0x40) != 0;
        const bool t = (x & 0x20) != 0;
        const bool k = (x & 0x10) != 0;
        if (i) {
            if (pos >= len) {
                return false;
            }
            d.pictureIdOffset_ = pos;
            if ((payload[pos] & 0x80) != 0) {
                if (len - pos < 2) {
                    return false;
                }
                d.pictureId_ =
                    static_cast<uint16_t>(((payload[pos] & 0x7F) << 8) | payload[pos + 1]);
                d.pictureIdSize_ = 2;
                pos += 2;
            } else {
                d.pictureId_ = payload[pos] & 0x7F;
                d.pictureIdSize_ = 1;
                pos += 1;
            }
        }
        if (l) {
            if (pos >= len) {
                return false;
            }
            d.tl0PicIdxOffset_ = pos;
            d.tl0PicIdx_ = payload[pos++];
        }
        if (t || k) {
            if (pos >= len) {
                return false;
            }
            const uint8_t tk = payload[pos++];
            d.hasTid_ = t;
            d.hasKeyIdx_ = k;
            if (t) {
                d.tid_ = tk >> 6;
                d.layerSync_ = (tk & 0x20) != 0;
            }
            if (k) {
                d.keyIdx_ = tk & 0x1F;
            }
        }
    }
    if (pos >= len) {
        return false;  // a descriptor without VP8 data
    }
    d.size_ = pos;
    if (d.startOfPartition_ && d.partitionId_ == 0 && (payload[pos] & 0x01) == 0 &&
        len - pos >= kKeyFrameHeaderSize) {
        d.keyFrame_ =
            payload[pos + 3] == 0x9d && payload[pos + 4] == 0x01 && payload[pos + 5] == 0x2a;
    }
    out = d;
    return true;
}

}  // namespace vcb::rtp
