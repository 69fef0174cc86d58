#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::sfu {

// Loss detection on one incoming stream and the list of sequence numbers to NACK (RFC 4585
// generic NACK) toward its sender. No I/O and no clock: the caller passes `nowUs`, feeds every
// accepted packet and periodically collects what is due. All state is a fixed array: nothing is
// allocated per packet.
//
// A gap in the sequence numbers puts the missing numbers on the list; each is NACKed at once, then
// again about once per round trip until it arrives, kMaxTries NACKs went out for it, it is older
// than kMaxAgeUs or a key frame newer than it arrived (the decoder no longer needs it). The round
// trip is estimated from the time between the first NACK for a packet and its arrival.
class NackGenerator {
  public:
    static constexpr size_t kMaxMissing = 512;  // larger gaps reset; the oldest entry gives way
    static constexpr uint8_t kMaxTries = 10;
    static constexpr int64_t kMaxAgeUs = 1'000'000;  // the retransmission buffers hold no older
    static constexpr int64_t kDefaultRttUs = 100'000;
    static constexpr int64_t kMinRttUs = 10'000;
    static constexpr int64_t kMaxRttUs = 500'000;
    // A packet this far behind the newest one is a restarted stream, not a late packet.
    static constexpr uint16_t kMaxReorder = 1000;

    enum class Arrival {
        First,      // first packet of the stream (or after a reset)
        InOrder,    // the next expected packet
        Gap,        // newer than expected: the numbers in between are now missing
        Late,       // older than the newest, not awaited (reordered before detection, duplicate)
        Duplicate,  // same as the newest
        Reset,      // jump too large to repair: the list was cleared
    };

    NackGenerator() = default;

    // If `seq` is on the missing list, removes it and returns true (it arrived late, usually as
    // an answer to our NACK). Call before onPacket for every received packet.
    bool repair(uint16_t seq, int64_t nowUs);
    // Records an accepted packet. `keyFrame`: the packet starts a key frame, so every missing
    // packet before it is useless.
    Arrival onPacket(uint16_t seq, bool keyFrame, int64_t nowUs);
    // Writes the sequence numbers to NACK now into `out` in ascending (wrap-aware) order, marks
    // them sent and drops the entries that are given up. Returns how many were written.
    size_t collect(int64_t nowUs, std::span<uint16_t> out);

    void reset();
    // An RTT measured elsewhere (e.g. RTCP), replacing the estimate.
    void setRtt(int64_t rttUs);
    int64_t rttUs() const { return rttUs_; }
    size_t missingCount() const { return size_; }
    bool isMissing(uint16_t seq) const { return find(seq) < size_; }

    // Cumulative counters.
    uint64_t repairedCount() const {
        return repaired_;
    }                                                   // awaited packets that arrived after a NACK
    uint64_t givenUpCount() const { return givenUp_; }  // removed without arriving
    uint64_t nackedCount() const { return nacked_; }    // sequence numbers NACKed (with retries)

  private:
    struct Entry {
        uint16_t seq = 0;
        uint8_t tries = 0;
        int64_t detectedUs = 0;
        int64_t sentUs = 0;
    };
    static constexpr size_t kMask = kMaxMissing - 1;
    static_assert((kMaxMissing & kMask) == 0, "ring size must be a power of two");

    Entry& at(size_t i) { return ring_[(head_ + i) & kMask]; }
    const Entry& at(size_t i) const { return ring_[(head_ + i) & kMask]; }
    // Index of seq in the list (entries are ascending), size_ if absent.
    size_t find(uint16_t seq) const;
    void push(uint16_t seq, int64_t nowUs);
    void popFront();
    void erase(size_t index);
    void dropOlderThan(uint16_t seq);
    void sampleRtt(int64_t sampleUs);

    std::array<Entry, kMaxMissing> ring_{};
    size_t head_ = 0;
    size_t size_ = 0;
    bool started_ = false;
    uint16_t highest_ = 0;
    int64_t rttUs_ = kDefaultRttUs;
    bool rttMeasured_ = false;
    uint64_t repaired_ = 0;
    uint64_t givenUp_ = 0;
    uint64_t nacked_ = 0;
};

}  // namespace vcb::sfu
