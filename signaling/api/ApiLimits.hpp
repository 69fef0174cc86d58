#pragma once
#include <cstddef>

namespace vcb::signaling {

// Abuse limits of the signaling API (docs/operations.md "Limits").
struct ApiLimits {
    // Joins (WHIP POST, WHEP POST, WebSocket `join`) per remote IP: token bucket.
    double joinRatePerIp = 10;
    double joinBurstPerIp = 20;
    std::size_t rateLimitMaxIps = 10000;  // buckets remembered at once
    // WebSocket messages per connection; sustained excess closes the socket with 1008.
    double wsMessageRate = 50;
    double wsMessageBurst = 100;
};

}  // namespace vcb::signaling
