// Hostile clients against a real vcbridge process while a meeting runs: a WHIP publisher and a
// WHEP viewer that must keep decoding through every barrage, the server alive and its memory
// back near the baseline afterwards. Every loop is bounded; only 127.0.0.1 is used.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WhipClient.hpp"
#include "clients/loadgen/LoopThread.hpp"
#include "clients/loadgen/PeerConnection.hpp"
#include "clients/loadgen/WhipWhepDriver.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/SequenceNumber.hpp"
#include "tests/integration/Metrics.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using gstclient::HttpClient;
using gstclient::WhepClient;
using gstclient::WhepOptions;
using gstclient::WhipClient;
using gstclient::WhipOptions;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

constexpr long kRssSlackKb = 30 * 1024;
// Sanitizer builds (tests/sanitize.sh builds vcbridge the same way): ASan's quarantine and TSan's
// allocator hold freed memory, so RSS says nothing there; LeakSanitizer checks leaks at exit.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kRssMeaningful = false;
#else
constexpr bool kRssMeaningful = true;
#endif

bool waitFor(const std::function<bool()>& done, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return done();
}

// User + system CPU seconds the process has used so far (/proc/<pid>/stat fields 14 and 15).
double cpuSeconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(stat.substr(close + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
    unsigned long long utime = 0, stime = 0;
    fields >> utime >> stime;
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long rssKb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    for (int i = 0; i < 200 && std::getline(in, line); ++i) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

// ---- raw sockets ---------------------------------------------------------------------------

int connectTcp(uint16_t port, std::chrono::milliseconds timeout = 5s) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool sendAll(int fd, std::string_view data) {
    size_t sent = 0;
    for (int i = 0; i < 100000 && sent < data.size(); ++i) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    return sent == data.size();
}

// Sends `request` and reads until the server closes or the timeout; returns what was read.
std::string rawExchange(uint16_t port, std::string_view request,
                        std::chrono::milliseconds timeout = 5s) {
    const int fd = connectTcp(port, timeout);
    if (fd < 0) return {};
    sendAll(fd, request);  // the server may answer (413/431) before reading everything
    std::string response;
    char buf[4096];
    for (int i = 0; i < 1000 && response.size() < 1'000'000; ++i) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        response.append(buf, static_cast<size_t>(n));
        if (response.find("\r\n\r\n") != std::string::npos &&
            response.find("Connection: close") == std::string::npos &&
            response.find("connection: close") == std::string::npos) {
            // Keep-alive answer: the headers plus a short body are enough.
            if (response.size() > 16) break;
        }
    }
    ::close(fd);
    return response;
}

int statusOf(const std::string& response) {
    static const std::regex re(R"(^HTTP/1\.[01] (\d{3}))");
    std::smatch m;
    if (!std::regex_search(response, m, re)) return 0;
    return std::stoi(m[1].str());
}

std::string httpRequest(const std::string& method, const std::string& path,
                        const std::string& contentType, const std::string& body) {
    std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!contentType.empty()) r += "Content-Type: " + contentType + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return r;
}

std::vector<uint16_t> candidatePorts(const std::string& sdp) {
    static const std::regex re(R"(a=candidate:\S+ \d+ (?:udp|UDP) \d+ 127\.0\.0\.1 (\d+) typ)");
    std::set<uint16_t> ports;
    for (auto it = std::sregex_iterator(sdp.begin(), sdp.end(), re); it != std::sregex_iterator();
         ++it) {
        ports.insert(static_cast<uint16_t>(std::stoi((*it)[1].str())));
    }
    return {ports.begin(), ports.end()};
}

void sendUdp(int fd, uint16_t port, const std::vector<uint8_t>& data) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
}

// ---- WebSocket -------------------------------------------------------------------------------

// Synchronous WebSocket client for hostile messages; every operation is bounded by a deadline
// (async operations run on a private io_context for at most `timeout`).
class RawWs {
  public:
    bool open(uint16_t port) {
        try {
            net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
            ws_.next_layer().connect(ep);
            ws_.read_message_max(64 * 1024 * 1024);
            bool done = false;
            beast::error_code result;
            ws_.async_handshake("127.0.0.1", "/ws", [&](beast::error_code ec) {
                result = ec;
                done = true;
            });
            return run(done) && !result;
        } catch (const std::exception&) {
            return false;
        }
    }
    bool write(const std::string& text, bool fin = true) {
        if (closed_) return false;
        bool done = false;
        beast::error_code result;
        ws_.text(true);
        ws_.async_write_some(fin, net::buffer(text), [&](beast::error_code ec, size_t) {
            result = ec;
            done = true;
        });
        return run(done) && !result;
    }
    // Next text message; empty when closed or silent for `timeout` (then closed() is true).
    std::string read() {
        if (closed_) return {};
        beast::flat_buffer buf;
        bool done = false;
        beast::error_code result;
        ws_.async_read(buf, [&](beast::error_code ec, size_t) {
            result = ec;
            done = true;
        });
        if (!run(done) || result) {
            closed_ = true;
            return {};
        }
        return beast::buffers_to_string(buf.data());
    }
    // Reads until a message containing `needle` (true) or the socket closes/stays silent.
    bool readUntil(const std::string& needle, int maxMessages = 1000) {
        for (int i = 0; i < maxMessages; ++i) {
            std::string m = read();
            if (closed_) return false;
            if (m.find(needle) != std::string::npos) return true;
        }
        return false;
    }
    bool closed() const { return closed_; }
    int closeCode() { return static_cast<int>(ws_.reason().code); }

  private:
    // Runs the pending operation until it completes or the timeout; on timeout the socket is
    // shut so the operation ends, and the connection counts as closed.
    bool run(bool& done) {
        ioc_.restart();
        ioc_.run_for(timeout_);
        if (done) return true;
        beast::error_code ignored;
        ws_.next_layer().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        ws_.next_layer().close(ignored);
        ioc_.restart();
        ioc_.run_for(1s);
        closed_ = true;
        return false;
    }

    net::io_context ioc_;
    websocket::stream<net::ip::tcp::socket> ws_{ioc_};
    std::chrono::milliseconds timeout_{5000};
    bool closed_ = false;
};

// ---- fixture ----------------------------------------------------------------------------------

class HostileTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // 1000 abandoned connections need file descriptors on both sides (inherited by the child).
        rlimit rl{};
        if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192) {
            rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 8192);
            ::setrlimit(RLIMIT_NOFILE, &rl);
        }
    }

    void SetUp() override {
#ifndef VCB_SERVER_BIN
        GTEST_SKIP() << "the vcbridge target is not part of this build";
#else
        // Barrages must reach the parsers, so the per-IP join limit is lifted here (one test
        // checks it with the defaults).
        server_.setExtraArgs(extraArgs());
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 15s, &error)) << error;
        publisher_ = std::make_unique<WhipClient>(
            WhipOptions{.url = server_.baseUrl() + "/whip/ongoing", .pattern = "smpte"});
        ASSERT_TRUE(publisher_->start(&error)) << error;
        viewer_ =
            std::make_unique<WhepClient>(WhepOptions{.url = server_.baseUrl() + "/whep/ongoing"});
        ASSERT_TRUE(viewer_->start(&error)) << error;
        ASSERT_TRUE(waitFor([&] { return frames() >= 30; }, 30s))
            << "the ongoing meeting does not work: " << frames() << " frames";
        baselineRss_ = rssKb(server_.pid());
        ASSERT_GT(baselineRss_, 0);
#endif
    }

    void TearDown() override {
        if (server_.pid() <= 0) return;
        const bool wasAlive = server_.alive();
        EXPECT_TRUE(wasAlive) << "vcbridge died; output:\n" << server_.outputTail();
        if (wasAlive && baselineRss_ > 0 && kRssMeaningful) {
            // Freed memory may take a moment to be returned; sample for a few seconds.
            long rss = rssKb(server_.pid());
            waitFor(
                [&] {
                    rss = rssKb(server_.pid());
                    return rss <= baselineRss_ + kRssSlackKb;
                },
                5s);
            std::printf("[ RSS      ] baseline %ld kB, after %ld kB\n", baselineRss_, rss);
            EXPECT_LE(rss, baselineRss_ + kRssSlackKb)
                << "memory grew by " << rss - baselineRss_ << " kB";
        }
        if (viewer_) viewer_->stop();
        if (publisher_) publisher_->stop();
        auto problem = server_.stop();
        EXPECT_FALSE(problem.has_value())
            << "vcbridge ended uncleanly: " << problem.value_or("") << "\n"
            << server_.outputTail();
    }

    virtual std::vector<std::string> extraArgs() const {
        return {"--join-rate", "10000", "--join-burst", "10000", "--log-level", "warn"};
    }

    uint64_t frames() {
        uint64_t n = 0;
        for (const auto& s : viewer_->peer().incomingStreams()) n += s.framesDecoded;
        return n;
    }

    // Runs `attack` and checks that the viewer kept decoding and the server kept answering.
    void barrage(const std::string& name, const std::function<void()>& attack) {
        const uint64_t before = frames();
        const auto start = Clock::now();
        attack();
        // Frames must keep coming: at least some during/after the attack.
        waitFor([&] { return frames() >= before + 20; }, 5s);
        const uint64_t after = frames();
        const double secs = std::chrono::duration<double>(Clock::now() - start).count();
        std::printf("[ BARRAGE  ] %s: %.1f s, viewer frames %llu -> %llu (+%llu)\n", name.c_str(),
                    secs, static_cast<unsigned long long>(before),
                    static_cast<unsigned long long>(after),
                    static_cast<unsigned long long>(after - before));
        EXPECT_GE(after, before + 20) << name << ": the viewer stopped decoding";
        ASSERT_TRUE(server_.alive()) << name << ": vcbridge died\n" << server_.outputTail();
        HttpClient http(5s);
        EXPECT_EQ(http.get(server_.baseUrl() + "/healthz").status, 200) << name;
    }

    double metric(const std::string& name) {
        HttpClient http(5s);
        return metricValue(http.get(server_.baseUrl() + "/metrics").body, name).value_or(-1);
    }

    ServerProcess server_;
    std::unique_ptr<WhipClient> publisher_;
    std::unique_ptr<WhepClient> viewer_;
    long baselineRss_ = -1;
};

// ---- HTTP ------------------------------------------------------------------------------------

TEST_F(HostileTest, HttpSlowlorisOversizedInvalidAndAbandoned) {
    const uint16_t port = server_.port();
    barrage("slowloris", [&] {
        // 100 connections trickle header bytes at 1 byte/s for 8 s; meanwhile the API answers.
        std::vector<int> fds;
        for (int i = 0; i < 100; ++i) {
            int fd = connectTcp(port);
            if (fd >= 0) fds.push_back(fd);
        }
        const std::string head = "GET /healthz HTTP/1.1\r\nX-Slow: ";
        for (int fd : fds) sendAll(fd, head);
        HttpClient http(3s);
        int healthy = 0;
        for (int s = 0; s < 8; ++s) {
            for (int fd : fds) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (http.get(server_.baseUrl() + "/healthz").status == 200) ++healthy;
            std::this_thread::sleep_for(1s);
        }
        for (int fd : fds) ::close(fd);
        EXPECT_EQ(healthy, 8) << "the API stalled under slowloris";
    });
    barrage("oversized headers/bodies, invalid methods", [&] {
        std::string big =
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') +
            "\r\n\r\n";
        int st = statusOf(rawExchange(port, big));
        EXPECT_TRUE(st == 431 || st == 400 || st == 0) << st;
        std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
        many += "\r\n";
        st = statusOf(rawExchange(port, many));
        EXPECT_TRUE(st == 431 || st == 400 || st == 0) << st;
        st = statusOf(rawExchange(port, httpRequest("POST", "/whip/ongoing", "application/sdp",
                                                    std::string(1 << 20, 'v'))));
        EXPECT_EQ(st, 413);
        // Announced but never sent.
        st = statusOf(rawExchange(port,
                                  "POST /whip/ongoing HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "application/sdp\r\nContent-Length: 999999999\r\n\r\n"));
        EXPECT_EQ(st, 413);
        for (const char* method : {"FOO", "BREW", "GET\x01", "PROPFIND", "CONNECT"}) {
            st =
                statusOf(rawExchange(port, std::string(method) + " /whip/ongoing HTTP/1.1\r\nHost: "
                                                                 "x\r\n\r\n"));
            EXPECT_TRUE(st >= 400 && st < 500 || st == 0) << method << " -> " << st;
        }
        st = statusOf(rawExchange(port, "\x16\x03\x01garbage that is not HTTP\r\n\r\n"));
        EXPECT_TRUE(st == 400 || st == 0) << st;
        st = statusOf(
            rawExchange(port, "GET /" + std::string(100 * 1024, 'p') + " HTTP/1.1\r\n\r\n"));
        EXPECT_TRUE(st == 414 || st == 431 || st == 400 || st == 0) << st;
    });
    barrage("1000 connections opened and abandoned", [&] {
        std::vector<int> fds;
        for (int i = 0; i < 1000; ++i) {
            int fd = connectTcp(port, 2s);
            if (fd < 0) continue;
            if (i % 3 == 1)
                sendAll(fd, "POST /whip/ongoing HTTP/1.1\r\nContent-Length: 100\r\n\r\nv=0");
            if (i % 3 == 2) sendAll(fd, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n");
            fds.push_back(fd);
        }
        EXPECT_GE(fds.size(), 900u);
        HttpClient http(5s);
        auto r = http.get(server_.baseUrl() + "/healthz");
        EXPECT_EQ(r.status, 200) << "a new client is locked out: " << r.error;
        for (int fd : fds) ::close(fd);
    });
}

// ---- WHIP / WHEP -------------------------------------------------------------------------------

std::string manyMLines(int count) {
    std::string sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE";
    for (int i = 0; i < count; ++i) sdp += " " + std::to_string(i);
    sdp +=
        "\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
        "a=fingerprint:sha-256 "
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
        "DD:EE:FF\r\na=setup:actpass\r\n";
    for (int i = 0; i < count; ++i) {
        sdp += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:" + std::to_string(i) +
               "\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
    }
    return sdp;
}

TEST_F(HostileTest, WhipWhepGarbage) {
    const uint16_t port = server_.port();
    const std::string realOffer = publisher_->session().offer;
    ASSERT_FALSE(realOffer.empty());
    barrage("WHIP/WHEP garbage", [&] {
        for (const char* path : {"/whip/ongoing", "/whep/ongoing"}) {
            auto post = [&](const std::string& type, const std::string& body) {
                return statusOf(rawExchange(port, httpRequest("POST", path, type, body)));
            };
            EXPECT_EQ(post("application/sdp", ""), 400) << path;
            EXPECT_EQ(post("application/sdp", "garbage\r\n\x01\x02\xff not sdp"), 400) << path;
            EXPECT_EQ(post("application/sdp", std::string(1 << 20, 'm')), 413) << path;
            const int many = post("application/sdp", manyMLines(500));
            EXPECT_TRUE(many == 400 || many == 413) << path << " 500 m-lines -> " << many;
            std::string noFp =
                std::regex_replace(realOffer, std::regex("a=fingerprint:[^\r\n]*\r?\n"), "");
            EXPECT_EQ(post("application/sdp", noFp), 400) << path;
            EXPECT_EQ(post("text/plain", realOffer), 415) << path;
            EXPECT_EQ(post("", realOffer), 415) << path;
            EXPECT_EQ(post("application/sdp;charset=\xff\xfe", "v=0"), 400) << path;
        }
        // Guessed session URLs: 404, and the real sessions (checked by the barrage) survive.
        std::mt19937 rng(42);
        for (int i = 0; i < 50; ++i) {
            char id[33];
            for (int k = 0; k < 32; ++k) id[k] = "0123456789abcdef"[rng() % 16];
            id[32] = 0;
            const std::string base = i % 2 ? "/whip/ongoing/session/" : "/whep/ongoing/session/";
            EXPECT_EQ(statusOf(rawExchange(port, httpRequest("DELETE", base + id, "", ""))), 404);
            EXPECT_EQ(statusOf(rawExchange(
                          port, httpRequest("PATCH", base + id, "application/trickle-ice-sdpfrag",
                                            "a=candidate:x"))),
                      404);
        }
        // The real session's URL under the wrong kind or meeting is no key either.
        const std::string loc = viewer_->session().location;
        const auto at = loc.find("/session/");
        ASSERT_NE(at, std::string::npos) << loc;
        const std::string sid = loc.substr(at + 9);
        EXPECT_EQ(statusOf(rawExchange(
                      port, httpRequest("DELETE", "/whip/ongoing/session/" + sid, "", ""))),
                  404);
        EXPECT_EQ(statusOf(rawExchange(
                      port, httpRequest("DELETE", "/whep/other/session/" + sid, "", ""))),
                  404);
    });
    EXPECT_EQ(metric("vcb_http_sessions"), 2.0) << "garbage created or removed sessions";
}

// Default limits: the per-IP join rate answers 429 with Retry-After, and the meeting goes on.
class HostileLimitsTest : public HostileTest {
  protected:
    std::vector<std::string> extraArgs() const override {
        return {"--log-level", "warn", "--max-sessions", "6"};
    }
};

TEST_F(HostileLimitsTest, JoinRateAndSessionLimits) {
    const uint16_t port = server_.port();
    const std::string offer = viewer_->session().offer;
    barrage("join flood", [&] {
        int limited = 0, full = 0, created = 0;
        std::string retryAfter, body429, body503;
        std::vector<std::string> locations;
        const auto floodStart = Clock::now();
        for (int i = 0; i < 60; ++i) {
            HttpClient http(5s);
            auto r = http.post(server_.baseUrl() + "/whep/ongoing", "application/sdp", offer);
            if (r.status == 429) {
                ++limited;
                retryAfter = r.header("retry-after");
                body429 = r.body;
            } else if (r.status == 503) {
                ++full;
                body503 = r.body;
                EXPECT_FALSE(r.header("retry-after").empty());
            } else if (r.status == 201) {
                ++created;
                locations.push_back(r.header("location"));
            }
        }
        std::printf("[ LIMITS   ] 60 joins: %d created, %d 503, %d 429\n", created, full, limited);
        EXPECT_GT(limited, 0);
        // Burst of 20 plus the refill at 10/s while the flood ran (slower under sanitizers).
        const double floodSeconds =
            std::chrono::duration<double>(Clock::now() - floodStart).count();
        EXPECT_LE(created + full, 20 + 2 + static_cast<int>(floodSeconds * 10))
            << "the burst of 20 (+ refill) was exceeded";
        EXPECT_NE(body429.find("\"rate_limited\""), std::string::npos) << body429;
        EXPECT_GE(std::atoi(retryAfter.c_str()), 1);
        // 2 sessions of the meeting + 4 = 6 = --max-sessions.
        EXPECT_EQ(created, 4);
        EXPECT_NE(body503.find("\"too_many_sessions\""), std::string::npos) << body503;
        HttpClient http(5s);
        for (const auto& l : locations) EXPECT_EQ(http.del(server_.baseUrl() + l).status, 200);
    });
    // WebSocket joins draw on the same per-IP budget: a burst of them is refused too.
    RawWs ws;
    ASSERT_TRUE(ws.open(port));
    for (int i = 0; i < 40; ++i) {
        ws.write(R"({"type":"join","meeting":"ongoing","displayName":"x","requestId":)" +
                 std::to_string(i) + "}");
    }
    int limitedWs = 0;
    for (int i = 0; i < 40 && !ws.closed(); ++i) {
        if (ws.read().find("\"rate_limited\"") != std::string::npos) ++limitedWs;
    }
    std::printf("[ LIMITS   ] 40 WebSocket joins: %d rate_limited\n", limitedWs);
    EXPECT_GE(limitedWs, 10);
}

// ---- WebSocket ---------------------------------------------------------------------------------

TEST_F(HostileTest, WebSocketGarbageAndFlood) {
    const uint16_t port = server_.port();
    barrage("WebSocket garbage", [&] {
        RawWs ws;
        ASSERT_TRUE(ws.open(port));
        ws.write("{not json");
        EXPECT_TRUE(ws.readUntil("bad_json", 3));
        ws.write(std::string(30000, '[') + std::string(30000, ']'));
        EXPECT_TRUE(ws.readUntil("\"error\"", 3)) << "deep nesting not refused";
        ws.write(R"({"type":"selfDestruct","requestId":7})");
        EXPECT_TRUE(ws.readUntil("unknown_type", 3));
        ws.write(R"({"type":"publish","sdp":"v=0"})");
        EXPECT_TRUE(ws.readUntil("not_joined", 3));
        ws.write(R"({"type":"ping","requestId":8})");
        EXPECT_TRUE(ws.readUntil("pong", 3)) << "the connection did not survive the garbage";
    });
    barrage("WebSocket 10 MB message", [&] {
        RawWs ws;
        ASSERT_TRUE(ws.open(port));
        // The first 70 KiB fragment of a 10 MB message: refused as soon as it exceeds the limit.
        ASSERT_TRUE(ws.write(std::string(70 * 1024, 'x'), false));
        for (int i = 0; i < 10 && !ws.closed(); ++i) ws.read();
        EXPECT_TRUE(ws.closed());
        EXPECT_EQ(ws.closeCode(), 1009);
        // And the whole 10 MB in one frame: the server hangs up instead of buffering it.
        RawWs whole;
        ASSERT_TRUE(whole.open(port));
        whole.write(std::string(10 * 1024 * 1024, 'x'));
        for (int i = 0; i < 10 && !whole.closed(); ++i) whole.read();
        EXPECT_TRUE(whole.closed());
    });
    barrage("WebSocket message flood", [&] {
        RawWs ws;
        ASSERT_TRUE(ws.open(port));
        int sent = 0;
        for (; sent < 5000; ++sent) {
            if (!ws.write(R"({"type":"ping"})")) break;
        }
        bool warned = false;
        for (int i = 0; i < 6000 && !ws.closed(); ++i) {
            if (ws.read().find("rate_limited") != std::string::npos) warned = true;
        }
        std::printf("[ FLOOD    ] sent %d messages before the close\n", sent);
        EXPECT_TRUE(warned);
        EXPECT_TRUE(ws.closed());
        EXPECT_EQ(ws.closeCode(), 1008);
    });
}

// ---- media -------------------------------------------------------------------------------------

// A real WHIP publisher (libnice ICE, DTLS, SRTP: the load generator's transport) of one Opus
// stream that keeps a copy of some of its protected SRTP packets, as an attacker on the path
// would capture them, to send them again from the same, ICE-validated, address: the packets are
// authentic, so only the server's replay protection can refuse them.
// A load-generator peer (real ICE, DTLS with a certificate of its own, SRTP) living on its own
// loop thread, shut down on that thread when the test ends.
template <typename Peer>
struct LoopPeer {
    bool start(std::string& error) {
        std::shared_ptr<const dtls::DtlsCertificate> cert = dtls::DtlsCertificate::generate(&error);
        if (!cert) return false;
        auto context = dtls::DtlsContext::create(cert, &error);
        if (!context) return false;
        return loop.invoke([&] {
            peer = std::make_unique<Peer>(loop, loadgen::PeerConfig{"127.0.0.1", context});
            return peer->init(error);
        });
    }
    ~LoopPeer() {
        loop.invoke([&] {
            if (peer) peer->shutdown();
            peer.reset();
        });
    }
    loadgen::LoopThread loop;
    std::unique_ptr<Peer> peer;
};

class ReplayingPublisher final : public loadgen::PeerConnection {
  public:
    using PeerConnection::PeerConnection;

    static constexpr size_t kCaptured = 50;
    std::atomic<uint64_t> sent{0};
    std::atomic<size_t> captured{0};

    // Loop thread: sends every captured packet again; how many went out.
    int replay() {
        int n = 0;
        for (const auto& pkt : capture_) n += sendDatagram(pkt.data(), pkt.size()) ? 1 : 0;
        return n;
    }
    // Loop thread: a datagram as is from the validated address (not SRTP).
    bool sendRaw(const std::vector<uint8_t>& datagram) {
        return sendDatagram(datagram.data(), datagram.size());
    }

  protected:
    std::vector<signaling::MediaSection> offerMedia() override {
        std::vector<signaling::MediaSection> media(1);
        media[0].mid = "0";
        media[0].kind = sfu::MediaKind::Audio;
        media[0].direction = signaling::Direction::SendOnly;
        media[0].codecs.push_back({kPt, "opus", 48000, 2, "minptime=10", {}, std::nullopt});
        media[0].extensions = {{1, sfu::ext::kMid}};
        media[0].ssrcs = {kSsrc};
        media[0].cname = "vcb-replay";
        media[0].msidStream = "replay";
        media[0].msidTrack = "replay-audio";
        return media;
    }
    bool acceptAnswerMedia(const signaling::SessionDescription& answer,
                           std::string& error) override {
        if (!answer.media.empty() && !answer.media[0].rejected) return true;
        error = "audio rejected";
        return false;
    }
    void onConnected(int64_t) override {}
    void onRtcp(const uint8_t*, size_t, int64_t) override {}
    void onRtp(const rtp::RtpPacket&, int64_t) override {}
    void onConnectedTick(int64_t nowUs) override {
        if (nowUs - lastSendUs_ < 20'000) return;
        lastSendUs_ = nowUs;
        // RTP header, then an Opus TOC + silence (20 ms, CELT FB).
        uint8_t buf[256] = {};
        buf[0] = 0x80;
        buf[1] = kPt;
        buf[2] = static_cast<uint8_t>(seq_ >> 8);
        buf[3] = static_cast<uint8_t>(seq_);
        for (int i = 0; i < 4; ++i) {
            buf[4 + i] = static_cast<uint8_t>(timestamp_ >> (24 - 8 * i));
            buf[8 + i] = static_cast<uint8_t>(kSsrc >> (24 - 8 * i));
        }
        const uint8_t opus[] = {0xF8, 0xFF, 0xFE};
        std::copy(std::begin(opus), std::end(opus), buf + 12);
        const size_t len = 12 + sizeof opus;
        ++seq_;
        timestamp_ += 960;
        if (!sendRtp(buf, len, sizeof buf)) return;
        const uint64_t n = sent.fetch_add(1, std::memory_order_relaxed) + 1;
        // Skip the first packets (the server could have had them before its SRTP was ready),
        // then keep the next ones exactly as they went on the wire.
        const auto profile = srtpProfile();
        if (n > 25 && capture_.size() < kCaptured && profile) {
            const size_t wire = len + dtls::SrtpSession::maxRtpOverhead(*profile);
            capture_.emplace_back(buf, buf + wire);
            captured.store(capture_.size(), std::memory_order_relaxed);
        }
    }

  private:
    static constexpr uint8_t kPt = 111;
    static constexpr uint32_t kSsrc = 0x52504C59;
    uint16_t seq_ = 1000;
    uint32_t timestamp_ = 0;
    int64_t lastSendUs_ = 0;
    std::vector<std::vector<uint8_t>> capture_;
};

TEST_F(HostileTest, MediaGarbage) {
    std::vector<uint16_t> ports = candidatePorts(viewer_->session().answer);
    for (uint16_t p : candidatePorts(publisher_->session().answer)) ports.push_back(p);
    ASSERT_FALSE(ports.empty()) << viewer_->session().answer;
    const std::string range = server_.rtcPorts();
    const int first = std::stoi(range.substr(0, range.find('-')));
    const int last = std::stoi(range.substr(range.find('-') + 1));
    const double droppedBefore =
        metric("vcb_dropped_malformed_total") + metric("vcb_dropped_srtp_auth_total") +
        metric("vcb_dropped_srtp_replay_total") + metric("vcb_dropped_unknown_type_total") +
        metric("vcb_dropped_unknown_ssrc_total");
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    std::mt19937 rng(7);
    auto randomBytes = [&](size_t n) {
        std::vector<uint8_t> v(n);
        for (auto& b : v) b = static_cast<uint8_t>(rng());
        return v;
    };
    auto rtpLike = [&](uint8_t pt) {
        auto v = randomBytes(200);
        v[0] = 0x80;
        v[1] = pt;
        return v;
    };
    auto stunLike = [&] {
        auto v = randomBytes(60);
        v[0] = 0x00;
        v[1] = 0x01;
        v[2] = 0x00;
        v[3] = 40;
        v[4] = 0x21;
        v[5] = 0x12;
        v[6] = 0xA4;
        v[7] = 0x42;
        return v;
    };
    auto clientHello = [&] {
        auto v = randomBytes(150);
        v[0] = 0x16;
        v[1] = 0xfe;
        v[2] = 0xfd;
        v[13] = 0x01;  // handshake type ClientHello
        return v;
    };
    barrage("UDP garbage on the sessions' ports", [&] {
        for (int i = 0; i < 3000; ++i) {
            const uint16_t p = ports[static_cast<size_t>(i) % ports.size()];
            switch (i % 6) {
                case 0:
                    sendUdp(fd, p, randomBytes(1 + rng() % 1400));
                    break;
                case 1:
                    sendUdp(fd, p, rtpLike(96 + i % 30));
                    break;
                case 2:
                    sendUdp(fd, p, rtpLike(200 + i % 5));
                    break;  // RTCP SR..APP
                case 3:
                    sendUdp(fd, p, stunLike());
                    break;
                case 4:
                    sendUdp(fd, p, clientHello());
                    break;
                default:
                    sendUdp(fd, p, {0x80});
                    break;
            }
            if (i % 200 == 0) std::this_thread::sleep_for(20ms);
        }
    });
    barrage("UDP spray over --rtc-ports", [&] {
        for (int p = first; p <= last && p < first + 1000; ++p) {
            for (int k = 0; k < 10; ++k) {
                sendUdp(fd, static_cast<uint16_t>(p),
                        k % 3 == 0 ? stunLike() : (k % 3 == 1 ? clientHello() : rtpLike(111)));
            }
        }
    });
    barrage("forged SRTP twice from unvalidated addresses", [&] {
        // The same unauthenticated SRTP-like packets twice, from a fresh address each time: no
        // ICE check validated these addresses, so they are dropped before SRTP (the real
        // replays follow below).
        std::vector<std::vector<uint8_t>> packets;
        for (int i = 0; i < 200; ++i) packets.push_back(rtpLike(96));
        for (int round = 0; round < 2; ++round) {
            const int other = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            for (const auto& pkt : packets)
                for (uint16_t p : ports) sendUdp(other, p, pkt);
            ::close(other);
        }
    });
    // Real SRTP replays: captured, authentic packets sent again from the address ICE validated.
    std::string error;
    auto driver = loadgen::WhipWhepDriver::create(server_.baseUrl(), error);
    ASSERT_TRUE(driver) << error;
    LoopPeer<ReplayingPublisher> peer;
    ASSERT_TRUE(peer.start(error)) << error;
    loadgen::LoopThread& loop = peer.loop;
    std::unique_ptr<ReplayingPublisher>& replayer = peer.peer;
    const loadgen::SignalingResult joined = driver->publish("replay", *replayer);
    ASSERT_TRUE(joined.ok) << joined.error;
    ASSERT_TRUE(
        waitFor([&] { return replayer->captured.load() == ReplayingPublisher::kCaptured; }, 20s))
        << "the replaying publisher did not connect and send: state "
        << static_cast<int>(replayer->state()) << " "
        << loop.invoke([&] { return replayer->failureReason(); });
    std::this_thread::sleep_for(200ms);  // the captured packets have reached the server
    const double transportsBefore = metric("vcb_transports_open");
    const double replayBefore = metric("vcb_dropped_srtp_replay_total");
    ASSERT_GE(replayBefore, 0) << "/metrics has no vcb_dropped_srtp_replay_total";
    int replayed = 0;
    barrage("SRTP replays and a ClientHello from a publisher's validated address", [&] {
        for (int round = 0; round < 2; ++round) {
            replayed += loop.invoke([&] { return replayer->replay(); });
            std::this_thread::sleep_for(100ms);
        }
        for (int i = 0; i < 5; ++i) loop.invoke([&] { return replayer->sendRaw(clientHello()); });
    });
    EXPECT_EQ(replayed, 2 * static_cast<int>(ReplayingPublisher::kCaptured));
    double replayDropped = 0;
    waitFor(
        [&] {
            replayDropped = metric("vcb_dropped_srtp_replay_total") - replayBefore;
            return replayDropped >= replayed;
        },
        5s);
    std::printf("[ REPLAY   ] %d captured SRTP packets sent again, %.0f refused as replays\n",
                replayed, replayDropped);
    EXPECT_EQ(replayDropped, static_cast<double>(replayed))
        << "authentic packets sent again were not refused as SRTP replays";
    // The replaying publisher's own stream went on: the replays did not break its transport.
    const uint64_t sentBefore = replayer->sent.load();
    EXPECT_TRUE(waitFor([&] { return replayer->sent.load() >= sentBefore + 10; }, 5s));
    EXPECT_EQ(replayer->state(), loadgen::PeerConnection::State::Connected);
    EXPECT_EQ(metric("vcb_transports_open"), transportsBefore) << "a transport was closed";
    driver->close(joined.session);
    ::close(fd);
    const double droppedAfter =
        metric("vcb_dropped_malformed_total") + metric("vcb_dropped_srtp_auth_total") +
        metric("vcb_dropped_srtp_replay_total") + metric("vcb_dropped_unknown_type_total") +
        metric("vcb_dropped_unknown_ssrc_total");
    std::printf("[ DROPPED  ] vcb_dropped_* %.0f -> %.0f\n", droppedBefore, droppedAfter);
    EXPECT_GT(droppedAfter, droppedBefore) << "garbage was not counted as dropped";
    EXPECT_TRUE(waitFor([&] { return metric("vcb_http_sessions") == 2.0; }, 5s))
        << metric("vcb_http_sessions");
}

// ---- NACK flood ----------------------------------------------------------------------------

// A real WHEP viewer (libnice ICE, DTLS, SRTP: the load generator's transport) that negotiates
// NACK and then, while `flooding`, sends one SRTCP compound per millisecond: an RR and 15 generic
// NACKs of 256 sequence numbers each (the most the router reads per NACK), covering the last ~50
// video packets with overlapping entries, i.e. ~3800 retransmission requests per datagram.
class NackFlooder final : public loadgen::PeerConnection {
  public:
    using PeerConnection::PeerConnection;

    std::atomic<bool> flooding{false};
    std::atomic<uint64_t> rtpPackets{0};
    std::atomic<uint64_t> videoPackets{0};
    std::atomic<uint64_t> videoBytes{0};  // RTP before SRTP, as the server counts what it resends
    std::atomic<uint64_t> nackDatagrams{0};
    std::atomic<uint64_t> nacksListed{0};

  protected:
    std::vector<signaling::MediaSection> offerMedia() override {
        std::vector<signaling::MediaSection> media(2);
        media[0].mid = "0";
        media[0].kind = sfu::MediaKind::Audio;
        media[0].direction = signaling::Direction::RecvOnly;
        media[0].codecs.push_back({111, "opus", 48000, 2, "minptime=10", {}, std::nullopt});
        media[0].extensions = {{1, sfu::ext::kMid}};
        media[1].mid = "1";
        media[1].kind = sfu::MediaKind::Video;
        media[1].direction = signaling::Direction::RecvOnly;
        media[1].codecs.push_back(
            {kVideoPt, "VP8", 90000, 0, "", {"nack", "nack pli"}, std::nullopt});
        media[1].extensions = {
            {1, sfu::ext::kMid}, {3, sfu::ext::kAbsSendTime}, {4, sfu::ext::kTransportCc}};
        return media;
    }
    bool acceptAnswerMedia(const signaling::SessionDescription& answer,
                           std::string& error) override {
        for (const auto& m : answer.media) {
            if (m.kind == sfu::MediaKind::Video && !m.rejected) return true;
        }
        error = "video rejected";
        return false;
    }
    void onConnected(int64_t) override {}
    void onRtcp(const uint8_t*, size_t, int64_t) override {}
    void onRtp(const rtp::RtpPacket& packet, int64_t) override {
        rtpPackets.fetch_add(1, std::memory_order_relaxed);
        if (packet.payloadType() != kVideoPt) return;
        videoBytes.fetch_add(packet.size(), std::memory_order_relaxed);
        videoSsrc_ = packet.ssrc();
        if (videoPackets.fetch_add(1, std::memory_order_relaxed) == 0 ||
            rtp::isNewer(packet.sequenceNumber(), highestSeq_)) {
            highestSeq_ = packet.sequenceNumber();
        }
    }
    void onConnectedTick(int64_t nowUs) override {
        constexpr size_t kRoom = sizeof(buf_) - 64;  // SRTCP trailer
        const bool report = nowUs - lastReportUs_ >= 1'000'000;
        if (!report && (!flooding.load(std::memory_order_relaxed) || videoSsrc_ == 0)) return;
        rtp::RtcpReceiverReport rr;
        rr.setSsrc(kRtcpSsrc);
        size_t len = rr.write(buf_, kRoom);
        if (flooding.load(std::memory_order_relaxed) && videoSsrc_ != 0) {
            for (int k = 0; k < 15; ++k) {
                // Entries 4 apart with all 16 BLP bits, from ~50 packets back (what the server
                // still holds) to beyond the newest: every number listed about four times.
                std::array<rtp::NackItem, 16> items{};
                const uint16_t base = static_cast<uint16_t>(highestSeq_ - 50 + k % 3);
                for (size_t i = 0; i < items.size(); ++i)
                    items[i] = {static_cast<uint16_t>(base + 4 * i), 0xFFFF};
                rtp::RtcpGenericNack nack;
                nack.setSenderSsrc(kRtcpSsrc);
                nack.setMediaSsrc(videoSsrc_);
                nack.setItems(items);
                const size_t n = nack.write(buf_ + len, kRoom - len);
                if (n == 0) break;
                len += n;
                nacksListed.fetch_add(items.size() * 17, std::memory_order_relaxed);
            }
            nackDatagrams.fetch_add(1, std::memory_order_relaxed);
        }
        if (report) lastReportUs_ = nowUs;
        sendRtcp(buf_, len, sizeof(buf_));
    }

  private:
    static constexpr uint8_t kVideoPt = 96;
    static constexpr uint32_t kRtcpSsrc = 0x4E41434B;
    uint32_t videoSsrc_ = 0;
    uint16_t highestSeq_ = 0;
    int64_t lastReportUs_ = 0;
    uint8_t buf_[1400];
};

TEST_F(HostileTest, NackFloodFromARealSubscriber) {
    std::string error;
    auto driver = loadgen::WhipWhepDriver::create(server_.baseUrl(), error);
    ASSERT_TRUE(driver) << error;
    LoopPeer<NackFlooder> peer;
    ASSERT_TRUE(peer.start(error)) << error;
    loadgen::LoopThread& loop = peer.loop;
    std::unique_ptr<NackFlooder>& flooder = peer.peer;
    const loadgen::SignalingResult joined = driver->subscribe("ongoing", "", *flooder);
    ASSERT_TRUE(joined.ok) << joined.error;
    ASSERT_TRUE(waitFor([&] { return flooder->videoPackets.load() >= 100; }, 20s))
        << "the flooding viewer receives no video: " << flooder->videoPackets.load()
        << " (RTP of any kind " << flooder->rtpPackets.load() << ", state "
        << static_cast<int>(flooder->state()) << " "
        << loop.invoke([&] { return flooder->failureReason(); }) << ")";

    // The bucket may start as deep as half of the last two seconds' bytes: count from there.
    const uint64_t bytesBefore = flooder->videoBytes.load();
    const uint64_t packetsBefore = flooder->videoPackets.load();
    std::this_thread::sleep_for(2s);
    const double refusedBefore = metric("vcb_nacks_refused_total");
    const double resentBefore = metric("vcb_rtp_packets_retransmitted_total");
    const double resentBytesBefore = metric("vcb_rtp_bytes_retransmitted_total");
    const double listedBefore = metric("vcb_nacks_received_total");
    uint64_t framesDuring = 0;
    double worstHealthMs = 0;
    double cpuDuring = 0;
    int healthy = 0;
    const double cpuBefore = cpuSeconds(server_.pid());
    barrage("NACK flood from a subscriber", [&] {
        const uint64_t framesBefore = frames();
        flooder->flooding.store(true);
        const auto end = Clock::now() + 4s;
        HttpClient http(3s);
        int probes = 0;
        while (Clock::now() < end) {
            const auto t0 = Clock::now();
            if (http.get(server_.baseUrl() + "/healthz").status == 200) ++healthy;
            ++probes;
            worstHealthMs =
                std::max(worstHealthMs,
                         std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            std::this_thread::sleep_for(200ms);
        }
        flooder->flooding.store(false);
        framesDuring = frames() - framesBefore;
        cpuDuring = cpuSeconds(server_.pid()) - cpuBefore;
        EXPECT_EQ(healthy, probes) << "the API stalled during the flood";
    });
    const uint64_t videoPackets = flooder->videoPackets.load() - packetsBefore;
    const uint64_t videoBytes = flooder->videoBytes.load() - bytesBefore;
    const double refused = metric("vcb_nacks_refused_total") - refusedBefore;
    const double resent = metric("vcb_rtp_packets_retransmitted_total") - resentBefore;
    const double resentBytes = metric("vcb_rtp_bytes_retransmitted_total") - resentBytesBefore;
    const double listed = metric("vcb_nacks_received_total") - listedBefore;
    std::printf(
        "[ NACKS    ] %llu datagrams listing %.0f numbers (server read %.0f); resent %.0f "
        "packets / %.0f B, refused %.0f; the flooder got %llu video packets / %llu B from "
        "2 s before the flood; other viewer +%llu frames during it; /healthz worst "
        "%.0f ms; vcbridge used %.2f s of CPU during the 4 s flood\n",
        static_cast<unsigned long long>(flooder->nackDatagrams.load()),
        static_cast<double>(flooder->nacksListed.load()), listed, resent, resentBytes, refused,
        static_cast<unsigned long long>(videoPackets), static_cast<unsigned long long>(videoBytes),
        static_cast<unsigned long long>(framesDuring), worstHealthMs, cpuDuring);
    EXPECT_GT(flooder->nackDatagrams.load(), 500u) << "the flood did not happen";
    EXPECT_GT(listed, 100000) << "the server did not read the NACKs";
    EXPECT_GE(framesDuring, 30u) << "the other viewer stalled during the flood";
    EXPECT_GT(refused, listed / 4) << "refusals are not counted in /metrics";
    // The budget: half the bytes sent to a viewer, on top of a bucket at most max(24 kB, half
    // the last two seconds) deep. The counter is the server's, so the other viewer's own budget
    // (the same stream; it NACKs only what a loaded machine makes it lose) is allowed for too.
    // Unbounded, every datagram alone could cost hundreds of resends (730 MB in this test).
    EXPECT_LE(resentBytes, 2 * (24'000 + 0.5 * static_cast<double>(videoBytes)))
        << "retransmissions are not bounded by the budget";
    EXPECT_GT(resent, 0) << "a flood must not disable retransmission altogether";
    driver->close(joined.session);
}

// ---- churn
// ---------------------------------------------------------------------------------------

TEST_F(HostileTest, ChurnJoinLeave) {
    const std::string whepOffer = viewer_->session().offer;
    const std::string whipOffer = publisher_->session().offer;
    const double transportsBefore = metric("vcb_transports_open");
    barrage("200 join/leave cycles", [&] {
        HttpClient http(10s);
        int ok = 0;
        // 190 cycles leave right after the POST, i.e. during ICE/DTLS.
        for (int i = 0; i < 190; ++i) {
            const bool pub = i % 2 == 0;
            auto r = http.post(server_.baseUrl() + (pub ? "/whip/churn" : "/whep/churn"),
                               "application/sdp", pub ? whipOffer : whepOffer);
            if (r.status != 201) {
                ADD_FAILURE() << "cycle " << i << ": " << r.status << " " << r.body;
                continue;
            }
            if (http.del(server_.baseUrl() + r.header("location")).status == 200) ++ok;
        }
        EXPECT_EQ(ok, 190);
        // 10 complete cycles with media; every other publisher is torn down without a DELETE
        // right after connecting, while its first key frame is on the wire.
        std::string error;
        for (int i = 0; i < 5; ++i) {
            WhipClient pub(
                WhipOptions{.url = server_.baseUrl() + "/whip/churn-kf", .pattern = "green"});
            ASSERT_TRUE(pub.start(&error)) << error;
            WhepClient view(WhepOptions{.url = server_.baseUrl() + "/whep/churn-kf"});
            ASSERT_TRUE(view.start(&error)) << error;
            if (i % 2 == 0) {
                EXPECT_TRUE(waitFor(
                    [&] {
                        uint64_t n = 0;
                        for (const auto& s : view.peer().incomingStreams()) n += s.framesDecoded;
                        return n >= 5;
                    },
                    15s))
                    << "churn viewer " << i << " saw nothing";
                EXPECT_EQ(view.stop(), 200);
                EXPECT_EQ(pub.stop(), 200);
            } else {
                pub.peer().waitForConnectionState("connected", Clock::now() + 10s);
                // Destructors without stop(): ~WhipClient DELETEs; the viewer leaves after.
            }
        }
    });
    // Everything the churn created is gone again.
    EXPECT_TRUE(waitFor([&] { return metric("vcb_http_sessions") == 2.0; }, 10s))
        << metric("vcb_http_sessions");
    EXPECT_TRUE(waitFor([&] { return metric("vcb_transports_open") == transportsBefore; }, 10s))
        << metric("vcb_transports_open") << " vs " << transportsBefore;
    EXPECT_TRUE(waitFor([&] { return metric("vcb_meetings") <= 2.0; }, 10s))
        << metric("vcb_meetings") << " meetings remain";
}

// ---- ICE consent ------------------------------------------------------------------------------

// A viewer that stops answering (its process frozen, as a hall PC that hangs or loses its link)
// holds a transport, consumers and a WHEP session; RFC 7675 consent freshness frees them within
// 30 s of the last authenticated packet, and the meeting goes on. The viewer is first seen
// connected and decoding, and the freeing must be the consent expiry of that connected transport
// (its own metric, ~30 s after the freeze), not the connect timeout of a transport that never
// connected (30 s after its creation, i.e. sooner after the freeze) nor any other close.
TEST_F(HostileTest, FrozenViewerFreedByConsentTimeout) {
#ifndef VCB_WHEP_VIEW_BIN
    GTEST_SKIP() << "vcb-whep-view is not part of this build";
#else
    const double transportsBefore = metric("vcb_transports_open");
    const double dtlsBefore = metric("vcb_dtls_connected_total");
    const double consentBefore = metric("vcb_transports_consent_expired_total");
    const double connectTimeoutsBefore = metric("vcb_transports_connect_timeouts_total");
    ASSERT_GE(consentBefore, 0) << "/metrics has no vcb_transports_consent_expired_total";
    ASSERT_GE(connectTimeoutsBefore, 0) << "/metrics has no vcb_transports_connect_timeouts_total";
    const std::string url = server_.baseUrl() + "/whep/ongoing";
    int out[2];
    ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
    const auto startedAt = Clock::now();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
        ::execl(VCB_WHEP_VIEW_BIN, VCB_WHEP_VIEW_BIN, "--url", url.c_str(), "--frames", "1000000",
                "--timeout", "120", "--progress", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    struct Reaper {
        pid_t pid;
        int fd;
        ~Reaper() {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            ::close(fd);
        }
    } reaper{child, out[0]};
    // Connected and decoding: the child reports its decoded frames every second.
    uint64_t decoded = 0;
    std::string pending;
    const auto readDeadline = Clock::now() + 30s;
    while (decoded < 60 && Clock::now() < readDeadline) {
        pollfd pfd{out[0], POLLIN, 0};
        if (::poll(&pfd, 1, 500) <= 0) continue;
        char buf[256];
        const ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        pending.append(buf, static_cast<size_t>(n));
        for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
            const std::string lineText = pending.substr(0, nl);
            if (lineText.rfind("decoded ", 0) == 0) decoded = std::stoull(lineText.substr(8));
        }
    }
    ASSERT_GE(decoded, 60u) << "the viewer to freeze never decoded (" << decoded << " frames)";
    EXPECT_GE(metric("vcb_dtls_connected_total"), dtlsBefore + 1);
    ASSERT_GE(metric("vcb_transports_open"), transportsBefore + 1);
    // Freeze no sooner than 10 s after the viewer was created, so a connect timeout (30 s after
    // creation) would free it at most 20 s after the freeze: clearly before consent could expire.
    std::this_thread::sleep_until(startedAt + 10s);
    ASSERT_EQ(::kill(child, SIGSTOP), 0);
    const auto frozenAt = Clock::now();
    const bool freed = waitFor(
        [&] {
            return metric("vcb_transports_open") == transportsBefore &&
                   metric("vcb_http_sessions") == 2.0;
        },
        45s);
    const double secs = std::chrono::duration<double>(Clock::now() - frozenAt).count();
    std::printf("[ CONSENT  ] frozen viewer (%llu frames decoded) freed after %.1f s\n",
                static_cast<unsigned long long>(decoded), secs);
    EXPECT_TRUE(freed) << "the frozen viewer's transport and session are still there";
    // 30 s after its last authenticated packet, checked by a 1 s timer. On a clean link the viewer
    // sends nothing but RTCP receiver reports (rtpsession: 5 s interval randomised to 2.5-7.5 s) and
    // ICE checks, so its last packet can be up to 7.5 s before the freeze (CI saw 24.5 s: the
    // server logged 30.0 s since the last packet). The upper bound leaves room for slow builds.
    EXPECT_LE(secs, 34.0);
    EXPECT_GE(secs, 22.0) << "freed before consent could have expired: some other path closed it";
    EXPECT_EQ(metric("vcb_transports_consent_expired_total"), consentBefore + 1)
        << "the close was not counted as consent expiry";
    EXPECT_EQ(metric("vcb_transports_connect_timeouts_total"), connectTimeoutsBefore)
        << "a transport that had connected was counted as a connect timeout";
    barrage("consent timeout", [] {});
#endif
}

// ---- SIGTERM ------------------------------------------------------------------------------------

// Waits for the server to exit after SIGTERM; returns the seconds it took or -1.
double sigtermAndWait(ServerProcess& server, Clock::duration limit) {
    const auto start = Clock::now();
    ::kill(server.pid(), SIGTERM);
    while (Clock::now() - start < limit) {
        if (!server.alive()) return std::chrono::duration<double>(Clock::now() - start).count();
        std::this_thread::sleep_for(20ms);
    }
    return -1;
}

// subscribe only takes tracks the meeting has: a made-up (well-formed) track id is refused and
// stored nowhere; the WHIP publisher's real track is accepted and answered with an offer.
TEST_F(HostileTest, SubscribeOnlyToTracksOfTheMeeting) {
    RawWs ws;
    ASSERT_TRUE(ws.open(server_.port()));
    ws.write(
        R"({"type":"join","meeting":"ongoing","displayName":"picky","autoSubscribe":false,"requestId":1})");
    std::string joined;
    for (int i = 0; i < 20 && joined.empty() && !ws.closed(); ++i) {
        std::string m = ws.read();
        if (m.find("\"joined\"") != std::string::npos) joined = m;
    }
    ASSERT_FALSE(joined.empty());
    std::smatch video;
    ASSERT_TRUE(std::regex_search(joined, video, std::regex(R"re("([^"]+-video)")re")))
        << "the publisher's video track is listed: " << joined;
    ws.write(R"({"type":"subscribe","trackIds":["nobody-video"],"requestId":2})");
    EXPECT_TRUE(ws.readUntil("unknown_track", 5)) << "a made-up track was accepted";
    // All or nothing: a real track next to a made-up one is refused too.
    ws.write(R"({"type":"subscribe","trackIds":[")" + video[1].str() +
             R"(","ghost-audio"],"requestId":3})");
    EXPECT_TRUE(ws.readUntil("unknown_track", 5));
    ws.write(R"({"type":"subscribe","trackIds":[")" + video[1].str() + R"("],"requestId":4})");
    EXPECT_TRUE(ws.readUntil("\"offer\"", 10)) << "the real track was not offered";
}

// A connection subscribes to at most kMaxSubscribedTracks (128) tracks: 65 WebSocket publishers
// give a meeting 130 tracks; asking for all of them is refused with too_many_tracks.
TEST_F(HostileTest, SubscribedTracksPerConnectionAreCapped) {
    auto jsonString = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\n') {
                out += "\\n";
            } else {
                out += c;
            }
        }
        return out + "\"";
    };
    const std::string publish = R"({"type":"publish","requestId":2,"sdp":)" +
                                jsonString(vcb::signaling::testsdp::kChromeOffer) + "}";
    constexpr int kPublishers = 65;
    std::vector<std::unique_ptr<RawWs>> publishers;
    for (int i = 0; i < kPublishers; ++i) {
        auto ws = std::make_unique<RawWs>();
        ASSERT_TRUE(ws->open(server_.port())) << i;
        ws->write(R"({"type":"join","meeting":"crowd","displayName":"p)" + std::to_string(i) +
                  R"(","autoSubscribe":false,"requestId":1})");
        ASSERT_TRUE(ws->readUntil("\"joined\"", 10)) << i;
        ws->write(publish);
        ASSERT_TRUE(ws->readUntil("\"answer\"", 10)) << i;
        publishers.push_back(std::move(ws));
    }
    RawWs ws;
    ASSERT_TRUE(ws.open(server_.port()));
    ws.write(
        R"({"type":"join","meeting":"crowd","displayName":"greedy","autoSubscribe":false,"requestId":1})");
    std::string joined;
    for (int i = 0; i < 20 && joined.empty() && !ws.closed(); ++i) {
        std::string m = ws.read();
        if (m.find("\"joined\"") != std::string::npos) joined = m;
    }
    ASSERT_FALSE(joined.empty());
    std::vector<std::string> ids;
    const std::regex trackId(R"re("(p[^"]*-(audio|video))")re");
    std::string all;
    for (auto it = std::sregex_iterator(joined.begin(), joined.end(), trackId);
         it != std::sregex_iterator(); ++it) {
        ids.push_back((*it)[1].str());
        all += (all.empty() ? "\"" : ",\"") + ids.back() + "\"";
    }
    ASSERT_EQ(ids.size(), 2u * kPublishers) << joined.substr(0, 2000);
    ws.write(R"({"type":"subscribe","requestId":2,"trackIds":[)" + all + "]}");
    EXPECT_TRUE(ws.readUntil("too_many_tracks", 5)) << "130 tracks accepted";
    ws.write(R"({"type":"subscribe","requestId":3,"trackIds":[")" + ids[0] + "\"]}");
    EXPECT_TRUE(ws.readUntil("\"offer\"", 10)) << "a subscription within the cap was refused";
    baselineRss_ = -1;  // 65 publish sessions: not what the RSS check is about
}

TEST_F(HostileTest, SigtermDrainsActiveMeeting) {
    RawWs ws;
    ASSERT_TRUE(ws.open(server_.port()));
    ws.write(R"({"type":"join","meeting":"ongoing","displayName":"listener","requestId":1})");
    ASSERT_TRUE(ws.readUntil("\"joined\"", 10));
    const double secs = sigtermAndWait(server_, 10s);
    bool notified = false;
    for (int i = 0; i < 50 && !ws.closed(); ++i) {
        if (ws.read().find("server_shutdown") != std::string::npos) notified = true;
    }
    std::printf("[ SIGTERM  ] exited after %.2f s, WebSocket notified: %d, close code %d\n", secs,
                notified, ws.closeCode());
    EXPECT_GE(secs, 0) << "did not exit within 10 s of SIGTERM";
    EXPECT_TRUE(notified);
    EXPECT_EQ(ws.closeCode(), 1001);
    auto problem = server_.stop();
    EXPECT_FALSE(problem.has_value()) << *problem << "\n" << server_.outputTail();
    baselineRss_ = -1;
}

TEST_F(HostileTest, SigtermDuringDtlsHandshakes) {
    std::string error;
    std::vector<std::unique_ptr<WhepClient>> joining;
    for (int i = 0; i < 4; ++i) {
        joining.push_back(
            std::make_unique<WhepClient>(WhepOptions{.url = server_.baseUrl() + "/whep/ongoing"}));
        ASSERT_TRUE(joining.back()->start(&error)) << error;  // answer applied, ICE/DTLS running
    }
    HttpClient http(5s);
    for (int i = 0; i < 20; ++i) {  // and sessions whose client never does ICE
        http.post(server_.baseUrl() + "/whip/ongoing-2", "application/sdp",
                  publisher_->session().offer);
    }
    const double secs = sigtermAndWait(server_, 10s);
    std::printf("[ SIGTERM  ] during handshakes: exited after %.2f s\n", secs);
    EXPECT_GE(secs, 0) << "did not exit within 10 s of SIGTERM";
    auto problem = server_.stop();
    EXPECT_FALSE(problem.has_value()) << *problem << "\n" << server_.outputTail();
    baselineRss_ = -1;
    joining.clear();
}

}  // namespace
}  // namespace vcb::integration
