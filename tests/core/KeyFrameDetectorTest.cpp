// Key-frame detection per codec (decides where a consumer may start) and the metrics export.
#include <gtest/gtest.h>

#include <string>

#include "sfu/core/KeyFrameDetector.hpp"
#include "sfu/core/Metrics.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

TEST(KeyFrameDetectorTest, CodecNamesAreCaseInsensitive) {
    EXPECT_EQ(videoCodecFromName("VP8"), VideoCodec::Vp8);
    EXPECT_EQ(videoCodecFromName("vp8"), VideoCodec::Vp8);
    EXPECT_EQ(videoCodecFromName("H264"), VideoCodec::H264);
    EXPECT_EQ(videoCodecFromName("h264"), VideoCodec::H264);
    EXPECT_EQ(videoCodecFromName("VP9"), VideoCodec::Other);
    EXPECT_EQ(videoCodecFromName(""), VideoCodec::Other);
}

TEST(KeyFrameDetectorTest, Vp8) {
    EXPECT_TRUE(isKeyFrame(VideoCodec::Vp8, vp8KeyFrame(1)));
    EXPECT_FALSE(isKeyFrame(VideoCodec::Vp8, vp8DeltaFrame(1)));
    EXPECT_FALSE(isKeyFrame(VideoCodec::Vp8, vp8Continuation(1)));
    // Key frame flag but partition 1 (PID=1): not the start of the frame.
    Bytes pid1 = vp8KeyFrame(1);
    pid1[0] = 0x11;
    EXPECT_FALSE(isKeyFrame(VideoCodec::Vp8, pid1));
    // Extended descriptor (X, I with 15-bit picture id) before the key frame header.
    Bytes extended = {0x90, 0x80, 0x81, 0x23, 0x00, 0x00, 0x00,
                      0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
    EXPECT_TRUE(isKeyFrame(VideoCodec::Vp8, extended));
    Bytes truncated = vp8KeyFrame(1);
    truncated.resize(5);  // cut inside the key frame header
    EXPECT_FALSE(isKeyFrame(VideoCodec::Vp8, truncated));
    EXPECT_FALSE(isKeyFrame(VideoCodec::Vp8, {}));
}

TEST(KeyFrameDetectorTest, H264) {
    const Bytes idr = {0x65, 0x88, 0x84, 0x00};
    const Bytes nonIdr = {0x41, 0x9a, 0x00};
    const Bytes stapSpsPps = {0x78, 0x00, 0x03, 0x67, 0x42, 0x00, 0x00, 0x02, 0x68, 0xce};
    const Bytes fuIdrStart = {0x7c, 0x85, 0x88, 0x84};
    const Bytes fuIdrMiddle = {0x7c, 0x05, 0x88, 0x84};
    const Bytes fuNonIdrStart = {0x5c, 0x81, 0x9a};
    EXPECT_TRUE(isKeyFrame(VideoCodec::H264, idr));
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, nonIdr));
    // Parameter sets alone start nothing: only an IDR does, with or without them.
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, stapSpsPps));
    EXPECT_TRUE(isParameterSetsOnly(VideoCodec::H264, stapSpsPps));
    const Bytes stapSpsPpsIdr = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02,
                                 0x68, 0xce, 0x00, 0x02, 0x65, 0x88};
    EXPECT_TRUE(isKeyFrame(VideoCodec::H264, stapSpsPpsIdr));
    EXPECT_FALSE(isParameterSetsOnly(VideoCodec::H264, stapSpsPpsIdr));
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, Bytes{0x67, 0x42, 0xc0, 0x1f}));  // SPS alone
    EXPECT_TRUE(isParameterSetsOnly(VideoCodec::H264, Bytes{0x67, 0x42, 0xc0, 0x1f}));
    EXPECT_TRUE(isParameterSetsOnly(VideoCodec::H264, Bytes{0x68, 0xce}));  // PPS alone
    EXPECT_FALSE(isParameterSetsOnly(VideoCodec::H264, idr));
    EXPECT_FALSE(isParameterSetsOnly(VideoCodec::H264, nonIdr));
    EXPECT_FALSE(isParameterSetsOnly(VideoCodec::Vp8, Bytes{0x10, 0x00}));
    EXPECT_TRUE(isKeyFrame(VideoCodec::H264, fuIdrStart));
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, fuIdrMiddle));
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, fuNonIdrStart));
    EXPECT_FALSE(isKeyFrame(VideoCodec::H264, {}));
}

TEST(KeyFrameDetectorTest, UnknownCodecsNeverHoldAStreamBack) {
    EXPECT_TRUE(isKeyFrame(VideoCodec::Other, Bytes{0x01, 0x02}));
}

TEST(MetricsTest, PrometheusExportHasEveryCounterWithItsValue) {
    auto& m = Metrics::instance();
    count(m.sendFailures, 3);
    const uint64_t failures = m.sendFailures.load();
    const int64_t open = m.consumersOpen.load();
    const std::string text = m.toPrometheus();
    EXPECT_NE(text.find("# TYPE vcb_send_failures_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("\nvcb_send_failures_total " + std::to_string(failures) + "\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE vcb_consumers_open gauge\n"), std::string::npos);
    EXPECT_NE(text.find("\nvcb_consumers_open " + std::to_string(open) + "\n"), std::string::npos);
    for (const char* name :
         {"vcb_nacks_received_total", "vcb_nacks_unanswered_total",
          "vcb_rtp_packets_retransmitted_total", "vcb_keyframe_requests_sent_total",
          "vcb_transports_open", "vcb_producers_open", "vcb_dtls_early_kept_total",
          "vcb_dtls_early_dropped_total", "vcb_srtp_streams_removed_total",
          "vcb_ice_connected_total", "vcb_dtls_fingerprint_mismatches_total",
          "vcb_transports_connect_timeouts_total", "vcb_transports_consent_expired_total"}) {
        EXPECT_NE(text.find(std::string("\n") + name + " "), std::string::npos) << name;
    }
    EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, NackRefusalsAreOneCounterWithAReasonLabel) {
    auto& m = Metrics::instance();
    count(m.nacksRefusedBudget, 2);
    const std::string text = m.toPrometheus();
    const std::string type = "# TYPE vcb_nacks_refused_total counter\n";
    ASSERT_NE(text.find(type), std::string::npos);
    EXPECT_EQ(text.find(type), text.rfind(type)) << "HELP/TYPE once for all labels";
    EXPECT_NE(text.find("\nvcb_nacks_refused_total{reason=\"budget\"} " +
                        std::to_string(m.nacksRefusedBudget.load()) + "\n"),
              std::string::npos);
    for (const char* reason : {"duplicate", "recent", "cap", "not_negotiated"}) {
        EXPECT_NE(text.find(std::string("\nvcb_nacks_refused_total{reason=\"") + reason + "\"} "),
                  std::string::npos)
            << reason;
    }
    for (const char* name : {"vcb_rtp_bytes_retransmitted_total", "vcb_rtp_repeats_dropped_total"})
        EXPECT_NE(text.find(std::string("\n") + name + " "), std::string::npos) << name;
}

}  // namespace
}  // namespace vcb::sfu::test
