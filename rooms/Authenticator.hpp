#pragma once
#include <optional>
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
    // What the join message itself claims (WebSocket `unit` / `role`). Only the development
    // authenticator believes them; a token's claims always win.
    std::string requestedUnit{};
    std::optional<ParticipantRole> requestedRole{};
};

// The outcome of a join's authentication: an error, or who the participant is.
struct AuthDecision {
    RoomError error = RoomError::None;
    ParticipantRole role = ParticipantRole::Delegate;
    std::string displayName;  // from the credentials' issuer; empty = keep the client's own
    std::string unit{};       // the unit it speaks for; empty = none
    std::string subject{};    // who it is; empty = anonymous
    bool verified = false;    // from a verified token (auth: jwt), not from the client's word
};

// Decides whether a join may proceed. Called for every join, on the control path.
class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual AuthDecision authorize(const JoinCredentials& credentials) const = 0;
};

// Development default (auth: dev): anyone may join any meeting, as the unit and role its join
// message states (a delegate of no unit if it states none). Production deployments check tokens.
class AllowAllAuthenticator final : public Authenticator {
  public:
    AuthDecision authorize(const JoinCredentials& credentials) const override {
        AuthDecision d;
        if (credentials.requestedRole) d.role = *credentials.requestedRole;
        d.unit = credentials.requestedUnit;
        return d;
    }
};

}  // namespace vcb::rooms
