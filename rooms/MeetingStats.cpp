#include "rooms/MeetingStats.hpp"

#include <algorithm>

namespace vcb::rooms {

namespace {

StreamStats streamStats(const StreamCounters& now, const StreamCounters* before, double seconds,
                        bool video) {
    StreamStats s;
    s.packetsLost = std::max<int64_t>(now.lost, 0);
    if (video && now.width != 0 && now.height != 0) {
        s.width = now.width;
        s.height = now.height;
    }
    if (before && seconds > 0 && before->producerId == now.producerId &&
        now.bytes >= before->bytes && now.packets >= before->packets) {
        s.kbps = static_cast<double>(now.bytes - before->bytes) * 8.0 / 1000.0 / seconds;
        const int64_t received = static_cast<int64_t>(now.packets - before->packets);
        const int64_t lost = std::max<int64_t>(now.lost - before->lost, 0);
        s.lossPercent = received + lost == 0 ? 0.0 : 100.0 * lost / (received + lost);
        if (video) s.fps = static_cast<double>(now.frames - before->frames) / seconds;
    }
    return s;
}

}  // namespace

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
            return streamStats(*now, prior, seconds, video);
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
