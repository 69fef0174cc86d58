#include "rooms/LinkMetrics.hpp"

#include <cstdio>

namespace vcb::rooms {

LinkMetrics& LinkMetrics::instance() {
    static LinkMetrics metrics;
    return metrics;
}

void LinkMetrics::publish(const std::string& meeting,
                          const std::vector<ParticipantStats>& participants) {
    std::lock_guard lock(mutex_);
    // The meeting's previous entries go; those still there come back (keeping their place under
    // the cap before any newcomer).
    std::map<std::string, bool> present;
    for (const ParticipantStats& p : participants) present[p.participantId] = true;
    for (auto it = entries_.lower_bound({meeting, ""});
         it != entries_.end() && it->first.first == meeting;) {
        it = present.count(it->first.second) ? std::next(it) : entries_.erase(it);
    }
    const auto ratio = [](const std::optional<double>& percent) -> std::optional<double> {
        if (!percent) return std::nullopt;
        return *percent / 100.0;
    };
    const auto seconds = [](const std::optional<double>& ms) -> std::optional<double> {
        if (!ms) return std::nullopt;
        return *ms / 1000.0;
    };
    for (const ParticipantStats& p : participants) {
        const auto key = std::make_pair(meeting, p.participantId);
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            if (entries_.size() >= kMaxParticipants) {
                ++dropped_;
                continue;
            }
            it = entries_.emplace(key, Entry{}).first;
        }
        Entry& e = it->second;
        e = Entry{};
        e.unit = p.unit;
        e.role = p.role;
        std::optional<double> kbps;
        if (p.audio) {
            e.audioLoss = ratio(p.audio->lossPercent);
            e.audioJitter = seconds(p.audio->jitterMs);
            if (p.audio->kbps) kbps = kbps.value_or(0) + *p.audio->kbps;
        }
        if (p.video) {
            e.videoLoss = ratio(p.video->lossPercent);
            e.videoJitter = seconds(p.video->jitterMs);
            if (p.video->kbps) kbps = kbps.value_or(0) + *p.video->kbps;
        }
        if (kbps) e.publishBps = *kbps * 1000.0;
        if (p.subscribeKbps) e.subscribeBps = *p.subscribeKbps * 1000.0;
        e.rtt = seconds(p.rttMs);
        e.subscribeLoss = ratio(p.subscribeLossPercent);
    }
}

void LinkMetrics::removeParticipant(const std::string& meeting, const std::string& participantId) {
    std::lock_guard lock(mutex_);
    entries_.erase({meeting, participantId});
}

void LinkMetrics::removeMeeting(const std::string& meeting) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.lower_bound({meeting, ""});
         it != entries_.end() && it->first.first == meeting;) {
        it = entries_.erase(it);
    }
}

size_t LinkMetrics::participantCount() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::string LinkMetrics::escapeLabel(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

void number(std::string& out, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    out += buf;
}

}  // namespace

std::string LinkMetrics::toPrometheus() const {
    struct Family {
        const char* name;
        const char* help;
        const char* kind;  // "audio"/"video" label, or nullptr
        std::optional<double> Entry::*field;
    };
    static const Family kFamilies[] = {
        {"vcb_participant_loss_ratio",
         "Uplink loss of a publisher's stream over the last interval (not arriving the first time)",
         "audio", &Entry::audioLoss},
        {"vcb_participant_loss_ratio", nullptr, "video", &Entry::videoLoss},
        {"vcb_participant_jitter_seconds",
         "RFC 3550 interarrival jitter of a publisher's stream as the SFU receives it", "audio",
         &Entry::audioJitter},
        {"vcb_participant_jitter_seconds", nullptr, "video", &Entry::videoJitter},
        {"vcb_participant_publish_bitrate_bps", "Bits per second received from the participant",
         nullptr, &Entry::publishBps},
        {"vcb_participant_subscribe_bitrate_bps", "Bits per second sent to the participant",
         nullptr, &Entry::subscribeBps},
        {"vcb_participant_rtt_seconds",
         "Round-trip time to the participant from its RTCP receiver reports", nullptr, &Entry::rtt},
        {"vcb_participant_subscribe_loss_ratio",
         "Worst RR fraction lost the participant reports about what it receives", nullptr,
         &Entry::subscribeLoss},
    };
    std::lock_guard lock(mutex_);
    std::string out;
    out.reserve(256 + entries_.size() * 8 * 120);
    for (const Family& f : kFamilies) {
        if (f.help) {
            out += "# HELP ";
            out += f.name;
            out += ' ';
            out += f.help;
            out += "\n# TYPE ";
            out += f.name;
            out += " gauge\n";
        }
        for (const auto& [key, e] : entries_) {
            const std::optional<double>& v = e.*(f.field);
            if (!v) continue;
            out += f.name;
            out += "{meeting=\"" + escapeLabel(key.first) + "\",unit=\"" + escapeLabel(e.unit) +
                   "\",role=\"" + escapeLabel(e.role) + "\",participant=\"" +
                   escapeLabel(key.second) + "\"";
            if (f.kind) {
                out += ",kind=\"";
                out += f.kind;
                out += '"';
            }
            out += "} ";
            number(out, *v);
            out += '\n';
        }
    }
    out += "# HELP vcb_participant_series_participants Participants with labelled series (at most " +
           std::to_string(kMaxParticipants) +
           ")\n# TYPE vcb_participant_series_participants gauge\nvcb_participant_series_participants " +
           std::to_string(entries_.size()) + "\n";
    out += "# HELP vcb_participant_series_dropped_total Participant figures left out for the cap\n"
           "# TYPE vcb_participant_series_dropped_total counter\n"
           "vcb_participant_series_dropped_total " +
           std::to_string(dropped_) + "\n";
    out += "# HELP vcb_stats_subscriptions Technician statistics subscriptions (subscribeStats)\n"
           "# TYPE vcb_stats_subscriptions gauge\nvcb_stats_subscriptions " +
           std::to_string(statsSubscriptions.load(std::memory_order_relaxed)) + "\n";
    return out;
}

}  // namespace vcb::rooms
