#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rooms/policy/EventLog.hpp"
#include "rooms/policy/Identity.hpp"
#include "rooms/policy/PolicyError.hpp"

namespace vcb::rooms {

// A chair or floor command from a participant of a government meeting (docs/protocol.md).
struct FloorCommand {
    enum class Type {
        StartSession,
        EndMeeting,
        RaiseHand,
        LowerHand,
        GrantFloor,
        DenyFloor,
        RevokeFloor,
        Mute,
        UnmuteUnit,
        MuteAll,
        Spotlight,  // unit empty: clear
        LockMeeting,
        UnlockMeeting,
        RemoveParticipant,
        StartRollCall,
        ConfirmRollCall,
        EndRollCall,
        SetSpeakerTimeLimit,
        HandOverChair,
        MuteUnit,
    };
    Type type = Type::RaiseHand;
    std::string unit;                     // grantFloor, denyFloor, unmuteUnit, muteUnit, spotlight
    std::string participantId;            // mute, removeParticipant
    std::string subject;                  // handOverChair: the identity that takes the chair
    std::optional<int64_t> limitSeconds;  // setSpeakerTimeLimit: none clears the limit
    int64_t warningSeconds = 0;           // setSpeakerTimeLimit
};

// What clients are shown of a government meeting's floor, copied out of the policy on the
// meeting's worker after every change (plain data for signaling).
struct FloorView {
    struct Hand {
        std::string unit;
        std::string unitName;
        size_t tier = 0;
        std::string subject;
        int64_t sinceMs = 0;  // ms since the Unix epoch
    };
    std::string state;  // scheduled, open, in_session, ended
    std::string chair;  // the chair's subject
    std::optional<std::string> floorUnit;
    std::optional<std::string> programmeUnit;
    std::optional<std::string> programmeParticipant;
    std::vector<Hand> queue;                   // in order of raising
    std::vector<std::string> speakers;         // participants whose audio is forwarded now
    std::optional<std::string> activeSpeaker;  // the participant speaking now (audio levels)
    bool recording = false;                    // the meeting is being recorded
    std::optional<int64_t> floorEndsAtMs;      // the floor's time limit ends (ms since the epoch)
    // The meeting's units (convening first, then invited), only in the view sent on joining.
    std::vector<policy::MeetingUnit> units;
    std::vector<policy::Event> events;         // what this change logged (empty on join)
};

}  // namespace vcb::rooms
