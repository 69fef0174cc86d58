#include "sfu/core/TransportCcFeedback.hpp"

#include <algorithm>

#include "sfu/rtp/RtcpReceiverReport.hpp"

namespace vcb::sfu {

void TransportCcFeedback::onPacket(uint16_t transportSeq, int64_t arrivalUs) {
    if (count_ == kMaxPending) return;  // the timer flushes long before this; drop the excess
    pending_[count_++] = Entry{unwrapper_.unwrap(transportSeq), {transportSeq, arrivalUs}};
}

size_t TransportCcFeedback::write(uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t* out,
                                  size_t capacity) {
    if (count_ == 0) return 0;
    std::sort(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count_),
              [](const Entry& a, const Entry& b) { return a.unwrapped < b.unwrapped; });
    // Duplicates (retransmitted transport seqs) would confuse the encoder: keep the first.
    size_t n = 0;
    for (size_t i = 0; i < count_; ++i) {
        if (n > 0 && pending_[i].unwrapped == pending_[n - 1].unwrapped) continue;
        pending_[n++] = pending_[i];
    }
    for (size_t i = 0; i < n; ++i) sorted_[i] = pending_[i].arrival;
    count_ = 0;

    // An empty RR first keeps the packet a valid compound for strict receivers.
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(senderSsrc);
    size_t len = rr.write(out, capacity);
    if (len == 0) return 0;
    std::span<const rtp::TccArrival> rest(sorted_.data(), n);
    size_t rounds = 0;
    while (!rest.empty() && ++rounds <= 16) {
        size_t take = rtp::RtcpTransportFeedback::encodablePrefix(rest);
        if (take == 0) {
            rest = rest.subspan(1);  // an arrival the format cannot express: skip it
            continue;
        }
        rtp::RtcpTransportFeedback fb;
        fb.setSenderSsrc(senderSsrc);
        fb.setMediaSsrc(mediaSsrc);
        fb.setFeedbackPacketCount(feedbackCount_);
        fb.setArrivals(rest.first(take));
        size_t w = fb.write(out + len, capacity - len);
        if (w == 0) break;
        ++feedbackCount_;
        len += w;
        rest = rest.subspan(take);
    }
    return len;
}

}  // namespace vcb::sfu
