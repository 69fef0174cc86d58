#pragma once
// A signaling-only WebSocket client of GET /ws exchanging JSON objects (no media); every write
// and read is bounded by 10 s (a timeout throws, failing the test instead of hanging it).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace vcb::integration {

class WsConn {
  public:
    explicit WsConn(uint16_t port) : ws_(ioc_) {
        using namespace std::chrono_literals;
        boost::beast::get_lowest_layer(ws_).expires_after(10s);
        boost::beast::get_lowest_layer(ws_).connect(
            boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), port));
        ws_.handshake("127.0.0.1", "/ws");
    }
    ~WsConn() {
        boost::beast::error_code ec;
        ws_.close(boost::beast::websocket::close_code::normal, ec);
    }
    void send(const boost::json::object& message) {
        using namespace std::chrono_literals;
        boost::beast::get_lowest_layer(ws_).expires_after(10s);
        ws_.write(boost::asio::buffer(boost::json::serialize(message)));
    }
    boost::json::object read() {
        using namespace std::chrono_literals;
        boost::beast::flat_buffer buffer;
        boost::beast::get_lowest_layer(ws_).expires_after(10s);
        ws_.read(buffer);
        return boost::json::parse(boost::beast::buffers_to_string(buffer.data())).as_object();
    }

  private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
};

}  // namespace vcb::integration
