// Control-path stress against a real vcbridge process (--workers 3, no join-rate limit): WHIP
// publishers, WHEP viewers and WebSocket participants create, join, leave and delete across a
// dozen meetings on three workers at once, while a monitor checks that /healthz keeps answering.
// At the end every session, transport and meeting the clients created is gone, and SIGTERM stops
// the server cleanly. This is the test that catches a thread waiting on a media worker while it
// holds a lock the worker needs (every meeting is created and removed over and over, on every
// worker, from many HTTP threads at once). Loops are bounded in count and time; 127.0.0.1 only.
//
// VCB_STRESS_SECONDS sets the duration (default 15). tests/stress/tsan.sh runs it under TSan.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/Metrics.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace json = boost::json;

constexpr int kMeetings = 12;
constexpr int kHttpClients = 6;
constexpr int kWsClients = 4;
constexpr auto kRequestTimeout = 5s;

int stressSeconds() {
    const char* v = std::getenv("VCB_STRESS_SECONDS");
    const int s = v != nullptr ? std::atoi(v) : 0;
    return s > 0 && s <= 600 ? s : 15;
}

// Every network step runs asynchronously on the caller's own io_context for at most `timeout`;
// a step that has not completed by then closes the socket and fails. A hung server therefore
// fails the call (and the test), never hangs it.
template <typename Start>
beast::error_code runFor(net::io_context& ioc, net::ip::tcp::socket& socket,
                         std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = net::error::timed_out;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
        result = ec;
        done = true;
    });
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
        beast::error_code ignored;
        socket.close(ignored);  // completes the operation with operation_aborted
        ioc.restart();
        ioc.run_for(1s);
        return net::error::timed_out;
    }
    return result;
}

struct Reply {
    int status = 0;  // 0: no answer (connection refused, timeout, reset)
    std::string location;
    std::string body;
};

Reply request(uint16_t port, http::verb method, const std::string& target,
              const std::string& contentType = {}, const std::string& body = {}) {
    Reply out;
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    const net::ip::tcp::endpoint server{net::ip::address_v4::loopback(), port};
    if (runFor(ioc, socket, kRequestTimeout, [&](auto h) { socket.async_connect(server, h); }))
        return out;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!contentType.empty()) req.set(http::field::content_type, contentType);
    req.body() = body;
    req.prepare_payload();
    if (runFor(ioc, socket, kRequestTimeout, [&](auto h) { http::async_write(socket, req, h); }))
        return out;
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (runFor(ioc, socket, kRequestTimeout,
               [&](auto h) { http::async_read(socket, buffer, res, h); }))
        return out;
    out.status = static_cast<int>(res.result_int());
    out.location = std::string(res[http::field::location]);
    out.body = std::move(res.body());
    beast::error_code ignored;
    socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return out;
}

// What the clients did; every kind must have happened many times for the run to mean anything.
struct Tally {
    std::atomic<int> whipCreated{0};
    std::atomic<int> whipDeleted{0};
    std::atomic<int> whepCreated{0};
    std::atomic<int> whepDeleted{0};
    std::atomic<int> patched{0};
    std::atomic<int> wsJoined{0};
    std::atomic<int> wsPublished{0};
    std::atomic<int> wsOffers{0};
    std::atomic<int> wsLeft{0};
    std::atomic<int> wsDropped{0};
    // Set by the monitor when /healthz stops answering: the clients give up instead of timing
    // out request after request.
    std::atomic<bool> serverStuck{false};
    std::mutex failuresMutex;
    std::vector<std::string> failures;

    void fail(std::string what) {
        std::lock_guard lock(failuresMutex);
        if (failures.size() < 20) failures.push_back(std::move(what));
    }
};

class ControlStressTest : public ::testing::Test {
  protected:
    void SetUp() override {
#ifndef VCB_SERVER_BIN
        GTEST_SKIP() << "vcbridge binary not built";
#else
#if defined(__SANITIZE_THREAD__)
        // The ThreadSanitizer job checks the control path. GStreamer (the programme audio mixer,
        // media/) is not instrumented: TSan cannot see the atomics its threads hand buffers over
        // with and reports GLib's own frees as races. The mixer runs in this test's plain and
        // ASan runs; its threading has AudioMixerTest.
        server_.setExtraArgs({"--workers", "3", "--join-rate", "0", "--no-programme-mix"});
#else
        server_.setExtraArgs({"--workers", "3", "--join-rate", "0"});
#endif
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
#endif
    }

    double metric(const std::string& name) {
        Reply r = request(server_.port(), http::verb::get, "/metrics");
        if (r.status != 200) return -1;
        return metricValue(r.body, name).value_or(-1);
    }

    ServerProcess server_;
};

// One WHIP/WHEP client: publishes or watches a random meeting, sometimes trickles, keeps up to
// three sessions open (so meetings overlap and outlive single sessions), deletes the oldest.
void httpClient(uint16_t port, int seed, Clock::time_point end, Tally& tally) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    struct Session {
        std::string location;
        bool whip;
    };
    std::vector<Session> open;
    auto remove = [&](const Session& s) {
        Reply r = request(port, http::verb::delete_, s.location);
        if (r.status == 200) {
            ++(s.whip ? tally.whipDeleted : tally.whepDeleted);
        } else {
            tally.fail("DELETE " + s.location + " -> " + std::to_string(r.status));
        }
    };
    for (int i = 0; i < 100000 && Clock::now() < end && !tally.serverStuck; ++i) {
        const bool whip = rng() % 3 != 0;
        const std::string meeting = "stress-" + std::to_string(rng() % kMeetings);
        Reply r = request(
            port, http::verb::post, (whip ? "/whip/" : "/whep/") + meeting, "application/sdp",
            whip ? signaling::testsdp::kChromeOffer : signaling::testsdp::kChromeViewerOffer);
        if (r.status != 201 || r.location.empty()) {
            tally.fail(std::string(whip ? "WHIP" : "WHEP") + " POST " + meeting + " -> " +
                       std::to_string(r.status) + " " + r.body.substr(0, 200));
            continue;
        }
        ++(whip ? tally.whipCreated : tally.whepCreated);
        if (rng() % 4 == 0) {
            Reply p =
                request(port, http::verb::patch, r.location, "application/trickle-ice-sdpfrag",
                        "a=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ "
                        "host\r\n");
            if (p.status >= 200 && p.status < 300) {
                ++tally.patched;
            } else {
                tally.fail("PATCH -> " + std::to_string(p.status) + " " + p.body.substr(0, 200));
            }
        }
        open.push_back({r.location, whip});
        if (open.size() > 3 || rng() % 2 == 0) {
            remove(open.front());
            open.erase(open.begin());
        }
    }
    for (const Session& s : open) remove(s);
}

using WsStream = websocket::stream<net::ip::tcp::socket>;

beast::error_code wsWrite(net::io_context& ioc, WsStream& ws, const json::object& message) {
    const std::string text = json::serialize(message);
    return runFor(ioc, ws.next_layer(), kRequestTimeout,
                  [&](auto h) { ws.async_write(net::buffer(text), h); });
}

// Reads frames until one of type `want` (or an error) arrives, or the deadline passes.
std::optional<json::object> readUntil(net::io_context& ioc, WsStream& ws, const std::string& want,
                                      Tally& tally, Clock::time_point deadline) {
    for (int i = 0; i < 1000 && Clock::now() < deadline; ++i) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        beast::flat_buffer buffer;
        if (runFor(ioc, ws.next_layer(), std::max(left, 1ms),
                   [&](auto h) { ws.async_read(buffer, h); }))
            return std::nullopt;
        beast::error_code ec;
        json::value v = json::parse(beast::buffers_to_string(buffer.data()), ec);
        if (ec || !v.is_object()) return std::nullopt;
        const json::object& o = v.as_object();
        const auto* type = o.if_contains("type");
        if (type == nullptr || !type->is_string()) continue;
        if (type->as_string() == "offer") ++tally.wsOffers;
        if (type->as_string() == want || type->as_string() == "error") return o;
    }
    return std::nullopt;
}

// One WebSocket participant per iteration: joins a random meeting, publishes, takes in what the
// server sends for a moment, then leaves politely or drops the connection.
void wsClient(uint16_t port, int seed, Clock::time_point end, Tally& tally) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    for (int i = 0; i < 100000 && Clock::now() < end && !tally.serverStuck; ++i) {
        const std::string meeting = "stress-" + std::to_string(rng() % kMeetings);
        net::io_context ioc;
        WsStream ws(ioc);
        const net::ip::tcp::endpoint server{net::ip::address_v4::loopback(), port};
        if (runFor(ioc, ws.next_layer(), kRequestTimeout,
                   [&](auto h) { ws.next_layer().async_connect(server, h); }) ||
            runFor(ioc, ws.next_layer(), kRequestTimeout,
                   [&](auto h) { ws.async_handshake("127.0.0.1", "/ws", h); })) {
            tally.fail("ws connect failed");
            continue;
        }
        const auto deadline = Clock::now() + kRequestTimeout;
        wsWrite(ioc, ws, {{"type", "join"}, {"meeting", meeting}, {"displayName", "stress"}});
        auto joined = readUntil(ioc, ws, "joined", tally, deadline);
        if (!joined || joined->at("type").as_string() != "joined") {
            tally.fail("ws join " + meeting + ": " +
                       (joined ? json::serialize(*joined) : std::string("no answer")));
            continue;
        }
        ++tally.wsJoined;
        wsWrite(
            ioc, ws,
            {{"type", "publish"}, {"sdp", signaling::testsdp::kWebrtcbinOffer}, {"requestId", 1}});
        auto answer = readUntil(ioc, ws, "answer", tally, deadline);
        if (!answer || answer->at("type").as_string() != "answer") {
            tally.fail("ws publish " + meeting + ": " +
                       (answer ? json::serialize(*answer) : std::string("no answer")));
        } else {
            ++tally.wsPublished;
        }
        // Let the server's subscribe offers and others' events queue up for a moment.
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
        if (rng() % 2 == 0) {
            wsWrite(ioc, ws, {{"type", "leave"}});
            // Take in what was queued; the server answers the leave by closing the WebSocket.
            beast::error_code ec;
            for (int k = 0; k < 1000 && !ec; ++k) {
                beast::flat_buffer buffer;
                ec = runFor(ioc, ws.next_layer(), kRequestTimeout,
                            [&](auto h) { ws.async_read(buffer, h); });
                if (!ec &&
                    beast::buffers_to_string(buffer.data()).find("\"offer\"") != std::string::npos)
                    ++tally.wsOffers;
            }
            if (ec == websocket::error::closed) {
                ++tally.wsLeft;
            } else {
                tally.fail("ws leave " + meeting + ": " + ec.message());
            }
        } else {
            beast::error_code ec;
            ws.next_layer().close(ec);  // the client vanishes without a word
            ++tally.wsDropped;
        }
    }
}

TEST_F(ControlStressTest, ManyClientsAcrossMeetingsAndWorkers) {
    const uint16_t port = server_.port();
    const int seconds = stressSeconds();
    // The default configuration's permanent meeting(s) stay; everything else must go.
    const double meetingsBefore = metric("vcb_meetings");
    ASSERT_GE(meetingsBefore, 0);
    const auto end = Clock::now() + std::chrono::seconds(seconds);
    Tally tally;

    // The monitor: /healthz must answer within the request timeout throughout.
    std::atomic<bool> running{true};
    std::atomic<int> healthChecks{0};
    std::atomic<int> healthFailures{0};
    std::atomic<int64_t> worstHealthMs{0};
    std::thread monitor([&] {
        for (int i = 0; i < 100000 && running; ++i) {
            const auto t0 = Clock::now();
            Reply r = request(port, http::verb::get, "/healthz");
            const int64_t ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
            worstHealthMs = std::max<int64_t>(worstHealthMs, ms);
            ++healthChecks;
            if (r.status != 200 && ++healthFailures >= 2) tally.serverStuck = true;
            std::this_thread::sleep_for(100ms);
        }
    });

    std::vector<std::thread> clients;
    for (int i = 0; i < kHttpClients; ++i)
        clients.emplace_back(httpClient, port, 1000 + i, end, std::ref(tally));
    for (int i = 0; i < kWsClients; ++i)
        clients.emplace_back(wsClient, port, 2000 + i, end, std::ref(tally));
    for (auto& t : clients) t.join();
    running = false;
    monitor.join();

    std::printf(
        "stress %d s: WHIP %d/%d, WHEP %d/%d created/deleted, %d PATCH; WS %d joined, %d "
        "published, %d subscribe offers, %d left, %d dropped; /healthz %d checks, worst %lld ms\n",
        seconds, tally.whipCreated.load(), tally.whipDeleted.load(), tally.whepCreated.load(),
        tally.whepDeleted.load(), tally.patched.load(), tally.wsJoined.load(),
        tally.wsPublished.load(), tally.wsOffers.load(), tally.wsLeft.load(),
        tally.wsDropped.load(), healthChecks.load(), static_cast<long long>(worstHealthMs.load()));
    for (const auto& f : tally.failures) ADD_FAILURE() << f;
    EXPECT_EQ(healthFailures.load(), 0) << "/healthz stopped answering";
    // The good things happened, many times, on every path.
    EXPECT_GE(healthChecks.load(), seconds * 3);
    EXPECT_GE(tally.whipCreated.load(), 50);
    EXPECT_GE(tally.whepCreated.load(), 20);
    EXPECT_GE(tally.patched.load(), 10);
    EXPECT_GE(tally.wsJoined.load(), 20);
    EXPECT_GE(tally.wsPublished.load(), 20);
    EXPECT_GE(tally.wsLeft.load(), 5);
    EXPECT_GE(tally.wsDropped.load(), 5);
    EXPECT_EQ(tally.whipCreated.load(), tally.whipDeleted.load());
    EXPECT_EQ(tally.whepCreated.load(), tally.whepDeleted.load());

    // Nothing left behind: sessions, media transports and (ad-hoc) meetings all gone.
    auto settled = [&](const std::string& name, double expected = 0) {
        const auto deadline = Clock::now() + 15s;
        double v = metric(name);
        for (int i = 0; i < 300 && v != expected && Clock::now() < deadline; ++i) {
            std::this_thread::sleep_for(50ms);
            v = metric(name);
        }
        return v;
    };
    EXPECT_EQ(settled("vcb_http_sessions"), 0);
    EXPECT_EQ(settled("vcb_transports_open"), 0);
    EXPECT_EQ(settled("vcb_producers_open"), 0);
    EXPECT_EQ(settled("vcb_consumers_open"), 0);
    EXPECT_EQ(settled("vcb_meetings", meetingsBefore), meetingsBefore);
    EXPECT_EQ(request(port, http::verb::get, "/healthz").status, 200);
    const auto stopped = server_.stop();
    EXPECT_FALSE(stopped.has_value()) << *stopped << "\n" << server_.outputTail();
}

}  // namespace
}  // namespace vcb::integration
