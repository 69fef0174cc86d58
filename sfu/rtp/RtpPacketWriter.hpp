#pragma once
// Builds the forwarded copy of an RTP packet in a caller-provided buffer (the SFU hot path):
// rewritten SSRC / sequence number / timestamp / payload type / marker, header extension ids
// remapped from the sender's to the receiver's negotiated ids, our own elements added, payload and
// padding copied unchanged. Never allocates.
//
// Output layout (RFC 3550 §5.1, RFC 8285):
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |   sequence number (rewritten) |
// |                      timestamp (rewritten)                    |
// |                         SSRC (rewritten)                      |
// |                  CSRC list (copied from source)               |
// |  0xBEDE or 0x1000 (chosen)    |   length in 32-bit words      |
// |  remapped source elements, then extra elements, 0-padded      |
// |              payload + padding (copied from source)           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::rtp {

// Source extension id -> destination id; 0 drops the element. A value-initialized map drops all.
using ExtensionIdMap = std::array<uint8_t, 256>;

// Header fields of the forwarded packet.
struct RtpHeaderRewrite {
    uint32_t ssrc = 0;
    uint16_t sequenceNumber = 0;
    uint32_t timestamp = 0;
    uint8_t payloadType = 0;
    bool marker = false;
};

// An element the writer adds (id in the destination numbering). The bytes are not copied until
// write(), so they only need to live until then. An extra element replaces any source element
// that maps to the same destination id.
struct RtpExtensionElement {
    uint8_t id = 0;
    std::span<const uint8_t> value;
};

class RtpPacketWriter {
  public:
    // Writes the forwarded packet to out[0..capacity). Uses the one-byte form when every element
    // has id 1..14 and 1..16 bytes, otherwise the two-byte form. Returns the packet size, or 0 if
    // it does not fit, `src` has no data, or an extra element is invalid (id 0, > 255 bytes).
    // `out` must not overlap the source packet.
    static size_t write(const RtpPacket& src, const RtpHeaderRewrite& header,
                        const ExtensionIdMap& idMap, std::span<const RtpExtensionElement> extra,
                        uint8_t* out, size_t capacity);

    // Map that keeps every id unchanged (ids 1..255).
    static ExtensionIdMap identityMap();
};

}  // namespace vcb::rtp
