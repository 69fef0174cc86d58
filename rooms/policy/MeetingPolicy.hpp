#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/policy/ActiveSpeaker.hpp"
#include "rooms/policy/Attendance.hpp"
#include "rooms/policy/EventLog.hpp"
#include "rooms/policy/FloorControl.hpp"
#include "rooms/policy/Identity.hpp"
#include "rooms/policy/MeetingState.hpp"
#include "rooms/policy/PolicyError.hpp"
#include "rooms/policy/Roles.hpp"
#include "rooms/policy/RollCall.hpp"

namespace vcb::rooms::policy {

// A meeting's record as the store kept it, to carry on after a server restart
// (MeetingPolicy::restore, docs/meetings.md "Records").
struct RestoredRecord {
    MeetingState state = MeetingState::Scheduled;
    bool locked = false;
    std::set<std::string> removed;          // subjects that may not rejoin
    std::vector<AttendanceRow> attendance;  // matched by unit.id; unknown units are ignored
    std::vector<RollCallRecord> rollCalls;  // in id order
    // Chair hand-overs in order, (from, to). Restoring follows the chain from the definition's
    // chair; one that does not start from the chair of that moment (the definition's chair was
    // changed since) is skipped.
    std::vector<std::pair<std::string, std::string>> chairHandOvers;
};

struct MeetingInfo {
    std::string id;
    std::string title;
    MeetingUnit convening;             // the unit that convenes (admitted like an invited unit)
    std::vector<MeetingUnit> invited;  // resolved from the unit tree by the caller
    std::string chairSubject;          // the identity that chairs at the start
    TimePoint scheduledStart;
    // The stored record when the meeting existed before this start of the server (read at
    // start-up), nullopt for a new meeting. MeetingFloor restores the policy from it.
    std::optional<RestoredRecord> restored;
    // record: auto — the server starts recording when the session starts (if it can record).
    bool recordAuto = false;
};

// What the media plane needs, as a value to copy to the meeting's worker.
struct MediaPermissions {
    bool forwarding = false;            // false in the lobby and after the end: forward nothing
    std::map<std::string, bool> audio;  // every connected session -> may its audio be forwarded
    std::optional<std::string> programmeUnit;
    std::optional<std::string> programmeSession;  // whose video is the meeting's programme

    bool audible(const std::string& session) const;
    std::set<std::string> audibleSessions() const;
};

// The government meeting model for one meeting: state machine, admission, roster, chair, and the
// floor, roll calls, attendance, active speaker and minutes through the classes it owns. Plain
// logic: no threads, sockets or media, and `now` is always passed in. Not thread-safe: the caller
// keeps one per meeting on the meeting's thread.
//
// Every privileged call names the acting session and is checked against that session's role on
// every call (Roles.hpp). Every mutating call returns an Outcome: an error with a stable code, or
// the events it appended to the log (to notify clients and persist), the sessions to disconnect,
// and whether snapshot() changed.
//
// Event types: meeting_opened, session_started, meeting_ended, chair_handed_over, meeting_locked,
// meeting_unlocked, joined, left (detail reason: left|removed|ended|replaced), session_replaced,
// participant_removed, hand_raised, hand_lowered, floor_granted, floor_denied, floor_revoked
// (reason: revoked|lowered|time_limit|granted_to_other|mute_all|left|ended), floor_warning,
// time_limit_set, unit_unmuted, unit_muted, participant_muted, muted_all, spotlight_set,
// spotlight_cleared, roll_call_started, roll_call_asked, roll_call_confirmed, roll_call_ended.
class MeetingPolicy {
  public:
    explicit MeetingPolicy(MeetingInfo info, ActiveSpeakerConfig speaker = {});

    // Continues from a stored record, before anyone joined: state (scheduled, open, in session,
    // ended), lock, removed identities, attendance so far (nobody present until someone joins
    // again; a unit coming back counts a reconnect) and roll calls (ids continue). Logs no event.
    // Subjects that attended count as admitted (they may rejoin a locked meeting).
    void restore(const RestoredRecord& record);

    // --- state machine: scheduled -> open (lobby) -> in session -> ended
    Outcome open(TimePoint now);  // by the server, at (or ahead of) the scheduled start
    Outcome startSession(const std::string& actor, TimePoint now);
    Outcome end(const std::string& actor, TimePoint now);  // disconnects everyone
    Outcome handOverChair(const std::string& actor, const std::string& subject, TimePoint now);
    Outcome lock(const std::string& actor, bool locked, TimePoint now);

    // --- admission and roster
    // Admits a session of `identity` (open or in session, invited unit, not removed, not locked
    // out, one hall endpoint per unit). The same subject joining again replaces its old session,
    // which is listed in Outcome::closeSessions.
    Outcome join(const std::string& session, const Identity& identity, TimePoint now);
    Outcome leave(const std::string& session, TimePoint now);
    // The identity cannot rejoin this meeting.
    Outcome remove(const std::string& actor, const std::string& session, TimePoint now);

    // --- floor (the acting session's unit raises and lowers)
    Outcome raiseHand(const std::string& session, TimePoint now);
    Outcome lowerHand(const std::string& session, TimePoint now);
    Outcome grantFloor(const std::string& actor, const std::string& unit, TimePoint now);
    Outcome denyFloor(const std::string& actor, const std::string& unit, TimePoint now);
    Outcome revokeFloor(const std::string& actor, TimePoint now);
    Outcome setSpeakerTimeLimit(const std::string& actor,
                                std::optional<std::chrono::milliseconds> limit,
                                std::chrono::milliseconds warningBefore, TimePoint now);
    Outcome unmuteUnit(const std::string& actor, const std::string& unit, TimePoint now);
    Outcome muteUnit(const std::string& actor, const std::string& unit, TimePoint now);
    Outcome mute(const std::string& actor, const std::string& session, TimePoint now);
    Outcome muteAll(const std::string& actor, TimePoint now);
    Outcome spotlight(const std::string& actor, const std::optional<std::string>& unit,
                      TimePoint now);
    // Time limit warning and expiry; call periodically (e.g. every second).
    Outcome tick(TimePoint now);

    // --- roll call
    Outcome startRollCall(const std::string& actor, TimePoint now);
    Outcome confirmRollCall(const std::string& session, TimePoint now);
    Outcome endRollCall(const std::string& actor, TimePoint now);

    // --- active speaker
    void audioLevel(const std::string& session, double dBov, TimePoint now);
    // Re-evaluates among the audible sessions; true if activeSpeaker() changed.
    bool updateActiveSpeaker(TimePoint now);
    const std::optional<std::string>& activeSpeaker() const { return speaker_.current(); }

    // --- reads
    MediaPermissions snapshot() const;
    // An event of something applied elsewhere (recording_started, recording_stopped,
    // recording_failed, endpoint_restart_requested, endpoint_reload_requested): appended to the
    // log as it is; no state changes.
    Outcome note(Event event) {
        Outcome o;
        o.events.push_back(std::move(event));
        return commit(std::move(o));
    }
    // The role checks, for actions applied elsewhere (statistics, recording, hall endpoints): none, not_joined,
    // not_chair or forbidden_for_role.
    PolicyError authorize(const std::string& session, Action action) const;
    // The role the policy applies: Chair for the chair identity, Delegate for a chair-capable
    // identity that does not hold the chair, else the identity's role.
    Role roleOf(const Identity& identity) const;

    MeetingState state() const { return state_; }
    const MeetingInfo& info() const { return info_; }
    const std::string& chairSubject() const { return chair_; }
    bool locked() const { return locked_; }
    const std::vector<Session>& sessions() const { return sessions_; }  // in join order
    const std::set<std::string>& removedSubjects() const { return removed_; }
    // The meeting as restore() takes it back: state, lock, removals, attendance, roll calls.
    RestoredRecord record(TimePoint now) const;
    const Session* findSession(const std::string& session) const;
    const MeetingUnit* findUnit(const std::string& unit) const;
    const std::vector<MeetingUnit>& units() const { return units_; }  // convening first
    const FloorControl& floor() const { return floor_; }
    const RollCall& rollCalls() const { return rollCall_; }
    std::vector<AttendanceRow> attendance(TimePoint now) const { return attendance_.rows(now); }
    const EventLog& log() const { return log_; }

  private:
    bool active() const {
        return state_ == MeetingState::Open || state_ == MeetingState::InSession;
    }
    // authorize() plus "the meeting is open or in session".
    PolicyError check(const std::string& actor, Action action, bool needActive = true) const;
    const std::string& subjectOf(const std::string& session) const;
    Outcome commit(Outcome o);  // logs its events (assigning seq) and returns it
    Outcome dropSession(size_t index, const char* reason, TimePoint now);
    const Session* videoSource(const std::string& unit, const std::string& preferred) const;
    bool audibleNow(const Session& s) const;

    MeetingInfo info_;
    std::vector<MeetingUnit> units_;
    MeetingState state_ = MeetingState::Scheduled;
    std::string chair_;
    bool locked_ = false;
    std::vector<Session> sessions_;
    std::set<std::string> admitted_;  // subjects ever admitted (they may rejoin a locked meeting)
    std::set<std::string> removed_;
    FloorControl floor_;
    RollCall rollCall_;
    Attendance attendance_;
    ActiveSpeaker speaker_;
    EventLog log_;
};

}  // namespace vcb::rooms::policy
