#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "signaling/http/Closable.hpp"
#include "signaling/http/ConnectionSlot.hpp"
#include "signaling/http/ServerContext.hpp"
#include "signaling/http/SessionStreams.hpp"
#include "signaling/http/WsConnection.hpp"
#include "signaling/http/WsHandler.hpp"

namespace vcb::signaling {

// Server side of one WebSocket: accepts the upgrade, reads text messages into the WsHandler and
// writes a bounded queue of outgoing messages, all on the socket's strand. Stream is PlainStream
// (ws://) or TlsStream (wss://).
template <class Stream>
class WebSocketSession : public WsConnection,
                         public Closable,
                         public std::enable_shared_from_this<WebSocketSession<Stream>> {
  public:
    WebSocketSession(Stream&& stream, std::shared_ptr<const ServerContext> ctx, ConnectionSlot slot,
                     std::shared_ptr<WsHandler> handler, HttpRequest request);

    // Must be called on the socket's strand (the HTTP session's).
    void run(boost::beast::http::request<boost::beast::http::string_body>&& upgrade);

    void send(std::string message) override;
    void close(boost::beast::websocket::close_code code, std::string reason) override;
    void forceClose() override;

  private:
    void onAccept(boost::beast::error_code ec);
    void doRead();
    void onRead(boost::beast::error_code ec);
    void enqueue(std::string message);
    void doWrite();
    void onWrite(boost::beast::error_code ec);
    // flushFirst: send what is queued before the close frame; otherwise drop it.
    void requestClose(boost::beast::websocket::close_code code, std::string_view reason,
                      bool flushFirst);
    void startClose();
    void dropQueued();
    void finish();
    template <class F>
    void callHandler(F&& f);

    const std::shared_ptr<const ServerContext> ctx_;
    const HttpServerConfig::WebSocket& config_;
    boost::beast::websocket::stream<Stream> ws_;
    const boost::asio::any_io_executor executor_;
    ConnectionSlot slot_;
    const std::shared_ptr<WsHandler> handler_;

    std::optional<boost::beast::http::request<boost::beast::http::string_body>> upgrade_;
    boost::beast::flat_buffer readBuffer_;
    std::deque<std::string> queue_;  // front() is being written while writing_
    std::size_t queuedBytes_ = 0;
    boost::asio::steady_timer closeTimer_;
    std::optional<boost::beast::websocket::close_reason> pendingClose_;
    bool writing_ = false;
    bool closeStarted_ = false;
    bool opened_ = false;
    bool finished_ = false;
};

extern template class WebSocketSession<PlainStream>;
extern template class WebSocketSession<TlsStream>;

}  // namespace vcb::signaling
