// LiveMeeting's hall endpoints (vcb-room): their reports for the technician panel and the
// technician's restart/reload requests. Everything here runs on the meeting's worker.
#include "common/Log.hpp"
#include "rooms/LiveMeeting.hpp"

namespace vcb::rooms {

namespace {
// The policy's answer as an endpoint error (the same meaning, fewer cases).
EndpointError fromPolicy(policy::PolicyError e) {
    switch (e) {
        case policy::PolicyError::None:
            return EndpointError::None;
        case policy::PolicyError::NotJoined:
            return EndpointError::NotJoined;
        default:
            return EndpointError::ForbiddenForRole;
    }
}
}  // namespace

EndpointError LiveMeeting::endpointReport(const std::string& participantId,
                                          EndpointReport report) {
    if (closed_) return EndpointError::NotJoined;
    const Participant* p = meeting_.find(participantId);
    auto person = people_.find(participantId);
    if (!p || person == people_.end()) return EndpointError::NotJoined;
    if (!policy::may(p->role, policy::Action::ReportEndpoint)) {
        return EndpointError::ForbiddenForRole;
    }
    person->second.endpoint = std::move(report);
    return EndpointError::None;
}

EndpointError LiveMeeting::endpointCommand(const std::string& requester, const std::string& target,
                                           EndpointAction action) {
    if (closed_) return EndpointError::NotJoined;
    const Participant* by = meeting_.find(requester);
    if (!by) return EndpointError::NotJoined;
    // A governed meeting asks its policy (the role it admitted the session with), like the
    // recording's control; a plain meeting the participant's role.
    const EndpointError allowed =
        floor_ ? fromPolicy(floor_->policy().authorize(requester, policy::Action::ControlEndpoints))
        : policy::may(by->role, policy::Action::ControlEndpoints) ? EndpointError::None
                                                                   : EndpointError::ForbiddenForRole;
    if (allowed != EndpointError::None) return allowed;
    const Participant* hall = meeting_.find(target);
    auto person = people_.find(target);
    if (!hall || person == people_.end()) return EndpointError::UnknownParticipant;
    if (hall->role != ParticipantRole::Room) return EndpointError::NotAnEndpoint;

    const std::string who = by->subject.empty() ? by->id : by->subject;
    const std::string type = "endpoint_" + std::string(endpointActionName(action)) + "_requested";
    VCB_LOG_INFO("meeting %s: %s participant=%s unit=%s by=%s", id_.c_str(), type.c_str(),
                 target.c_str(), hall->unit.c_str(), who.c_str());
    // Copies: applyFloor may remove people (a session the policy closes), and with them these.
    const std::string hallUnit = hall->unit;
    MeetingEvent e{MeetingEvent::Type::EndpointCommand, {}, {}, {}};
    e.participant.id = by->id;
    e.participant.subject = who;
    e.reason = std::string(endpointActionName(action));
    if (person->second.observer) person->second.observer->onMeetingEvent(e);
    // Into the meeting's minutes (and record): everyone hears of it as a meetingEvent.
    if (floor_) {
        applyFloor(floor_->note(policy::makeEvent(policy::Clock::now(), type, hallUnit, who,
                                                  {{"participantId", target}, {"by", who}})));
    }
    return EndpointError::None;
}

}  // namespace vcb::rooms
