// LiveMeeting's statistics subscriptions (the technician panel's pushes): one worker timer per
// subscribed viewer. The snapshot itself is LiveMeeting::stats.
#include <chrono>

#include "rooms/LinkMetrics.hpp"
#include "rooms/LiveMeeting.hpp"
#include "sfu/core/Clock.hpp"

namespace vcb::rooms {

namespace {
int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
// The pushes have their own sampler interval, apart from the same viewer's getStats.
std::string pushRequester(const std::string& viewer) { return "push:" + viewer; }
}  // namespace

RoomError LiveMeeting::subscribeStats(const std::string& viewer, uint32_t intervalMs,
                                      std::function<void(const MeetingStats&)> push,
                                      MeetingStats& first) {
    const RoomError e =
        stats(pushRequester(viewer), viewer, sfu::monotonicUs(), wallClockMs(), first);
    if (e != RoomError::None) return e;
    unsubscribeStats(viewer);
    StatsSubscription& sub = statsSubscriptions_[viewer];
    LinkMetrics::instance().statsSubscriptions.fetch_add(1, std::memory_order_relaxed);
    sub.push = std::move(push);
    sub.timer = worker_.addTimer(intervalMs, [this, viewer] { return pushStats(viewer); });
    return RoomError::None;
}

void LiveMeeting::unsubscribeStats(const std::string& viewer) {
    auto it = statsSubscriptions_.find(viewer);
    if (it == statsSubscriptions_.end()) return;
    worker_.removeTimer(it->second.timer);
    statsSubscriptions_.erase(it);
    LinkMetrics::instance().statsSubscriptions.fetch_sub(1, std::memory_order_relaxed);
}

bool LiveMeeting::pushStats(const std::string& viewer) {
    auto it = statsSubscriptions_.find(viewer);
    if (it == statsSubscriptions_.end()) return false;
    MeetingStats out;
    if (stats(pushRequester(viewer), viewer, sfu::monotonicUs(), wallClockMs(), out) !=
        RoomError::None) {
        statsSubscriptions_.erase(it);  // gone or no longer allowed; the timer ends with false
        LinkMetrics::instance().statsSubscriptions.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    it->second.push(out);
    return true;
}

void LiveMeeting::startLinkMetrics() {
    if (linkMetricsTimer_ != 0) return;
    linkMetricsTimer_ =
        worker_.addTimer(LinkMetrics::kPublishIntervalMs, [this] { return publishLinkMetrics(); });
}

bool LiveMeeting::publishLinkMetrics() {
    MeetingStats out;
    if (stats("metrics", "", sfu::monotonicUs(), wallClockMs(), out) != RoomError::None) {
        linkMetricsTimer_ = 0;  // closed: the timer ends with false
        return false;
    }
    LinkMetrics::instance().publish(id_, out.participants);
    return true;
}

void LiveMeeting::forgetStatsOf(const std::string& pid) {
    unsubscribeStats(pid);
    LinkMetrics::instance().removeParticipant(id_, pid);
}

void LiveMeeting::stopStatsSubscriptions() {
    for (auto& [viewer, sub] : statsSubscriptions_) worker_.removeTimer(sub.timer);
    LinkMetrics::instance().statsSubscriptions.fetch_sub(
        static_cast<int64_t>(statsSubscriptions_.size()), std::memory_order_relaxed);
    statsSubscriptions_.clear();
    if (linkMetricsTimer_ != 0) worker_.removeTimer(linkMetricsTimer_);
    linkMetricsTimer_ = 0;
    LinkMetrics::instance().removeMeeting(id_);
}

}  // namespace vcb::rooms
