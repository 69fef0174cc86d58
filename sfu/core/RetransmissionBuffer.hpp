#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu {

// The last N plaintext packets of one incoming stream, indexed by sequence number, so a NACK from
// any subscriber can be answered without asking the publisher. One preallocated slab: storing a
// packet is a memcpy, never an allocation. Duplicates do not replace what is held (see store()).
class RetransmissionBuffer {
  public:
    static constexpr size_t kSlotSize = 1500;
    // A packet whose sequence number is held already, stored less than this long ago, is a
    // duplicate (or a publisher reusing numbers) and does not replace the first copy.
    static constexpr int64_t kKeepFirstUs = 2'000'000;

    explicit RetransmissionBuffer(size_t slots = 512);

    void store(const rtp::RtpPacket& packet, int64_t nowUs);
    // Returns a parsed view of the stored packet with this sequence number, if still held and not
    // older than maxAgeUs.
    bool find(uint16_t seq, int64_t nowUs, int64_t maxAgeUs, rtp::RtpPacket& out);
    size_t slotCount() const { return slots_.size(); }
    size_t memoryBytes() const { return slab_.size() + slots_.size() * sizeof(Slot); }

  private:
    struct Slot {
        uint16_t seq = 0;
        uint16_t size = 0;  // 0 = empty
        int64_t storedUs = 0;
    };
    std::vector<uint8_t> slab_;
    std::vector<Slot> slots_;
};

}  // namespace vcb::sfu
