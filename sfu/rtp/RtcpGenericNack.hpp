#pragma once
// Generic NACK (RFC 4585 §6.2.1): RTPFB (PT = 205), FMT = 1, one or more FCI entries:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| FMT=1   |   PT=205      |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source                         |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |            PID                |             BLP               |  FCI entry
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// PID is a lost sequence number; bit i of BLP (LSB = bit 0) means PID + i + 1 is lost too.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

struct NackItem {
    uint16_t pid = 0;
    uint16_t blp = 0;
    bool operator==(const NackItem&) const = default;
};

class RtcpGenericNack {
  public:
    static constexpr size_t kFixedSize = 12;
    static constexpr size_t kItemSize = 4;

    static bool parse(const uint8_t* data, size_t len, RtcpGenericNack& out);
    static bool parse(const RtcpHeader& header, RtcpGenericNack& out);

    uint32_t senderSsrc() const { return senderSsrc_; }
    uint32_t mediaSsrc() const { return mediaSsrc_; }
    size_t itemCount() const;
    NackItem item(size_t i) const;

    // Calls f(uint16_t seq) for every lost sequence number, in FCI order.
    template <typename F>
    void forEachLost(F&& f) const {
        const size_t count = itemCount();
        for (size_t i = 0; i < count; ++i) {
            const NackItem it = item(i);
            f(it.pid);
            for (unsigned bit = 0; bit < 16; ++bit) {
                if ((it.blp & (1u << bit)) != 0) {
                    f(static_cast<uint16_t>(it.pid + bit + 1));
                }
            }
        }
    }
    // Fills `out` with lost sequence numbers; returns how many were written (at most out.size()).
    size_t lostSequenceNumbers(std::span<uint16_t> out) const;

    // Packs lost sequence numbers sorted in wrap-aware ascending order into FCI items (duplicates
    // are skipped). Returns the number of items written; stops when `out` is full.
    static size_t buildItems(std::span<const uint16_t> sortedLost, std::span<NackItem> out);

    void setSenderSsrc(uint32_t v) { senderSsrc_ = v; }
    void setMediaSsrc(uint32_t v) { mediaSsrc_ = v; }
    // The span must outlive this object.
    void setItems(std::span<const NackItem> items);

    size_t size() const { return kFixedSize + kItemSize * itemCount(); }
    // Returns bytes written, 0 if it does not fit or there are no items.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t senderSsrc_ = 0;
    uint32_t mediaSsrc_ = 0;
    const uint8_t* wireItems_ = nullptr;
    size_t wireCount_ = 0;
    std::span<const NackItem> items_;
};

}  // namespace vcb::rtp
