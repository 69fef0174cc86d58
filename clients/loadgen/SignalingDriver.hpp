#pragma once
// How a load endpoint gets into a meeting. The runner hands a driver the endpoint's SDP side
// (SdpNegotiation); the driver runs its protocol's exchange and returns a session handle to close
// later. WhipWhepDriver implements it for vcbridge's WHIP/WHEP (the client offers),
// JanusVideoRoomDriver for Janus's VideoRoom over its HTTP API (publishers offer, the server offers
// to subscribers, which answer with createAnswer).
//
// Drivers are called from several control threads at once and must be thread-safe.
#include <cstdint>
#include <optional>
#include <string>

namespace vcb::loadgen {

// The local peer connection, as a driver sees it.
class SdpNegotiation {
  public:
    virtual ~SdpNegotiation() = default;
    // Our offer (sendonly for a publisher, recvonly for a subscriber); nullopt and error set on
    // failure.
    virtual std::optional<std::string> createOffer(std::string& error) = 0;
    // The server's answer to that offer.
    virtual bool applyAnswer(const std::string& sdp, std::string& error) = 0;
    // The other flow: the server offers, we answer (and start ICE). nullopt and error set if the
    // offer is unusable or this endpoint cannot answer (publishers always offer).
    virtual std::optional<std::string> createAnswer(const std::string& offer,
                                                    std::string& error) = 0;
};

struct SignalingSession {
    std::string resourceUrl;  // WHIP/WHEP session resource, Janus session URL: closing ends it
};

struct SignalingResult {
    bool ok = false;
    int httpStatus = 0;
    std::string error;
    SignalingSession session;
    // Publishers: the id others subscribe to (vcbridge participant id, Janus feed id); may be
    // empty when the server does not tell.
    std::string participant;
    // Monotonic µs just before the request that asks to join was sent: the start of join time.
    int64_t requestStartUs = 0;
};

class SignalingDriver {
  public:
    virtual ~SignalingDriver() = default;
    virtual SignalingResult publish(const std::string& meeting, SdpNegotiation& peer) = 0;
    // participant empty: the meeting's programme (Janus: its most recent publisher).
    virtual SignalingResult subscribe(const std::string& meeting, const std::string& participant,
                                      SdpNegotiation& peer) = 0;
    // Best effort; errors are returned as text (empty on success).
    virtual std::string close(const SignalingSession& session) = 0;
};

}  // namespace vcb::loadgen
