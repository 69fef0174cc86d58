#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>

#include "signaling/http/ServerContext.hpp"

namespace vcb::signaling {

// Owns the listening socket and accepts connections, each onto its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& ioc, std::shared_ptr<const ServerContext> ctx);

    // Binds and listens synchronously so that errors (address in use) reach the caller.
    boost::system::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
    std::uint16_t port() const { return port_; }
    void run();
    // Thread-safe; closes the acceptor on its strand.
    void stop();

  private:
    void doAccept();
    void onAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    const std::shared_ptr<const ServerContext> ctx_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retryTimer_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace vcb::signaling
