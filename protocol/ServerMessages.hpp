#pragma once
// Server → client messages of GET /ws (docs/protocol.md). Responses echo the request's requestId.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/ClientMessages.hpp"
#include "protocol/ErrorCode.hpp"
#include "protocol/Participant.hpp"
#include "protocol/ProtocolError.hpp"
#include "protocol/Track.hpp"

namespace vcb::protocol {

// type "joined": participants = everyone else already in the meeting
struct Joined {
    // Government meetings: one of the meeting's units (convening first, then invited).
    struct Unit {
        std::string id;
        std::string name;
        std::int64_t tier = 0;  // depth of its tier in the unit tree (0 = the root tier)
        std::string parent;     // "" for a root
        std::string tierName;   // the tier's name in the units file (e.g. "commune")
        bool operator==(const Unit&) const = default;
    };
    std::string participantId;
    std::string meeting;
    std::vector<Participant> participants;
    std::optional<std::int64_t> requestId;
    std::vector<Unit> units;  // empty (not sent) for other meetings
    bool operator==(const Joined&) const = default;
};

// type "answer", pc "publish"
struct PublishAnswer {
    std::string sdp;
    std::optional<std::int64_t> requestId;
    bool operator==(const PublishAnswer&) const = default;
};

// type "offer", pc "subscribe"; revision increases with every renegotiation
struct SubscribeOffer {
    std::string sdp;
    std::int64_t revision = 0;
    std::optional<std::int64_t> requestId;
    bool operator==(const SubscribeOffer&) const = default;
};

// type "participantJoined"
struct ParticipantJoined {
    Participant participant;
    bool operator==(const ParticipantJoined&) const = default;
};

// type "participantLeft"
struct ParticipantLeft {
    std::string participantId;
    bool operator==(const ParticipantLeft&) const = default;
};

// type "trackPublished"
struct TrackPublished {
    std::string participantId;
    Track track;
    bool operator==(const TrackPublished&) const = default;
};

// type "trackUnpublished"
struct TrackUnpublished {
    std::string participantId;
    std::string trackId;
    bool operator==(const TrackUnpublished&) const = default;
};

// type "error"
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    std::optional<std::int64_t> requestId;
    bool operator==(const Error&) const = default;
};

// type "pong"
struct Pong {
    std::optional<std::int64_t> requestId;
    bool operator==(const Pong&) const = default;
};

// type "meetingState" (government meetings): on join and after every change of the policy
struct MeetingStateMessage {
    struct Hand {
        std::string unit;
        std::string unitName;
        std::int64_t tier = 0;
        std::string subject;
        std::int64_t since = 0;  // ms since the Unix epoch
        bool operator==(const Hand&) const = default;
    };
    std::string state;                 // scheduled, open, in_session, ended
    std::string chair;                 // the chair's subject
    std::optional<std::string> floor;  // the unit holding the floor
    std::optional<std::string> programmeUnit;
    std::optional<std::string> programmeParticipant;
    std::vector<Hand> queue;
    std::vector<std::string> speakers;         // participant ids whose audio is forwarded
    std::optional<std::string> activeSpeaker;  // the participant speaking now, or null
    bool recording = false;                    // the meeting is being recorded
    std::optional<std::int64_t> floorEndsAt;   // the floor's time limit (ms since the epoch), or null
    bool operator==(const MeetingStateMessage&) const = default;
};
// type "meetingEvent": one event of the meeting's minutes (docs/meeting-policy.md)
struct MeetingEventMessage {
    std::int64_t seq = 0;
    std::int64_t time = 0;  // ms since the Unix epoch
    std::string event;      // e.g. floor_granted
    std::string unit;
    std::string subject;
    std::vector<std::pair<std::string, std::string>> detail;
    bool operator==(const MeetingEventMessage&) const = default;
};

// type "stats": the answer to getStats, or a push of subscribeStats. Unknown values are null (never invented): rates on the
// first request of a session, resolution before a VP8 key frame (or for other codecs), RTT before
// a subscriber's receiver report answered one of our sender reports.
struct StatsStream {
    std::optional<double> kbps;
    std::int64_t packetsLost = 0;  // cumulative (RFC 3550 extended sequence numbers)
    std::optional<double> lossPercent;
    std::optional<std::int64_t> width;  // video only
    std::optional<std::int64_t> height;
    std::optional<double> fps;
    std::optional<double> jitterMs;     // RFC 3550 interarrival jitter as the SFU receives it
    std::int64_t packetsRecovered = 0;  // arrived only as answers to our NACKs (cumulative)
    std::int64_t nacksSent = 0;         // sequence numbers the SFU NACKed to the publisher
    std::int64_t keyFrameRequestsSent = 0;  // PLI + FIR to the publisher
    std::optional<std::int64_t> msSinceLastPacket;
    bool operator==(const StatsStream&) const = default;
};
// One of a participant's peer connections.
struct StatsTransport {
    std::string ice;      // new, checking, connected, closed
    std::string dtls;     // new, connecting, connected, failed, closed
    std::string address;  // where the SFU sends media ("" until ICE nominated one)
    std::optional<std::int64_t> msSinceLastPacket;
    bool operator==(const StatsTransport&) const = default;
};
struct StatsTotals {
    std::int64_t participants = 0;
    std::int64_t publishers = 0;
    std::optional<double> publishKbps;
    std::optional<double> subscribeKbps;
    std::int64_t packetsLost = 0;
    std::int64_t nacks = 0;
    std::int64_t keyFrameRequests = 0;
    std::optional<double> worstLossPercent;
    std::optional<double> worstRttMs;
    bool operator==(const StatsTotals&) const = default;
};
struct StatsParticipant {
    std::string participantId;
    std::string unit;
    std::string role;
    std::optional<StatsStream> audio;  // publish.audio, null when not publishing audio
    std::optional<StatsStream> video;   // the camera
    std::optional<StatsStream> screen;  // the shared screen, null when none is shared
    std::optional<double> subscribeKbps;
    std::optional<double> rttMs;
    std::optional<double> subscribeLossPercent;  // from the subscriber's RR fraction lost
    std::optional<double> subscribeJitterMs;     // worst RR jitter of its streams
    std::int64_t nacksReceived = 0;              // sequence numbers it NACKed
    std::int64_t keyFrameRequestsReceived = 0;   // PLI + FIR it sent
    std::vector<StatsTransport> transports;
    // The latest endpointReport of a hall endpoint (role room) and when it arrived (ms since the
    // epoch); null for other participants and before the first report.
    struct Endpoint {
        EndpointReportFields report;
        std::int64_t time = 0;
        bool operator==(const Endpoint&) const = default;
    };
    std::optional<Endpoint> endpoint;
    bool operator==(const StatsParticipant&) const = default;
};
struct Stats {
    std::int64_t time = 0;  // ms since the Unix epoch
    std::vector<StatsParticipant> participants;
    std::optional<std::int64_t> requestId;
    StatsTotals totals;  // after requestId: brace-initialisers written before it stay valid
    bool operator==(const Stats&) const = default;
};

// type "sessionClosed" (government meetings): the meeting policy ended this participant's session;
// the server closes the WebSocket (normal close) right after. reason: replaced (the same identity
// joined again elsewhere), removed (by the chair; cannot rejoin), meeting_ended.
struct SessionClosed {
    std::string reason;
    bool operator==(const SessionClosed&) const = default;
};

// type "endpointCommand": to a hall endpoint, a technician's request (action "restart" or
// "reload"); `by` is the technician's identity (its token subject, else its participant id).
struct EndpointCommandNotice {
    EndpointAction action = EndpointAction::Restart;
    std::string by;
    bool operator==(const EndpointCommandNotice&) const = default;
};

using ServerMessage = std::variant<Joined, PublishAnswer, SubscribeOffer, ParticipantJoined,
                                   ParticipantLeft, TrackPublished, TrackUnpublished, Error, Pong,
                                   MeetingStateMessage, MeetingEventMessage, SessionClosed,
                                   Stats, EndpointCommandNotice>;

// The `error` reply for a refused client frame.
inline Error toErrorMessage(const ProtocolError& error) {
    return Error{error.code, error.message, error.requestId};
}

}  // namespace vcb::protocol
