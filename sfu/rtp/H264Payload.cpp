#include "sfu/rtp/H264Payload.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {
bool isParameterSet(uint8_t type) { return type == H264Payload::kSps || type == H264Payload::kPps; }
}  // namespace

bool H264Payload::parse(std::span<const uint8_t> payload, H264Payload& out) {
    const size_t len = payload.size();
    if (len == 0) {
        return false;
    }
    H264Payload h;
    h.packetType_ = payload[0] & 0x1F;
    if (h.packetType_ == 0) {
        return false;
    }
    if (h.packetType_ == kStapA) {
        size_t pos = 1;
        size_t nals = 0;
        // Bounded: every NAL consumes at least 3 bytes.
        while (pos < len) {
            if (len - pos < 2) {
                return false;
            }
            const size_t nalSize = readU16(payload.data() + pos);
            pos += 2;
            if (nalSize == 0 || len - pos < nalSize) {
                return false;
            }
            const uint8_t type = payload[pos] & 0x1F;
            if (nals == 0) {
                h.nalType_ = type;
            }
            h.keyFrame_ = h.keyFrame_ || type == kIdr;
            h.parameterSets_ = h.parameterSets_ || isParameterSet(type);
            pos += nalSize;
            ++nals;
        }
        if (nals == 0) {
            return false;
        }
    } else if (h.packetType_ == kFuA) {
        if (len < 3) {
            return false;
        }
        const uint8_t fu = payload[1];
        h.fragmentStart_ = (fu & 0x80) != 0;
        h.fragmentEnd_ = (fu & 0x40) != 0;
        if (h.fragmentStart_ && h.fragmentEnd_) {
            return false;
        }
        h.nalType_ = fu & 0x1F;
        h.keyFrame_ = h.fragmentStart_ && h.nalType_ == kIdr;
        h.parameterSets_ = h.fragmentStart_ && isParameterSet(h.nalType_);
    } else {
        h.nalType_ = h.packetType_;
        h.keyFrame_ = h.nalType_ == kIdr;
        h.parameterSets_ = isParameterSet(h.nalType_);
    }
    out = h;
    return true;
}

bool H264Payload::isKeyFrame(std::span<const uint8_t> payload) {
    H264Payload h;
    return parse(payload, h) && h.isKeyFrame();
}

}  // namespace vcb::rtp
