#include "signaling/http/HttpServer.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "signaling/http/ConnectionRegistry.hpp"
#include "signaling/http/Listener.hpp"
#include "signaling/http/ServerContext.hpp"
#include "signaling/http/ServerTlsContext.hpp"

namespace vcb::signaling {

namespace net = boost::asio;

HttpServer::HttpServer(net::io_context& ioc, HttpServerConfig config)
    : ioc_(ioc),
      config_(std::move(config)),
      router_(std::make_shared<HttpRouter>()),
      // Connections over the limit are still tracked while they get their 503; a flood
      // beyond this allowance is dropped without a reply.
      registry_(std::make_shared<ConnectionRegistry>(
          config_.maxConnections, std::max<std::size_t>(16, config_.maxConnections / 10))) {}

HttpServer::~HttpServer() { stop(); }

boost::system::error_code HttpServer::start() {
    if (listener_) return make_error_code(boost::system::errc::already_connected);
    boost::system::error_code ec;
    const auto address = net::ip::make_address(config_.address, ec);
    if (ec) return ec;

    std::shared_ptr<net::ssl::context> tls;
    if (config_.tlsEnabled()) {
        tls = createServerTlsContext(config_.tls, ec);
        if (ec) return ec;
    }

    router_->freeze();
    auto ctx =
        std::make_shared<ServerContext>(ServerContext{config_, router_, registry_, std::move(tls)});
    auto listener = std::make_shared<Listener>(ioc_, std::move(ctx));
    ec = listener->open(net::ip::tcp::endpoint(address, config_.port));
    if (ec) return ec;
    port_ = listener->port();
    listener_ = std::move(listener);
    listener_->run();
    return {};
}

void HttpServer::stop() {
    if (listener_) listener_->stop();
    registry_->closeAll();
}

void HttpServer::stopAccepting() {
    if (listener_) listener_->stop();
}

std::size_t HttpServer::connectionCount() const { return registry_->admittedCount(); }

}  // namespace vcb::signaling
