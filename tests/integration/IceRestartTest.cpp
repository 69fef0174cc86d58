// ICE restart over WHIP PATCH (RFC 9725 §4.4.2) with a real client: the load generator's
// publisher (libnice + DTLS + SRTP) moves to a new local port with new ICE credentials mid-session,
// as a phone that changed network does, and a WHEP viewer must keep receiving its media. Also the
// PATCH contract: 200 + application/trickle-ice-sdpfrag with the server's new credentials and a
// new ETag, the old credentials dead, 204 for a plain trickle, a clear 4xx problem for a bad body.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "clients/gst/HttpClient.hpp"
#include "clients/loadgen/CaptureFile.hpp"
#include "clients/loadgen/LatencyHistogram.hpp"
#include "clients/loadgen/LoopThread.hpp"
#include "clients/loadgen/Publisher.hpp"
#include "clients/loadgen/Subscriber.hpp"
#include "clients/loadgen/WhipWhepDriver.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"
#include "tests/integration/Metrics.hpp"
#include "tests/integration/ServerProcess.hpp"

namespace vcb::integration {
namespace {

using namespace std::chrono_literals;
using gstclient::HttpClient;
using loadgen::PeerConnection;

template <typename F>
bool eventually(std::chrono::milliseconds limit, F cond) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return cond();
}

std::string attribute(const std::string& sdp, const std::string& name) {
    std::smatch m;
    if (std::regex_search(sdp, m, std::regex("a=" + name + ":([^\r\n]+)"))) return m[1];
    return {};
}

// Blocking WebSocket client for the JSON protocol; every read gives up after 5 s.
class WsSession {
  public:
    bool open(uint16_t port) {
        namespace net = boost::asio;
        boost::beast::error_code ec;
        ws_.next_layer().connect({net::ip::make_address("127.0.0.1"), port}, ec);
        if (ec) return false;
        ws_.handshake("127.0.0.1", "/ws", ec);
        timeval tv{5, 0};
        ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return !ec;
    }
    void send(const boost::json::object& o) {
        boost::beast::error_code ec;
        ws_.text(true);
        ws_.write(boost::asio::buffer(boost::json::serialize(o)), ec);
    }
    // The next message of `type` (others skipped); null if none came.
    boost::json::object next(const std::string& type, const std::string& pc = "") {
        for (int i = 0; i < 200; ++i) {
            boost::beast::flat_buffer buf;
            boost::beast::error_code ec;
            ws_.read(buf, ec);
            if (ec) return {};
            auto v = boost::json::parse(boost::beast::buffers_to_string(buf.data()), ec);
            if (ec || !v.is_object()) continue;
            auto& o = v.as_object();
            if (o["type"] != type.c_str()) continue;
            if (!pc.empty() && (!o.contains("pc") || o["pc"] != pc.c_str())) continue;
            return o;
        }
        return {};
    }

  private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{ioc_};
};

std::string str(const boost::json::object& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                    : std::string();
}

// Sends one connectivity check "serverUfrag:clientUfrag" signed with serverPwd to the server's
// host candidate in `sdp` from a fresh socket; true if a Binding success response came back.
bool probeCheck(const std::string& sdp, const std::string& clientUfrag) {
    std::smatch m;
    if (!std::regex_search(sdp, m, std::regex("a=candidate:\\S+ \\d+ \\S+ \\d+ (\\S+) (\\d+) typ")))
        return false;
    const std::string user = attribute(sdp, "ice-ufrag") + ":" + clientUfrag;
    std::array<uint8_t, 256> buf{};
    rtp::StunMessageWriter w(buf.data(), buf.size());
    const std::array<uint8_t, 12> tid{7, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8};
    w.begin(0x0001, tid);
    w.addAttribute(rtp::StunMessage::kAttrUsername,
                   {reinterpret_cast<const uint8_t*>(user.data()), user.size()});
    sfu::signStunMessage(w, attribute(sdp, "ice-pwd"));
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(std::stoi(m[2])));
    inet_pton(AF_INET, std::string(m[1]).c_str(), &to.sin_addr);
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::sendto(fd, buf.data(), w.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    uint8_t reply[512];
    const ssize_t n = ::recv(fd, reply, sizeof reply, 0);
    ::close(fd);
    return n >= 20 && reply[0] == 0x01 && reply[1] == 0x01;
}

// Passes a negotiation through, keeping the server's answer.
struct RecordingNegotiation : loadgen::SdpNegotiation {
    explicit RecordingNegotiation(loadgen::SdpNegotiation& inner) : inner(inner) {}
    std::optional<std::string> createOffer(std::string& error) override {
        return inner.createOffer(error);
    }
    bool applyAnswer(const std::string& sdp, std::string& error) override {
        answer = sdp;
        return inner.applyAnswer(sdp, error);
    }
    std::optional<std::string> createAnswer(const std::string& offer, std::string& error) override {
        return inner.createAnswer(offer, error);
    }
    loadgen::SdpNegotiation& inner;
    std::string answer;
};

class IceRestartTest : public ::testing::Test {
  protected:
    void SetUp() override {
#ifndef VCB_SERVER_BIN
        GTEST_SKIP() << "the vcbridge target is not part of this build";
#else
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 15s, &error)) << error;
        auto capture = loadgen::CaptureFile::load(VCB_LOADGEN_TEST_CAPTURE, &error);
        ASSERT_TRUE(capture) << error;
        capture_ = std::make_unique<loadgen::CaptureFile>(std::move(*capture));
        std::shared_ptr<const dtls::DtlsCertificate> certificate =
            dtls::DtlsCertificate::generate(&error);
        ASSERT_TRUE(certificate) << error;
        auto context = dtls::DtlsContext::create(certificate, &error);
        ASSERT_TRUE(context) << error;
        config_ = loadgen::PeerConfig{"127.0.0.1", context};
        driver_ = loadgen::WhipWhepDriver::create(server_.baseUrl(), error);
        ASSERT_TRUE(driver_) << error;
#endif
    }
    void TearDown() override {
        loop_.invoke([&] {
            if (publisher_) publisher_->shutdown();
            if (viewer_) viewer_->shutdown();
            publisher_.reset();
            viewer_.reset();
        });
        auto problem = server_.stop();
        EXPECT_FALSE(problem.has_value()) << problem.value_or("") << "\n" << server_.outputTail();
    }
    double metric(const std::string& name) {
        auto r = HttpClient(5s).get(server_.baseUrl() + "/metrics");
        return metricValue(r.body, name).value_or(-1);
    }
    uint64_t received() {
        auto s = viewer_->stats();
        return s.audioPackets + s.videoPackets;
    }
    // A publisher and a viewer of it, media flowing.
    void startSession(const std::string& meeting) {
        std::string error;
        loop_.invoke([&] {
            publisher_ =
                std::make_unique<loadgen::Publisher>(loop_, config_, *capture_, 1.0, sending_);
            viewer_ = std::make_unique<loadgen::Subscriber>(loop_, config_, latency_, 500'000);
            ASSERT_TRUE(publisher_->init(error)) << error;
            ASSERT_TRUE(viewer_->init(error)) << error;
        });
        RecordingNegotiation recorder(*publisher_);
        published_ = driver_->publish(meeting, recorder);
        ASSERT_TRUE(published_.ok) << published_.error;
        firstAnswer_ = recorder.answer;
        watched_ = driver_->subscribe(meeting, published_.participant, *viewer_);
        ASSERT_TRUE(watched_.ok) << watched_.error;
        ASSERT_TRUE(eventually(10s, [&] { return received() > 50; }))
            << "no media before the restart";
    }

    ServerProcess server_;
    loadgen::LoopThread loop_;
    std::unique_ptr<loadgen::CaptureFile> capture_;
    loadgen::PeerConfig config_;
    std::unique_ptr<loadgen::WhipWhepDriver> driver_;
    std::atomic<bool> sending_{true};
    loadgen::LatencyHistogram latency_;
    std::unique_ptr<loadgen::Publisher> publisher_;
    std::unique_ptr<loadgen::Subscriber> viewer_;
    loadgen::SignalingResult published_;
    loadgen::SignalingResult watched_;
    std::string firstAnswer_;
};

TEST_F(IceRestartTest, WhipPublisherAndWhepViewerRestartOnNewPortsAndMediaFlows) {
    startSession("moving-hall");
    const double restartsBefore = metric("vcb_ice_restarts_total");
    const double switchesBefore = metric("vcb_ice_address_switches_total");
    const uint16_t portBefore = publisher_->localPort();

    std::string error;
    auto frag = publisher_->restartIce(error);
    ASSERT_TRUE(frag) << error;
    ASSERT_NE(publisher_->localPort(), portBefore) << "the client did not move";
    HttpClient http(5s);
    auto r = http.patch(published_.session.resourceUrl, "application/trickle-ice-sdpfrag", *frag);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/trickle-ice-sdpfrag");
    const std::string ufrag = attribute(r.body, "ice-ufrag");
    const std::string pwd = attribute(r.body, "ice-pwd");
    EXPECT_GE(ufrag.size(), 4u) << r.body;
    EXPECT_GE(pwd.size(), 22u) << r.body;
    EXPECT_NE(ufrag, attribute(firstAnswer_, "ice-ufrag")) << "restart kept the ufrag";
    EXPECT_NE(pwd, attribute(firstAnswer_, "ice-pwd")) << "restart kept the password";
    ASSERT_FALSE(attribute(firstAnswer_, "ice-ufrag").empty()) << firstAnswer_;
    EXPECT_NE(r.body.find("a=candidate:"), std::string::npos) << r.body;
    EXPECT_EQ(r.header("etag"), "\"" + ufrag + "\"");
    ASSERT_TRUE(publisher_->applyIceRestartAnswer(r.body, error)) << error;

    // The server follows the publisher to its new port with the new credentials, DTLS and SRTP
    // untouched; the viewer keeps receiving (its SRTP would fail on a new DTLS session).
    const uint64_t atRestart = received();
    ASSERT_TRUE(eventually(10s, [&] { return received() > atRestart + 200; }))
        << "media stopped after the ICE restart: " << received() - atRestart << " packets";
    EXPECT_EQ(viewer_->stats().srtpFailures, 0u);
    EXPECT_EQ(metric("vcb_ice_restarts_total"), restartsBefore + 1);
    EXPECT_GE(metric("vcb_ice_address_switches_total"), switchesBefore + 1);
    EXPECT_EQ(metric("vcb_dtls_connected_total"), 2) << "a new DTLS handshake happened";

    // The viewer does the same over WHEP.
    const uint16_t viewerPort = viewer_->localPort();
    auto viewerFrag = viewer_->restartIce(error);
    ASSERT_TRUE(viewerFrag) << error;
    ASSERT_NE(viewer_->localPort(), viewerPort);
    auto v =
        http.patch(watched_.session.resourceUrl, "application/trickle-ice-sdpfrag", *viewerFrag);
    ASSERT_EQ(v.status, 200) << v.body;
    ASSERT_TRUE(viewer_->applyIceRestartAnswer(v.body, error)) << error;
    const uint64_t atViewerRestart = received();
    ASSERT_TRUE(eventually(10s, [&] { return received() > atViewerRestart + 200; }))
        << "the viewer lost its media after its own restart";
    EXPECT_EQ(metric("vcb_ice_restarts_total"), restartsBefore + 2);

    // The same credentials again are a trickle of the current session, not another restart.
    r = http.patch(published_.session.resourceUrl, "application/trickle-ice-sdpfrag", *frag);
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(metric("vcb_ice_restarts_total"), restartsBefore + 2);
}

TEST_F(IceRestartTest, BadPatchesGetAClearProblem) {
    startSession("patchy");
    HttpClient http(5s);
    const std::string url = published_.session.resourceUrl;
    auto r = http.patch(url, "application/trickle-ice-sdpfrag", "a=ice-ufrag:abcdefgh\r\n");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_NE(r.body.find("bad_sdpfrag"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("a=ice-ufrag and a=ice-pwd"), std::string::npos) << r.body;
    r = http.patch(url, "application/trickle-ice-sdpfrag",
                   "a=ice-ufrag:ab\"cd\r\na=ice-pwd:0123456789012345678901\r\n");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("malformed a=ice-ufrag"), std::string::npos) << r.body;
    // A trickle-only PATCH still works as before.
    r = http.patch(url, "application/trickle-ice-sdpfrag",
                   "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n");
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(metric("vcb_ice_restarts_total"), 0);
    const uint64_t now = received();
    EXPECT_TRUE(eventually(5s, [&] { return received() > now + 50; })) << "media disturbed";
}

// The WebSocket protocol: a re-publish with new ICE credentials on the same connection restarts
// the publish transport; subscribe {iceRestart:true} makes the server's next offer a restart.
// Both clients move to a new port; media keeps reaching the (moved) viewer.
TEST_F(IceRestartTest, WebSocketPublishAndSubscribeRestarts) {
    std::string error;
    loop_.invoke([&] {
        publisher_ = std::make_unique<loadgen::Publisher>(loop_, config_, *capture_, 1.0, sending_);
        viewer_ = std::make_unique<loadgen::Subscriber>(loop_, config_, latency_, 500'000);
        ASSERT_TRUE(publisher_->init(error)) << error;
        ASSERT_TRUE(viewer_->init(error)) << error;
    });
    WsSession speaker, listener;
    ASSERT_TRUE(speaker.open(server_.port()));
    ASSERT_TRUE(listener.open(server_.port()));
    speaker.send({{"type", "join"},
                  {"meeting", "ws-moving"},
                  {"displayName", "speaker"},
                  {"autoSubscribe", false}});
    ASSERT_FALSE(speaker.next("joined").empty());
    listener.send({{"type", "join"}, {"meeting", "ws-moving"}, {"displayName", "listener"}});
    ASSERT_FALSE(listener.next("joined").empty());

    auto offer = publisher_->createOffer(error);
    ASSERT_TRUE(offer) << error;
    speaker.send({{"type", "publish"}, {"sdp", *offer}});
    const std::string firstAnswer = str(speaker.next("answer", "publish"), "sdp");
    ASSERT_FALSE(firstAnswer.empty());
    ASSERT_TRUE(publisher_->applyAnswer(firstAnswer, error)) << error;

    // The listener is auto-subscribed: the server offers, the viewer answers.
    auto subOffer = listener.next("offer", "subscribe");
    ASSERT_FALSE(subOffer.empty());
    auto answer = viewer_->createAnswer(str(subOffer, "sdp"), error);
    ASSERT_TRUE(answer) << error;
    listener.send({{"type", "answer"}, {"sdp", *answer}, {"revision", subOffer["revision"]}});
    ASSERT_TRUE(eventually(10s, [&] { return received() > 50; })) << "no media before restarts";
    const std::string firstSubUfrag = attribute(str(subOffer, "sdp"), "ice-ufrag");

    // Publisher: new port, new credentials, re-publish.
    const uint16_t pubPort = publisher_->localPort();
    ASSERT_TRUE(publisher_->restartIce(error)) << error;
    ASSERT_NE(publisher_->localPort(), pubPort);
    offer = publisher_->createOffer(error);
    ASSERT_TRUE(offer) << error;
    speaker.send({{"type", "publish"}, {"sdp", *offer}});
    const std::string secondAnswer = str(speaker.next("answer", "publish"), "sdp");
    ASSERT_FALSE(secondAnswer.empty());
    EXPECT_NE(attribute(secondAnswer, "ice-ufrag"), attribute(firstAnswer, "ice-ufrag"));
    EXPECT_NE(attribute(secondAnswer, "ice-pwd"), attribute(firstAnswer, "ice-pwd"));
    ASSERT_TRUE(publisher_->applyIceRestartAnswer(secondAnswer, error)) << error;
    uint64_t mark = received();
    ASSERT_TRUE(eventually(10s, [&] { return received() > mark + 200; }))
        << "media stopped after the publisher's restart";

    // Viewer: asks for a restart, moves, answers the restarting offer with its new credentials.
    listener.send(
        {{"type", "subscribe"}, {"trackIds", boost::json::array{}}, {"iceRestart", true}});
    auto restartOffer = listener.next("offer", "subscribe");
    ASSERT_FALSE(restartOffer.empty());
    const std::string restartSdp = str(restartOffer, "sdp");
    EXPECT_NE(attribute(restartSdp, "ice-ufrag"), firstSubUfrag) << "offer without new ufrag";
    const uint16_t subPort = viewer_->localPort();
    ASSERT_TRUE(viewer_->restartIce(error)) << error;
    ASSERT_NE(viewer_->localPort(), subPort);
    answer = viewer_->createAnswer(restartSdp, error);
    ASSERT_TRUE(answer) << error;
    listener.send({{"type", "answer"}, {"sdp", *answer}, {"revision", restartOffer["revision"]}});
    mark = received();
    ASSERT_TRUE(eventually(10s, [&] { return received() > mark + 200; }))
        << "the viewer lost its media after its restart";
    EXPECT_EQ(viewer_->stats().srtpFailures, 0u);
    // The answer's ufrag was recorded: checks must name it now, whatever else they get right.
    const double dropped = metric("vcb_dropped_stun_total");
    EXPECT_FALSE(probeCheck(restartSdp, "bogus")) << "a check naming another client ufrag";
    EXPECT_EQ(metric("vcb_dropped_stun_total"), dropped + 1);
    EXPECT_TRUE(probeCheck(restartSdp, attribute(*answer, "ice-ufrag")))
        << "the probe itself does not work";
    EXPECT_EQ(metric("vcb_ice_restarts_total"), 2);
    EXPECT_EQ(metric("vcb_dtls_connected_total"), 2) << "a new DTLS handshake happened";
}

}  // namespace
}  // namespace vcb::integration
