#include "rooms/MeetingStats.hpp"

#include <algorithm>

namespace vcb::rooms {

namespace {

StreamStats streamStats(const StreamCounters& now, const StreamCounters* before, double seconds,
                        bool video, int64_t nowUs) {
    StreamStats s;
    s.packetsLost = std::max<int64_t>(now.lost, 0);
    s.packetsRecovered = now.recovered;
    s.nacksSent = now.nacksSent;
    s.keyFrameRequestsSent = now.keyFrameRequestsSent;
    if (now.jitterMs >= 0 && now.packets > 0) s.jitterMs = now.jitterMs;
    if (now.lastPacketUs > 0) s.msSinceLastPacket = std::max<int64_t>(nowUs - now.lastPacketUs, 0) / 1000;
    if (video && now.width != 0 && now.height != 0) {
        s.width = now.width;
        s.height = now.height;
    }
    if (before && seconds > 0 && before->producerId == now.producerId &&
        now.bytes >= before->bytes && now.packets >= before->packets) {
        s.kbps = static_cast<double>(now.bytes - before->bytes) * 8.0 / 1000.0 / seconds;
        // Expected = received + still missing; the link lost what is still missing plus what
        // arrived only as a retransmission.
        const int64_t received = static_cast<int64_t>(now.packets - before->packets);
        const int64_t missing = std::max<int64_t>(now.lost - before->lost, 0);
        const int64_t recovered =
            now.recovered >= before->recovered ? static_cast<int64_t>(now.recovered - before->recovered) : 0;
        const int64_t expected = received + missing;
        s.lossPercent = expected == 0 ? 0.0
                                      : std::min(100.0, 100.0 * static_cast<double>(missing + recovered) /
                                                            static_cast<double>(expected));
        if (video) s.fps = static_cast<double>(now.frames - before->frames) / seconds;
    }
    return s;
}

}  // namespace

MeetingTotals meetingTotals(const std::vector<ParticipantStats>& participants) {
    MeetingTotals t;
    const auto add = [](std::optional<double>& sum, const std::optional<double>& v) {
        if (v) sum = sum.value_or(0) + *v;
    };
    const auto worst = [](std::optional<double>& w, const std::optional<double>& v) {
        if (v && (!w || *v > *w)) w = v;
    };
    for (const ParticipantStats& p : participants) {
        ++t.participants;
        if (p.audio || p.video) ++t.publishers;
        for (const auto* s : {&p.audio, &p.video}) {
            if (!*s) continue;
            add(t.publishKbps, (*s)->kbps);
            t.packetsLost += (*s)->packetsLost;
            t.nacks += (*s)->nacksSent;
            t.keyFrameRequests += (*s)->keyFrameRequestsSent;
            worst(t.worstLossPercent, (*s)->lossPercent);
        }
        add(t.subscribeKbps, p.subscribeKbps);
        t.nacks += p.nacksReceived;
        t.keyFrameRequests += p.keyFrameRequestsReceived;
        worst(t.worstRttMs, p.rttMs);
    }
    return t;
}

std::vector<ParticipantStats> StatsSampler::sample(const std::string& requester,
                                                   const std::vector<ParticipantCounters>& counters,
                                                   int64_t nowUs) {
    auto it = previous_.find(requester);
    const Previous* before = nullptr;
    double seconds = 0;
    if (it != previous_.end() && nowUs - it->second.atUs >= kMinIntervalUs) {
        before = &it->second;
        seconds = static_cast<double>(nowUs - it->second.atUs) / 1e6;
    }
    Previous next;
    next.atUs = nowUs;
    std::vector<ParticipantStats> out;
    out.reserve(counters.size());
    for (const ParticipantCounters& c : counters) {
        ParticipantStats p;
        p.participantId = c.participantId;
        p.unit = c.unit;
        p.role = c.role;
        const auto stream = [&](const std::optional<StreamCounters>& now, const char* suffix,
                                bool video) -> std::optional<StreamStats> {
            if (!now) return std::nullopt;
            const std::string key = c.participantId + suffix;
            const StreamCounters* prior = nullptr;
            if (before) {
                if (auto f = before->streams.find(key); f != before->streams.end()) {
                    prior = &f->second;
                }
            }
            next.streams[key] = *now;
            return streamStats(*now, prior, seconds, video, nowUs);
        };
        p.audio = stream(c.audio, "/a", false);
        p.video = stream(c.video, "/v", true);
        p.screen = stream(c.screen, "/s", true);
        if (c.subscribing) {
            next.subscribeBytes[c.participantId] = c.subscribeBytes;
            if (before) {
                if (auto f = before->subscribeBytes.find(c.participantId);
                    f != before->subscribeBytes.end()) {
                    const uint64_t d = c.subscribeBytes >= f->second ? c.subscribeBytes - f->second : 0;
                    p.subscribeKbps = static_cast<double>(d) * 8.0 / 1000.0 / seconds;
                }
            }
            if (c.rttUs >= 0) p.rttMs = static_cast<double>(c.rttUs) / 1000.0;
            if (c.fractionLost >= 0) p.subscribeLossPercent = c.fractionLost * 100.0 / 256.0;
            if (c.jitterMs >= 0) p.subscribeJitterMs = c.jitterMs;
            p.nacksReceived = c.nacksReceived;
            p.keyFrameRequestsReceived = c.keyFrameRequestsReceived;
        }
        for (const TransportCounters& t : c.transports) {
            TransportStats ts{t.ice, t.dtls, t.address, std::nullopt};
            if (t.lastPacketUs > 0) ts.msSinceLastPacket = std::max<int64_t>(nowUs - t.lastPacketUs, 0) / 1000;
            p.transports.push_back(std::move(ts));
        }
        out.push_back(std::move(p));
    }
    // A snapshot too soon after the previous keeps the previous as the base of the next interval.
    if (it == previous_.end() || before) {
        if (it == previous_.end() && previous_.size() >= kMaxRequesters) {
            auto oldest = std::min_element(previous_.begin(), previous_.end(),
                                           [](const auto& a, const auto& b) {
                                               return a.second.atUs < b.second.atUs;
                                           });
            previous_.erase(oldest);
        }
        previous_[requester] = std::move(next);
    }
    return out;
}

}  // namespace vcb::rooms
