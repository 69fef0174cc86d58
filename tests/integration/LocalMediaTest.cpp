// Client self-checks that need no server: they prove that the picture checks and the webrtcbin
// peers used by the server tests really detect the right picture and the right failures, so a
// server test failure points at the server.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "clients/gst/GstRuntime.hpp"
#include "clients/gst/IncomingStreamStats.hpp"
#include "clients/gst/PictureClassifier.hpp"
#include "clients/gst/SdpUtil.hpp"
#include "clients/gst/WebRtcPeer.hpp"

namespace vcb::integration {
namespace {

using gstclient::WebRtcPeer;
using Clock = std::chrono::steady_clock;

// Encodes `frames` frames of the source through VP8 at 500 kbps (as the clients send) and returns
// how the decoded frames were classified.
std::map<std::string, int> classifyThroughVp8(const std::string& source, int frames,
                                              const std::string& filter = "") {
    gstclient::ensureGstInitialized();
    const std::string desc = source + " num-buffers=" + std::to_string(frames) +
                             " ! video/x-raw,width=320,height=240,framerate=30/1" + filter +
                             " ! videoconvert"
                             " ! vp8enc deadline=1 cpu-used=4 target-bitrate=500000"
                             " keyframe-max-dist=60 ! vp8dec ! videoconvert"
                             " ! video/x-raw,format=RGB ! appsink name=sink sync=false";
    std::map<std::string, int> counts;
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(desc.c_str(), &error);
    if (!pipeline || error) {
        ADD_FAILURE() << (error ? error->message : "no pipeline");
        if (error) g_error_free(error);
        return counts;
    }
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    for (int i = 0; i < frames; ++i) {
        GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 5 * GST_SECOND);
        if (!sample) break;
        GstVideoInfo info;
        GstBuffer* buffer = gst_sample_get_buffer(sample);
        GstMapInfo map;
        if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
            gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            ++counts[gstclient::classifyRgbFrame(map.data, map.size, info.width, info.height,
                                                 GST_VIDEO_INFO_PLANE_STRIDE(&info, 0))];
            gst_buffer_unmap(buffer, &map);
        }
        gst_sample_unref(sample);
    }
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
    return counts;
}

std::string solid(const std::string& colour) {
    return "videotestsrc pattern=solid-color foreground-color=" +
           std::to_string(*gstclient::solidColourArgb(colour));
}

TEST(PictureClassifierTest, SmpteSurvivesVp8) {
    auto counts = classifyThroughVp8("videotestsrc pattern=smpte", 60);
    EXPECT_GE(counts["smpte"], 58) << "unknown=" << counts["unknown"];
}

TEST(PictureClassifierTest, SolidColoursSurviveVp8AndAreDistinguished) {
    for (const std::string colour : {"red", "green", "blue", "white", "yellow", "black"}) {
        auto counts = classifyThroughVp8(solid(colour), 30);
        EXPECT_GE(counts[colour], 29) << colour;
        EXPECT_EQ(counts["smpte"], 0) << colour;
    }
}

TEST(PictureClassifierTest, OtherPicturesAreNotMistaken) {
    // Noise, a checkerboard and mirrored bars (right colours, wrong order) match nothing.
    for (const std::string source :
         {"videotestsrc pattern=snow", "videotestsrc pattern=checkers-8",
          "videotestsrc pattern=smpte ! videoflip video-direction=horiz"}) {
        // num-buffers belongs to videotestsrc, so put the filter after the caps.
        const auto bang = source.find(" ! ");
        auto counts =
            classifyThroughVp8(source.substr(0, bang), 30,
                               bang == std::string::npos ? std::string() : source.substr(bang));
        int named = 0;
        for (const auto& [name, n] : counts) {
            if (name != "unknown") named += n;
        }
        std::string detail;
        for (const auto& [name, n] : counts) detail += " " + name + "=" + std::to_string(n);
        EXPECT_EQ(named, 0) << source << ":" << detail;
    }
    EXPECT_EQ(gstclient::classifyRgbFrame(nullptr, 0, 320, 240, 960), "unknown");
    std::vector<std::uint8_t> tooSmall(100, 255);
    EXPECT_EQ(gstclient::classifyRgbFrame(tooSmall.data(), tooSmall.size(), 320, 240, 960),
              "unknown");
}

// The freeze measure of vcb-whep-view (loss_repair.sh): the longest gap between two samples, not
// counting the wait for the first.
TEST(IncomingStreamStatsTest, MaxGapIsTheLongestPauseBetweenSamples) {
    gstclient::IncomingStreamStats s;
    s.noteSample(5'000'000);  // 5 s after the clock's epoch: the first frame only starts it
    EXPECT_EQ(s.maxGapUs, 0);
    s.noteSample(5'033'000);
    s.noteSample(5'400'000);  // a 367 ms freeze
    s.noteSample(5'433'000);
    EXPECT_EQ(s.maxGapUs, 367'000);
}

TEST(SdpUtilTest, CorruptFingerprintChangesOnlyTheHash) {
    const std::string sdp =
        "v=0\r\na=fingerprint:sha-256 AB:CD:EF\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=mid:0\r\na=msid:p1 p1-0\r\na=fingerprint:sha-256 01:02\r\nm=video 9 UDP/TLS/RTP/SAVPF "
        "96\r\na=mid:1\r\n";
    bool changed = false;
    const std::string bad = gstclient::corruptFingerprint(sdp, &changed);
    EXPECT_TRUE(changed);
    EXPECT_NE(bad.find("a=fingerprint:sha-256 54:CD:EF\r\n"), std::string::npos) << bad;
    EXPECT_NE(bad.find("a=fingerprint:sha-256 FE:02\r\n"), std::string::npos) << bad;
    EXPECT_EQ(bad.size(), sdp.size());
    gstclient::corruptFingerprint("v=0\r\n", &changed);
    EXPECT_FALSE(changed);

    auto msids = gstclient::msidByMid(sdp);
    ASSERT_EQ(msids.count("0"), 1u);
    EXPECT_EQ(msids["0"].stream, "p1");
    EXPECT_EQ(msids["0"].track, "p1-0");
    EXPECT_EQ(msids["1"].stream, "");
}

struct Received {
    std::uint64_t matching = 0;
    std::uint64_t frames = 0;
    std::uint64_t audioWithSignal = 0;
};

Received received(const WebRtcPeer& peer, const std::string& picture) {
    Received r;
    for (const auto& s : peer.incomingStreams()) {
        r.matching += s.framesMatching(picture);
        r.frames += s.framesDecoded;
        r.audioWithSignal += s.audioBuffersWithSignal;
    }
    return r;
}

// Two webrtcbin peers connected directly, the way a WS subscribe PC answers a server offer.
TEST(WebRtcPeerTest, SendPeerToAnsweringPeerDecodesPictureAndAudio) {
    WebRtcPeer sender({.mode = gstclient::PeerMode::Send, .pattern = "smpte", .name = "sender"});
    WebRtcPeer receiver({.mode = gstclient::PeerMode::ReceiveAnswering, .name = "receiver"});
    std::string error;
    ASSERT_TRUE(sender.start(&error)) << error;
    ASSERT_TRUE(receiver.start(&error)) << error;
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    auto offer = sender.createOffer(deadline, &error);
    ASSERT_TRUE(offer) << error;
    EXPECT_NE(offer->find("a=sendonly"), std::string::npos);
    EXPECT_NE(offer->find("a=group:BUNDLE"), std::string::npos);
    auto answer = receiver.answerOffer(*offer, deadline, &error);
    ASSERT_TRUE(answer) << error;
    EXPECT_NE(answer->find("a=recvonly"), std::string::npos);
    ASSERT_TRUE(sender.setRemoteAnswer(*answer, deadline, &error)) << error;

    const auto mediaDeadline = Clock::now() + std::chrono::seconds(30);
    Received r;
    while (Clock::now() < mediaDeadline) {
        r = received(receiver, "smpte");
        if (r.matching >= 60 && r.audioWithSignal > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(r.matching, 60u) << "frames=" << r.frames;
    EXPECT_GT(r.audioWithSignal, 0u);
    EXPECT_EQ(receiver.connectionState(), "connected");
    EXPECT_EQ(receiver.pipelineError(), "");
    const auto msids = gstclient::msidByMid(*offer);
    for (const auto& s : receiver.incomingStreams()) {
        ASSERT_EQ(msids.count(s.mid), 1u) << s.mid;
        EXPECT_EQ(s.msidStream, msids.at(s.mid).stream);
    }
}

// The same with a recvonly-offering peer (WHEP side) and a send peer that answers is not needed by
// vcbridge; instead check that a recvonly offer is well-formed for the WHEP server.
TEST(WebRtcPeerTest, ReceiveOfferingPeerOffersRecvonlyAudioAndVideo) {
    WebRtcPeer viewer({.mode = gstclient::PeerMode::ReceiveOffering, .name = "viewer"});
    std::string error;
    ASSERT_TRUE(viewer.start(&error)) << error;
    auto offer = viewer.createOffer(Clock::now() + std::chrono::seconds(10), &error);
    ASSERT_TRUE(offer) << error;
    EXPECT_NE(offer->find("m=audio"), std::string::npos);
    EXPECT_NE(offer->find("m=video"), std::string::npos);
    EXPECT_NE(offer->find("a=recvonly"), std::string::npos);
    EXPECT_EQ(offer->find("a=sendonly"), std::string::npos);
    EXPECT_NE(offer->find("VP8/90000"), std::string::npos);
    EXPECT_NE(offer->find("OPUS/48000/2"), std::string::npos);
    EXPECT_NE(offer->find("a=fingerprint:sha-256"), std::string::npos);
    EXPECT_NE(offer->find("a=rtcp-mux"), std::string::npos);
}

// The viewers' key-frame requests go out as PLI (all-headers cleared, the rest kept), like a
// browser's; Janus 1.1.2 ignored the FIRs that all-headers=TRUE turned into.
TEST(WebRtcPeerTest, KeyFrameRequestBecomesPliRequest) {
    gstclient::ensureGstInitialized();
    GstEvent* request = gstclient::keyUnitRequestAsPli(
        gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 7));
    ASSERT_NE(request, nullptr);
    GstClockTime runningTime = 0;
    gboolean allHeaders = TRUE;
    guint count = 0;
    ASSERT_TRUE(
        gst_video_event_parse_upstream_force_key_unit(request, &runningTime, &allHeaders, &count));
    EXPECT_FALSE(allHeaders);
    EXPECT_EQ(count, 7u);
    EXPECT_EQ(runningTime, GST_CLOCK_TIME_NONE);
    gst_event_unref(request);

    // Other upstream events, and a request that already asks for a PLI, pass unchanged.
    GstEvent* other = gst_event_new_reconfigure();
    EXPECT_EQ(gstclient::keyUnitRequestAsPli(other), other);
    gst_event_unref(other);
    GstEvent* pli = gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, FALSE, 1);
    EXPECT_EQ(gstclient::keyUnitRequestAsPli(pli), pli);
    gst_event_unref(pli);
}

}  // namespace
}  // namespace vcb::integration
