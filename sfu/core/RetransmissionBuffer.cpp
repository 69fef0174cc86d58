#include "sfu/core/RetransmissionBuffer.hpp"

#include <cstring>

namespace vcb::sfu {

RetransmissionBuffer::RetransmissionBuffer(size_t slots)
    : slab_(slots * kSlotSize), slots_(slots) {}

void RetransmissionBuffer::store(const rtp::RtpPacket& packet, int64_t nowUs) {
    if (packet.size() > kSlotSize) return;
    size_t index = packet.sequenceNumber() % slots_.size();
    const Slot& held = slots_[index];
    if (held.size != 0 && held.seq == packet.sequenceNumber() &&
        nowUs - held.storedUs < kKeepFirstUs) {
        // A duplicate keeps the first copy: that is the one consumers forwarded, and a
        // retransmission must repeat its bytes exactly (one SRTP nonce, one plaintext).
        return;
    }
    std::memcpy(slab_.data() + index * kSlotSize, packet.data(), packet.size());
    slots_[index] = Slot{packet.sequenceNumber(), static_cast<uint16_t>(packet.size()), nowUs};
}

bool RetransmissionBuffer::find(uint16_t seq, int64_t nowUs, int64_t maxAgeUs,
                                rtp::RtpPacket& out) {
    size_t index = seq % slots_.size();
    const Slot& slot = slots_[index];
    if (slot.size == 0 || slot.seq != seq || nowUs - slot.storedUs > maxAgeUs) return false;
    return rtp::RtpPacket::parse(slab_.data() + index * kSlotSize, slot.size, out);
}

}  // namespace vcb::sfu
