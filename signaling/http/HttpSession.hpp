#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "signaling/http/Closable.hpp"
#include "signaling/http/ConnectionSlot.hpp"
#include "signaling/http/HttpResponse.hpp"
#include "signaling/http/ServerContext.hpp"
#include "signaling/http/SessionStreams.hpp"

namespace vcb::signaling {

// One HTTP/1.1 connection: reads requests one at a time (keep-alive, pipelined input stays
// buffered), routes them, waits for the handler's answer and writes it. Hands the socket to a
// WebSocketSession on upgrade. Everything runs on the socket's strand. Stream is PlainStream or
// TlsStream (after the TLS handshake); see SessionStreams.hpp.
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>>, public Closable {
  public:
    // `initial` holds bytes already read from the connection (by TLS detection).
    HttpSession(Stream&& stream, std::shared_ptr<const ServerContext> ctx, ConnectionSlot slot,
                boost::beast::flat_buffer initial = {});

    // Serves requests. Answers 503 and closes when the slot was not admitted, 400
    // https_required when this is plain HTTP on a TLS listener that does not allow it.
    void run();
    void forceClose() override;

  private:
    using Clock = std::chrono::steady_clock;

    void start();
    void startRead();
    void onFirstBytes(boost::beast::error_code ec, std::size_t bytes);
    void readHeader();
    void onHeader(boost::beast::error_code ec);
    void readBody();
    void onBody(boost::beast::error_code ec);
    // Maps a read failure to a final error response or a silent close.
    void onReadError(boost::beast::error_code ec);
    void handleRequest();
    void upgrade(boost::beast::http::request<boost::beast::http::string_body>&& message,
                 HttpRequest&& request, std::shared_ptr<WsHandler> handler);
    void deliver(std::uint64_t seq, HttpResponse response);
    void sendError(HttpResponse response);
    void send(HttpResponse response, bool closeAfter);
    void onWrite(bool keepAlive, boost::beast::error_code ec);
    void writeFileChunk(bool keepAlive);
    void lingeringClose();
    void drain();
    void closeSocket();
    boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(stream_); }

    const std::shared_ptr<const ServerContext> ctx_;
    const HttpServerConfig& config_;
    Stream stream_;
    const boost::asio::any_io_executor executor_;
    ConnectionSlot slot_;
    std::string remoteAddress_;
    std::uint16_t remotePort_ = 0;

    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::unique_ptr<boost::beast::http::response<boost::beast::http::string_body>> response_;
    // A file body (HttpResponse::file): the header goes out through serializer_, then the slice
    // in chunks of kFileChunk read into chunk_, one write at a time, each under writeTimeout.
    std::unique_ptr<boost::beast::http::response_serializer<boost::beast::http::string_body>>
        serializer_;
    std::shared_ptr<const FileSlice> file_;
    std::uint64_t fileSent_ = 0;
    std::vector<char> chunk_;
    boost::asio::steady_timer timer_;  // handler timeout
    Clock::time_point deadline_{};     // end of the current request's read time
    std::array<char, 4096> drainBuffer_{};
    std::size_t drained_ = 0;

    std::uint64_t requestSeq_ = 0;
    unsigned version_ = 11;
    bool keepAlive_ = false;
    bool headRequest_ = false;
    bool firstRequest_ = true;
    bool awaitingResponse_ = false;
    bool closing_ = false;
    bool upgraded_ = false;
};

extern template class HttpSession<PlainStream>;
extern template class HttpSession<TlsStream>;

}  // namespace vcb::signaling
