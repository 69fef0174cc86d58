#pragma once
// A hall with no `meeting` configured joins the meeting its unit is invited to next: it asks the
// server (GET /api/next-meeting with its "*" room token) and MeetingFinder, plain logic given
// `now` like RoomState, says when to ask, which meeting to join and what the TV shows meanwhile.
//
//  * joinable (the server says so: open, in session, or scheduled with its lobby due): join it
//    (joinable()); no more asking until it is gone.
//  * not yet: show "Cuộc họp tiếp theo: <title> — <HH:MM>" and ask again every kPollEvery, and
//    when it becomes joinable (the server's joinable_from).
//  * 404 no_meeting: show "Chưa có cuộc họp" and ask again every kPollEvery.
//  * the server unreachable or refusing: ask again after kRetryAfterFailure (kPollEvery for
//    401/403, which only a new token fixes).
//  * meetingGone(): the joined meeting ended (or the server refuses it as ended or unknown): ask
//    at once for the next one. The server's answer may still name it for a moment (its record is
//    written after the end): then it is not joined and the finder asks again after
//    kRetryAfterFailure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace vcb::room {

// A meeting as GET /api/next-meeting answers it.
struct NextMeeting {
    std::string id;
    std::string title;
    std::string state;  // scheduled, open, in_session
    std::int64_t scheduledStartMs = 0;
    std::string conveningUnit;
    // The server says whether the unit may join now (open, in session, or its lobby opens on a
    // join: scheduled start - lobby_opens_before_seconds has come), and from when.
    bool joinable = false;
    std::int64_t joinableFromMs = 0;
};

struct LookupAnswer {
    enum class Kind { Meeting, NoMeeting, Failed };
    Kind kind = Kind::Failed;
    NextMeeting meeting;  // Kind::Meeting
    int status = 0;       // the HTTP status; 0 when the request failed
    std::string problem;  // Kind::Failed: the problem's code or the transport error
};

// The answer of GET /api/next-meeting: its status (0 = no answer, `transportError` says why)
// and body.
LookupAnswer parseLookupAnswer(int status, const std::string& body,
                               const std::string& transportError = {});

// http(s)://host:port/api/next-meeting from the `server` ws(s)://host:port/... address; nullopt
// for another scheme.
std::optional<std::string> nextMeetingUrl(const std::string& server);

// "HH:MM" of `ms` at `utcOffsetSeconds` from UTC, with " ngày DD/MM" when that is not the local
// day of `nowMs`.
std::string localStartText(std::int64_t ms, std::int64_t nowMs, long utcOffsetSeconds);

class MeetingFinder {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kPollEvery{30};
    static constexpr std::chrono::seconds kRetryAfterFailure{5};
    // For this long after it ended, the meeting that ended is not joined again (the server's
    // record of the end may come a moment after the hall learnt it).
    static constexpr std::chrono::minutes kGoneHoldoff{2};

    bool lookupDue(Clock::time_point now) const { return !joinable_ && now >= nextLookup_; }
    Clock::time_point nextLookup() const { return nextLookup_; }
    // What the server answered at `now` (`systemNowMs`: the wall clock, for the scheduled start).
    void answer(const LookupAnswer& answer, Clock::time_point now, std::int64_t systemNowMs);
    // The joined meeting ended or is refused as ended/unknown: ask for the next one now.
    void meetingGone(Clock::time_point now);

    // The meeting to join now (open or in session), if any.
    std::optional<NextMeeting> joinable() const {
        return joinable_ ? meeting_ : std::optional<NextMeeting>();
    }
    // The meeting last answered (joinable or awaited), if any.
    const std::optional<NextMeeting>& meeting() const { return meeting_; }
    // "not_asked", "joining", "scheduled", "no_meeting", "ended", or "failed: <problem>".
    std::string lookupState() const;

    // The TV's text while not joinable.
    std::string overlay(Clock::time_point now, std::int64_t systemNowMs,
                        long utcOffsetSeconds) const;

  private:
    std::optional<NextMeeting> meeting_;
    bool joinable_ = false;
    std::string gone_;  // the id of the meeting that ended last
    Clock::time_point goneAt_{};
    std::optional<LookupAnswer::Kind> last_;
    std::string problem_;
    bool waitingForEnd_ = false;  // the server still named the meeting that ended
    Clock::time_point nextLookup_{};
};

}  // namespace vcb::room
