#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>

#include "rooms/Conference.hpp"
#include "signaling/api/SessionRegistry.hpp"
#include "signaling/api/WhipWhepService.hpp"
#include "signaling/api/WsService.hpp"
#include "signaling/http/HttpServer.hpp"

namespace vcb::signaling {

// The one HTTP listener of vcbridge: WHIP, WHEP, the WebSocket protocol, /healthz, /metrics and
// the demo page.
class SignalingServer {
  public:
    SignalingServer(boost::asio::io_context& ioc, HttpServerConfig config,
                    rooms::Conference& conference);
    boost::system::error_code start();
    uint16_t port() const { return server_.port(); }
    void stop();

  private:
    rooms::Conference& conference_;
    std::shared_ptr<SessionRegistry> sessions_;
    HttpServer server_;
    WhipWhepService whipWhep_;
    std::shared_ptr<WsService> ws_;
};

}  // namespace vcb::signaling
