#include "signaling/api/WsService.hpp"

#include <vector>

#include "common/Log.hpp"
#include "protocol/Codec.hpp"
#include "signaling/api/WsClient.hpp"

namespace vcb::signaling {

namespace {
using Clock = TokenBucket::Clock;
namespace websocket = boost::beast::websocket;

std::string errorFrame(protocol::ErrorCode code, std::string message,
                       std::optional<int64_t> requestId = std::nullopt) {
    return protocol::serialize(
        protocol::ServerMessage(protocol::Error{code, std::move(message), requestId}));
}
}  // namespace

void WsService::onOpen(std::shared_ptr<WsConnection> connection) {
    connection->setUserData(
        std::make_shared<WsClient>(conference_, connection, connection->remoteAddress()));
    {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        // Half the burst of drops in a row is tolerated; it refills at a tenth of the rate.
        connections_.emplace(
            connection->id(),
            Entry{connection, TokenBucket(limits_.wsMessageRate, limits_.wsMessageBurst, now),
                  TokenBucket(limits_.wsMessageRate / 10, limits_.wsMessageBurst / 2, now), false});
    }
    // A connection that raced with drain() is told too.
    if (draining_) sendShutdown(*connection);
}

WsService::Admission WsService::admit(uint64_t connectionId) {
    if (limits_.wsMessageRate <= 0 || limits_.wsMessageBurst < 1) return Admission::Accept;
    std::lock_guard lock(mutex_);
    auto it = connections_.find(connectionId);
    if (it == connections_.end()) return Admission::Accept;
    const auto now = Clock::now();
    Entry& e = it->second;
    if (e.messages.tryTake(now)) {
        e.warned = false;
        return Admission::Accept;
    }
    if (!e.abuse.tryTake(now)) return Admission::Close;
    if (e.warned) return Admission::Drop;
    e.warned = true;
    return Admission::DropAndWarn;
}

void WsService::onMessage(const std::shared_ptr<WsConnection>& connection, std::string message) {
    auto client = connection->userDataAs<WsClient>();
    if (!client) return;
    switch (admit(connection->id())) {
        case Admission::Accept:
            break;
        case Admission::Drop:
            return;
        case Admission::DropAndWarn:
            connection->send(errorFrame(protocol::ErrorCode::RateLimited,
                                        "too many messages; this one and the next are dropped"));
            return;
        case Admission::Close:
            VCB_LOG_WARN("websocket %s: message flood, closing",
                         connection->remoteAddress().c_str());
            connection->send(
                errorFrame(protocol::ErrorCode::RateLimited, "message flood; closing"));
            connection->close(websocket::close_code::policy_error, "message flood");
            return;
    }
    auto parsed = protocol::parseClientMessage(message);
    if (!parsed) {
        connection->send(
            protocol::serialize(protocol::ServerMessage(protocol::toErrorMessage(parsed.error()))));
        return;
    }
    if (const auto* join = std::get_if<protocol::Join>(&parsed.value())) {
        if (draining_) {
            connection->send(errorFrame(protocol::ErrorCode::ServerShutdown,
                                        "the server is shutting down", join->requestId));
            return;
        }
        if (joinLimiter_ &&
            joinLimiter_->acquire(connection->remoteAddress(), Clock::now()).has_value()) {
            connection->send(errorFrame(protocol::ErrorCode::RateLimited,
                                        "too many joins from this address; retry later",
                                        join->requestId));
            return;
        }
    }
    client->handle(parsed.value());
}

void WsService::onClose(const std::shared_ptr<WsConnection>& connection) {
    {
        std::lock_guard lock(mutex_);
        connections_.erase(connection->id());
    }
    if (auto client = connection->userDataAs<WsClient>()) client->disconnect();
    connection->setUserData(nullptr);  // breaks the client ↔ connection cycle
}

void WsService::sendShutdown(WsConnection& connection) {
    connection.send(errorFrame(protocol::ErrorCode::ServerShutdown, "the server is shutting down"));
    connection.close(websocket::close_code::going_away, "server shutting down");
}

void WsService::drain() {
    draining_ = true;
    std::vector<std::shared_ptr<WsConnection>> open;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, e] : connections_) {
            if (auto c = e.connection.lock()) open.push_back(std::move(c));
        }
    }
    for (auto& c : open) sendShutdown(*c);
}

size_t WsService::connectionCount() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

}  // namespace vcb::signaling
