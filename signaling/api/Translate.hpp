#pragma once
// Conversions between the negotiated SDP view and the conference's types, and error mapping.
#include <chrono>
#include <string_view>
#include <vector>

#include "rooms/Conference.hpp"
#include "rooms/RoomError.hpp"
#include "sfu/core/WebRtcTransport.hpp"
#include "signaling/http/HttpResponse.hpp"
#include "signaling/sdp/NegotiationTypes.hpp"
#include "signaling/sdp/SdpError.hpp"
#include "signaling/sdp/SdpModel.hpp"

namespace vcb::signaling {

LocalTransportInfo toLocalInfo(const sfu::LocalTransportParameters& local);
sfu::RemoteTransportParameters toRemote(const SessionDescription& remote);
// The negotiated sections to publish: audio is the microphone, video the camera except the
// section whose mid is `screenMid` ("" = none), the shared screen.
std::vector<rooms::PublishTrack> toPublishTracks(const std::vector<MediaSection>& media,
                                                 const std::string& screenMid = "");

HttpResponse sdpProblem(const SdpError& error);
HttpResponse roomProblem(rooms::RoomError error, std::string_view detail);
// A sentence for users ("the meeting has reached its participant limit").
std::string_view roomErrorText(rooms::RoomError error);
// 429 rate_limited with Retry-After (whole seconds, at least 1).
HttpResponse rateLimitedProblem(std::chrono::steady_clock::duration wait);
// 503 server_shutdown with Retry-After.
HttpResponse shutdownProblem();

}  // namespace vcb::signaling
