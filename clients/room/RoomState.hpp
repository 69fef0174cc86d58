#pragma once
// The hall endpoint's state machine, as plain logic: no sockets, threads or clock — every call is
// given `now`. The endpoint feeds it what happens (connecting, joined, meetingState, a lost
// connection, sessionClosed, a refused join) and asks it when to connect next and what to show.
//
// Reconnecting: exponential backoff with jitter between backoffMin and backoffMax (each delay
// drawn uniformly in [d/2, d], d doubling from backoffMin), reset once a session has been in the
// meeting for 10 s. Refusals that retrying cannot fix soon (not_invited, removed, wrong_state,
// meeting_ended, unauthorized, forbidden) wait backoffMax × 4 between tries.
//
// sessionClosed{replaced}: another session with the same identity (the hall's token) joined. To
// never fight it (two boxes with one token would replace each other forever), the endpoint stays
// out for replacedHoldoff (default 10 min, doubling on each consecutive replacement, at most
// 6 h) and shows that another device is connected; a token change or a local reload request ends
// the hold-off at once (the operator fixed something).
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "clients/room/Messages.hpp"

namespace vcb::room {

enum class Phase {
    Starting,
    Connecting,
    WaitingForChair,  // joined, meeting open (lobby)
    InSession,
    HandRaised,
    Floor,  // heard: the unit holds the floor (or the chair unmuted it)
    Muted,  // the unit holds the floor but the chair muted the hall
    Ended,  // the meeting ended
    Reconnecting,
    Replaced,  // holding off after sessionClosed{replaced}
    Refused,   // the last join was refused (reason kept)
};

std::string_view phaseName(Phase phase);

// What the state machine needs of a meetingState message.
struct MeetingView {
    std::string state;  // open, in_session, ended, scheduled
    std::optional<std::string> floor;
    std::vector<std::string> queueUnits;
    std::vector<std::string> speakers;
    std::optional<std::int64_t> floorEndsAtMs;  // system clock, ms since the epoch
    std::optional<std::string> programmeParticipant;
};

class Backoff {
  public:
    Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint32_t seed);
    std::chrono::milliseconds next();  // the next delay (grows until max, jittered)
    void reset();
    int attempts() const { return attempts_; }

  private:
    std::chrono::milliseconds min_, max_;
    int attempts_ = 0;
    std::mt19937 rng_;
};

struct RoomStateOptions {
    std::chrono::milliseconds backoffMin{500};
    std::chrono::milliseconds backoffMax{8000};
    std::chrono::seconds replacedHoldoff{600};
    std::uint32_t seed = 1;
};

class RoomState {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RoomState(RoomStateOptions options);

    void setUnit(std::string unit) { unit_ = std::move(unit); }
    const std::string& unit() const { return unit_; }

    // May the endpoint start connecting now?
    bool shouldConnect(Clock::time_point now) const;
    Clock::time_point nextAttempt() const { return nextAttempt_; }

    void connecting(Clock::time_point now);
    void joined(Clock::time_point now, std::string participantId);
    void meetingState(const MeetingView& view, Clock::time_point now);
    // The connection (WebSocket or media) was lost or could not be made.
    void lost(Clock::time_point now, std::string why);
    // The join was refused with a server error code.
    void refused(Clock::time_point now, std::string code);
    // sessionClosed from the server: replaced, removed or meeting_ended.
    void sessionClosed(Clock::time_point now, const std::string& reason);
    // A new token, or a local reload request: try again at once, whatever the hold-off.
    void retryNow(Clock::time_point now);
    // Called regularly: resets the backoff once the session has lasted.
    void tick(Clock::time_point now);

    Phase phase() const { return phase_; }
    bool inMeeting() const;  // joined and not lost since
    const std::string& participantId() const { return participantId_; }
    const std::string& lastProblem() const { return lastProblem_; }
    int reconnects() const { return reconnects_; }
    const MeetingView& meeting() const { return meeting_; }

    // The overlay text for this moment (steady now for countdowns, system time for the floor's
    // end which the server gives in wall-clock ms).
    std::string overlay(Clock::time_point now, std::int64_t systemNowMs) const;

  private:
    Phase meetingPhase() const;

    RoomStateOptions options_;
    Backoff backoff_;
    Phase phase_ = Phase::Starting;
    std::string unit_;
    std::string participantId_;
    std::string lastProblem_;
    MeetingView meeting_;
    Clock::time_point nextAttempt_{};
    Clock::time_point joinedAt_{};
    bool backoffResetDone_ = false;
    int reconnects_ = 0;
    int replacedInARow_ = 0;
    bool everJoined_ = false;
};

}  // namespace vcb::room
