#pragma once
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "rooms/policy/Identity.hpp"

namespace vcb::rooms::policy {

struct ActiveSpeakerConfig {
    double thresholdDbov = -50.0;  // quieter than this is not speaking
    double marginDb = 6.0;         // a challenger must be this much louder than the speaker...
    std::chrono::milliseconds hold{800};    // ...for this long before it takes over
    std::chrono::milliseconds window{500};  // levels are averaged over this window
    std::chrono::milliseconds stale{200};   // no sample for this long: silent (DTX, packet loss)
};

// The active speaker among those allowed to speak, from audio levels (RFC 6464 dBov: 0 is the
// loudest, -127 silence) with hysteresis: the first speaker above the threshold becomes active at
// once; a louder one takes over only after `hold`; a speaker who falls silent stays active until
// someone else speaks (or is no longer allowed to be heard).
class ActiveSpeaker {
  public:
    explicit ActiveSpeaker(ActiveSpeakerConfig config = {}) : config_(config) {}

    void level(const std::string& session, double dBov, TimePoint now);
    void forget(const std::string& session);
    // Re-evaluates among `allowed` (the audible sessions); true if the active speaker changed.
    bool update(const std::set<std::string>& allowed, TimePoint now);
    const std::optional<std::string>& current() const { return current_; }
    // Mean level over the window ending at `now`; -127 if the last sample is older than `stale`.
    double loudness(const std::string& session, TimePoint now) const;

  private:
    struct Sample {
        TimePoint at;
        double dBov;
    };
    ActiveSpeakerConfig config_;
    std::map<std::string, std::deque<Sample>> samples_;
    std::optional<std::string> current_;
    std::optional<std::string> challenger_;
    TimePoint challengerSince_;
};

}  // namespace vcb::rooms::policy
