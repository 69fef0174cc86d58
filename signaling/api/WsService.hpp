#pragma once
#include <memory>

#include "rooms/Conference.hpp"
#include "signaling/http/WsHandler.hpp"

namespace vcb::signaling {

// The JSON protocol of docs/protocol.md over WebSocket: join, publish (client offers), a
// server-offered subscribe peer connection renegotiated as tracks come and go, leave.
class WsService final : public WsHandler {
  public:
    explicit WsService(rooms::Conference& conference) : conference_(conference) {}

    void onOpen(std::shared_ptr<WsConnection> connection) override;
    void onMessage(const std::shared_ptr<WsConnection>& connection, std::string message) override;
    void onClose(const std::shared_ptr<WsConnection>& connection) override;

  private:
    rooms::Conference& conference_;
};

}  // namespace vcb::signaling
