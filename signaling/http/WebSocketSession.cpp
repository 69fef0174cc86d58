#include "signaling/http/WebSocketSession.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <exception>

#include "signaling/http/FailLog.hpp"

namespace vcb::signaling {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// RFC 6455 5.5: control frame payload <= 125 bytes, 2 of them are the code.
constexpr std::size_t kMaxCloseReason = 123;

}  // namespace

template <class Stream>
template <class F>
void WebSocketSession<Stream>::callHandler(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        fail(make_error_code(boost::system::errc::operation_canceled),
             std::string("websocket handler threw: ") + e.what());
        requestClose(websocket::close_code::internal_error, "internal error", false);
    } catch (...) {
        fail(make_error_code(boost::system::errc::operation_canceled), "websocket handler threw");
        requestClose(websocket::close_code::internal_error, "internal error", false);
    }
}

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(Stream&& stream,
                                           std::shared_ptr<const ServerContext> ctx,
                                           ConnectionSlot slot, std::shared_ptr<WsHandler> handler,
                                           HttpRequest request)
    : WsConnection(slot.id(), std::move(request)),
      ctx_(std::move(ctx)),
      config_(ctx_->config.ws),
      ws_(std::move(stream)),
      executor_(ws_.get_executor()),
      slot_(std::move(slot)),
      handler_(std::move(handler)),
      closeTimer_(executor_) {}

template <class Stream>
void WebSocketSession<Stream>::run(http::request<http::string_body>&& upgrade) {
    slot_.bind(this->weak_from_this());
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeout takes over

    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = config_.handshakeTimeout;
    timeouts.idle_timeout = config_.idleTimeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(config_.maxMessageBytes);
    ws_.set_option(websocket::stream_base::decorator(
        [name = ctx_->config.serverName](websocket::response_type& res) {
            if (!name.empty()) res.set(http::field::server, name);
        }));

    upgrade_.emplace(std::move(upgrade));
    ws_.async_accept(
        *upgrade_, [self = this->shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
}

template <class Stream>
void WebSocketSession<Stream>::send(std::string message) {
    net::post(executor_, [self = this->shared_from_this(), message = std::move(message)]() mutable {
        self->enqueue(std::move(message));
    });
}

template <class Stream>
void WebSocketSession<Stream>::close(websocket::close_code code, std::string reason) {
    net::post(executor_, [self = this->shared_from_this(), code, reason = std::move(reason)] {
        self->requestClose(code, reason, true);
    });
}

template <class Stream>
void WebSocketSession<Stream>::forceClose() {
    net::post(executor_, [self = this->shared_from_this()] {
        if (self->finished_) return;
        if (!self->opened_) {
            // Still in the opening handshake: nothing to say goodbye to.
            beast::get_lowest_layer(self->ws_).close();
            return;
        }
        self->requestClose(websocket::close_code::going_away, "server shutting down", false);
    });
}

template <class Stream>
void WebSocketSession<Stream>::onAccept(beast::error_code ec) {
    upgrade_.reset();
    if (ec) {
        fail(ec, "websocket accept");
        finish();
        return;
    }
    opened_ = true;
    callHandler([this] { handler_->onOpen(this->shared_from_this()); });
    doRead();
}

template <class Stream>
void WebSocketSession<Stream>::doRead() {
    ws_.async_read(readBuffer_, [self = this->shared_from_this()](
                                    beast::error_code ec, std::size_t) { self->onRead(ec); });
}

template <class Stream>
void WebSocketSession<Stream>::onRead(beast::error_code ec) {
    if (ec) {
        // Beast has already sent 1009 for oversized and 1002/1007 for malformed messages.
        if (ec != websocket::error::message_too_big) fail(ec, "websocket read");
        finish();
        return;
    }
    if (!ws_.got_text()) {
        readBuffer_.consume(readBuffer_.size());
        requestClose(websocket::close_code::unknown_data, "text messages only", false);
        doRead();  // keep reading until the peer's close frame completes the handshake
        return;
    }
    if (closeStarted_ || pendingClose_) {
        readBuffer_.consume(readBuffer_.size());
        doRead();
        return;
    }
    auto message = beast::buffers_to_string(readBuffer_.data());
    readBuffer_.consume(readBuffer_.size());
    const std::shared_ptr<WsConnection> self = this->shared_from_this();
    callHandler([&] { handler_->onMessage(self, std::move(message)); });
    doRead();
}

template <class Stream>
void WebSocketSession<Stream>::enqueue(std::string message) {
    if (finished_ || closeStarted_ || pendingClose_) return;
    if (queue_.size() >= config_.maxQueuedMessages ||
        message.size() > config_.maxQueuedBytes - std::min(queuedBytes_, config_.maxQueuedBytes)) {
        requestClose(websocket::close_code::policy_error, "send queue overflow", false);
        return;
    }
    queuedBytes_ += message.size();
    queue_.push_back(std::move(message));
    if (!writing_) doWrite();
}

template <class Stream>
void WebSocketSession<Stream>::doWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->onWrite(ec);
                    });
}

template <class Stream>
void WebSocketSession<Stream>::onWrite(beast::error_code ec) {
    writing_ = false;
    if (!queue_.empty()) {
        queuedBytes_ -= queue_.front().size();
        queue_.pop_front();
    }
    if (finished_) return;
    if (ec) {
        fail(ec, "websocket write");
        // Unblocks the pending read, which then finishes the session.
        beast::get_lowest_layer(ws_).close();
        return;
    }
    if (!queue_.empty()) {
        doWrite();
    } else if (pendingClose_) {
        startClose();
    }
}

template <class Stream>
void WebSocketSession<Stream>::requestClose(websocket::close_code code, std::string_view reason,
                                            bool flushFirst) {
    if (finished_ || closeStarted_) return;
    if (!pendingClose_) {
        // Bounds the whole goodbye: flushing, the close frame and the peer's answer.
        closeTimer_.expires_after(config_.closeTimeout);
        closeTimer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || self->finished_) return;
            beast::get_lowest_layer(self->ws_).close();
        });
    }
    if (!flushFirst) dropQueued();
    if (!pendingClose_ || !flushFirst) {
        pendingClose_.emplace(code, reason.substr(0, kMaxCloseReason));
    }
    // While a message is in flight the close frame waits for it (see onWrite).
    if (!writing_) startClose();
}

template <class Stream>
void WebSocketSession<Stream>::startClose() {
    closeStarted_ = true;
    ws_.async_close(*pendingClose_, [self = this->shared_from_this()](beast::error_code ec) {
        // The pending read completes with `closed` (or an error) and finishes the session.
        if (ec) fail(ec, "websocket close");
    });
}

template <class Stream>
void WebSocketSession<Stream>::dropQueued() {
    // The front element's buffer is owned by an in-flight write and must stay alive.
    const std::size_t keep = writing_ && !queue_.empty() ? 1 : 0;
    while (queue_.size() > keep) {
        queuedBytes_ -= queue_.back().size();
        queue_.pop_back();
    }
}

template <class Stream>
void WebSocketSession<Stream>::finish() {
    if (finished_) return;
    finished_ = true;
    closeTimer_.cancel();
    dropQueued();
    beast::get_lowest_layer(ws_).close();
    slot_.release();
    if (opened_) {
        const std::shared_ptr<WsConnection> self = this->shared_from_this();
        try {
            handler_->onClose(self);
        } catch (const std::exception& e) {
            fail(make_error_code(boost::system::errc::operation_canceled),
                 std::string("websocket onClose threw: ") + e.what());
        } catch (...) {
            fail(make_error_code(boost::system::errc::operation_canceled),
                 "websocket onClose threw");
        }
    }
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace vcb::signaling
