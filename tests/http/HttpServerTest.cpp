#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "signaling/http/Problem.hpp"
#include "tests/http/TestServer.hpp"

namespace vcb::signaling::test {
namespace {

class HttpServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto& r = runner_.router();
        ASSERT_TRUE(
            r.add({http::verb::get}, "/echo/{a}/{b}", [](HttpRequest req, HttpResponder res) {
                boost::json::object o;
                o["a"] = req.param("a");
                o["b"] = req.param("b");
                o["query"] = req.query;
                o["remote"] = req.remoteAddress;
                o["ua"] = req.header("User-Agent");
                HttpResponse out;
                out.contentType = "application/json";
                out.body = boost::json::serialize(o);
                res.respond(std::move(out));
            }));
        ASSERT_TRUE(
            r.add({http::verb::post}, "/whip/{meeting}", [](HttpRequest req, HttpResponder res) {
                HttpResponse out;
                out.status = http::status::created;
                out.contentType = "application/sdp";
                out.body = req.body;
                out.header("Location", "/whip/" + std::string(req.param("meeting")) + "/session/1");
                res.respond(std::move(out));
            }));
        ASSERT_TRUE(r.add({http::verb::get}, "/later", [this](HttpRequest, HttpResponder res) {
            std::lock_guard lock(mutex_);
            workers_.emplace_back([res] {
                std::this_thread::sleep_for(50ms);
                HttpResponse out;
                out.status = http::status::accepted;
                out.body = "from another thread";
                res.respond(out);
                out.body = "second answer must be ignored";
                res.respond(out);
            });
        }));
        ASSERT_TRUE(r.add({http::verb::get}, "/dropped", [](HttpRequest, HttpResponder) {}));
        ASSERT_TRUE(r.add({http::verb::get}, "/throws",
                          [](HttpRequest, HttpResponder) { throw std::runtime_error("boom"); }));
        ASSERT_TRUE(r.add({http::verb::get}, "/never", [this](HttpRequest, HttpResponder res) {
            std::lock_guard lock(mutex_);
            stash_.push_back(res);
        }));
        ASSERT_TRUE(r.addStatic("/demo", "text/html; charset=utf-8", "<h1>demo</h1>"));
        // /file/{offset}/{length}: a slice of filePath_ as a file body (length may overrun the file).
        ASSERT_TRUE(r.add({http::verb::get, http::verb::head}, "/file/{offset}/{length}",
                          [this](HttpRequest req, HttpResponder res) {
                              HttpResponse out;
                              out.contentType = "application/octet-stream";
                              const int fd = ::open(filePath_.c_str(), O_RDONLY | O_CLOEXEC);
                              out.file = std::make_shared<FileSlice>(
                                  fd, std::stoull(std::string(req.param("offset"))),
                                  std::stoull(std::string(req.param("length"))));
                              res.respond(std::move(out));
                          }));
        runner_.start();
    }

    void TearDown() override {
        {
            std::lock_guard lock(mutex_);
            for (auto& w : workers_) w.join();
            workers_.clear();
        }
        EXPECT_TRUE(runner_.stopAndJoin(3s));
        stash_.clear();
    }

    ServerRunner runner_;
    std::string filePath_;
    std::mutex mutex_;
    std::vector<std::thread> workers_;
    std::vector<HttpResponder> stash_;
};

TEST_F(HttpServerTest, PathParamsPercentDecodingAndKeepAlive) {
    TestClient c(runner_.port());
    http::request<http::string_body> req{http::verb::get, "/echo/x%20y/%E2%9C%93?q=1&r", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::user_agent, "test-agent");
    auto res = c.send(req);
    ASSERT_EQ(res.result(), http::status::ok) << res.body();
    const auto body = boost::json::parse(res.body()).as_object();
    EXPECT_EQ(body.at("a").as_string(), "x y");
    EXPECT_EQ(body.at("b").as_string(), "\xE2\x9C\x93");
    EXPECT_EQ(body.at("query").as_string(), "q=1&r");
    EXPECT_EQ(body.at("remote").as_string(), "127.0.0.1");
    EXPECT_EQ(body.at("ua").as_string(), "test-agent");
    EXPECT_TRUE(res.keep_alive());

    // The same connection serves further requests.
    res = c.request(http::verb::post, "/whip/m1", "v=0\r\n", "application/sdp");
    EXPECT_EQ(res.result(), http::status::created);
    EXPECT_EQ(res[http::field::location], "/whip/m1/session/1");
    EXPECT_EQ(res.body(), "v=0\r\n");

    res = c.request(http::verb::get, "/echo/%2e%2e/x");
    expectProblem(res, http::status::bad_request, "bad_request");
}

TEST_F(HttpServerTest, CorsHeadersOnEveryResponse) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::post, "/whip/m1", "x", "application/sdp");
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(res["Access-Control-Expose-Headers"], "Location, ETag, Link, Retry-After");
    res = c.request(http::verb::get, "/nope");
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(res["Access-Control-Expose-Headers"], "Location, ETag, Link, Retry-After");
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowedAreProblems) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::get, "/no/such/thing");
    expectProblem(res, http::status::not_found, "not_found");
    EXPECT_TRUE(res.keep_alive());

    res = c.request(http::verb::delete_, "/whip/m1");
    expectProblem(res, http::status::method_not_allowed, "method_not_allowed");
    EXPECT_EQ(res[http::field::allow], "POST, OPTIONS");
}

TEST_F(HttpServerTest, OptionsPreflight) {
    TestClient c(runner_.port());
    http::request<http::string_body> req{http::verb::options, "/whip/abc", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::origin, "https://example.org");
    req.set(http::field::access_control_request_method, "POST");
    auto res = c.send(req);
    EXPECT_EQ(res.result(), http::status::no_content);
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "*");
    EXPECT_EQ(res["Access-Control-Allow-Methods"], "POST, OPTIONS");
    EXPECT_EQ(res["Access-Control-Allow-Headers"], "Content-Type, Authorization, If-Match");
    EXPECT_EQ(res["Accept-Post"], "application/sdp");
    EXPECT_TRUE(res.body().empty());

    res = c.request(http::verb::options, "/unrouted");
    expectProblem(res, http::status::not_found, "not_found");
}

TEST_F(HttpServerTest, StaticContentAndHead) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::get, "/demo");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(res.body(), "<h1>demo</h1>");
    EXPECT_EQ(res[http::field::server], "vcbridge");

    http::request<http::string_body> head{http::verb::head, "/demo", 11};
    head.set(http::field::host, "localhost");
    http::write(c.stream(), head);
    http::response_parser<http::string_body> parser;
    parser.skip(true);  // a HEAD response has no body whatever Content-Length says
    beast::flat_buffer buffer;
    http::read(c.stream(), buffer, parser);
    EXPECT_EQ(parser.get().result(), http::status::ok);
    EXPECT_EQ(parser.get()[http::field::content_length], "13");
    EXPECT_TRUE(parser.get().body().empty());
}

// Resident set high-water mark of this process (VmHWM) in kB; 0 when unreadable.
long peakRssKb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// Reads one response to a GET of `target` on `c`: its header and the number of body bytes, the
// body discarded as it arrives (so the client holds none of it); `bodyOut` gets the bytes when set.
std::pair<http::response<http::empty_body>, std::uint64_t> readStreamed(TestClient& c,
                                                                        const std::string& target,
                                                                        std::string* bodyOut) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    http::write(c.stream(), req);
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    http::read_header(c.stream(), buffer, parser);
    std::uint64_t got = 0;
    std::vector<char> chunk(64 * 1024);
    for (int i = 0; i < 1'000'000 && !parser.is_done(); ++i) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        beast::error_code ec;
        http::read(c.stream(), buffer, parser, ec);
        if (ec && ec != http::error::need_buffer) break;
        const std::size_t n = chunk.size() - parser.get().body().size;
        got += n;
        if (bodyOut) bodyOut->append(chunk.data(), n);
    }
    http::response<http::empty_body> head{parser.get().result(), parser.get().version()};
    for (const auto& f : parser.get().base()) head.set(f.name_string(), f.value());
    return {std::move(head), got};
}

// A file body is streamed: the exact slice arrives, HEAD gives its length only, the connection
// stays usable, and a file body far larger than any buffer does not grow the server's memory.
TEST_F(HttpServerTest, FileBodyIsStreamedInChunks) {
    filePath_ = ::testing::TempDir() + "vcb-http-file-" + std::to_string(::getpid());
    std::string pattern(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < pattern.size(); ++i)
        pattern[i] = static_cast<char>((i * 31 + i / 4096) & 0xff);
    {
        std::ofstream f(filePath_, std::ios::binary);
        f.write(pattern.data(), static_cast<std::streamsize>(pattern.size()));
    }
    TestClient c(runner_.port());
    std::string body;
    const std::uint64_t len = pattern.size() - 1000;
    auto [res, got] = readStreamed(c, "/file/999/" + std::to_string(len), &body);
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res[http::field::content_length], std::to_string(len));
    ASSERT_EQ(got, len);
    EXPECT_TRUE(body == pattern.substr(999, len)) << "the slice's bytes differ";

    http::request<http::string_body> head{http::verb::head, "/file/0/100", 11};
    head.set(http::field::host, "localhost");
    http::write(c.stream(), head);
    http::response_parser<http::string_body> parser;
    parser.skip(true);
    beast::flat_buffer buffer;
    http::read(c.stream(), buffer, parser);
    EXPECT_EQ(parser.get()[http::field::content_length], "100");
    auto next = c.request(http::verb::get, "/demo");  // same connection, after the file bodies
    EXPECT_EQ(next.body(), "<h1>demo</h1>");

    // 256 MiB (sparse: the holes read as zeros) through a connection read 64 KiB at a time.
    ASSERT_EQ(::truncate(filePath_.c_str(), 256ll * 1024 * 1024), 0);
    const long before = peakRssKb();
    auto [big, bigGot] = readStreamed(c, "/file/0/" + std::to_string(256ll * 1024 * 1024), nullptr);
    const long after = peakRssKb();
    std::printf("[ FILE ] 256 MiB streamed; peak RSS %ld -> %ld kB\n", before, after);
    EXPECT_EQ(big.result(), http::status::ok);
    EXPECT_EQ(bigGot, 256ull * 1024 * 1024);
    EXPECT_LT(after - before, 64 * 1024) << "the file body was held in memory";
    std::remove(filePath_.c_str());
}

// A file that is shorter than the promised slice: the body ends short and the connection closes
// (never padding or a stray response); the server goes on serving others.
TEST_F(HttpServerTest, FileBodyShorterThanPromisedEndsTheConnection) {
    filePath_ = ::testing::TempDir() + "vcb-http-short-" + std::to_string(::getpid());
    {
        std::ofstream f(filePath_, std::ios::binary);
        f << std::string(1000, 'x');
    }
    TestClient c(runner_.port());
    http::request<http::empty_body> req{http::verb::get, "/file/0/5000", 11};
    req.set(http::field::host, "localhost");
    http::write(c.stream(), req);
    std::string raw;
    std::array<char, 4096> buf{};
    beast::error_code ec;
    for (int i = 0; i < 1000 && !ec; ++i) {
        const std::size_t n = c.stream().socket().read_some(net::buffer(buf), ec);
        raw.append(buf.data(), n);
    }
    EXPECT_EQ(ec, net::error::eof) << ec.message();
    const auto split = raw.find("\r\n\r\n");
    ASSERT_NE(split, std::string::npos) << raw;
    EXPECT_NE(raw.find("Content-Length: 5000"), std::string::npos) << raw.substr(0, split);
    EXPECT_EQ(raw.size() - split - 4, 1000u) << "exactly the file's bytes, then the close";
    TestClient other(runner_.port());
    EXPECT_EQ(other.request(http::verb::get, "/demo").body(), "<h1>demo</h1>");
    std::remove(filePath_.c_str());
}

TEST_F(HttpServerTest, AsynchronousResponderFromAnotherThread) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::get, "/later");
    EXPECT_EQ(res.result(), http::status::accepted);
    EXPECT_EQ(res.body(), "from another thread");
    // The ignored second answer must not show up as a stray response on the connection.
    res = c.request(http::verb::get, "/demo");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), "<h1>demo</h1>");
}

TEST_F(HttpServerTest, DroppedResponderAndThrowingHandlerGive500) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::get, "/dropped");
    expectProblem(res, http::status::internal_server_error, "internal");
    res = c.request(http::verb::get, "/throws");
    expectProblem(res, http::status::internal_server_error, "internal");
    res = c.request(http::verb::get, "/demo");
    EXPECT_EQ(res.result(), http::status::ok);
}

TEST_F(HttpServerTest, HandlerTimeoutGives503) {
    TestClient c(runner_.port());
    const auto t0 = std::chrono::steady_clock::now();
    auto res = c.request(http::verb::get, "/never");
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    expectProblem(res, http::status::service_unavailable, "handler_timeout");
    EXPECT_GE(elapsed, 900ms);
    // A late answer is ignored and the connection keeps working.
    {
        std::lock_guard lock(mutex_);
        ASSERT_EQ(stash_.size(), 1u);
        stash_[0].respond(HttpResponse{});
    }
    res = c.request(http::verb::get, "/demo");
    EXPECT_EQ(res.body(), "<h1>demo</h1>");
}

TEST_F(HttpServerTest, BodyTooLargeWithContentLength) {
    TestClient c(runner_.port());
    auto res = c.request(http::verb::post, "/whip/m1", std::string(5000, 'x'), "application/sdp");
    expectProblem(res, http::status::payload_too_large, "body_too_large");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.serverClosed());

    // Exactly at the limit is fine.
    TestClient ok(runner_.port());
    res = ok.request(http::verb::post, "/whip/m1", std::string(1024, 'x'), "application/sdp");
    EXPECT_EQ(res.result(), http::status::created);
}

TEST_F(HttpServerTest, BodyTooLargeChunked) {
    TestClient c(runner_.port());
    http::request<http::string_body> req{http::verb::post, "/whip/m1", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, "application/sdp");
    req.body() = std::string(3000, 'y');
    req.chunked(true);
    auto res = c.send(req);
    expectProblem(res, http::status::payload_too_large, "body_too_large");
    EXPECT_TRUE(c.serverClosed());

    TestClient ok(runner_.port());
    req.body() = std::string(1000, 'y');
    res = ok.send(req);
    EXPECT_EQ(res.result(), http::status::created);
    EXPECT_EQ(res.body().size(), 1000u);
}

TEST_F(HttpServerTest, HeaderTooLarge) {
    TestClient c(runner_.port());
    http::request<http::string_body> req{http::verb::get, "/demo", 11};
    req.set(http::field::host, "localhost");
    req.set("X-Big", std::string(9000, 'h'));
    auto res = c.send(req);
    expectProblem(res, http::status::request_header_fields_too_large, "header_too_large");
    EXPECT_TRUE(c.serverClosed());
}

TEST_F(HttpServerTest, GarbageRequestLineGives400AndCloses) {
    TestClient c(runner_.port());
    const std::string garbage = "THIS IS NOT HTTP\r\n\r\n";
    net::write(c.stream(), net::buffer(garbage));
    auto res = c.read();
    ASSERT_FALSE(c.lastError()) << c.lastError().message();
    expectProblem(res, http::status::bad_request, "bad_request");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.serverClosed());
}

TEST_F(HttpServerTest, ExpectContinue) {
    TestClient c(runner_.port());
    const std::string head =
        "POST /whip/m2 HTTP/1.1\r\nHost: x\r\nContent-Type: application/sdp\r\n"
        "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n";
    net::write(c.stream(), net::buffer(head));
    std::string interim(25, '\0');
    net::read(c.stream(), net::buffer(interim));
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    net::write(c.stream(), net::buffer(std::string("hello")));
    auto res = c.read();
    EXPECT_EQ(res.result(), http::status::created);
    EXPECT_EQ(res.body(), "hello");
}

TEST_F(HttpServerTest, TwoHundredConcurrentConnections) {
    constexpr int kClients = 200;
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<TestClient>(runner_.port()));
    }
    // All requests are in flight before any response is read.
    for (int i = 0; i < kClients; ++i) {
        http::request<http::string_body> req{http::verb::get, "/echo/c" + std::to_string(i) + "/x",
                                             11};
        req.set(http::field::host, "localhost");
        http::write(clients[i]->stream(), req);
    }
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (runner_.server().connectionCount() < kClients &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(runner_.server().connectionCount(), static_cast<std::size_t>(kClients));
    for (int i = 0; i < kClients; ++i) {
        auto res = clients[i]->read();
        ASSERT_EQ(res.result(), http::status::ok) << i;
        EXPECT_EQ(boost::json::parse(res.body()).at("a").as_string(), "c" + std::to_string(i));
    }
    clients.clear();
    const auto closeDeadline = std::chrono::steady_clock::now() + 5s;
    while (runner_.server().connectionCount() > 0 &&
           std::chrono::steady_clock::now() < closeDeadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(runner_.server().connectionCount(), 0u);
}

TEST(HttpServerTimeouts, IdleKeepAliveAndSilentConnectionsAreClosed) {
    auto config = testConfig();
    config.readTimeout = 400ms;
    config.idleTimeout = 300ms;
    ServerRunner runner(config);
    runner.router().addStatic("/x", "text/plain", "x");
    runner.start();

    TestClient kept(runner.port());
    auto res = kept.request(http::verb::get, "/x");
    ASSERT_EQ(res.result(), http::status::ok);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(kept.serverClosed());
    auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2s);

    TestClient silent(runner.port());
    t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(silent.serverClosed());
    elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(elapsed, 2s);

    // A request that trickles in too slowly hits the read timeout.
    TestClient slow(runner.port());
    net::write(slow.stream(), net::buffer(std::string("GET /x HTTP/1.1\r\n")));
    t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(slow.serverClosed());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_TRUE(runner.stopAndJoin(3s));
}

TEST(HttpServerLimits, TooManyConnectionsGet503) {
    auto config = testConfig();
    config.maxConnections = 2;
    ServerRunner runner(config);
    runner.router().addStatic("/x", "text/plain", "x");
    runner.start();

    TestClient a(runner.port());
    TestClient b(runner.port());
    EXPECT_EQ(a.request(http::verb::get, "/x").result(), http::status::ok);
    EXPECT_EQ(b.request(http::verb::get, "/x").result(), http::status::ok);
    TestClient c(runner.port());
    auto res = c.request(http::verb::get, "/x");
    expectProblem(res, http::status::service_unavailable, "too_many_connections");
    EXPECT_EQ(res[http::field::retry_after], "5");
    EXPECT_TRUE(c.serverClosed());
    EXPECT_EQ(runner.server().connectionCount(), 2u);
    EXPECT_TRUE(runner.stopAndJoin(3s));
}

TEST(HttpServerLifecycle, StartFailsOnBadAddressOrBusyPort) {
    net::io_context ioc;
    auto bad = testConfig();
    bad.address = "not-an-ip";
    HttpServer s1(ioc, bad);
    EXPECT_TRUE(s1.start());

    HttpServer s2(ioc, testConfig());
    ASSERT_FALSE(s2.start());
    auto busy = testConfig();
    busy.port = s2.port();
    HttpServer s3(ioc, busy);
    // SO_REUSEADDR does not allow two listeners on one port.
    EXPECT_EQ(s3.start(), net::error::address_in_use);
    EXPECT_TRUE(s2.start());  // already started
}

}  // namespace
}  // namespace vcb::signaling::test
