#include "rooms/policy/Roles.hpp"

#include <array>
#include <utility>

namespace vcb::rooms::policy {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoleNames{{
    {Role::Chair, "chair"},
    {Role::Delegate, "delegate"},
    {Role::Room, "room"},
    {Role::Observer, "observer"},
    {Role::Technician, "technician"},
    {Role::Recorder, "recorder"},
}};

}  // namespace

std::string_view roleName(Role role) {
    for (const auto& [r, name] : kRoleNames) {
        if (r == role) return name;
    }
    return "observer";
}

std::optional<Role> parseRole(std::string_view text) {
    for (const auto& [r, name] : kRoleNames) {
        if (name == text) return r;
    }
    return std::nullopt;
}

std::string_view actionName(Action action) {
    switch (action) {
        case Action::Watch:
            return "watch";
        case Action::PublishAudio:
            return "publish_audio";
        case Action::PublishVideo:
            return "publish_video";
        case Action::RaiseHand:
            return "raise_hand";
        case Action::ConfirmRollCall:
            return "confirm_roll_call";
        case Action::StartSession:
            return "start_session";
        case Action::EndMeeting:
            return "end_meeting";
        case Action::HandOverChair:
            return "hand_over_chair";
        case Action::LockMeeting:
            return "lock_meeting";
        case Action::ManageFloor:
            return "manage_floor";
        case Action::Unmute:
            return "unmute";
        case Action::Mute:
            return "mute";
        case Action::Spotlight:
            return "spotlight";
        case Action::RemoveParticipant:
            return "remove_participant";
        case Action::ManageRollCall:
            return "manage_roll_call";
        case Action::ViewStats:
            return "view_stats";
        case Action::ControlRecording:
            return "control_recording";
        case Action::Record:
            return "record";
        case Action::ReportEndpoint:
            return "report_endpoint";
        case Action::ControlEndpoints:
            return "control_endpoints";
    }
    return "unknown";
}

bool isChairAction(Action action) {
    switch (action) {
        case Action::StartSession:
        case Action::EndMeeting:
        case Action::HandOverChair:
        case Action::LockMeeting:
        case Action::ManageFloor:
        case Action::Unmute:
        case Action::Mute:
        case Action::Spotlight:
        case Action::RemoveParticipant:
        case Action::ManageRollCall:
            return true;
        default:
            return false;
    }
}

bool may(Role role, Action action) {
    if (action == Action::Watch) return true;  // every admitted role receives the meeting
    switch (role) {
        case Role::Chair:
            // Everything a meeting needs, but the halls' machines are the technician's.
            return action != Action::Record && action != Action::ReportEndpoint &&
                   action != Action::ControlEndpoints;
        case Role::Delegate:
            return action == Action::PublishAudio || action == Action::PublishVideo ||
                   action == Action::RaiseHand || action == Action::ConfirmRollCall;
        case Role::Room:
            // The hall's people speak through it: it asks for the floor (a button box, vcb-room),
            // but nobody is there to answer a roll call.
            return action == Action::PublishAudio || action == Action::PublishVideo ||
                   action == Action::RaiseHand || action == Action::ReportEndpoint;
        case Role::Observer:
            return false;
        case Role::Technician:
            return action == Action::ViewStats || action == Action::ControlRecording ||
                   action == Action::ControlEndpoints;
        case Role::Recorder:
            return action == Action::Record;
    }
    return false;
}

}  // namespace vcb::rooms::policy
