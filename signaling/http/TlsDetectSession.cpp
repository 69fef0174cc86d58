#include "signaling/http/TlsDetectSession.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include "signaling/http/FailLog.hpp"
#include "signaling/http/HttpSession.hpp"

namespace vcb::signaling {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

// A ClientHello fits easily; the detector needs only the first bytes anyway.
constexpr std::size_t kMaxSniffBytes = 16 * 1024;

}  // namespace

TlsDetectSession::TlsDetectSession(net::ip::tcp::socket&& socket,
                                   std::shared_ptr<const ServerContext> ctx, ConnectionSlot slot)
    : ctx_(std::move(ctx)),
      stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      slot_(std::move(slot)),
      buffer_(kMaxSniffBytes) {}

void TlsDetectSession::run() {
    net::dispatch(executor_, [self = shared_from_this()] { self->start(); });
}

void TlsDetectSession::forceClose() {
    net::post(executor_, [self = shared_from_this()] {
        if (self->handedOver_ || self->closing_) return;
        self->closing_ = true;
        self->closeSocket();
    });
}

void TlsDetectSession::start() {
    slot_.bind(weak_from_this());
    if (closing_) return;
    // One deadline for sniffing and handshake; it moves into the TLS stream with the socket.
    stream_.expires_after(ctx_->config.tls.handshakeTimeout);
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool isTls) {
                                self->onDetect(ec, isTls);
                            });
}

void TlsDetectSession::onDetect(beast::error_code ec, bool isTls) {
    if (closing_) return;
    if (ec) {
        // Timeout, or the peer closed before sending enough to decide.
        fail(ec, "tls detect");
        closeSocket();
        return;
    }
    if (!isTls) {
        handedOver_ = true;
        stream_.expires_never();
        std::make_shared<HttpSession<PlainStream>>(std::move(stream_), ctx_, std::move(slot_),
                                                   std::move(buffer_))
            ->run();
        return;
    }
    tls_.emplace(std::move(stream_), *ctx_->tls);
    // bind_front_handler, not a lambda: Beast 1.81 checks this handler against the unbuffered
    // signature, which only a variadic handler satisfies.
    tls_->async_handshake(
        net::ssl::stream_base::server, buffer_.data(),
        beast::bind_front_handler(&TlsDetectSession::onHandshake, shared_from_this()));
}

void TlsDetectSession::onHandshake(beast::error_code ec, std::size_t used) {
    if (closing_) return;
    if (ec) {
        fail(ec, "tls handshake");
        closeSocket();
        return;
    }
    buffer_.consume(used);
    if (buffer_.size() != 0) {
        // Ciphertext sent before our handshake finished (0-RTT is not enabled): a broken peer.
        fail(make_error_code(boost::system::errc::protocol_error), "tls handshake");
        closeSocket();
        return;
    }
    handedOver_ = true;
    beast::get_lowest_layer(*tls_).expires_never();
    std::make_shared<HttpSession<TlsStream>>(std::move(*tls_), ctx_, std::move(slot_))->run();
}

void TlsDetectSession::closeSocket() {
    if (handedOver_) return;
    if (tls_) {
        beast::get_lowest_layer(*tls_).close();
    } else {
        stream_.close();
    }
    slot_.release();
}

}  // namespace vcb::signaling
