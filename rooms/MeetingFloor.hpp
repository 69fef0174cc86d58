#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "rooms/FloorView.hpp"
#include "rooms/Participant.hpp"
#include "rooms/policy/MeetingPolicy.hpp"

namespace vcb::rooms {

// The policy of one government meeting as the conference uses it: admission of participants,
// their chair and floor commands, and the view clients are shown. Lives on the meeting's worker
// (not thread-safe); the media side of a change is MediaGate's, the sending is signaling's.
class MeetingFloor {
  public:
    // The lobby opens `lobbyOpensBefore` ahead of info.scheduledStart: at once when that time
    // has come by `now`, else on a later openLobbyIfDue().
    explicit MeetingFloor(policy::MeetingInfo info,
                          std::chrono::milliseconds lobbyOpensBefore = std::chrono::milliseconds(0),
                          policy::TimePoint now = policy::Clock::now());

    // When the lobby opens (joins before are refused with wrong_state).
    policy::TimePoint lobbyOpensAt() const { return lobbyOpensAt_; }
    // Opens the lobby of a scheduled meeting once its time has come; an empty Outcome otherwise.
    policy::Outcome openLobbyIfDue(policy::TimePoint now);
    // Time-based policy (speaker time limit warning and expiry).
    policy::Outcome tick(policy::TimePoint now) { return policy_.tick(now); }
    // Active speaker: levels of the sessions' audio (RFC 6464 dBov), then a re-evaluation; true
    // if the active speaker changed.
    void audioLevel(const std::string& participantId, double dBov, policy::TimePoint now) {
        policy_.audioLevel(participantId, dBov, now);
    }
    bool updateActiveSpeaker(policy::TimePoint now) { return policy_.updateActiveSpeaker(now); }

    // Admits a participant: identity = its subject (in auth: dev without a token, the display
    // name), unit and role.
    policy::Outcome join(const Participant& participant, policy::TimePoint now);
    policy::Outcome leave(const std::string& participantId, policy::TimePoint now);
    policy::Outcome handle(const std::string& actor, const FloorCommand& command,
                           policy::TimePoint now);

    FloorView view(std::vector<policy::Event> events) const;
    policy::MediaPermissions permissions() const { return policy_.snapshot(); }
    const policy::MeetingPolicy& policy() const { return policy_; }
    policy::Outcome note(policy::Event event) { return policy_.note(std::move(event)); }
    // What opening the lobby at construction did (empty when the meeting was restored open, in
    // session or ended), for the meeting's record.
    const policy::Outcome& opened() const { return opened_; }

    // The identity a participant is admitted under.
    static policy::Identity identityOf(const Participant& participant);

  private:
    policy::MeetingPolicy policy_;
    policy::TimePoint lobbyOpensAt_;
    policy::Outcome opened_;
};

}  // namespace vcb::rooms
