#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <optional>

#include "signaling/http/Closable.hpp"
#include "signaling/http/ConnectionSlot.hpp"
#include "signaling/http/ServerContext.hpp"
#include "signaling/http/SessionStreams.hpp"

namespace vcb::signaling {

// First phase of a connection on a TLS listener: sniffs whether the peer starts a TLS handshake
// (beast::async_detect_ssl), performs it, and hands the stream to HttpSession<TlsStream>; plain
// HTTP goes to HttpSession<PlainStream> with the sniffed bytes. Detection and handshake
// together are bounded by HttpServerConfig::tls.handshakeTimeout, so a peer that sends nothing
// or dribbles its ClientHello is cut. Runs on the socket's strand.
class TlsDetectSession : public std::enable_shared_from_this<TlsDetectSession>, public Closable {
  public:
    TlsDetectSession(boost::asio::ip::tcp::socket&& socket,
                     std::shared_ptr<const ServerContext> ctx, ConnectionSlot slot);

    void run();
    void forceClose() override;

  private:
    void start();
    void onDetect(boost::beast::error_code ec, bool isTls);
    void onHandshake(boost::beast::error_code ec, std::size_t used);
    void closeSocket();

    const std::shared_ptr<const ServerContext> ctx_;
    PlainStream stream_;  // moved into tls_ once a TLS handshake is detected
    std::optional<TlsStream> tls_;
    const boost::asio::any_io_executor executor_;
    ConnectionSlot slot_;
    boost::beast::flat_buffer buffer_;
    bool handedOver_ = false;
    bool closing_ = false;
};

}  // namespace vcb::signaling
