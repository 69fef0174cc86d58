#pragma once
// A meeting's life, shared by the policy (MeetingPolicy) and the store (MeetingRecords.hpp) so
// that both speak of the same enum. Header-only: vcb_store uses it without linking vcb_policy.
#include <optional>
#include <string_view>

namespace vcb::rooms::policy {

enum class MeetingState { Scheduled, Open, InSession, Ended };

// "scheduled", "open", "in_session", "ended": the stored and API spelling.
inline std::string_view meetingStateName(MeetingState state) {
    switch (state) {
        case MeetingState::Scheduled:
            return "scheduled";
        case MeetingState::Open:
            return "open";
        case MeetingState::InSession:
            return "in_session";
        case MeetingState::Ended:
            return "ended";
    }
    return "scheduled";
}

inline std::optional<MeetingState> parseMeetingState(std::string_view text) {
    for (auto state : {MeetingState::Scheduled, MeetingState::Open, MeetingState::InSession,
                       MeetingState::Ended}) {
        if (meetingStateName(state) == text) return state;
    }
    return std::nullopt;
}

}  // namespace vcb::rooms::policy
