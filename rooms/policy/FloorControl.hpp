#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rooms/policy/EventLog.hpp"
#include "rooms/policy/Identity.hpp"

namespace vcb::rooms::policy {

// Who may be heard and seen, by unit: the hand queue, the floor, discussion unmutes, mutes and
// the spotlight. Pure mechanics: MeetingPolicy checks roles and presence before calling, and turns
// this state into MediaPermissions. Every change returns its events (not yet logged).
class FloorControl {
  public:
    struct Hand {
        MeetingUnit unit;
        std::string subject;  // who raised it
        TimePoint raisedAt;
    };
    struct Holder {
        std::string unit;
        std::string subject;  // who asked for it (its video is preferred as programme)
        TimePoint grantedAt;
    };

    Outcome raiseHand(const MeetingUnit& unit, const std::string& subject, TimePoint now);
    // Lowers the unit's queued hand, or gives back the floor if the unit holds it.
    Outcome lowerHand(const std::string& unit, const std::string& subject, TimePoint now);
    // Gives the floor to a queued unit (taking it from the previous holder) and makes the unit's
    // video the programme (clears the spotlight).
    Outcome grant(const std::string& unit, const std::string& by, TimePoint now);
    Outcome deny(const std::string& unit, const std::string& by, TimePoint now);
    Outcome revoke(const std::string& by, TimePoint now, const char* reason = "revoked");

    // Discussion: the unit is heard without holding the floor (and its muted sessions unmuted).
    Outcome unmuteUnit(const std::string& unit, const std::string& by, TimePoint now);
    // Ends the unit's discussion unmute (the floor, if it holds it, is kept: revoke for that).
    Outcome muteUnit(const std::string& unit, const std::string& by, TimePoint now);
    // Mutes one session (its unit's floor or discussion stays for the unit's other sessions).
    Outcome muteSession(const std::string& session, const std::string& unit,
                        const std::string& subject, const std::string& by, TimePoint now);
    // Only the chair is heard afterwards: the floor returns, discussions end, the queue stays.
    Outcome muteAll(const std::string& by, TimePoint now);
    // The unit's video as programme without audio; nullopt clears the spotlight.
    Outcome spotlight(const std::optional<std::string>& unit, const std::string& by, TimePoint now);

    // Per-speaker time limit, applied from the next grant; nullopt = unlimited. A "floor_warning"
    // event comes `warningBefore` ahead of the revocation.
    void setTimeLimit(std::optional<std::chrono::milliseconds> limit,
                      std::chrono::milliseconds warningBefore);
    Outcome tick(TimePoint now);

    // The unit's last session left (or was removed): its hand, floor, discussion and spotlight go.
    Outcome unitGone(const std::string& unit, TimePoint now);
    // A session left: forget its mute.
    void sessionGone(const std::string& session) { muted_.erase(session); }
    // The meeting ended: everything returns, without events.
    void clear();

    const std::vector<Hand>& queue() const { return queue_; }
    const std::optional<Holder>& holder() const { return holder_; }
    const std::set<std::string>& discussion() const { return discussion_; }
    const std::optional<std::string>& spotlighted() const { return spotlight_; }
    bool isMuted(const std::string& session) const { return muted_.count(session) != 0; }
    bool handRaised(const std::string& unit) const;
    std::optional<std::chrono::milliseconds> timeLimit() const { return limit_; }
    // When the current holder's floor ends by its time limit; nullopt: no holder or no limit.
    std::optional<TimePoint> holderEndsAt() const {
        if (!holder_ || !holderLimit_) return std::nullopt;
        return holder_->grantedAt + *holderLimit_;
    }
    // The unit whose video is the programme by floor rules: spotlight, else the floor holder.
    std::optional<std::string> programmeUnit() const;

  private:
    Outcome endFloor(TimePoint now, const std::string& by, const char* reason);

    std::vector<Hand> queue_;  // in order of raising
    std::optional<Holder> holder_;
    std::set<std::string> discussion_;
    std::map<std::string, std::string> muted_;  // session -> unit
    std::optional<std::string> spotlight_;
    std::optional<std::chrono::milliseconds> limit_;
    std::chrono::milliseconds warningBefore_{0};
    std::optional<std::chrono::milliseconds> holderLimit_;  // the limit of the current grant
    bool warned_ = false;
};

}  // namespace vcb::rooms::policy
