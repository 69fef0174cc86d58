#pragma once
// Size limits of the WebSocket protocol (docs/protocol.md). Shared by server and clients so both
// sides refuse the same inputs.
#include <cstddef>
#include <cstdint>

namespace vcb::protocol {

inline constexpr std::size_t kMaxFrameBytes = 64 * 1024;
inline constexpr std::size_t kMaxJsonDepth = 16;
inline constexpr std::size_t kMaxDisplayNameBytes = 64;
inline constexpr std::size_t kMaxMeetingIdBytes = 64;
inline constexpr std::size_t kMaxUnitIdBytes = 64;
inline constexpr std::size_t kMaxRoleBytes = 16;
inline constexpr std::size_t kMaxSdpBytes = 64 * 1024;
inline constexpr std::size_t kMaxTrackIds = 256;
inline constexpr std::size_t kMaxIdBytes = 128;       // participant and track ids
inline constexpr std::size_t kMaxSubjectBytes = 256;  // an identity's subject (token sub)
inline constexpr std::int64_t kMaxSpeakerTimeLimitSeconds = 86400;
inline constexpr std::size_t kMaxTokenBytes = 4096;
inline constexpr std::size_t kMaxCandidateBytes = 1024;
inline constexpr std::size_t kMaxMidBytes = 64;
inline constexpr std::size_t kMaxErrorMessageBytes = 1024;
inline constexpr std::size_t kMaxParticipants = 1024;  // in one `joined` message
inline constexpr std::size_t kMaxStatsTransports = 8;  // per participant in one `stats` message
inline constexpr std::size_t kMaxTracksPerParticipant = 64;
// endpointReport: each string field, and the bounds of its numbers.
inline constexpr std::size_t kMaxEndpointTextBytes = 200;
inline constexpr std::int64_t kMaxEndpointVideoSide = 16384;
inline constexpr std::int64_t kMaxEndpointFps = 1000;
// Tracks one WebSocket connection may watch at once (one m-section each in its subscribe PC).
inline constexpr std::size_t kMaxSubscribedTracks = 128;
// requestId and revision must survive a round trip through a JavaScript number.
inline constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

}  // namespace vcb::protocol
