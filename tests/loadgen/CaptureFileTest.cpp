#include <gtest/gtest.h>

#include "TestCapture.hpp"
#include "clients/loadgen/CaptureFile.hpp"

namespace vcb::loadgen {
namespace {

TEST(CaptureFileTest, SplitsStreamsAndDerivesTiming) {
    auto bytes = test::smallCapture();
    std::string error;
    auto capture = CaptureFile::parse(bytes, &error);
    ASSERT_TRUE(capture) << error;
    const auto& v = capture->video();
    ASSERT_EQ(v.packets.size(), 12u);
    EXPECT_TRUE(v.video);
    EXPECT_EQ(v.clockRate, 90000u);
    EXPECT_EQ(v.packets[0].tickOffset, 0u);
    EXPECT_EQ(v.packets[2].tickOffset, 3000u);
    EXPECT_EQ(v.packets[2].offsetUs, 33333);
    EXPECT_EQ(v.loopTicks, 18000u);
    EXPECT_EQ(v.loopDurationUs, 200000);
    EXPECT_TRUE(v.packets[0].keyFrameStart);
    EXPECT_FALSE(v.packets[1].keyFrameStart);
    EXPECT_FALSE(v.packets[2].keyFrameStart);
    EXPECT_TRUE(v.packets[6].keyFrameStart);
    EXPECT_TRUE(v.packets[1].marker);
    EXPECT_EQ(v.packets[1].payload, test::vp8Continuation());

    const auto& a = capture->audio();
    ASSERT_EQ(a.packets.size(), 5u);
    EXPECT_FALSE(a.video);
    // The audio timestamps wrap past 2^32 inside the capture.
    EXPECT_EQ(a.packets[4].tickOffset, 3840u);
    EXPECT_EQ(a.loopTicks, 4800u);
    EXPECT_EQ(a.loopDurationUs, 100000);
    EXPECT_DOUBLE_EQ(a.packetRate(), 50.0);
}

TEST(CaptureFileTest, RejectsTruncatedLength) {
    auto bytes = test::smallCapture();
    bytes.push_back(0x00);
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("truncated length"), std::string::npos);
}

TEST(CaptureFileTest, RejectsTruncatedPacket) {
    auto bytes = test::smallCapture();
    bytes.resize(bytes.size() - 1);
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("truncated packet"), std::string::npos);
}

TEST(CaptureFileTest, RejectsUnknownPayloadType) {
    auto bytes = test::smallCapture();
    test::appendPacket(bytes, 100, false, 1, 1, {1, 2, 3});
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("payload type"), std::string::npos);
}

TEST(CaptureFileTest, RejectsNonRtp) {
    auto bytes = test::smallCapture();
    std::vector<uint8_t> junk = {0x00, 0x04, 0x00, 0x00, 0x00, 0x00};
    bytes.insert(bytes.end(), junk.begin(), junk.end());
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("invalid RTP"), std::string::npos);
}

TEST(CaptureFileTest, RejectsTimestampsGoingBackwards) {
    auto bytes = test::smallCapture();
    test::appendPacket(bytes, 96, true, 200, 500, test::vp8Continuation());
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("backwards"), std::string::npos);
}

TEST(CaptureFileTest, RejectsVideoWithoutKeyFrame) {
    std::vector<uint8_t> bytes;
    test::appendPacket(bytes, 96, true, 1, 0, test::vp8InterFrameStart());
    test::appendPacket(bytes, 96, true, 2, 3000, test::vp8InterFrameStart());
    test::appendPacket(bytes, 111, true, 1, 0, test::opusFrame());
    test::appendPacket(bytes, 111, true, 2, 960, test::opusFrame());
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("key frame"), std::string::npos);
}

TEST(CaptureFileTest, RejectsSingleTimestampStream) {
    std::vector<uint8_t> bytes;
    test::appendPacket(bytes, 96, false, 1, 0, test::vp8KeyFrameStart());
    test::appendPacket(bytes, 96, true, 2, 0, test::vp8Continuation());
    test::appendPacket(bytes, 111, true, 1, 0, test::opusFrame());
    test::appendPacket(bytes, 111, true, 2, 960, test::opusFrame());
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("two timestamps"), std::string::npos);
}

TEST(CaptureFileTest, RejectsMissingAudio) {
    std::vector<uint8_t> bytes;
    test::appendPacket(bytes, 96, true, 1, 0, test::vp8KeyFrameStart());
    test::appendPacket(bytes, 96, true, 2, 3000, test::vp8InterFrameStart());
    std::string error;
    EXPECT_FALSE(CaptureFile::parse(bytes, &error));
    EXPECT_NE(error.find("no audio"), std::string::npos);
}

TEST(CaptureFileTest, CommittedCaptureIsUsable) {
    std::string error;
    auto capture = CaptureFile::load(VCB_LOADGEN_TEST_CAPTURE, &error);
    ASSERT_TRUE(capture) << error;
    const auto& v = capture->video();
    EXPECT_NEAR(static_cast<double>(v.loopDurationUs), 4e6, 0.1e6);
    EXPECT_GT(v.bitrateBps(), 300e3);
    EXPECT_LT(v.bitrateBps(), 1200e3);
    size_t keys = 0;
    for (const auto& p : v.packets) keys += p.keyFrameStart ? 1 : 0;
    EXPECT_GE(keys, 3u);  // one per second
    EXPECT_NEAR(capture->audio().packetRate(), 50.0, 1.0);
}

TEST(CaptureFileTest, LoadReportsMissingFile) {
    std::string error;
    EXPECT_FALSE(CaptureFile::load("/nonexistent/capture.rtp", &error));
    EXPECT_NE(error.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace vcb::loadgen
