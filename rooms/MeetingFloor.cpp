#include "rooms/MeetingFloor.hpp"

namespace vcb::rooms {

MeetingFloor::MeetingFloor(policy::MeetingInfo info, std::chrono::milliseconds lobbyOpensBefore,
                           policy::TimePoint now)
    : policy_(std::move(info)),
      lobbyOpensAt_(policy_.info().scheduledStart -
                    std::chrono::duration_cast<policy::Clock::duration>(lobbyOpensBefore)) {
    // A meeting with a stored record carries on from it (an ended one stays ended). Nobody is
    // connected yet: opening the lobby now needs no notification, only its event in the record.
    if (policy_.info().restored) policy_.restore(*policy_.info().restored);
    opened_ = openLobbyIfDue(now);
}

policy::Outcome MeetingFloor::openLobbyIfDue(policy::TimePoint now) {
    if (policy_.state() != policy::MeetingState::Scheduled || now < lobbyOpensAt_) return {};
    return policy_.open(now);
}

policy::Identity MeetingFloor::identityOf(const Participant& participant) {
    policy::Identity id;
    id.subject = !participant.subject.empty()       ? participant.subject
                 : !participant.displayName.empty() ? participant.displayName
                                                    : participant.id;
    id.unit = participant.unit;
    id.role = participant.role;
    // A WHEP viewer only watches, whatever its token's role: as an observer it neither marks its
    // unit present (attendance) nor takes the unit's hall endpoint.
    if (participant.kind == ClientKind::WhepViewer) id.role = policy::Role::Observer;
    return id;
}

policy::Outcome MeetingFloor::join(const Participant& participant, policy::TimePoint now) {
    return policy_.join(participant.id, identityOf(participant), now);
}

policy::Outcome MeetingFloor::leave(const std::string& participantId, policy::TimePoint now) {
    if (policy_.findSession(participantId) == nullptr) return {};
    return policy_.leave(participantId, now);
}

policy::Outcome MeetingFloor::handle(const std::string& actor, const FloorCommand& c,
                                     policy::TimePoint now) {
    using T = FloorCommand::Type;
    switch (c.type) {
        case T::StartSession:
            return policy_.startSession(actor, now);
        case T::EndMeeting:
            return policy_.end(actor, now);
        case T::RaiseHand:
            return policy_.raiseHand(actor, now);
        case T::LowerHand:
            return policy_.lowerHand(actor, now);
        case T::GrantFloor:
            return policy_.grantFloor(actor, c.unit, now);
        case T::DenyFloor:
            return policy_.denyFloor(actor, c.unit, now);
        case T::RevokeFloor:
            return policy_.revokeFloor(actor, now);
        case T::Mute:
            return policy_.mute(actor, c.participantId, now);
        case T::UnmuteUnit:
            return policy_.unmuteUnit(actor, c.unit, now);
        case T::MuteAll:
            return policy_.muteAll(actor, now);
        case T::Spotlight:
            return policy_.spotlight(
                actor, c.unit.empty() ? std::nullopt : std::optional<std::string>(c.unit), now);
        case T::LockMeeting:
            return policy_.lock(actor, true, now);
        case T::UnlockMeeting:
            return policy_.lock(actor, false, now);
        case T::RemoveParticipant:
            return policy_.remove(actor, c.participantId, now);
        case T::StartRollCall:
            return policy_.startRollCall(actor, now);
        case T::ConfirmRollCall:
            return policy_.confirmRollCall(actor, now);
        case T::EndRollCall:
            return policy_.endRollCall(actor, now);
        case T::SetSpeakerTimeLimit: {
            std::optional<std::chrono::milliseconds> limit;
            if (c.limitSeconds) limit = std::chrono::seconds(*c.limitSeconds);
            return policy_.setSpeakerTimeLimit(actor, limit, std::chrono::seconds(c.warningSeconds),
                                               now);
        }
        case T::HandOverChair:
            return policy_.handOverChair(actor, c.subject, now);
        case T::MuteUnit:
            return policy_.muteUnit(actor, c.unit, now);
    }
    return policy::Outcome::failure(policy::PolicyError::BadRequest);
}

FloorView MeetingFloor::view(std::vector<policy::Event> events) const {
    FloorView v;
    v.state = std::string(policy::meetingStateName(policy_.state()));
    v.chair = policy_.chairSubject();
    if (const auto& h = policy_.floor().holder()) v.floorUnit = h->unit;
    const policy::MediaPermissions p = policy_.snapshot();
    v.programmeUnit = p.programmeUnit;
    v.programmeParticipant = p.programmeSession;
    for (const auto& hand : policy_.floor().queue()) {
        v.queue.push_back({hand.unit.id, hand.unit.name, hand.unit.tier, hand.subject,
                           policy::toEpochMs(hand.raisedAt)});
    }
    for (const auto& [session, audible] : p.audio) {
        if (audible) v.speakers.push_back(session);
    }
    v.activeSpeaker = policy_.activeSpeaker();
    if (auto ends = policy_.floor().holderEndsAt()) v.floorEndsAtMs = policy::toEpochMs(*ends);
    v.events = std::move(events);
    return v;
}

}  // namespace vcb::rooms
