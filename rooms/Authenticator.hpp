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

// Decides whether a join may proceed. Called for every join, on the control path.
class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual RoomError authorize(const JoinCredentials& credentials) const = 0;
};

// Development default: anyone may join any meeting. Production deployments plug in a token check.
class AllowAllAuthenticator final : public Authenticator {
  public:
    RoomError authorize(const JoinCredentials&) const override { return RoomError::None; }
};

}  // namespace vcb::rooms
