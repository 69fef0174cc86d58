#include "rooms/policy/FloorControl.hpp"

#include <algorithm>

namespace vcb::rooms::policy {

bool FloorControl::handRaised(const std::string& unit) const {
    return std::any_of(queue_.begin(), queue_.end(),
                       [&](const Hand& h) { return h.unit.id == unit; });
}

std::optional<std::string> FloorControl::programmeUnit() const {
    if (spotlight_) return spotlight_;
    if (holder_) return holder_->unit;
    return std::nullopt;
}

Outcome FloorControl::raiseHand(const MeetingUnit& unit, const std::string& subject,
                                TimePoint now) {
    if (handRaised(unit.id) || (holder_ && holder_->unit == unit.id)) {
        return Outcome::failure(PolicyError::HandAlreadyRaised);
    }
    queue_.push_back({unit, subject, now});
    Outcome o;
    o.events.push_back(makeEvent(now, "hand_raised", unit.id, subject,
                                 {{"position", std::to_string(queue_.size())}}));
    return o;
}

Outcome FloorControl::lowerHand(const std::string& unit, const std::string& subject,
                                TimePoint now) {
    if (holder_ && holder_->unit == unit) return endFloor(now, subject, "lowered");
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Hand& h) { return h.unit.id == unit; });
    if (it == queue_.end()) return Outcome::failure(PolicyError::HandNotRaised);
    queue_.erase(it);
    Outcome o;
    o.events.push_back(makeEvent(now, "hand_lowered", unit, subject));
    return o;
}

Outcome FloorControl::endFloor(TimePoint now, const std::string& by, const char* reason) {
    Outcome o;
    if (!holder_) return o;
    o.events.push_back(makeEvent(now, "floor_revoked", holder_->unit, holder_->subject,
                                 {{"reason", reason}, {"by", by}}));
    holder_.reset();
    holderLimit_.reset();
    warned_ = false;
    o.mediaChanged = true;
    return o;
}

Outcome FloorControl::grant(const std::string& unit, const std::string& by, TimePoint now) {
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Hand& h) { return h.unit.id == unit; });
    if (it == queue_.end()) return Outcome::failure(PolicyError::HandNotRaised);
    Hand hand = *it;
    queue_.erase(it);
    Outcome o = endFloor(now, by, "granted_to_other");
    holder_ = Holder{unit, hand.subject, now};
    holderLimit_ = limit_;
    warned_ = false;
    discussion_.erase(unit);
    for (auto m = muted_.begin(); m != muted_.end();) {
        m = m->second == unit ? muted_.erase(m) : std::next(m);
    }
    spotlight_.reset();
    EventDetail detail{{"by", by}};
    if (holderLimit_) detail.emplace_back("limit_ms", std::to_string(holderLimit_->count()));
    o.events.push_back(makeEvent(now, "floor_granted", unit, hand.subject, std::move(detail)));
    o.mediaChanged = true;
    return o;
}

Outcome FloorControl::deny(const std::string& unit, const std::string& by, TimePoint now) {
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Hand& h) { return h.unit.id == unit; });
    if (it == queue_.end()) return Outcome::failure(PolicyError::HandNotRaised);
    std::string subject = it->subject;
    queue_.erase(it);
    Outcome o;
    o.events.push_back(makeEvent(now, "floor_denied", unit, subject, {{"by", by}}));
    return o;
}

Outcome FloorControl::revoke(const std::string& by, TimePoint now, const char* reason) {
    if (!holder_) return Outcome::failure(PolicyError::NoFloor);
    return endFloor(now, by, reason);
}

Outcome FloorControl::unmuteUnit(const std::string& unit, const std::string& by, TimePoint now) {
    Outcome o;
    bool changed = false;
    for (auto m = muted_.begin(); m != muted_.end();) {
        if (m->second == unit) {
            m = muted_.erase(m);
            changed = true;
        } else {
            ++m;
        }
    }
    bool holds = holder_ && holder_->unit == unit;
    if (!holds) changed = discussion_.insert(unit).second || changed;
    if (changed) {
        o.events.push_back(makeEvent(now, "unit_unmuted", unit, {}, {{"by", by}}));
        o.mediaChanged = true;
    }
    return o;
}

Outcome FloorControl::muteUnit(const std::string& unit, const std::string& by, TimePoint now) {
    Outcome o;
    if (discussion_.erase(unit) != 0) {
        o.events.push_back(makeEvent(now, "unit_muted", unit, {}, {{"by", by}}));
        o.mediaChanged = true;
    }
    return o;
}

Outcome FloorControl::muteSession(const std::string& session, const std::string& unit,
                                  const std::string& subject, const std::string& by,
                                  TimePoint now) {
    Outcome o;
    if (muted_.emplace(session, unit).second) {
        o.events.push_back(
            makeEvent(now, "participant_muted", unit, subject, {{"session", session}, {"by", by}}));
        o.mediaChanged = true;
    }
    return o;
}

Outcome FloorControl::muteAll(const std::string& by, TimePoint now) {
    Outcome o = endFloor(now, by, "mute_all");
    discussion_.clear();
    o.events.push_back(makeEvent(now, "muted_all", {}, {}, {{"by", by}}));
    o.mediaChanged = true;
    return o;
}

Outcome FloorControl::spotlight(const std::optional<std::string>& unit, const std::string& by,
                                TimePoint now) {
    Outcome o;
    if (spotlight_ == unit) return o;
    spotlight_ = unit;
    o.events.push_back(makeEvent(now, unit ? "spotlight_set" : "spotlight_cleared",
                                 unit.value_or(""), {}, {{"by", by}}));
    o.mediaChanged = true;
    return o;
}

void FloorControl::setTimeLimit(std::optional<std::chrono::milliseconds> limit,
                                std::chrono::milliseconds warningBefore) {
    limit_ = limit;
    warningBefore_ = warningBefore;
}

Outcome FloorControl::tick(TimePoint now) {
    Outcome o;
    if (!holder_ || !holderLimit_) return o;
    TimePoint deadline = holder_->grantedAt + *holderLimit_;
    if (now >= deadline) return endFloor(now, "", "time_limit");
    if (!warned_ && now >= deadline - warningBefore_) {
        warned_ = true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        o.events.push_back(makeEvent(now, "floor_warning", holder_->unit, holder_->subject,
                                     {{"remaining_ms", std::to_string(left.count())}}));
    }
    return o;
}

Outcome FloorControl::unitGone(const std::string& unit, TimePoint now) {
    Outcome o;
    if (holder_ && holder_->unit == unit) o.merge(endFloor(now, "", "left"));
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Hand& h) { return h.unit.id == unit; });
    if (it != queue_.end()) {
        o.events.push_back(makeEvent(now, "hand_lowered", unit, it->subject, {{"reason", "left"}}));
        queue_.erase(it);
    }
    if (discussion_.erase(unit) != 0) o.mediaChanged = true;
    if (spotlight_ == unit) {
        spotlight_.reset();
        o.events.push_back(makeEvent(now, "spotlight_cleared", unit, {}, {{"reason", "left"}}));
        o.mediaChanged = true;
    }
    return o;
}

void FloorControl::clear() {
    queue_.clear();
    holder_.reset();
    holderLimit_.reset();
    discussion_.clear();
    muted_.clear();
    spotlight_.reset();
    warned_ = false;
}

}  // namespace vcb::rooms::policy
