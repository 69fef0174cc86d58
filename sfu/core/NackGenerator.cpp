#include "sfu/core/NackGenerator.hpp"

#include <algorithm>

#include "sfu/rtp/SequenceNumber.hpp"

namespace vcb::sfu {

size_t NackGenerator::find(uint16_t seq) const {
    if (size_ == 0) return size_;
    // Entries are ascending and span far less than half the sequence space: their distance from
    // the front orders them.
    const uint16_t front = at(0).seq;
    const auto key = static_cast<uint16_t>(seq - front);
    if (key > static_cast<uint16_t>(at(size_ - 1).seq - front)) return size_;
    size_t lo = 0;
    size_t hi = size_;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (static_cast<uint16_t>(at(mid).seq - front) < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < size_ && at(lo).seq == seq ? lo : size_;
}

void NackGenerator::popFront() {
    head_ = (head_ + 1) & kMask;
    --size_;
    ++givenUp_;
}

void NackGenerator::push(uint16_t seq, int64_t nowUs) {
    if (size_ == kMaxMissing) popFront();  // the oldest gives way
    at(size_++) = Entry{seq, 0, nowUs, 0};
}

void NackGenerator::erase(size_t index) {
    for (size_t i = index; i + 1 < size_; ++i) at(i) = at(i + 1);
    --size_;
}

void NackGenerator::dropOlderThan(uint16_t seq) {
    while (size_ != 0 && rtp::isNewer(seq, at(0).seq)) popFront();
}

void NackGenerator::reset() {
    givenUp_ += size_;
    size_ = 0;
    head_ = 0;
    started_ = false;
}

void NackGenerator::setRtt(int64_t rttUs) {
    rttUs_ = std::clamp(rttUs, kMinRttUs, kMaxRttUs);
    rttMeasured_ = true;
}

void NackGenerator::sampleRtt(int64_t sampleUs) {
    sampleUs = std::clamp(sampleUs, kMinRttUs, kMaxRttUs);
    // Smoothed like TCP's SRTT (RFC 6298), the first sample replacing the default.
    rttUs_ = rttMeasured_ ? (7 * rttUs_ + sampleUs) / 8 : sampleUs;
    rttMeasured_ = true;
}

bool NackGenerator::repair(uint16_t seq, int64_t nowUs) {
    size_t i = find(seq);
    if (i == size_) return false;
    const Entry e = at(i);
    if (e.tries > 0) {
        ++repaired_;
        // Only an answer to a single NACK tells the round trip unambiguously (Karn).
        if (e.tries == 1) sampleRtt(nowUs - e.sentUs);
    }
    erase(i);
    return true;
}

NackGenerator::Arrival NackGenerator::onPacket(uint16_t seq, bool keyFrame, int64_t nowUs) {
    if (!started_) {
        started_ = true;
        highest_ = seq;
        return Arrival::First;
    }
    const int32_t d = rtp::seqDiff(seq, highest_);
    if (d == 0) return Arrival::Duplicate;
    if (d < 0) {
        if (-d > kMaxReorder) {
            reset();
            started_ = true;
            highest_ = seq;
            return Arrival::Reset;
        }
        if (keyFrame) dropOlderThan(seq);
        return Arrival::Late;
    }
    if (static_cast<size_t>(d - 1) > kMaxMissing) {
        reset();
        started_ = true;
        highest_ = seq;
        return Arrival::Reset;
    }
    if (keyFrame) {
        // Nothing before a key frame matters to a decoder any more.
        dropOlderThan(seq);
    } else {
        for (auto s = static_cast<uint16_t>(highest_ + 1); s != seq; ++s) push(s, nowUs);
    }
    highest_ = seq;
    return d > 1 ? Arrival::Gap : Arrival::InOrder;
}

size_t NackGenerator::collect(int64_t nowUs, std::span<uint16_t> out) {
    size_t n = 0;
    size_t kept = 0;
    for (size_t r = 0; r < size_; ++r) {
        Entry e = at(r);
        const bool due = e.tries == 0 || nowUs - e.sentUs >= rttUs_;
        if (nowUs - e.detectedUs > kMaxAgeUs || (due && e.tries >= kMaxTries)) {
            ++givenUp_;
            continue;
        }
        if (due && n < out.size()) {
            out[n++] = e.seq;
            ++e.tries;
            e.sentUs = nowUs;
        }
        at(kept++) = e;
    }
    size_ = kept;
    nacked_ += n;
    return n;
}

}  // namespace vcb::sfu
