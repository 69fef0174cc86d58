#pragma once
// In-place view of an RTP packet (RFC 3550 §5.1) with RFC 8285 header extensions.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           timestamp                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           synchronization source (SSRC) identifier            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |            contributing source (CSRC) identifiers             |
// |                             ....                              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  0xBEDE (one-byte) / 0x100X   |     length (32-bit words)     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   header extension elements                   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 payload  ...  |   padding   | padding count |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// One-byte element (RFC 8285 §4.2):       Two-byte element (RFC 8285 §4.3):
//  0 1 2 3 4 5 6 7                          0                   1
// +-+-+-+-+-+-+-+-+-+-+-+-+-                0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
// |  ID   | len-1 | data...                +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
// +-+-+-+-+-+-+-+-+-+-+-+-+-                |       ID      |     length    | data...
//  ID 1..14, 1..16 data bytes;              +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
//  byte 0 = padding, ID 15 = stop.           ID 1..255, 0..255 data bytes; byte 0 = padding.
//
// The view does not own the bytes: they must outlive it. No copies, no allocation.
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

class RtpPacket {
  public:
    static constexpr size_t kFixedHeaderSize = 12;
    static constexpr size_t kMaxCsrcs = 15;
    static constexpr uint16_t kOneByteProfile = 0xBEDE;
    static constexpr uint16_t kTwoByteProfile = 0x1000;  // 0x100X: low nibble is "appbits"
    static constexpr uint8_t kOneByteStopId = 15;

    // Validates version, CSRC list, extension block and padding against `len`. On failure `out`
    // is left unchanged.
    static bool parse(uint8_t* data, size_t len, RtpPacket& out);

    uint8_t version() const { return data_[0] >> 6; }
    bool hasPadding() const { return (data_[0] & 0x20) != 0; }
    bool hasExtension() const { return (data_[0] & 0x10) != 0; }
    uint8_t csrcCount() const { return data_[0] & 0x0F; }
    bool marker() const { return (data_[1] & 0x80) != 0; }
    uint8_t payloadType() const { return data_[1] & 0x7F; }
    uint16_t sequenceNumber() const;
    uint32_t timestamp() const;
    uint32_t ssrc() const;
    // Returns 0 for i >= csrcCount().
    uint32_t csrc(size_t i) const;

    void setMarker(bool marker);
    void setPayloadType(uint8_t pt);
    void setSequenceNumber(uint16_t seq);
    void setTimestamp(uint32_t ts);
    void setSsrc(uint32_t ssrc);

    // Fixed header + CSRCs + extension block.
    size_t headerSize() const { return headerSize_; }
    // Media payload without padding.
    std::span<const uint8_t> payload() const;
    std::span<uint8_t> mutablePayload();
    size_t payloadSize() const { return size_ - headerSize_ - paddingSize_; }
    size_t paddingSize() const { return paddingSize_; }
    size_t size() const { return size_; }
    const uint8_t* data() const { return data_; }
    uint8_t* mutableData() { return data_; }

    uint16_t extensionProfile() const { return extensionProfile_; }
    bool hasOneByteExtensions() const;
    bool hasTwoByteExtensions() const;
    // Raw element area (after the 4-byte extension header).
    std::span<const uint8_t> extensionBlock() const;

    // Value of the first element with this id; empty if absent or ids unknown to the profile.
    std::span<const uint8_t> findExtension(uint8_t id) const;
    // Distinguishes an absent element from a present zero-length (two-byte form) one.
    bool hasExtensionElement(uint8_t id) const;
    // Same, writable, for in-place rewriting of a value with the same length.
    std::span<uint8_t> mutableExtension(uint8_t id);

    // Calls f(uint8_t id, std::span<const uint8_t> value) for each element in wire order. Stops at
    // the first malformed element (length past the block) and at ID 15 in the one-byte form.
    template <typename F>
    void forEachExtension(F&& f) const {
        size_t pos = 0;
        uint8_t id = 0;
        size_t valueOffset = 0;
        size_t valueLen = 0;
        // Each call advances pos by at least one byte, and pos never exceeds the block size.
        while (nextExtension(pos, id, valueOffset, valueLen)) {
            f(id, std::span<const uint8_t>(data_ + valueOffset, valueLen));
        }
    }

    // Low-level element iteration used by forEachExtension and RtpPacketWriter. `pos` starts at 0.
    // On success sets the element id and its value's offset from data() and length.
    bool nextExtension(size_t& pos, uint8_t& id, size_t& valueOffset, size_t& valueLen) const;

  private:
    bool locateExtension(uint8_t id, size_t& offset, size_t& len) const;

    uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t headerSize_ = 0;
    size_t paddingSize_ = 0;
    size_t extensionOffset_ = 0;  // first element byte, from data_
    size_t extensionSize_ = 0;    // element area bytes
    uint16_t extensionProfile_ = 0;
};

}  // namespace vcb::rtp
