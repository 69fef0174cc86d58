#include "signaling/api/WsMeetingControl.hpp"

#include <cmath>

#include "protocol/Limits.hpp"

namespace vcb::signaling {

using protocol::ErrorCode;
using rooms::policy::PolicyError;

ErrorCode WsMeetingControl::errorCode(PolicyError e) {
    switch (e) {
        case PolicyError::None:
            return ErrorCode::Internal;
        case PolicyError::WrongState:
            return ErrorCode::WrongState;
        case PolicyError::NotInvited:
            return ErrorCode::NotInvited;
        case PolicyError::Removed:
            return ErrorCode::Removed;
        case PolicyError::MeetingLocked:
            return ErrorCode::MeetingLocked;
        case PolicyError::RoomEndpointTaken:
            return ErrorCode::RoomEndpointTaken;
        case PolicyError::AlreadyJoined:
            return ErrorCode::AlreadyJoined;
        case PolicyError::NotJoined:
            return ErrorCode::NotJoined;
        case PolicyError::NotChair:
            return ErrorCode::NotChair;
        case PolicyError::ForbiddenForRole:
            return ErrorCode::ForbiddenForRole;
        case PolicyError::NoSuchUnit:
            return ErrorCode::NoSuchUnit;
        case PolicyError::NotPresent:
            return ErrorCode::NotPresent;
        case PolicyError::HandNotRaised:
            return ErrorCode::HandNotRaised;
        case PolicyError::HandAlreadyRaised:
            return ErrorCode::HandAlreadyRaised;
        case PolicyError::NoFloor:
            return ErrorCode::NoFloor;
        case PolicyError::RollCallActive:
            return ErrorCode::RollCallActive;
        case PolicyError::NoRollCall:
            return ErrorCode::NoRollCall;
        case PolicyError::BadRequest:
            return ErrorCode::BadMessage;
    }
    return ErrorCode::Internal;
}

rooms::FloorCommand WsMeetingControl::command(const protocol::MeetingControl& m) {
    using A = protocol::MeetingAction;
    using T = rooms::FloorCommand::Type;
    rooms::FloorCommand c;
    switch (m.action) {
        case A::StartSession:
            c.type = T::StartSession;
            break;
        case A::EndMeeting:
            c.type = T::EndMeeting;
            break;
        case A::RaiseHand:
            c.type = T::RaiseHand;
            break;
        case A::LowerHand:
            c.type = T::LowerHand;
            break;
        case A::GrantFloor:
            c.type = T::GrantFloor;
            break;
        case A::DenyFloor:
            c.type = T::DenyFloor;
            break;
        case A::RevokeFloor:
            c.type = T::RevokeFloor;
            break;
        case A::Mute:
            c.type = T::Mute;
            break;
        case A::UnmuteUnit:
            c.type = T::UnmuteUnit;
            break;
        case A::MuteAll:
            c.type = T::MuteAll;
            break;
        case A::Spotlight:
            c.type = T::Spotlight;
            break;
        case A::LockMeeting:
            c.type = T::LockMeeting;
            break;
        case A::UnlockMeeting:
            c.type = T::UnlockMeeting;
            break;
        case A::RemoveParticipant:
            c.type = T::RemoveParticipant;
            break;
        case A::StartRollCall:
            c.type = T::StartRollCall;
            break;
        case A::ConfirmRollCall:
            c.type = T::ConfirmRollCall;
            break;
        case A::EndRollCall:
            c.type = T::EndRollCall;
            break;
        case A::SetSpeakerTimeLimit:
            c.type = T::SetSpeakerTimeLimit;
            break;
        case A::HandOverChair:
            c.type = T::HandOverChair;
            break;
        case A::MuteUnit:
            c.type = T::MuteUnit;
            break;
    }
    c.unit = m.unit.value_or("");
    c.participantId = m.participantId.value_or("");
    c.subject = m.subject.value_or("");
    c.limitSeconds = m.limitSeconds;
    c.warningSeconds = m.warningSeconds;
    return c;
}

void WsMeetingControl::handle(rooms::Conference& conference, const std::string& meetingId,
                              const std::string& participantId,
                              const protocol::MeetingControl& message, Send send) {
    conference.floorCommand(
        meetingId, participantId, command(message),
        [send = std::move(send), requestId = message.requestId](PolicyError e) {
            if (e == PolicyError::None) return;
            const std::string_view code = rooms::policy::policyErrorCode(e);
            if (e == PolicyError::BadRequest) {
                // A meeting without a policy, or a command it cannot take.
                send(protocol::Error{ErrorCode::NotGoverned,
                                     "not a government meeting, or a malformed command",
                                     requestId});
                return;
            }
            send(protocol::Error{errorCode(e),
                                 "refused by the meeting policy: " + std::string(code), requestId});
        });
}

namespace {

std::optional<double> rounded(const std::optional<double>& v) {
    if (!v) return std::nullopt;
    return std::round(*v * 10.0) / 10.0;
}

std::optional<protocol::StatsStream> streamMessage(const std::optional<rooms::StreamStats>& s) {
    if (!s) return std::nullopt;
    protocol::StatsStream out;
    out.kbps = rounded(s->kbps);
    out.packetsLost = s->packetsLost;
    out.lossPercent = rounded(s->lossPercent);
    if (s->width) out.width = *s->width;
    if (s->height) out.height = *s->height;
    out.fps = rounded(s->fps);
    out.jitterMs = rounded(s->jitterMs);
    out.packetsRecovered = static_cast<int64_t>(s->packetsRecovered);
    out.nacksSent = static_cast<int64_t>(s->nacksSent);
    out.keyFrameRequestsSent = static_cast<int64_t>(s->keyFrameRequestsSent);
    out.msSinceLastPacket = s->msSinceLastPacket;
    return out;
}

}  // namespace

protocol::Stats WsMeetingControl::statsMessage(const rooms::MeetingStats& stats,
                                               std::optional<int64_t> requestId) {
    protocol::Stats m;
    m.time = stats.timeMs;
    m.requestId = requestId;
    for (const rooms::ParticipantStats& p : stats.participants) {
        protocol::StatsParticipant sp;
        sp.participantId = p.participantId;
        sp.unit = p.unit;
        sp.role = p.role;
        sp.audio = streamMessage(p.audio);
        sp.video = streamMessage(p.video);
        sp.screen = streamMessage(p.screen);
        sp.subscribeKbps = rounded(p.subscribeKbps);
        sp.rttMs = rounded(p.rttMs);
        sp.subscribeLossPercent = rounded(p.subscribeLossPercent);
        sp.subscribeJitterMs = rounded(p.subscribeJitterMs);
        sp.nacksReceived = static_cast<int64_t>(p.nacksReceived);
        sp.keyFrameRequestsReceived = static_cast<int64_t>(p.keyFrameRequestsReceived);
        for (const rooms::TransportStats& t : p.transports) {
            if (sp.transports.size() >= protocol::kMaxStatsTransports) break;
            sp.transports.push_back({t.ice, t.dtls, t.address, t.msSinceLastPacket});
        }
        if (p.endpoint) {
            const rooms::EndpointReport& r = *p.endpoint;
            sp.endpoint = protocol::StatsParticipant::Endpoint{
                {r.version, r.camera, r.cameraAvailable, r.microphone, r.display, r.speaker,
                 r.encoder, r.videoWidth, r.videoHeight, r.fps, r.restarts, r.uptimeS},
                r.receivedAtMs};
        }
        m.participants.push_back(std::move(sp));
    }
    const rooms::MeetingTotals& t = stats.totals;
    m.totals = {t.participants,      t.publishers,
                rounded(t.publishKbps), rounded(t.subscribeKbps),
                t.packetsLost,       static_cast<int64_t>(t.nacks),
                static_cast<int64_t>(t.keyFrameRequests), rounded(t.worstLossPercent),
                rounded(t.worstRttMs)};
    return m;
}

namespace {

void answerStats(const WsMeetingControl::Send& send, rooms::RoomError e,
                 const rooms::MeetingStats& s, std::optional<int64_t> requestId) {
    switch (e) {
        case rooms::RoomError::None:
            send(WsMeetingControl::statsMessage(s, requestId));
            return;
        case rooms::RoomError::Forbidden:
            send(protocol::Error{ErrorCode::ForbiddenForRole,
                                 "only a technician or the chair may read statistics", requestId});
            return;
        default:
            send(protocol::Error{ErrorCode::NotJoined, "not in this meeting", requestId});
            return;
    }
}

}  // namespace

void WsMeetingControl::stats(rooms::Conference& conference, const std::string& meetingId,
                             const std::string& participantId, const protocol::GetStats& message,
                             Send send) {
    conference.stats(meetingId, "ws:" + participantId, participantId,
                     [send = std::move(send), requestId = message.requestId](
                         rooms::RoomError e, rooms::MeetingStats s) {
                         answerStats(send, e, s, requestId);
                     });
}

void WsMeetingControl::subscribeStats(rooms::Conference& conference, const std::string& meetingId,
                                      const std::string& participantId,
                                      const protocol::SubscribeStats& message, Send send) {
    conference.subscribeStats(
        meetingId, participantId, static_cast<uint32_t>(message.intervalMs),
        [send](const rooms::MeetingStats& s) { send(statsMessage(s, std::nullopt)); },
        [send, requestId = message.requestId](rooms::RoomError e, rooms::MeetingStats s) {
            answerStats(send, e, s, requestId);
        });
}

ErrorCode WsMeetingControl::errorCode(rooms::RecordingError e) {
    switch (e) {
        case rooms::RecordingError::Disabled:
            return ErrorCode::RecordingDisabled;
        case rooms::RecordingError::AlreadyRecording:
            return ErrorCode::AlreadyRecording;
        case rooms::RecordingError::NotRecording:
            return ErrorCode::NotRecording;
        case rooms::RecordingError::Forbidden:
            return ErrorCode::ForbiddenForRole;
        case rooms::RecordingError::NotJoined:
            return ErrorCode::NotJoined;
        case rooms::RecordingError::Failed:
            return ErrorCode::RecordingFailed;
        case rooms::RecordingError::None:
            break;
    }
    return ErrorCode::Internal;
}

void WsMeetingControl::recording(rooms::Conference& conference, const std::string& meetingId,
                                 const std::string& participantId,
                                 const protocol::RecordingControl& message, Send send) {
    conference.recording(
        meetingId, participantId, message.start,
        [send = std::move(send), requestId = message.requestId](rooms::RecordingError e,
                                                                 std::string detail) {
            if (e == rooms::RecordingError::None) return;
            std::string text = std::string("recording: ") + rooms::recordingErrorCode(e);
            if (!detail.empty()) text += ": " + detail;
            send(protocol::Error{errorCode(e), text, requestId});
        });
}

protocol::MeetingStateMessage WsMeetingControl::state(const rooms::FloorView& v) {
    protocol::MeetingStateMessage m;
    m.state = v.state;
    m.chair = v.chair;
    m.floor = v.floorUnit;
    m.programmeUnit = v.programmeUnit;
    m.programmeParticipant = v.programmeParticipant;
    for (const auto& h : v.queue) {
        m.queue.push_back({h.unit, h.unitName, static_cast<int64_t>(h.tier), h.subject, h.sinceMs});
    }
    m.speakers = v.speakers;
    m.activeSpeaker = v.activeSpeaker;
    m.floorEndsAt = v.floorEndsAtMs;
    m.recording = v.recording;
    return m;
}

std::vector<protocol::ServerMessage> WsMeetingControl::messages(const rooms::FloorView& v) {
    std::vector<protocol::ServerMessage> out;
    for (const auto& e : v.events) {
        out.push_back(protocol::MeetingEventMessage{static_cast<int64_t>(e.seq), e.timeMs, e.type,
                                                    e.unit, e.subject, e.detail});
    }
    out.push_back(state(v));
    return out;
}

ErrorCode WsMeetingControl::errorCode(rooms::EndpointError e) {
    switch (e) {
        case rooms::EndpointError::NotJoined:
            return ErrorCode::NotJoined;
        case rooms::EndpointError::ForbiddenForRole:
            return ErrorCode::ForbiddenForRole;
        case rooms::EndpointError::UnknownParticipant:
            return ErrorCode::UnknownParticipant;
        case rooms::EndpointError::NotAnEndpoint:
            return ErrorCode::NotAnEndpoint;
        case rooms::EndpointError::None:
            break;
    }
    return ErrorCode::Internal;
}

void WsMeetingControl::endpointReport(rooms::Conference& conference, const std::string& meetingId,
                                      const std::string& participantId,
                                      const protocol::EndpointReport& message, Send send) {
    const protocol::EndpointReportFields& f = message.fields;
    rooms::EndpointReport r{f.version, f.camera,     f.cameraAvailable, f.microphone,
                            f.display, f.speaker,    f.encoder,         f.videoWidth,
                            f.videoHeight, f.fps,    f.restarts,        f.uptimeS};
    conference.endpointReport(
        meetingId, participantId, std::move(r),
        [send = std::move(send), requestId = message.requestId](rooms::EndpointError e) {
            if (e == rooms::EndpointError::None) return;
            send(protocol::Error{errorCode(e),
                                 e == rooms::EndpointError::ForbiddenForRole
                                     ? "only a hall endpoint (role room) reports its state"
                                     : "not in this meeting",
                                 requestId});
        });
}

void WsMeetingControl::endpointCommand(rooms::Conference& conference, const std::string& meetingId,
                                       const std::string& participantId,
                                       const protocol::EndpointCommand& message, Send send) {
    const rooms::EndpointAction action = message.action == protocol::EndpointAction::Reload
                                             ? rooms::EndpointAction::Reload
                                             : rooms::EndpointAction::Restart;
    conference.endpointCommand(
        meetingId, participantId, message.participantId, action,
        [send = std::move(send), requestId = message.requestId](rooms::EndpointError e) {
            if (e == rooms::EndpointError::None) return;
            const char* text = "not in this meeting";
            if (e == rooms::EndpointError::ForbiddenForRole)
                text = "only a technician may restart or reload a hall endpoint";
            if (e == rooms::EndpointError::UnknownParticipant)
                text = "no such participant in this meeting";
            if (e == rooms::EndpointError::NotAnEndpoint)
                text = "the participant is not a hall endpoint (role room)";
            send(protocol::Error{errorCode(e), text, requestId});
        });
}

}  // namespace vcb::signaling
