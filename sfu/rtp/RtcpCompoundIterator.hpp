#pragma once
// Walks the packets of a compound RTCP datagram (RFC 3550 §6.1):
//
// +------------+------------+------------+-- - -
// | header|body| header|body| header|body|  ...     each packet: (length+1)*4 bytes
// +------------+------------+------------+-- - -
//
// Every packet's version, length and padding are checked against what remains of the datagram;
// the walk stops (and malformed() turns true) at the first packet that fails, so a corrupt tail
// never yields bytes outside the datagram.
#include <cstddef>
#include <cstdint>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

class RtcpCompoundIterator {
  public:
    RtcpCompoundIterator(const uint8_t* data, size_t len) : data_(data), len_(data ? len : 0) {}

    // Yields the next packet; false at the end or on malformed input.
    bool next(RtcpHeader& out);
    bool malformed() const { return malformed_; }

    // True if the whole datagram is a sequence of well-formed packets (at least one).
    static bool isValidCompound(const uint8_t* data, size_t len);

  private:
    const uint8_t* data_;
    size_t len_;
    size_t offset_ = 0;
    bool malformed_ = false;
};

}  // namespace vcb::rtp
