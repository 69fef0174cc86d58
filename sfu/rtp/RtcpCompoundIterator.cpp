#include "sfu/rtp/RtcpCompoundIterator.hpp"

namespace vcb::rtp {

bool RtcpCompoundIterator::next(RtcpHeader& out) {
    if (malformed_ || offset_ >= len_) {
        return false;
    }
    if (!RtcpHeader::parse(data_ + offset_, len_ - offset_, out)) {
        malformed_ = true;
        return false;
    }
    offset_ += out.size();  // size >= 4: the walk always advances
    return true;
}

bool RtcpCompoundIterator::isValidCompound(const uint8_t* data, size_t len) {
    RtcpCompoundIterator it(data, len);
    RtcpHeader header;
    size_t packets = 0;
    while (it.next(header)) {
        ++packets;
    }
    return packets > 0 && !it.malformed();
}

}  // namespace vcb::rtp
