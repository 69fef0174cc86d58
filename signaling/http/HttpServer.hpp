#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "signaling/http/HttpRouter.hpp"
#include "signaling/http/HttpServerConfig.hpp"

namespace vcb::signaling {

class ConnectionRegistry;
class Listener;

// HTTP/1.1 + WebSocket server on one port. Register routes on router() before start(); then
// run the io_context on any number of threads. stop() (also run by the destructor) closes the
// listener and every connection, after which the io_context runs out of work.
class HttpServer {
  public:
    HttpServer(boost::asio::io_context& ioc, HttpServerConfig config);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    HttpRouter& router() { return *router_; }
    const HttpServerConfig& config() const { return config_; }

    // Loads the TLS certificate and key when configured (failures are TlsError codes), binds
    // and listens; errors such as address_in_use are returned, nothing is thrown.
    boost::system::error_code start();
    // The bound port (useful with config port 0); 0 before a successful start().
    // With TLS configured the port serves https:// and wss://.
    std::uint16_t port() const { return port_; }
    // Thread-safe and idempotent; does not block.
    void stop();
    // Closes the listening socket only; open connections continue (graceful drain).
    void stopAccepting();
    // Admitted HTTP and WebSocket connections currently open.
    std::size_t connectionCount() const;

  private:
    boost::asio::io_context& ioc_;
    const HttpServerConfig config_;
    std::shared_ptr<HttpRouter> router_;
    std::shared_ptr<ConnectionRegistry> registry_;
    std::shared_ptr<Listener> listener_;
    std::uint16_t port_ = 0;
};

}  // namespace vcb::signaling
