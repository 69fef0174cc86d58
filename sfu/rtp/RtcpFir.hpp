#pragma once
// Full Intra Request (RFC 5104 §4.3.1): PSFB (PT = 206), FMT = 4, media source SSRC = 0, then one
// FCI entry per requested stream:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| FMT=4   |   PT=206      |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source (0)                     |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                              SSRC                             |  FCI entry
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Seq nr.       |    Reserved (0)                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

struct FirEntry {
    uint32_t ssrc = 0;
    uint8_t sequenceNumber = 0;
    bool operator==(const FirEntry&) const = default;
};

class RtcpFir {
  public:
    static constexpr size_t kFixedSize = 12;
    static constexpr size_t kEntrySize = 8;

    static bool parse(const uint8_t* data, size_t len, RtcpFir& out);
    static bool parse(const RtcpHeader& header, RtcpFir& out);

    uint32_t senderSsrc() const { return senderSsrc_; }
    uint32_t mediaSsrc() const { return mediaSsrc_; }
    size_t entryCount() const;
    FirEntry entry(size_t i) const;

    void setSenderSsrc(uint32_t v) { senderSsrc_ = v; }
    void setMediaSsrc(uint32_t v) { mediaSsrc_ = v; }
    // The span must outlive this object.
    void setEntries(std::span<const FirEntry> entries);

    size_t size() const { return kFixedSize + kEntrySize * entryCount(); }
    // Returns bytes written, 0 if it does not fit or there are no entries.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t senderSsrc_ = 0;
    uint32_t mediaSsrc_ = 0;
    const uint8_t* wireEntries_ = nullptr;
    size_t wireCount_ = 0;
    std::span<const FirEntry> entries_;
};

}  // namespace vcb::rtp
