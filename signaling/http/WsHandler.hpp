#pragma once

#include <memory>
#include <string>

#include "signaling/http/WsConnection.hpp"

namespace vcb::signaling {

// Application callbacks for a WebSocket route. Calls for one connection are serialized on that
// connection's strand; calls for different connections may run concurrently. onClose is called
// exactly once for every connection that got onOpen. Exceptions thrown here are caught and
// close the connection with 1011.
class WsHandler {
  public:
    virtual ~WsHandler() = default;
    virtual void onOpen(std::shared_ptr<WsConnection> connection) = 0;
    virtual void onMessage(const std::shared_ptr<WsConnection>& connection,
                           std::string message) = 0;
    virtual void onClose(const std::shared_ptr<WsConnection>& connection) = 0;
};

}  // namespace vcb::signaling
