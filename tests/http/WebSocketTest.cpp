#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "signaling/http/Problem.hpp"
#include "tests/http/TestServer.hpp"

namespace vcb::signaling::test {
namespace {

namespace websocket = beast::websocket;

// Echoes text; "flood:N" sends N messages at once; "close" closes with 4000 after a goodbye.
class EchoHandler : public WsHandler {
  public:
    void onOpen(std::shared_ptr<WsConnection> c) override {
        c->setUserData(std::make_shared<std::string>("state-" + std::to_string(c->id())));
        std::lock_guard lock(mutex_);
        ++opened_;
        ids_.insert(c->id());
        lastRemote_ = c->remoteAddress();
        lastQueryToken_ = c->request().queryParameter("token").value_or("");
        open_.insert(c);
    }
    void onMessage(const std::shared_ptr<WsConnection>& c, std::string message) override {
        if (message.rfind("flood:", 0) == 0) {
            const int n = std::stoi(message.substr(6));
            for (int i = 0; i < n; ++i) c->send(std::string(100, 'f'));
            return;
        }
        if (message == "close") {
            c->send("bye");
            c->close(static_cast<websocket::close_code>(4000), "done");
            return;
        }
        if (message == "state") {
            c->send(*c->userDataAs<std::string>());
            return;
        }
        c->send(std::move(message));
    }
    void onClose(const std::shared_ptr<WsConnection>& c) override {
        std::lock_guard lock(mutex_);
        ++closed_;
        open_.erase(c);
        cv_.notify_all();
    }

    bool waitClosed(int n, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, limit, [&] { return closed_ >= n; });
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    int opened_ = 0;
    int closed_ = 0;
    std::set<std::uint64_t> ids_;
    std::string lastRemote_;
    std::string lastQueryToken_;
    std::set<std::shared_ptr<WsConnection>> open_;
};

class WsClient {
  public:
    WsClient(std::uint16_t port, const std::string& target = "/ws") : ws_(ioc_) {
        beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
        ws_.handshake("localhost", target);
    }
    websocket::stream<beast::tcp_stream>& ws() { return ws_; }
    beast::error_code lastError;

    std::string readText(beast::error_code& ec) {
        beast::flat_buffer buffer;
        ws_.read(buffer, ec);
        return beast::buffers_to_string(buffer.data());
    }

    // Reads until the server's close frame; returns the close code it sent.
    int readUntilClosed(int maxMessages = 10000) {
        for (int i = 0; i < maxMessages; ++i) {
            beast::error_code ec;
            readText(ec);
            if (ec == websocket::error::closed) return ws_.reason().code;
            // Beast 1.81's server teardown may reset the TCP connection right after its close
            // frame; the frame (and so the code) was still received.
            if (ec && ws_.reason().code != websocket::close_code::none) return ws_.reason().code;
            if (ec) {
                lastError = ec;
                return -1;
            }
        }
        return -2;
    }

  private:
    net::io_context ioc_;
    websocket::stream<beast::tcp_stream> ws_;
};

class WebSocketTest : public ::testing::Test {
  protected:
    void SetUp() override {
        handler_ = std::make_shared<EchoHandler>();
        ASSERT_TRUE(runner_.router().addWebSocket("/ws", handler_));
        runner_.start();
    }
    void TearDown() override {
        EXPECT_TRUE(runner_.stopAndJoin(3s));
        handler_->open_.clear();
    }

    ServerRunner runner_;
    std::shared_ptr<EchoHandler> handler_;
};

TEST_F(WebSocketTest, EchoRoundTripAndLifecycle) {
    {
        WsClient a(runner_.port(), "/ws?token=abc");
        WsClient b(runner_.port());
        a.ws().write(net::buffer(std::string("hello")));
        beast::error_code ec;
        EXPECT_EQ(a.readText(ec), "hello");
        ASSERT_FALSE(ec);
        EXPECT_TRUE(a.ws().got_text());
        b.ws().write(net::buffer(std::string("state")));
        const auto state = b.readText(ec);
        EXPECT_EQ(state.rfind("state-", 0), 0u) << state;
        a.ws().close(websocket::close_code::normal);
        b.ws().close(websocket::close_code::normal);
    }
    ASSERT_TRUE(handler_->waitClosed(2, 3s));
    std::lock_guard lock(handler_->mutex_);
    EXPECT_EQ(handler_->opened_, 2);
    EXPECT_EQ(handler_->ids_.size(), 2u);
    EXPECT_EQ(handler_->lastRemote_, "127.0.0.1");
    EXPECT_TRUE(handler_->open_.empty());
}

TEST_F(WebSocketTest, QueryTokenVisibleInUpgradeRequest) {
    WsClient a(runner_.port(), "/ws?token=s%20t");
    a.ws().write(net::buffer(std::string("ping")));
    beast::error_code ec;
    a.readText(ec);
    std::lock_guard lock(handler_->mutex_);
    EXPECT_EQ(handler_->lastQueryToken_, "s t");
}

TEST_F(WebSocketTest, ApplicationCloseFlushesQueuedMessagesFirst) {
    WsClient a(runner_.port());
    a.ws().write(net::buffer(std::string("close")));
    beast::error_code ec;
    EXPECT_EQ(a.readText(ec), "bye");
    EXPECT_EQ(a.readUntilClosed(), 4000);
    EXPECT_EQ(a.ws().reason().reason, "done");
    EXPECT_TRUE(handler_->waitClosed(1, 3s));
}

TEST_F(WebSocketTest, OversizeMessageClosesWith1009) {
    WsClient a(runner_.port());
    beast::error_code ec;
    a.ws().write(net::buffer(std::string(2000, 'x')), ec);
    EXPECT_EQ(a.readUntilClosed(), static_cast<int>(websocket::close_code::too_big))
        << a.lastError.message() << " reason " << a.ws().reason().code;
    EXPECT_TRUE(handler_->waitClosed(1, 3s));
}

TEST_F(WebSocketTest, BinaryFrameClosesWith1003) {
    WsClient a(runner_.port());
    a.ws().binary(true);
    a.ws().write(net::buffer(std::string("\x01\x02", 2)));
    EXPECT_EQ(a.readUntilClosed(), static_cast<int>(websocket::close_code::unknown_data));
    EXPECT_TRUE(handler_->waitClosed(1, 3s));
}

TEST_F(WebSocketTest, SendQueueOverflowClosesWith1008) {
    WsClient a(runner_.port());
    a.ws().write(net::buffer(std::string("flood:200")));  // limit is 16 queued messages
    EXPECT_EQ(a.readUntilClosed(), static_cast<int>(websocket::close_code::policy_error));
    EXPECT_TRUE(handler_->waitClosed(1, 3s));
}

TEST_F(WebSocketTest, QueueWithinLimitsIsDelivered) {
    WsClient a(runner_.port());
    a.ws().write(net::buffer(std::string("flood:10")));
    for (int i = 0; i < 10; ++i) {
        beast::error_code ec;
        EXPECT_EQ(a.readText(ec), std::string(100, 'f'));
        ASSERT_FALSE(ec);
    }
}

TEST_F(WebSocketTest, PlainGetGets426AndUnknownPath404) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::get, "/ws");
    expectProblem(res, http::status::upgrade_required, "upgrade_required");
    EXPECT_THROW(WsClient(runner_.port(), "/other"), boost::system::system_error);
}

TEST(WebSocketIdle, PeerThatNeverAnswersPingsIsClosed) {
    auto config = testConfig();
    config.ws.idleTimeout = 400ms;
    ServerRunner runner(config);
    auto handler = std::make_shared<EchoHandler>();
    runner.router().addWebSocket("/ws", handler);
    runner.start();
    WsClient a(runner.port());
    // Not reading means the client never answers the server's pings.
    ASSERT_TRUE(handler->waitClosed(1, 3s));
    EXPECT_TRUE(runner.stopAndJoin(3s));
    handler->open_.clear();
}

TEST(HttpServerStop, ReturnsPromptlyWithOpenConnections) {
    ServerRunner runner;  // default test timeouts are seconds long
    auto handler = std::make_shared<EchoHandler>();
    std::mutex m;
    std::vector<HttpResponder> stash;
    runner.router().addWebSocket("/ws", handler);
    runner.router().add({http::verb::get}, "/hang", [&](HttpRequest, HttpResponder r) {
        std::lock_guard lock(m);
        stash.push_back(std::move(r));
    });
    runner.router().addStatic("/x", "text/plain", "x");
    runner.start();

    TestClient idle(runner.port());
    ASSERT_EQ(idle.request(http::verb::get, "/x").result(), http::status::ok);
    TestClient silent(runner.port());
    TestClient pending(runner.port());
    http::request<http::string_body> req{http::verb::get, "/hang", 11};
    req.set(http::field::host, "localhost");
    http::write(pending.stream(), req);
    WsClient ws(runner.port());
    ws.ws().write(net::buffer(std::string("hi")));
    beast::error_code ec;
    ASSERT_EQ(ws.readText(ec), "hi");

    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (true) {
        {
            std::lock_guard lock(m);
            if (!stash.empty()) break;
        }
        ASSERT_LT(std::chrono::steady_clock::now(), deadline);
        std::this_thread::sleep_for(5ms);
    }

    // A browser answers the close frame right away; this thread plays that part.
    int wsCloseCode = 0;
    std::thread wsReader([&] { wsCloseCode = ws.readUntilClosed(); });

    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(runner.stopAndJoin(3s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    wsReader.join();
    EXPECT_EQ(wsCloseCode, static_cast<int>(websocket::close_code::going_away));
    EXPECT_TRUE(handler->waitClosed(1, 1s));
    EXPECT_TRUE(idle.serverClosed());
    EXPECT_TRUE(silent.serverClosed());
    EXPECT_TRUE(pending.serverClosed());
    EXPECT_EQ(runner.server().connectionCount(), 0u);
    stash.clear();  // before the io_context goes away
    handler->open_.clear();
}

TEST(HttpServerStop, UnresponsiveWebSocketPeerIsDroppedAfterCloseTimeout) {
    auto config = testConfig();
    config.ws.closeTimeout = 300ms;
    ServerRunner runner(config);
    auto handler = std::make_shared<EchoHandler>();
    runner.router().addWebSocket("/ws", handler);
    runner.start();
    WsClient deaf(runner.port());
    deaf.ws().write(net::buffer(std::string("hi")));
    ASSERT_TRUE([&] {
        for (int i = 0; i < 600; ++i) {
            {
                std::lock_guard lock(handler->mutex_);
                if (handler->opened_ == 1) return true;
            }
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }());

    // The peer never reads, so the closing handshake cannot complete.
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(runner.stopAndJoin(3s));
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 1s);
    EXPECT_TRUE(handler->waitClosed(1, 1s));
    handler->open_.clear();
}

}  // namespace
}  // namespace vcb::signaling::test
