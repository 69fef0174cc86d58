#include "signaling/http/HttpSession.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <exception>
#include <limits>
#include <string_view>

#include "signaling/http/BeastResponse.hpp"
#include "signaling/http/FailLog.hpp"
#include "signaling/http/HttpResponder.hpp"
#include "signaling/http/Problem.hpp"
#include "signaling/http/WebSocketSession.hpp"

namespace vcb::signaling {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// Input drained after an error response before the socket is closed, so that the peer reads
// the response instead of a reset.
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
constexpr std::size_t kReadChunk = 4096;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, std::shared_ptr<const ServerContext> ctx,
                                 ConnectionSlot slot, beast::flat_buffer initial)
    : ctx_(std::move(ctx)),
      config_(ctx_->config),
      stream_(std::move(stream)),
      executor_(stream_.get_executor()),
      slot_(std::move(slot)),
      buffer_(std::move(initial)),
      timer_(executor_) {
    beast::error_code ec;
    const auto ep = lowest().socket().remote_endpoint(ec);
    if (!ec) {
        remoteAddress_ = ep.address().to_string();
        remotePort_ = ep.port();
    }
    // Signaling messages are small and latency matters more than packet count.
    lowest().socket().set_option(tcp::no_delay(true), ec);
}

template <class Stream>
void HttpSession<Stream>::run() {
    net::dispatch(executor_, [self = this->shared_from_this()] { self->start(); });
}

template <class Stream>
void HttpSession<Stream>::forceClose() {
    net::post(executor_, [self = this->shared_from_this()] {
        if (self->upgraded_ || self->closing_) return;
        self->closing_ = true;
        self->timer_.cancel();
        self->closeSocket();
    });
}

template <class Stream>
void HttpSession<Stream>::start() {
    slot_.bind(this->weak_from_this());
    if (closing_) return;
    if constexpr (!kIsTlsStream<Stream>) {
        if (ctx_->tls && !config_.tls.allowPlain) {
            // The request is not read: nothing in it could change the answer.
            sendError(problem(http::status::bad_request, "https_required",
                              "this server only accepts HTTPS: use https:// and wss:// URLs"));
            return;
        }
    }
    if (!slot_.admitted()) {
        auto res = problem(http::status::service_unavailable, "too_many_connections",
                           "the server is at its connection limit, retry later");
        res.header("Retry-After", std::to_string(config_.retryAfter.count()));
        sendError(std::move(res));
        return;
    }
    deadline_ = Clock::now() + config_.readTimeout;
    startRead();
}

template <class Stream>
void HttpSession<Stream>::startRead() {
    if (closing_) return;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(config_.maxHeaderBytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(config_.maxBodyBytes);

    if (buffer_.size() > 0) {  // pipelined request already buffered
        deadline_ = Clock::now() + config_.readTimeout;
        readHeader();
        return;
    }
    // Waiting for the first byte is the idle phase of a kept-alive connection; the first
    // request's deadline already started at accept time.
    if (firstRequest_) {
        lowest().expires_at(deadline_);
    } else {
        lowest().expires_after(config_.idleTimeout);
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->onFirstBytes(ec, n);
                            });
}

template <class Stream>
void HttpSession<Stream>::onFirstBytes(beast::error_code ec, std::size_t bytes) {
    buffer_.commit(bytes);
    if (ec) {
        // Idle timeout or the peer closed between requests: nothing to answer.
        fail(ec, "http idle read");
        closeSocket();
        return;
    }
    if (!firstRequest_) deadline_ = Clock::now() + config_.readTimeout;
    readHeader();
}

template <class Stream>
void HttpSession<Stream>::readHeader() {
    lowest().expires_at(deadline_);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                self->onHeader(ec);
                            });
}

template <class Stream>
void HttpSession<Stream>::onHeader(beast::error_code ec) {
    if (ec) {
        onReadError(ec);
        return;
    }
    const auto& header = parser_->get();
    // The parser enforces this too; checking here keeps the rule independent of its details.
    if (const auto length = parser_->content_length(); length && *length > config_.maxBodyBytes) {
        onReadError(http::error::body_limit);
        return;
    }
    if (!parser_->is_done() && header.version() >= 11 &&
        beast::iequals(header[http::field::expect], "100-continue")) {
        lowest().expires_at(deadline_);
        net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
                             if (wec) {
                                 fail(wec, "http write 100-continue");
                                 self->closeSocket();
                                 return;
                             }
                             self->readBody();
                         });
        return;
    }
    if (parser_->is_done()) {
        handleRequest();
    } else {
        readBody();
    }
}

template <class Stream>
void HttpSession<Stream>::readBody() {
    lowest().expires_at(deadline_);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onBody(ec); });
}

template <class Stream>
void HttpSession<Stream>::onBody(beast::error_code ec) {
    if (ec) {
        onReadError(ec);
        return;
    }
    handleRequest();
}

template <class Stream>
void HttpSession<Stream>::onReadError(beast::error_code ec) {
    if (closing_) return;
    if (ec == http::error::header_limit) {
        sendError(problem(
            http::status::request_header_fields_too_large, "header_too_large",
            "request header fields exceed " + std::to_string(config_.maxHeaderBytes) + " bytes"));
        return;
    }
    if (ec == http::error::body_limit) {
        sendError(
            problem(http::status::payload_too_large, "body_too_large",
                    "request body exceeds " + std::to_string(config_.maxBodyBytes) + " bytes"));
        return;
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec.category() != http::make_error_code(http::error::bad_method).category()) {
        // The peer went away or timed out (Beast already closed the socket then).
        fail(ec, "http read");
        closeSocket();
        return;
    }
    sendError(problem(http::status::bad_request, "bad_request",
                      "malformed HTTP request: " + ec.message()));
}

template <class Stream>
void HttpSession<Stream>::handleRequest() {
    firstRequest_ = false;
    lowest().expires_never();
    auto message = parser_->release();
    parser_.reset();

    version_ = message.version();
    keepAlive_ = message.keep_alive();
    headRequest_ = message.method() == http::verb::head;
    const bool isUpgrade = beast::websocket::is_upgrade(message);

    HttpRequest request;
    request.method = message.method();
    request.target = std::string(message.target());
    request.remoteAddress = remoteAddress_;
    request.remotePort = remotePort_;
    request.headers = static_cast<const http::fields&>(message);
    request.body = std::move(message.body());

    auto match = ctx_->router->resolve(request, isUpgrade);
    switch (match.kind) {
        case HttpRouter::Match::Kind::response:
            send(std::move(match.response), false);
            return;
        case HttpRouter::Match::Kind::webSocket:
            upgrade(std::move(message), std::move(request), std::move(match.webSocket));
            return;
        case HttpRouter::Match::Kind::handler:
            break;
    }

    const auto seq = ++requestSeq_;
    awaitingResponse_ = true;
    timer_.expires_after(config_.handlerTimeout);
    timer_.async_wait([self = this->shared_from_this(), seq](beast::error_code ec) {
        if (ec) return;
        self->deliver(seq, problem(http::status::service_unavailable, "handler_timeout",
                                   "the request was not answered in time"));
    });
    HttpResponder responder([self = this->shared_from_this(), seq](HttpResponse response) {
        net::post(self->executor_, [self, seq, response = std::move(response)]() mutable {
            self->deliver(seq, std::move(response));
        });
    });
    try {
        (*match.handler)(std::move(request), std::move(responder));
    } catch (const std::exception& e) {
        // The responder copy owned by the handler died during unwinding and sends the 500.
        fail(make_error_code(boost::system::errc::operation_canceled),
             std::string("http handler threw: ") + e.what());
    } catch (...) {
        fail(make_error_code(boost::system::errc::operation_canceled),
             "http handler threw a non-standard exception");
    }
}

template <class Stream>
void HttpSession<Stream>::upgrade(http::request<http::string_body>&& message, HttpRequest&& request,
                                  std::shared_ptr<WsHandler> handler) {
    upgraded_ = true;
    auto ws = std::make_shared<WebSocketSession<Stream>>(std::move(stream_), ctx_, std::move(slot_),
                                                         std::move(handler), std::move(request));
    ws->run(std::move(message));
}

template <class Stream>
void HttpSession<Stream>::deliver(std::uint64_t seq, HttpResponse response) {
    if (closing_ || !awaitingResponse_ || seq != requestSeq_) return;
    awaitingResponse_ = false;
    timer_.cancel();
    send(std::move(response), false);
}

template <class Stream>
void HttpSession<Stream>::sendError(HttpResponse response) {
    // The request (if any) was not fully understood: answer as HTTP/1.1 and end the connection.
    version_ = 11;
    headRequest_ = false;
    send(std::move(response), true);
}

template <class Stream>
void HttpSession<Stream>::send(HttpResponse response, bool closeAfter) {
    const bool keepAlive = keepAlive_ && !closeAfter && !closing_;
    std::shared_ptr<const FileSlice> file = headRequest_ ? nullptr : response.file;
    response_ = std::make_unique<http::response<http::string_body>>(toBeastResponse(
        std::move(response), version_, keepAlive, headRequest_, config_.serverName));
    lowest().expires_after(config_.writeTimeout);
    if (file && file->length() > 0 && response_->has_content_length()) {
        // The header now, the file's bytes after it (writeFileChunk), never all in memory.
        file_ = std::move(file);
        fileSent_ = 0;
        serializer_ = std::make_unique<http::response_serializer<http::string_body>>(*response_);
        http::async_write_header(stream_, *serializer_,
                                 [self = this->shared_from_this(), keepAlive](
                                     beast::error_code ec, std::size_t) {
                                     if (ec) return self->onWrite(keepAlive, ec);
                                     self->writeFileChunk(keepAlive);
                                 });
        return;
    }
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this(), keepAlive](
                          beast::error_code ec, std::size_t) { self->onWrite(keepAlive, ec); });
}

template <class Stream>
void HttpSession<Stream>::writeFileChunk(bool keepAlive) {
    constexpr std::uint64_t kFileChunk = 256 * 1024;
    const std::uint64_t left = file_->length() - fileSent_;
    if (left == 0 || closing_) return onWrite(keepAlive && !closing_, {});
    chunk_.resize(kFileChunk);
    const auto want = static_cast<std::size_t>(std::min(left, kFileChunk));
    ssize_t n = -1;
    for (int i = 0; i < 8; ++i) {
        n = ::pread(file_->fd(), chunk_.data(), want, static_cast<off_t>(file_->offset() + fileSent_));
        if (n >= 0 || errno != EINTR) break;
    }
    if (n <= 0) {
        // The file shrank or failed under us: the promised Content-Length cannot be kept, so the
        // connection ends (the client sees a short body, never wrong bytes).
        fail(make_error_code(n == 0 ? boost::system::errc::io_error
                                    : static_cast<boost::system::errc::errc_t>(errno)),
             "http file body read");
        serializer_.reset();
        file_.reset();
        chunk_ = {};
        response_.reset();
        closeSocket();
        return;
    }
    fileSent_ += static_cast<std::uint64_t>(n);
    lowest().expires_after(config_.writeTimeout);
    net::async_write(stream_, net::buffer(chunk_.data(), static_cast<std::size_t>(n)),
                     [self = this->shared_from_this(), keepAlive](beast::error_code ec,
                                                                  std::size_t) {
                         if (ec) return self->onWrite(keepAlive, ec);
                         self->writeFileChunk(keepAlive);
                     });
}

template <class Stream>
void HttpSession<Stream>::onWrite(bool keepAlive, beast::error_code ec) {
    serializer_.reset();
    file_.reset();
    chunk_ = {};
    response_.reset();
    if (ec) {
        fail(ec, "http write");
        closeSocket();
        return;
    }
    if (closing_) return;
    if (!keepAlive) {
        lingeringClose();
        return;
    }
    startRead();
}

template <class Stream>
void HttpSession<Stream>::lingeringClose() {
    if constexpr (kIsTlsStream<Stream>) {
        // close_notify, then wait (bounded) for the peer's; TLS has no half-close to drain on.
        lowest().expires_after(config_.lingerTimeout);
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code ec) {
            if (ec) fail(ec, "tls shutdown");
            self->closeSocket();
        });
        return;
    }
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        closeSocket();
        return;
    }
    drained_ = 0;
    lowest().expires_after(config_.lingerTimeout);
    drain();
}

template <class Stream>
void HttpSession<Stream>::drain() {
    stream_.async_read_some(net::buffer(drainBuffer_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->drained_ += n;
                                if (ec || self->closing_ || self->drained_ > kMaxDrainBytes) {
                                    self->closeSocket();
                                    return;
                                }
                                self->drain();
                            });
}

template <class Stream>
void HttpSession<Stream>::closeSocket() {
    if (upgraded_) return;
    lowest().close();
    // Free the connection slot now; the object itself may live on in a pending responder.
    slot_.release();
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace vcb::signaling
