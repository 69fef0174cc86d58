#include "rooms/policy/ActiveSpeaker.hpp"

#include <algorithm>

namespace vcb::rooms::policy {
namespace {
constexpr double kSilence = -127.0;
}

void ActiveSpeaker::level(const std::string& session, double dBov, TimePoint now) {
    auto& q = samples_[session];
    q.push_back({now, std::clamp(dBov, kSilence, 0.0)});
    while (!q.empty() && q.front().at < now - config_.window) q.pop_front();
}

void ActiveSpeaker::forget(const std::string& session) {
    samples_.erase(session);
    if (current_ == session) current_.reset();
    if (challenger_ == session) challenger_.reset();
}

double ActiveSpeaker::loudness(const std::string& session, TimePoint now) const {
    auto it = samples_.find(session);
    if (it == samples_.end() || it->second.empty()) return kSilence;
    if (it->second.back().at < now - config_.stale) return kSilence;
    double sum = 0;
    int n = 0;
    for (const Sample& s : it->second) {
        if (s.at >= now - config_.window && s.at <= now) {
            sum += s.dBov;
            ++n;
        }
    }
    return n == 0 ? kSilence : sum / n;
}

bool ActiveSpeaker::update(const std::set<std::string>& allowed, TimePoint now) {
    bool changed = false;
    if (current_ && allowed.count(*current_) == 0) {
        current_.reset();
        changed = true;
    }
    std::optional<std::string> best;
    double bestLevel = config_.thresholdDbov;
    for (const std::string& s : allowed) {
        double l = loudness(s, now);
        if (l >= bestLevel && (!best || l > bestLevel)) {
            best = s;
            bestLevel = l;
        }
    }
    if (!current_) {
        challenger_.reset();
        if (best) {
            current_ = best;
            changed = true;
        }
        return changed;
    }
    if (!best || best == current_ || bestLevel < loudness(*current_, now) + config_.marginDb) {
        challenger_.reset();
        return changed;
    }
    if (challenger_ != best) {
        challenger_ = best;
        challengerSince_ = now;
        return changed;
    }
    if (now - challengerSince_ >= config_.hold) {
        current_ = best;
        challenger_.reset();
        changed = true;
    }
    return changed;
}

}  // namespace vcb::rooms::policy
