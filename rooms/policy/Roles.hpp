#pragma once
#include <optional>
#include <string_view>

namespace vcb::rooms::policy {

// What an identity is in a government meeting (from its join credentials).
enum class Role {
    Chair,       // may hold the chair; only the meeting's current chair identity acts as chair
    Delegate,    // a person speaking for a unit
    Room,        // a unit's hall endpoint, unattended: heard when its unit is, never asks
    Observer,    // watches only
    Technician,  // statistics and recording control, never the floor
    Recorder,    // a recording process
};

// Everything the policy checks against the role, on every call.
enum class Action {
    Watch,              // receive the meeting's media
    PublishAudio,       // may be heard (when the floor rules allow it)
    PublishVideo,       // may be the programme
    RaiseHand,          // raise or lower the unit's hand
    ConfirmRollCall,    // answer a roll call for the unit
    StartSession,       // lobby -> in session
    EndMeeting,         // end the meeting for everyone
    HandOverChair,      // give the chair to another identity
    LockMeeting,        // lock or unlock
    ManageFloor,        // grant, deny, revoke, per-speaker time limit
    Unmute,             // let a unit speak without the floor (discussion)
    Mute,               // mute a participant, a unit or everyone
    Spotlight,          // a unit's video as the programme without audio
    RemoveParticipant,  // disconnect an identity for the rest of the meeting
    ManageRollCall,     // start and end roll calls
    ViewStats,          // media statistics
    ControlRecording,   // start and stop recording
    Record,             // be the recording process
    ReportEndpoint,     // report a hall endpoint's state (vcb-room)
    ControlEndpoints,   // ask a hall endpoint to restart or reload its configuration
};

inline constexpr Action kAllActions[] = {
    Action::Watch,
    Action::PublishAudio,
    Action::PublishVideo,
    Action::RaiseHand,
    Action::ConfirmRollCall,
    Action::StartSession,
    Action::EndMeeting,
    Action::HandOverChair,
    Action::LockMeeting,
    Action::ManageFloor,
    Action::Unmute,
    Action::Mute,
    Action::Spotlight,
    Action::RemoveParticipant,
    Action::ManageRollCall,
    Action::ViewStats,
    Action::ControlRecording,
    Action::Record,
    Action::ReportEndpoint,
    Action::ControlEndpoints,
};
inline constexpr Role kAllRoles[] = {Role::Chair,    Role::Delegate,   Role::Room,
                                     Role::Observer, Role::Technician, Role::Recorder};

// "chair", "delegate", "room", "observer", "technician", "recorder".
std::string_view roleName(Role role);
std::optional<Role> parseRole(std::string_view text);
// "watch", "publish_audio", ... (for logs and error details).
std::string_view actionName(Action action);

// The permission matrix. Chair actions are allowed to Role::Chair; MeetingPolicy gives that
// role only to the identity currently holding the chair.
bool may(Role role, Action action);

// Actions only the chair may take (the rest are participation rights).
bool isChairAction(Action action);

}  // namespace vcb::rooms::policy
