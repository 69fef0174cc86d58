#include "signaling/api/WsService.hpp"

#include "protocol/Codec.hpp"
#include "signaling/api/WsClient.hpp"

namespace vcb::signaling {

void WsService::onOpen(std::shared_ptr<WsConnection> connection) {
    connection->setUserData(
        std::make_shared<WsClient>(conference_, connection, connection->remoteAddress()));
}

void WsService::onMessage(const std::shared_ptr<WsConnection>& connection, std::string message) {
    auto client = connection->userDataAs<WsClient>();
    if (!client) return;
    auto parsed = protocol::parseClientMessage(message);
    if (!parsed) {
        connection->send(
            protocol::serialize(protocol::ServerMessage(protocol::toErrorMessage(parsed.error()))));
        return;
    }
    client->handle(parsed.value());
}

void WsService::onClose(const std::shared_ptr<WsConnection>& connection) {
    if (auto client = connection->userDataAs<WsClient>()) client->disconnect();
    connection->setUserData(nullptr);  // breaks the client ↔ connection cycle
}

}  // namespace vcb::signaling
