#pragma once
#include <string>

#include "rooms/Participant.hpp"
#include "rooms/RoomError.hpp"

namespace vcb::rooms {

struct JoinCredentials {
    std::string meetingId;
    std::string displayName;
    std::string token;  // empty for anonymous
    ClientKind kind = ClientKind::WebSocket;
    std::string remoteAddress;
};

// The outcome of a join's authentication: an error, or who the participant is.
struct AuthDecision {
    RoomError error = RoomError::None;
    ParticipantRole role = ParticipantRole::Participant;
    std::string displayName;  // from the credentials' issuer; empty = keep the client's own
};

// Decides whether a join may proceed. Called for every join, on the control path.
class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual AuthDecision authorize(const JoinCredentials& credentials) const = 0;
};

// Development default: anyone may join any meeting. Production deployments plug in a token check.
class AllowAllAuthenticator final : public Authenticator {
  public:
    AuthDecision authorize(const JoinCredentials&) const override { return {}; }
};

}  // namespace vcb::rooms
