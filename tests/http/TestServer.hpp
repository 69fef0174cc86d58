#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "signaling/http/HttpServer.hpp"

namespace vcb::signaling::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Config with timeouts short enough for tests to observe them.
inline HttpServerConfig testConfig() {
    HttpServerConfig c;
    c.address = "127.0.0.1";
    c.port = 0;
    c.maxBodyBytes = 1024;
    c.readTimeout = 2s;
    c.idleTimeout = 2s;
    c.handlerTimeout = 1s;
    c.lingerTimeout = 500ms;
    c.ws.maxMessageBytes = 1024;
    c.ws.maxQueuedMessages = 16;
    c.ws.idleTimeout = 5s;
    c.ws.closeTimeout = 1s;
    return c;
}

// A server on 127.0.0.1:<any> served by two io threads.
class ServerRunner {
  public:
    explicit ServerRunner(HttpServerConfig config = testConfig())
        : server_(std::make_unique<HttpServer>(ioc_, std::move(config))) {}

    ~ServerRunner() { stopAndJoin(5s); }

    HttpServer& server() { return *server_; }
    HttpRouter& router() { return server_->router(); }
    std::uint16_t port() const { return server_->port(); }

    void start() {
        ASSERT_FALSE(server_->start());
        ASSERT_NE(server_->port(), 0);
        for (int i = 0; i < 2; ++i) {
            threads_.emplace_back([this] {
                ioc_.run();
                ++finished_;
            });
        }
    }

    // Stops the server and reports whether the io threads ran out of work within `limit`.
    bool stopAndJoin(std::chrono::milliseconds limit) {
        if (threads_.empty()) return true;
        server_->stop();
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (finished_.load() < static_cast<int>(threads_.size()) &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(5ms);
        }
        const bool prompt = finished_.load() == static_cast<int>(threads_.size());
        ioc_.stop();
        for (auto& t : threads_) t.join();
        threads_.clear();
        return prompt;
    }

  private:
    net::io_context ioc_;
    std::unique_ptr<HttpServer> server_;
    std::vector<std::thread> threads_;
    std::atomic<int> finished_{0};
};

// Minimal synchronous Beast client for one connection.
class TestClient {
  public:
    explicit TestClient(std::uint16_t port) : stream_(ioc_) {
        stream_.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    }

    beast::tcp_stream& stream() { return stream_; }

    http::response<http::string_body> request(http::verb method, std::string target,
                                              std::string body = {}, std::string contentType = {}) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "localhost");
        if (!contentType.empty()) req.set(http::field::content_type, contentType);
        req.body() = std::move(body);
        req.prepare_payload();
        return send(req);
    }

    http::response<http::string_body> send(http::request<http::string_body>& req) {
        http::write(stream_, req);
        return read();
    }

    http::response<http::string_body> read() {
        beast::error_code ec;
        http::response<http::string_body> res;
        http::read(stream_, buffer_, res, ec);
        lastError_ = ec;
        return res;
    }

    beast::error_code lastError() const { return lastError_; }

    // True when the server closed the connection (EOF or reset) without sending more.
    bool serverClosed() {
        beast::error_code ec;
        http::response<http::string_body> res;
        http::read(stream_, buffer_, res, ec);
        return ec == http::error::end_of_stream || ec == net::error::eof ||
               ec == net::error::connection_reset;
    }

  private:
    net::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    beast::error_code lastError_;
};

inline boost::json::object problemOf(const http::response<http::string_body>& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
}

inline void expectProblem(const http::response<http::string_body>& res, http::status status,
                          std::string_view code) {
    EXPECT_EQ(res.result(), status);
    EXPECT_EQ(res[http::field::content_type], "application/problem+json");
    const auto p = problemOf(res);
    ASSERT_TRUE(p.contains("code")) << res.body();
    EXPECT_EQ(p.at("code").as_string(), code);
    EXPECT_EQ(p.at("status").as_int64(), static_cast<int>(status));
    EXPECT_EQ(p.at("type").as_string(), "about:blank");
    EXPECT_EQ(p.at("title").as_string(), http::obsolete_reason(status));
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "*");
}

}  // namespace vcb::signaling::test
