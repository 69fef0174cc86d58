#include "clients/room/RoomState.hpp"

#include <algorithm>

namespace vcb::room {
namespace {

constexpr auto kStableSession = std::chrono::seconds(10);
constexpr auto kMaxHoldoff = std::chrono::hours(6);

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string_view phaseName(Phase phase) {
    switch (phase) {
        case Phase::Starting:
            return "starting";
        case Phase::Connecting:
            return "connecting";
        case Phase::WaitingForChair:
            return "waiting_for_chair";
        case Phase::InSession:
            return "in_session";
        case Phase::HandRaised:
            return "hand_raised";
        case Phase::Floor:
            return "floor";
        case Phase::Muted:
            return "muted";
        case Phase::Ended:
            return "ended";
        case Phase::Reconnecting:
            return "reconnecting";
        case Phase::Replaced:
            return "replaced";
        case Phase::Refused:
            return "refused";
    }
    return "unknown";
}

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint32_t seed)
    : min_(min), max_(std::max(min, max)), rng_(seed) {}

std::chrono::milliseconds Backoff::next() {
    long long d = min_.count();
    for (int i = 0; i < attempts_ && d < max_.count(); ++i) d *= 2;
    d = std::min<long long>(d, max_.count());
    ++attempts_;
    std::uniform_int_distribution<long long> jitter(d / 2, d);
    return std::chrono::milliseconds(jitter(rng_));
}

void Backoff::reset() { attempts_ = 0; }

RoomState::RoomState(RoomStateOptions options)
    : options_(options), backoff_(options.backoffMin, options.backoffMax, options.seed) {}

bool RoomState::shouldConnect(Clock::time_point now) const {
    switch (phase_) {
        case Phase::Starting:
            return true;
        case Phase::Reconnecting:
        case Phase::Replaced:
        case Phase::Refused:
        case Phase::Ended:
            return now >= nextAttempt_;
        default:
            return false;  // connecting or in the meeting
    }
}

void RoomState::connecting(Clock::time_point) {
    if (everJoined_) ++reconnects_;
    phase_ = Phase::Connecting;
    participantId_.clear();
    meeting_ = {};
}

void RoomState::joined(Clock::time_point now, std::string participantId) {
    participantId_ = std::move(participantId);
    joinedAt_ = now;
    backoffResetDone_ = false;
    everJoined_ = true;
    lastProblem_.clear();
    phase_ = Phase::WaitingForChair;
}

void RoomState::meetingState(const MeetingView& view, Clock::time_point) {
    meeting_ = view;
    if (inMeeting()) phase_ = meetingPhase();
}

Phase RoomState::meetingPhase() const {
    if (meeting_.state == "ended") return Phase::Ended;
    if (meeting_.state != "in_session") return Phase::WaitingForChair;
    const bool heard = !participantId_.empty() && contains(meeting_.speakers, participantId_);
    const bool holdsFloor = meeting_.floor && !unit_.empty() && *meeting_.floor == unit_;
    if (holdsFloor) return heard ? Phase::Floor : Phase::Muted;
    if (heard) return Phase::Floor;  // a discussion: the chair unmuted the unit
    if (!unit_.empty() && contains(meeting_.queueUnits, unit_)) return Phase::HandRaised;
    return Phase::InSession;
}

bool RoomState::inMeeting() const {
    switch (phase_) {
        case Phase::WaitingForChair:
        case Phase::InSession:
        case Phase::HandRaised:
        case Phase::Floor:
        case Phase::Muted:
            return true;
        default:
            return false;
    }
}

void RoomState::lost(Clock::time_point now, std::string why) {
    lastProblem_ = std::move(why);
    if (phase_ == Phase::Replaced || phase_ == Phase::Refused || phase_ == Phase::Ended) {
        return;  // already waiting for a reason of its own
    }
    phase_ = Phase::Reconnecting;
    nextAttempt_ = now + backoff_.next();
}

void RoomState::refused(Clock::time_point now, std::string code) {
    static const std::vector<std::string> kSlow{
        "not_invited", "removed",           "wrong_state",    "unauthorized",
        "forbidden",   "meeting_not_found", "meeting_locked", "room_endpoint_taken"};
    lastProblem_ = code;
    if (contains(kSlow, code)) {
        phase_ = Phase::Refused;
        nextAttempt_ = now + options_.backoffMax * 4;
    } else {
        phase_ = Phase::Reconnecting;  // rate_limited, server_shutdown, meeting_full, ...
        nextAttempt_ = now + backoff_.next();
    }
}

void RoomState::sessionClosed(Clock::time_point now, const std::string& reason) {
    lastProblem_ = "sessionClosed: " + reason;
    if (reason == "replaced") {
        auto holdoff = std::chrono::duration_cast<std::chrono::seconds>(options_.replacedHoldoff);
        for (int i = 0; i < replacedInARow_ && holdoff < kMaxHoldoff; ++i) holdoff *= 2;
        holdoff = std::min<std::chrono::seconds>(holdoff, kMaxHoldoff);
        ++replacedInARow_;
        phase_ = Phase::Replaced;
        nextAttempt_ = now + holdoff;
    } else if (reason == "meeting_ended") {
        phase_ = Phase::Ended;
        nextAttempt_ = now + options_.backoffMax * 4;
    } else {
        phase_ = Phase::Refused;
        nextAttempt_ = now + options_.backoffMax * 4;
    }
}

void RoomState::retryNow(Clock::time_point now) {
    backoff_.reset();
    replacedInARow_ = 0;
    if (!inMeeting() && phase_ != Phase::Connecting) {
        if (phase_ != Phase::Starting) phase_ = Phase::Reconnecting;
        nextAttempt_ = now;
    }
}

void RoomState::tick(Clock::time_point now) {
    if (inMeeting() && !backoffResetDone_ && now - joinedAt_ >= kStableSession) {
        backoff_.reset();
        backoffResetDone_ = true;
        if (now - joinedAt_ >= options_.replacedHoldoff) replacedInARow_ = 0;
    }
    if (inMeeting() && now - joinedAt_ >= options_.replacedHoldoff) replacedInARow_ = 0;
}

std::string RoomState::overlay(Clock::time_point now, std::int64_t systemNowMs) const {
    switch (phase_) {
        case Phase::Starting:
            return message(MessageId::Starting);
        case Phase::Connecting:
            return message(MessageId::Connecting);
        case Phase::WaitingForChair:
            return message(MessageId::WaitingForChair);
        case Phase::InSession:
            return message(MessageId::InSession);
        case Phase::HandRaised:
            return message(MessageId::HandRaised);
        case Phase::Floor:
            if (meeting_.floorEndsAtMs && meeting_.floor && *meeting_.floor == unit_) {
                const long long left = (*meeting_.floorEndsAtMs - systemNowMs + 999) / 1000;
                return message(MessageId::FloorTimeLeft, minutesSeconds(left));
            }
            return message(MessageId::Floor);
        case Phase::Muted:
            return message(MessageId::Muted);
        case Phase::Ended:
            return message(MessageId::Ended);
        case Phase::Reconnecting:
            return retryingMessage(lastProblem_, nextAttempt_ - now);
        case Phase::Replaced:
            return message(MessageId::Replaced);
        case Phase::Refused:
            return message(MessageId::Refused, {}, {}, lastProblem_);
    }
    return {};
}

}  // namespace vcb::room
