#pragma once
// The technician's most important figures as Prometheus gauges with meeting and unit labels
// (issue 12): each live meeting's worker publishes its participants' figures here every
// kPublishIntervalMs (from LiveMeeting's statistics snapshot, never from the packet path), and
// /metrics renders them. Bounded: at most kMaxParticipants labelled participants in the whole
// process (beyond that new ones are left out and counted); a participant's series go when it
// leaves, a meeting's when it closes. Thread-safe (one mutex; taken by a worker once per meeting
// per interval and by a /metrics scrape).
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rooms/MeetingStats.hpp"

namespace vcb::rooms {

class LinkMetrics {
  public:
    static constexpr size_t kMaxParticipants = 1000;  // ≈ 8 series each
    static constexpr uint32_t kPublishIntervalMs = 5000;

    static LinkMetrics& instance();

    // Replaces the meeting's participants with `participants` (those beyond the cap left out).
    void publish(const std::string& meeting, const std::vector<ParticipantStats>& participants);
    void removeParticipant(const std::string& meeting, const std::string& participantId);
    void removeMeeting(const std::string& meeting);
    size_t participantCount() const;
    // Prometheus text format; label values escaped (\\, \", \n).
    std::string toPrometheus() const;
    static std::string escapeLabel(const std::string& value);
    // Live statistics subscriptions (subscribeStats) in the process: vcb_stats_subscriptions.
    std::atomic<int64_t> statsSubscriptions{0};

  private:
    struct Entry {
        std::string unit;
        std::string role;
        std::optional<double> audioLoss, videoLoss;      // ratio 0..1, publish
        std::optional<double> audioJitter, videoJitter;  // seconds, publish
        std::optional<double> publishBps, subscribeBps;
        std::optional<double> rtt;                       // seconds
        std::optional<double> subscribeLoss;             // ratio, from RRs
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, Entry> entries_;  // (meeting, participant)
    uint64_t dropped_ = 0;  // participants left out for the cap (times)
};

}  // namespace vcb::rooms
