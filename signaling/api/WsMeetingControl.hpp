#pragma once
#include <functional>
#include <string>
#include <vector>

#include "protocol/ClientMessages.hpp"
#include "protocol/ServerMessages.hpp"
#include "rooms/Conference.hpp"

namespace vcb::signaling {

// The government-meeting part of a WebSocket session (docs/protocol.md "Government meetings"):
// floor and chair commands go to the conference, whose meeting policy checks the sender's role
// on every call; refusals come back as `error` with the policy's stable code; the policy's
// changes go out as `meetingEvent`s followed by one `meetingState`.
class WsMeetingControl {
  public:
    using Send = std::function<void(const protocol::ServerMessage&)>;

    // Sends nothing on success (the change arrives as a meeting event); an error otherwise.
    static void handle(rooms::Conference& conference, const std::string& meetingId,
                       const std::string& participantId, const protocol::MeetingControl& message,
                       Send send);

    // What a FloorChanged event (or a join's floor) becomes on the wire, in sending order.
    static std::vector<protocol::ServerMessage> messages(const rooms::FloorView& view);
    static protocol::MeetingStateMessage state(const rooms::FloorView& view);
    static protocol::ErrorCode errorCode(rooms::policy::PolicyError error);
    static rooms::FloorCommand command(const protocol::MeetingControl& message);

    // getStats: the meeting's link quality for a technician or the chair (the role is checked on
    // the meeting's worker on every call); `stats` or an error (forbidden_for_role).
    static void stats(rooms::Conference& conference, const std::string& meetingId,
                      const std::string& participantId, const protocol::GetStats& message,
                      Send send);
    // startRecording / stopRecording: nothing on success (recording_started / recording_stopped
    // arrive as meeting events), an error with its stable code otherwise.
    static void recording(rooms::Conference& conference, const std::string& meetingId,
                          const std::string& participantId,
                          const protocol::RecordingControl& message, Send send);
    static protocol::ErrorCode errorCode(rooms::RecordingError error);
    // subscribeStats: the first `stats` at once (requestId echoed), then one every intervalMs
    // pushed from the meeting's worker until unsubscribeStats or the session ends; errors as
    // getStats.
    static void subscribeStats(rooms::Conference& conference, const std::string& meetingId,
                               const std::string& participantId,
                               const protocol::SubscribeStats& message, Send send);
    // endpointReport (role room): nothing on success, `error` forbidden_for_role otherwise.
    static void endpointReport(rooms::Conference& conference, const std::string& meetingId,
                               const std::string& participantId,
                               const protocol::EndpointReport& message, Send send);
    // endpointCommand (role technician): nothing on success (the hall gets endpointCommand, the
    // meeting an endpoint_*_requested event); forbidden_for_role, unknown_participant or
    // not_an_endpoint otherwise.
    static void endpointCommand(rooms::Conference& conference, const std::string& meetingId,
                                const std::string& participantId,
                                const protocol::EndpointCommand& message, Send send);
    static protocol::ErrorCode errorCode(rooms::EndpointError error);
    // Values rounded to 0.1 (kbps, %, fps, ms).
    static protocol::Stats statsMessage(const rooms::MeetingStats& stats,
                                        std::optional<int64_t> requestId);
};

}  // namespace vcb::signaling
