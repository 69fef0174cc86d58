#include <gtest/gtest.h>

#include <vector>

#include "sfu/rtp/H264Payload.hpp"
#include "sfu/rtp/Vp8PayloadDescriptor.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

// X=1 S=1 PID=0; I (15-bit PictureID 0x1234), L (TL0PICIDX 5), T (TID 1, Y=1); then a key frame
// header: frame tag with P=0, start code 9d 01 2a, 640x480.
const std::vector<uint8_t> kVp8Key = {0x90, 0xe0, 0x92, 0x34, 0x05, 0x60, 0x10, 0x02,
                                      0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};

TEST(Vp8PayloadDescriptor, ParsesKeyFrameWithAllExtensions) {
    TestBuffer buf(kVp8Key);
    Vp8PayloadDescriptor d;
    ASSERT_TRUE(Vp8PayloadDescriptor::parse(buf.span(), d));
    EXPECT_TRUE(d.startOfPartition());
    EXPECT_FALSE(d.nonReference());
    EXPECT_EQ(d.partitionId(), 0);
    EXPECT_TRUE(d.hasPictureId());
    EXPECT_TRUE(d.hasLongPictureId());
    EXPECT_EQ(d.pictureId(), 0x1234);
    EXPECT_EQ(d.pictureIdOffset(), 2u);
    EXPECT_TRUE(d.hasTl0PicIdx());
    EXPECT_EQ(d.tl0PicIdx(), 5);
    EXPECT_EQ(d.tl0PicIdxOffset(), 4u);
    EXPECT_TRUE(d.hasTid());
    EXPECT_EQ(d.tid(), 1);
    EXPECT_TRUE(d.layerSync());
    EXPECT_FALSE(d.hasKeyIdx());
    EXPECT_EQ(d.size(), 6u);
    EXPECT_TRUE(d.isKeyFrame());
}

TEST(Vp8PayloadDescriptor, KeyFrameConditions) {
    Vp8PayloadDescriptor d;
    auto key = [&](std::vector<uint8_t> bytes) {
        TestBuffer buf(bytes);
        EXPECT_TRUE(Vp8PayloadDescriptor::parse(buf.span(), d));
        return d.isKeyFrame();
    };
    EXPECT_TRUE(key(kVp8Key));
    auto interFrame = kVp8Key;
    interFrame[6] = 0x11;  // P = 1
    EXPECT_FALSE(key(interFrame));
    auto notStart = kVp8Key;
    notStart[0] = 0x80;  // S = 0
    EXPECT_FALSE(key(notStart));
    auto otherPartition = kVp8Key;
    otherPartition[0] = 0x91;  // PID = 1
    EXPECT_FALSE(key(otherPartition));
    auto badStartCode = kVp8Key;
    badStartCode[9] = 0x9c;
    EXPECT_FALSE(key(badStartCode));
    // Key frame header cut short: parses, but not reported as a key frame.
    EXPECT_FALSE(key(std::vector<uint8_t>(kVp8Key.begin(), kVp8Key.begin() + 15)));
    // Minimal descriptor without extensions.
    EXPECT_TRUE(key({0x10, 0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01}));
    EXPECT_EQ(d.size(), 1u);
    EXPECT_FALSE(d.hasPictureId());
}

TEST(Vp8PayloadDescriptor, ShortPictureIdAndKeyIdx) {
    TestBuffer buf({0xa0, 0x90, 0x7f, 0x3f, 0xaa});  // X, N; I with 7-bit id; K: KEYIDX 31
    Vp8PayloadDescriptor d;
    ASSERT_TRUE(Vp8PayloadDescriptor::parse(buf.span(), d));
    EXPECT_TRUE(d.nonReference());
    EXPECT_FALSE(d.startOfPartition());
    EXPECT_TRUE(d.hasPictureId());
    EXPECT_FALSE(d.hasLongPictureId());
    EXPECT_EQ(d.pictureId(), 0x7f);
    EXPECT_FALSE(d.hasTid());
    EXPECT_TRUE(d.hasKeyIdx());
    EXPECT_EQ(d.keyIdx(), 31);
    EXPECT_EQ(d.size(), 4u);
    EXPECT_FALSE(d.isKeyFrame());
}

TEST(Vp8PayloadDescriptor, RejectsTruncated) {
    Vp8PayloadDescriptor d;
    EXPECT_FALSE(Vp8PayloadDescriptor::parse({}, d));
    // Every cut inside (or right after) the 6-byte descriptor.
    for (size_t len = 0; len <= 6; ++len) {
        TestBuffer cut(kVp8Key, len);
        EXPECT_FALSE(Vp8PayloadDescriptor::parse(cut.span(), d)) << len;
    }
    TestBuffer seven(kVp8Key, 7);
    EXPECT_TRUE(Vp8PayloadDescriptor::parse(seven.span(), d));
    EXPECT_FALSE(d.isKeyFrame());
    TestBuffer onlyX({0x80, 0x00});  // X with empty extension byte, no data
    EXPECT_FALSE(Vp8PayloadDescriptor::parse(onlyX.span(), d));
}

TEST(H264Payload, SingleNalUnits) {
    EXPECT_TRUE(H264Payload::isKeyFrame(std::vector<uint8_t>{0x65, 0x88, 0x84}));  // IDR
    EXPECT_FALSE(H264Payload::isKeyFrame(std::vector<uint8_t>{0x67, 0x42, 0xc0}));  // SPS alone
    EXPECT_FALSE(H264Payload::isKeyFrame(std::vector<uint8_t>{0x68, 0xce}));       // PPS
    EXPECT_FALSE(H264Payload::isKeyFrame(std::vector<uint8_t>{0x41, 0x9a}));       // slice
    H264Payload h;
    TestBuffer idr({0x65});
    ASSERT_TRUE(H264Payload::parse(idr.span(), h));
    EXPECT_EQ(h.packetType(), 5);
    EXPECT_EQ(h.nalType(), 5);
    EXPECT_FALSE(h.hasParameterSets());
    TestBuffer sps({0x67, 0x42, 0xc0});
    ASSERT_TRUE(H264Payload::parse(sps.span(), h));
    EXPECT_FALSE(h.isKeyFrame());
    EXPECT_TRUE(h.hasParameterSets());
}

TEST(H264Payload, StapA) {
    H264Payload h;
    TestBuffer spsPps({0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce});
    ASSERT_TRUE(H264Payload::parse(spsPps.span(), h));
    EXPECT_EQ(h.packetType(), H264Payload::kStapA);
    EXPECT_EQ(h.nalType(), H264Payload::kSps);
    EXPECT_FALSE(h.isKeyFrame()) << "SPS and PPS without an IDR";
    EXPECT_TRUE(h.hasParameterSets());
    TestBuffer ppsThenIdr({0x78, 0x00, 0x01, 0x68, 0x00, 0x02, 0x65, 0x88});
    ASSERT_TRUE(H264Payload::parse(ppsThenIdr.span(), h));
    EXPECT_TRUE(h.isKeyFrame());
    EXPECT_TRUE(h.hasParameterSets());
    TestBuffer slices({0x78, 0x00, 0x01, 0x41, 0x00, 0x01, 0x41});
    ASSERT_TRUE(H264Payload::parse(slices.span(), h));
    EXPECT_FALSE(h.isKeyFrame());
}

TEST(H264Payload, StapARejectsBadSizes) {
    H264Payload h;
    const std::vector<std::vector<uint8_t>> bad = {
        {0x78},                                      // no NAL at all
        {0x78, 0x00, 0x05, 0x67, 0x42},              // size past the end
        {0x78, 0x00, 0x00, 0x67},                    // zero size
        {0x78, 0x00, 0x01, 0x41, 0x00},              // dangling half size field
        {0x78, 0x00, 0x01, 0x41, 0x00, 0x09, 0x65},  // second NAL (IDR) overruns
        {0x78, 0xff, 0xff, 0x65},                    // 65535 past the end
    };
    for (const auto& bytes : bad) {
        TestBuffer buf(bytes);
        EXPECT_FALSE(H264Payload::parse(buf.span(), h));
        EXPECT_FALSE(H264Payload::isKeyFrame(buf.span()));
    }
    const std::vector<uint8_t> good = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce};
    for (size_t len = 0; len < good.size(); ++len) {
        TestBuffer cut(good, len);
        // Cutting exactly after the first NAL leaves a valid one-NAL STAP-A.
        EXPECT_EQ(H264Payload::parse(cut.span(), h), len == 5) << len;
    }
}

TEST(H264Payload, FuA) {
    H264Payload h;
    TestBuffer start({0x7c, 0x85, 0xb8, 0x00});
    ASSERT_TRUE(H264Payload::parse(start.span(), h));
    EXPECT_EQ(h.packetType(), H264Payload::kFuA);
    EXPECT_EQ(h.nalType(), H264Payload::kIdr);
    EXPECT_TRUE(h.isFragmentStart());
    EXPECT_FALSE(h.isFragmentEnd());
    EXPECT_TRUE(h.isKeyFrame());
    TestBuffer middle({0x7c, 0x05, 0xb8});
    ASSERT_TRUE(H264Payload::parse(middle.span(), h));
    EXPECT_FALSE(h.isKeyFrame());
    TestBuffer end({0x7c, 0x45, 0xb8});
    ASSERT_TRUE(H264Payload::parse(end.span(), h));
    EXPECT_TRUE(h.isFragmentEnd());
    EXPECT_FALSE(h.isKeyFrame());
    TestBuffer sliceStart({0x5c, 0x81, 0xb8});
    ASSERT_TRUE(H264Payload::parse(sliceStart.span(), h));
    EXPECT_FALSE(h.isKeyFrame());

    TestBuffer both({0x7c, 0xc5, 0xb8});
    EXPECT_FALSE(H264Payload::parse(both.span(), h));
    TestBuffer tooShort({0x7c, 0x85});
    EXPECT_FALSE(H264Payload::parse(tooShort.span(), h));
    TestBuffer indicatorOnly({0x7c});
    EXPECT_FALSE(H264Payload::parse(indicatorOnly.span(), h));
}

TEST(H264Payload, RejectsEmptyAndTypeZero) {
    H264Payload h;
    EXPECT_FALSE(H264Payload::parse({}, h));
    TestBuffer zero({0x00, 0x01});
    EXPECT_FALSE(H264Payload::parse(zero.span(), h));
}

}  // namespace
}  // namespace vcb::rtp
