#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>

#include "rooms/Conference.hpp"
#include "signaling/api/ApiLimits.hpp"
#include "signaling/api/MeetingsApi.hpp"
#include "signaling/api/RateLimiter.hpp"
#include "signaling/api/SessionRegistry.hpp"
#include "signaling/api/WhipWhepService.hpp"
#include "signaling/api/WsService.hpp"
#include "signaling/http/HttpServer.hpp"

namespace vcb::signaling {

// The one HTTP listener of vcbridge: WHIP, WHEP, the WebSocket protocol, the REST API
// /api/meetings (when `meetings` is given), /healthz, /metrics and the demo page.
class SignalingServer {
  public:
    SignalingServer(boost::asio::io_context& ioc, HttpServerConfig config,
                    rooms::Conference& conference, ApiLimits limits = {},
                    std::unique_ptr<MeetingsApi> meetings = nullptr);
    boost::system::error_code start();
    uint16_t port() const { return server_.port(); }
    // First step of a graceful shutdown: stop accepting connections, refuse new sessions and
    // tell every WebSocket participant (error server_shutdown, then close 1001).
    void drain();
    // WebSocket connections still open (drain() waits for them to say goodbye).
    size_t webSocketCount() const { return ws_->connectionCount(); }
    void stop();

  private:
    rooms::Conference& conference_;
    std::shared_ptr<SessionRegistry> sessions_;
    std::shared_ptr<RateLimiter> joinLimiter_;
    HttpServer server_;
    WhipWhepService whipWhep_;
    std::shared_ptr<WsService> ws_;
    std::unique_ptr<MeetingsApi> meetings_;
};

}  // namespace vcb::signaling
