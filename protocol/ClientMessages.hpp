#pragma once
// Client → server messages of GET /ws (docs/protocol.md). Plain data, one struct per `type`;
// every message may carry a numeric requestId that the server echoes.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vcb::protocol {

enum class PcRole { Publish, Subscribe };

// type "join"
struct Join {
    std::string meeting;      // [A-Za-z0-9_-]{1,64}
    std::string displayName;  // 1..64 bytes of UTF-8, no control characters
    std::optional<std::string> token;
    bool autoSubscribe = true;
    std::optional<std::int64_t> requestId;
    // auth: dev only: the unit and role the client speaks for (a token's claims win otherwise).
    std::optional<std::string> unit;  // 1..64 of [a-z0-9._-]
    std::optional<std::string> role;  // chair, delegate, room, observer, technician, recorder
    bool operator==(const Join&) const = default;
};

// type "publish": offer of the publish PC
struct Publish {
    std::string sdp;
    std::optional<std::int64_t> requestId;
    // The mid of the offer's video m-section that carries the shared screen (a token, 1..64
    // bytes). Absent: no screen is shared (one that was is stopped); an inactive or rejected
    // screen m-section stops it too.
    std::optional<std::string> screenMid;
    bool operator==(const Publish&) const = default;
};

// type "unpublish"
struct Unpublish {
    std::optional<std::int64_t> requestId;
    bool operator==(const Unpublish&) const = default;
};

// type "subscribe"
struct Subscribe {
    std::vector<std::string> trackIds;  // at most 256 (may be empty with iceRestart)
    std::optional<std::int64_t> requestId;
    // ICE restart of the subscribe connection: the server's next offer carries new credentials.
    bool iceRestart = false;
    bool operator==(const Subscribe&) const = default;
};

// type "unsubscribe"
struct Unsubscribe {
    std::vector<std::string> trackIds;  // at most 256
    std::optional<std::int64_t> requestId;
    bool operator==(const Unsubscribe&) const = default;
};

// type "answer": the client's answer to the server's subscribe offer of `revision`
struct SubscribeAnswer {
    std::string sdp;
    std::int64_t revision = 0;
    std::optional<std::int64_t> requestId;
    bool operator==(const SubscribeAnswer&) const = default;
};

// type "trickle". An empty candidate means end-of-candidates; sdpMid may be null in browsers.
struct Trickle {
    PcRole pc = PcRole::Publish;
    std::string candidate;
    std::optional<std::string> sdpMid;
    std::optional<std::int64_t> requestId;
    bool operator==(const Trickle&) const = default;
};

// type "leave"
struct Leave {
    std::optional<std::int64_t> requestId;
    bool operator==(const Leave&) const = default;
};

// type "ping"
struct Ping {
    std::optional<std::int64_t> requestId;
    bool operator==(const Ping&) const = default;
};

// type "getStats" (technician and chair): the meeting's link quality, answered by "stats"
struct GetStats {
    std::optional<std::int64_t> requestId;
    bool operator==(const GetStats&) const = default;
};

// type "startRecording" / "stopRecording" (technician and chair): the meeting's recording
// (docs/recording.md "The server side"); refusals come back as `error`.
struct RecordingControl {
    bool start = true;
    std::optional<std::int64_t> requestId;
    bool operator==(const RecordingControl&) const = default;
};

// type "subscribeStats" (technician and chair): the server pushes "stats" every intervalMs
// (1000..5000) until "unsubscribeStats" or the end of the session; a new subscribeStats replaces
// the interval. The first push comes at once and echoes the requestId.
struct SubscribeStats {
    std::int64_t intervalMs = 2000;
    std::optional<std::int64_t> requestId;
    bool operator==(const SubscribeStats&) const = default;
};
inline constexpr std::int64_t kMinStatsIntervalMs = 1000;
inline constexpr std::int64_t kMaxStatsIntervalMs = 5000;
// type "unsubscribeStats": stops the pushes (no answer; harmless without a subscription).
struct UnsubscribeStats {
    std::optional<std::int64_t> requestId;
    bool operator==(const UnsubscribeStats&) const = default;
};

// Government meetings: the chair's and the units' floor commands, one struct for all of them; the
// `type` is the action: startSession, endMeeting, raiseHand, lowerHand, grantFloor {unit},
// denyFloor {unit}, revokeFloor, mute {participantId}, unmuteUnit {unit}, muteAll, spotlight
// {unit?}, lockMeeting, unlockMeeting, removeParticipant {participantId}, startRollCall,
// confirmRollCall, endRollCall, setSpeakerTimeLimit {limitSeconds, warningSeconds?},
// handOverChair {subject}, muteUnit {unit}.
enum class MeetingAction {
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
    Spotlight,    // {unit}: the unit's video as programme without audio; no unit clears it
    LockMeeting,  // only identities already admitted may (re)join
    UnlockMeeting,
    RemoveParticipant,  // {participantId}: disconnected, cannot rejoin this meeting
    StartRollCall,
    ConfirmRollCall,  // a unit answers the running roll call
    EndRollCall,
    SetSpeakerTimeLimit,  // {limitSeconds: 1..86400 or null to clear, warningSeconds < limit}
    HandOverChair,        // {subject}: the chair passes to that present chair/delegate identity
    MuteUnit,             // {unit}: the unit's audio is no longer forwarded
};
struct MeetingControl {
    MeetingAction action = MeetingAction::RaiseHand;
    // required by grantFloor, denyFloor, unmuteUnit, muteUnit
    std::optional<std::string> unit;
    std::optional<std::string> participantId;  // required by mute, removeParticipant
    std::optional<std::string> subject;        // required by handOverChair
    std::optional<std::int64_t> limitSeconds;  // setSpeakerTimeLimit: none = no limit
    std::int64_t warningSeconds = 0;           // setSpeakerTimeLimit: 0 = no warning
    std::optional<std::int64_t> requestId;
    bool operator==(const MeetingControl&) const = default;
};

// type "endpointReport" (role room only: a hall endpoint, vcb-room): what the hall runs, for the
// technician panel. Every field is optional; strings are 1..kMaxEndpointTextBytes of UTF-8 without
// control characters. The server keeps the latest report of each participant and shows it in
// `stats` (StatsParticipant::endpoint). No answer on success; errors as `error`.
struct EndpointReportFields {
    std::optional<std::string> version;
    std::optional<std::string> camera;  // the configured source, e.g. "/dev/video0", "test"
    std::optional<bool> cameraAvailable;
    std::optional<std::string> microphone;
    std::optional<std::string> display;
    std::optional<std::string> speaker;
    std::optional<std::string> encoder;  // e.g. "vah264enc (H264, hardware)"
    std::optional<std::int64_t> videoWidth;   // 1..kMaxEndpointVideoSide
    std::optional<std::int64_t> videoHeight;  // 1..kMaxEndpointVideoSide
    std::optional<std::int64_t> fps;          // 1..kMaxEndpointFps
    std::optional<std::int64_t> restarts;     // sessions restarted on a technician's request
    std::optional<std::int64_t> uptimeS;      // seconds since the endpoint process started
    bool operator==(const EndpointReportFields&) const = default;
};
struct EndpointReport {
    EndpointReportFields fields;
    std::optional<std::int64_t> requestId;
    bool operator==(const EndpointReport&) const = default;
};

// type "endpointCommand" (role technician only): asks a hall endpoint (a participant of role
// room) to restart its session, or to re-read its configuration and then restart.
enum class EndpointAction { Restart, Reload };
struct EndpointCommand {
    std::string participantId;
    EndpointAction action = EndpointAction::Restart;
    std::optional<std::int64_t> requestId;
    bool operator==(const EndpointCommand&) const = default;
};

using ClientMessage = std::variant<Join, Publish, Unpublish, Subscribe, Unsubscribe,
                                   SubscribeAnswer, Trickle, Leave, Ping, MeetingControl,
                                   GetStats, RecordingControl, SubscribeStats,
                                   UnsubscribeStats, EndpointReport, EndpointCommand>;

}  // namespace vcb::protocol
