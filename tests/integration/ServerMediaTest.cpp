// End-to-end tests against a real vcbridge process with GStreamer webrtcbin clients. Each test
// states what a user would see if it fails.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WhipClient.hpp"
#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/Metrics.hpp"
#include "tests/integration/ServerProcess.hpp"

namespace vcb::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using gstclient::HttpClient;
using gstclient::WhepClient;
using gstclient::WhepOptions;
using gstclient::WhipClient;
using gstclient::WhipOptions;

struct ViewerCounts {
    std::uint64_t frames = 0;
    std::uint64_t matching = 0;
    std::uint64_t audioWithSignal = 0;
};

ViewerCounts counts(WhepClient& viewer, const std::string& picture) {
    ViewerCounts c;
    for (const auto& s : viewer.peer().incomingStreams()) {
        c.frames += s.framesDecoded;
        c.matching += s.framesMatching(picture);
        c.audioWithSignal += s.audioBuffersWithSignal;
    }
    return c;
}

bool waitFor(const std::function<bool()>& done, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return done();
}

class ServerMediaTest : public ::testing::Test {
  protected:
    void SetUp() override {
#ifndef VCB_SERVER_BIN
        GTEST_SKIP() << "the vcbridge target is not part of this build";
#else
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 15s, &error)) << error;
        HttpClient http(5s);
        auto health = http.get(server_.baseUrl() + "/healthz");
        ASSERT_EQ(health.status, 200) << health.error;
#endif
    }

    void TearDown() override {
        // Clients go first so the server sees orderly DELETEs, then the server must exit cleanly.
        const bool wasAlive = server_.alive();
        auto problem = server_.stop();
        EXPECT_TRUE(wasAlive) << "vcbridge died during the test; output:\n" << server_.outputTail();
        EXPECT_FALSE(problem.has_value())
            << "vcbridge ended uncleanly: " << problem.value_or("") << "\n"
            << server_.outputTail();
    }

    std::string whip(const std::string& meeting) { return server_.baseUrl() + "/whip/" + meeting; }
    std::string whep(const std::string& meeting) { return server_.baseUrl() + "/whep/" + meeting; }

    ServerProcess server_;
};

// User view: a speaker publishes with an encoder (WHIP) and three people watch the meeting in
// their browsers (WHEP). Failure means a viewer sees a black/frozen/garbled picture or hears
// nothing.
TEST_F(ServerMediaTest, WhipToThreeWhepViewers) {
    WhipClient publisher(WhipOptions{.url = whip("town-hall"), .pattern = "smpte"});
    std::string error;
    ASSERT_TRUE(publisher.start(&error)) << error;
    ASSERT_TRUE(publisher.peer().waitForConnectionState("connected", Clock::now() + 15s))
        << "publisher state " << publisher.peer().connectionState();

    std::vector<std::unique_ptr<WhepClient>> viewers;
    for (int i = 0; i < 3; ++i) {
        viewers.push_back(std::make_unique<WhepClient>(WhepOptions{.url = whep("town-hall")}));
        ASSERT_TRUE(viewers.back()->start(&error)) << "viewer " << i << ": " << error;
    }
    const bool allGood = waitFor(
        [&] {
            for (auto& v : viewers) {
                auto c = counts(*v, "smpte");
                if (c.matching < 60 || c.audioWithSignal == 0) return false;
            }
            return true;
        },
        60s);
    for (std::size_t i = 0; i < viewers.size(); ++i) {
        auto c = counts(*viewers[i], "smpte");
        EXPECT_GE(c.matching, 60u) << "viewer " << i << " decoded " << c.frames << " frames";
        EXPECT_GT(c.audioWithSignal, 0u) << "viewer " << i << " heard no audio";
        EXPECT_EQ(viewers[i]->peer().connectionState(), "connected") << "viewer " << i;
    }
    EXPECT_TRUE(allGood);
    for (auto& v : viewers) EXPECT_EQ(v->stop(), 200);
    EXPECT_EQ(publisher.stop(), 200);
}

// User view: a viewer whose downlink loses packets still sees smooth video, because the SFU's
// repairs reach it. The viewer (webrtcbin, do-nack) offers RTX, so the server answers with RTX
// (RFC 4588) and sends its repairs on the RTX SSRC; the viewer drops every 20th VP8 packet by
// sequence number, where a plain resend (same number) would be dropped again: only RTX that
// webrtcbin's rtprtxreceive turns back into the original (right OSN, SSRC association) repairs.
TEST_F(ServerMediaTest, WhepViewerIsRepairedWithRtx) {
    WhipClient publisher(WhipOptions{.url = whip("rtx-room"), .pattern = "smpte"});
    std::string error;
    ASSERT_TRUE(publisher.start(&error)) << error;
    ASSERT_TRUE(publisher.peer().waitForConnectionState("connected", Clock::now() + 15s))
        << "publisher state " << publisher.peer().connectionState();
    WhepClient viewer(WhepOptions{.url = whep("rtx-room"), .dropVideoModulo = 20});
    ASSERT_TRUE(viewer.start(&error)) << error;
    EXPECT_NE(viewer.session().answer.find("a=ssrc-group:FID "), std::string::npos)
        << viewer.session().answer;
    EXPECT_NE(viewer.session().answer.find(" rtx/90000"), std::string::npos);

    const bool enough = waitFor(
        [&] {
            return counts(viewer, "smpte").matching >= 240 &&
                   viewer.peer().repairStats().rtxRecovered >= 20;
        },
        60s);
    const auto repair = viewer.peer().repairStats();
    const auto c = counts(viewer, "smpte");
    HttpClient http(5s);
    const std::string metrics = http.get(server_.baseUrl() + "/metrics").body;
    const double rtxSent =
        metricValue(metrics, "vcb_rtp_packets_retransmitted_rtx_total").value_or(-1);
    const double resent = metricValue(metrics, "vcb_rtp_packets_retransmitted_total").value_or(-1);
    std::printf(
        "[ RTX      ] dropped %llu, rtx received %llu, recovered %llu, jitterbuffer lost "
        "%llu; server: retransmitted %.0f, as rtx %.0f; frames %llu (%llu matching)\n",
        static_cast<unsigned long long>(repair.dropped),
        static_cast<unsigned long long>(repair.rtxPackets),
        static_cast<unsigned long long>(repair.rtxRecovered),
        static_cast<unsigned long long>(repair.jitterLost), resent, rtxSent,
        static_cast<unsigned long long>(c.frames), static_cast<unsigned long long>(c.matching));
    EXPECT_TRUE(enough);
    EXPECT_GE(repair.dropped, 15u) << "the test dropped too little to say anything";
    EXPECT_GE(repair.rtxRecovered, 20u) << "RTX repairs did not reach the viewer's decoder path";
    // Nearly every drop is repaired: the loss the jitter buffer gives up is a small part.
    EXPECT_LE(repair.jitterLost * 4, repair.dropped);
    EXPECT_GE(rtxSent, static_cast<double>(repair.rtxRecovered));
    EXPECT_EQ(rtxSent, resent) << "every repair to this viewer goes out as RTX";
    EXPECT_GE(c.matching, 240u) << "viewer decoded " << c.frames << " frames";
    EXPECT_EQ(viewer.stop(), 200);
    EXPECT_EQ(publisher.stop(), 200);
}

// User view: the same on the WebSocket protocol. The server's subscribe offer carries RTX and an
// FID group; webrtcbin keeps RTX in its answer, and the subscriber that drops every 20th VP8
// packet gets them back over RTX.
TEST_F(ServerMediaTest, WebSocketSubscriberIsRepairedWithRtx) {
    gstclient::WsParticipant red(gstclient::WsParticipantOptions{
        .url = server_.wsUrl(), .meeting = "rtx-ws", .displayName = "red", .pattern = "red"});
    gstclient::WsParticipant green(gstclient::WsParticipantOptions{.url = server_.wsUrl(),
                                                                   .meeting = "rtx-ws",
                                                                   .displayName = "green",
                                                                   .pattern = "green",
                                                                   .dropVideoModulo = 20});
    std::vector<gstclient::WsParticipant*> people{&red, &green};
    auto done = [&] {
        return green.verified(1, 240) && green.subscribeRepairStats().rtxRecovered >= 20;
    };
    const auto deadline = Clock::now() + 90s;
    std::vector<std::string> errors(people.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < people.size(); ++i) {
        threads.emplace_back([&, i] {
            auto& p = *people[i];
            if (!p.connect(&errors[i]) || !p.publish(&errors[i])) return;
            p.runUntil(done, deadline);
        });
    }
    for (auto& t : threads) t.join();
    const auto repair = green.subscribeRepairStats();
    std::printf(
        "[ RTX      ] ws: dropped %llu, rtx received %llu, recovered %llu, jitterbuffer "
        "lost %llu\n",
        static_cast<unsigned long long>(repair.dropped),
        static_cast<unsigned long long>(repair.rtxPackets),
        static_cast<unsigned long long>(repair.rtxRecovered),
        static_cast<unsigned long long>(repair.jitterLost));
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_TRUE(green.verified(1, 240)) << green.summaryJson();
    EXPECT_GE(repair.dropped, 15u);
    EXPECT_GE(repair.rtxRecovered, 20u) << "RTX repairs did not reach the WebSocket subscriber";
    HttpClient http(5s);
    EXPECT_GE(metricValue(http.get(server_.baseUrl() + "/metrics").body,
                          "vcb_rtp_packets_retransmitted_rtx_total")
                  .value_or(-1),
              static_cast<double>(repair.rtxRecovered));
    red.close();
    green.close();
}

// User view: three people in a WebSocket meeting (the demo page) each see the two others, each
// in the right tile. Failure means someone sees a missing, swapped or broken video.
TEST_F(ServerMediaTest, WebSocketMeetingOfThree) {
    const std::vector<std::string> names{"red", "green", "blue"};
    std::vector<std::unique_ptr<gstclient::WsParticipant>> people;
    for (const auto& name : names) {
        people.push_back(std::make_unique<gstclient::WsParticipant>(gstclient::WsParticipantOptions{
            .url = server_.wsUrl(), .meeting = "cabinet", .displayName = name, .pattern = name}));
    }
    auto everyoneVerified = [&] {
        for (auto& p : people) {
            if (!p->verified(2, 60)) return false;
        }
        return true;
    };
    const auto deadline = Clock::now() + 90s;
    std::vector<std::string> errors(people.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < people.size(); ++i) {
        threads.emplace_back([&, i] {
            auto& p = *people[i];
            if (!p.connect(&errors[i]) || !p.publish(&errors[i])) return;
            // Keep answering renegotiations until all three are satisfied.
            p.runUntil(everyoneVerified, deadline);
        });
    }
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < people.size(); ++i) {
        EXPECT_EQ(errors[i], "") << names[i];
        auto peers = people[i]->remotePeers();
        EXPECT_EQ(peers.size(), 2u) << people[i]->summaryJson();
        for (const auto& r : peers) {
            EXPECT_NE(r.displayName, names[i]);
            EXPECT_GE(r.videoFramesMatchingName, 60u)
                << names[i] << " watching " << r.displayName << ": " << people[i]->summaryJson();
            EXPECT_GT(r.audioBuffersWithSignal, 0u) << names[i] << " hearing " << r.displayName;
        }
    }
    for (auto& p : people) p->close();
}

// User view: the speaker's encoder restarts (leaves and publishes again) while viewers keep
// watching. Failure means viewers have to reload the page to see the speaker again.
TEST_F(ServerMediaTest, PublisherLeavesAndRejoins) {
    auto first =
        std::make_unique<WhipClient>(WhipOptions{.url = whip("briefing"), .pattern = "smpte"});
    std::string error;
    ASSERT_TRUE(first->start(&error)) << error;
    WhepClient viewer(WhepOptions{.url = whep("briefing")});
    ASSERT_TRUE(viewer.start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return counts(viewer, "smpte").matching >= 30; }, 30s))
        << "before rejoin: " << counts(viewer, "smpte").frames << " frames";

    EXPECT_EQ(first->stop(), 200);
    first.reset();
    // The second publisher sends a different picture so frames after the rejoin are provably
    // its own.
    WhipClient second(WhipOptions{.url = whip("briefing"), .pattern = "green"});
    ASSERT_TRUE(second.start(&error)) << error;
    const bool after = waitFor([&] { return counts(viewer, "green").matching >= 30; }, 30s);
    EXPECT_TRUE(after) << "after rejoin: " << counts(viewer, "green").matching << " green of "
                       << counts(viewer, "smpte").frames << " frames";
    EXPECT_EQ(viewer.peer().connectionState(), "connected");
    EXPECT_EQ(viewer.stop(), 200);
    EXPECT_EQ(second.stop(), 200);
}

// User view: an attacker who intercepted the signalling cannot inject media with their own DTLS
// certificate: viewers never see it, and operators see the refusal in /metrics.
// A viewer of the meeting connects first (ICE + DTLS with its own, correct, certificate). Then
// the forger's ICE must connect and its DTLS handshake must reach the server and be refused for
// the certificate's fingerprint (not time out, not fail for another reason), and nothing it sends
// may reach the viewer.
TEST_F(ServerMediaTest, WrongDtlsFingerprintRefused) {
    HttpClient http(5s);
    auto metric = [&](const char* name) {
        return metricValue(http.get(server_.baseUrl() + "/metrics").body, name).value_or(-1);
    };
    const double iceBefore = metric("vcb_ice_connected_total");
    const double dtlsBefore = metric("vcb_dtls_connected_total");
    const double mismatchBefore = metric("vcb_dtls_fingerprint_mismatches_total");
    ASSERT_GE(iceBefore, 0) << "/metrics has no vcb_ice_connected_total";
    ASSERT_GE(dtlsBefore, 0) << "/metrics has no vcb_dtls_connected_total";
    ASSERT_GE(mismatchBefore, 0) << "/metrics has no vcb_dtls_fingerprint_mismatches_total";

    WhepClient viewer(WhepOptions{.url = whep("secure")});
    std::string error;
    ASSERT_TRUE(viewer.start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return metric("vcb_dtls_connected_total") >= dtlsBefore + 1; }, 15s))
        << "the viewer did not connect: its silence below would prove nothing";

    WhipClient forger(
        WhipOptions{.url = whip("secure"), .pattern = "red", .corruptFingerprint = true});
    ASSERT_TRUE(forger.start(&error)) << "the SDP is valid, POST must succeed: " << error;
    EXPECT_EQ(forger.session().status, 201);
    // The connectivity check succeeded and the handshake was refused on the fingerprint.
    EXPECT_TRUE(waitFor([&] { return metric("vcb_ice_connected_total") >= iceBefore + 2; }, 15s))
        << "the forger's ICE never connected: the refusal below would prove nothing";
    ASSERT_TRUE(waitFor(
        [&] { return metric("vcb_dtls_fingerprint_mismatches_total") >= mismatchBefore + 1; }, 15s))
        << "no handshake was refused for its certificate's fingerprint\n"
        << server_.outputTail();
    EXPECT_GE(metric("vcb_dtls_failures_total"), 1.0);

    // The forger keeps sending (it may retransmit its last flight); nothing reaches the viewer.
    std::this_thread::sleep_for(5s);
    auto c = counts(viewer, "red");
    EXPECT_EQ(c.frames, 0u) << "media from a peer with a wrong certificate was forwarded";
    EXPECT_EQ(c.audioWithSignal, 0u);
    EXPECT_EQ(metric("vcb_dtls_connected_total"), dtlsBefore + 1)
        << "a handshake with the wrong certificate completed";
    EXPECT_NE(forger.peer().connectionState(), "connected");
    viewer.stop();
    forger.stop();
}

TEST(MetricsParserTest, SumsLabelledSamples) {
    const std::string text =
        "# HELP vcb_dtls_failures_total x\n# TYPE vcb_dtls_failures_total counter\n"
        "vcb_dtls_failures_total{reason=\"fingerprint\"} 2\nvcb_dtls_failures_total{reason=\"x\"} "
        "1\nvcb_dtls_failures_total_other 9\nvcb_rtp_packets_forwarded_total 12345\n";
    EXPECT_EQ(metricValue(text, "vcb_dtls_failures_total"), 3.0);
    EXPECT_EQ(metricValue(text, "vcb_rtp_packets_forwarded_total"), 12345.0);
    EXPECT_FALSE(metricValue(text, "vcb_missing").has_value());
}

}  // namespace
}  // namespace vcb::integration
