#include <gtest/gtest.h>

#include <array>

#include "TestCapture.hpp"
#include "clients/loadgen/PacketStamp.hpp"
#include "clients/loadgen/StreamReplayer.hpp"

namespace vcb::loadgen {
namespace {

constexpr int64_t kStart = 1'000'000;

class StreamReplayerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string error;
        auto parsed = CaptureFile::parse(test::smallCapture(), &error);
        ASSERT_TRUE(parsed) << error;
        capture_ = std::move(*parsed);
    }

    struct Written {
        uint16_t seq;
        uint32_t ts;
        uint32_t ssrc;
        bool marker;
        uint8_t pt;
        std::vector<uint8_t> payload;
        PacketStamp stamp;
        int64_t due;
    };

    Written next(StreamReplayer& r, int64_t sendTime = 42) {
        Written w{};
        w.due = r.nextDueUs();
        size_t len = r.writeNext(sendTime, buf_.data(), buf_.size());
        EXPECT_GT(len, 0u);
        rtp::RtpPacket p;
        EXPECT_TRUE(rtp::RtpPacket::parse(buf_.data(), len, p));
        w.seq = p.sequenceNumber();
        w.ts = p.timestamp();
        w.ssrc = p.ssrc();
        w.marker = p.marker();
        w.pt = p.payloadType();
        w.payload.assign(p.payload().begin(), p.payload().end());
        auto stamp = PacketStamp::read(p);
        EXPECT_TRUE(stamp);
        if (stamp) w.stamp = *stamp;
        return w;
    }

    CaptureFile capture_;
    std::array<uint8_t, 1600> buf_{};
};

TEST_F(StreamReplayerTest, RewritesHeaderAndKeepsPacingAcrossLoops) {
    StreamReplayer r(capture_.video(), {0xCAFEBABE, 0xFFFE, 0xFFFFFFF0u, 1.0}, kStart);
    const auto& packets = capture_.video().packets;
    for (int loop = 0; loop < 2; ++loop) {
        for (size_t i = 0; i < packets.size(); ++i) {
            size_t n = loop * packets.size() + i;
            Written w = next(r, 1000 + static_cast<int64_t>(n));
            EXPECT_EQ(w.due, kStart + loop * 200000 + packets[i].offsetUs) << n;
            EXPECT_EQ(w.seq, static_cast<uint16_t>(0xFFFE + n)) << n;
            EXPECT_EQ(w.ts, 0xFFFFFFF0u + loop * 18000u + packets[i].tickOffset) << n;
            EXPECT_EQ(w.ssrc, 0xCAFEBABEu);
            EXPECT_EQ(w.pt, 96);
            EXPECT_EQ(w.marker, packets[i].marker);
            EXPECT_EQ(w.payload, packets[i].payload);
            EXPECT_EQ(w.stamp.counter, n);
            EXPECT_EQ(w.stamp.sendTimeUs, 1000 + static_cast<int64_t>(n));
        }
    }
    EXPECT_EQ(r.packetsWritten(), 24u);
}

TEST_F(StreamReplayerTest, ReplicationSendsFractionalCopies) {
    StreamReplayer r(capture_.video(), {1, 0, 0, 2.5}, kStart);
    const auto& packets = capture_.video().packets;
    // 2.5 copies on average: 2, 3, 2, 3 ... each copy its own sequence number and counter.
    std::vector<size_t> expectedIndex;
    size_t copies[] = {2, 3, 2, 3};
    for (size_t i = 0; i < 4; ++i) expectedIndex.insert(expectedIndex.end(), copies[i], i);
    for (size_t n = 0; n < expectedIndex.size(); ++n) {
        Written w = next(r);
        EXPECT_EQ(w.payload, packets[expectedIndex[n]].payload) << n;
        EXPECT_EQ(w.due, kStart + packets[expectedIndex[n]].offsetUs) << n;
        EXPECT_EQ(w.seq, n);
        EXPECT_EQ(w.stamp.counter, n);
    }
}

TEST_F(StreamReplayerTest, KeyFrameRequestJumpsAtNextFrameBoundary) {
    StreamReplayer r(capture_.video(), {1, 0, 5000, 1.0}, kStart);
    const auto& packets = capture_.video().packets;
    next(r);  // frame 0, first packet
    r.requestKeyFrame();
    EXPECT_TRUE(r.keyFramePending());
    Written cont = next(r);  // mid-frame: no jump yet
    EXPECT_EQ(cont.payload, packets[1].payload);
    Written key = next(r);  // frame 1's slot now carries the key frame of frame 3
    EXPECT_EQ(key.payload, packets[6].payload);
    EXPECT_EQ(key.ts, 5000u + 3000u);
    EXPECT_EQ(key.due, kStart + packets[2].offsetUs);
    EXPECT_EQ(key.seq, 2);
    EXPECT_FALSE(r.keyFramePending());
    EXPECT_EQ(r.keyFramesForced(), 1u);
    Written after = next(r);
    EXPECT_EQ(after.payload, packets[7].payload);
    EXPECT_EQ(after.ts, 5000u + 3000u);
    Written following = next(r);
    EXPECT_EQ(following.payload, packets[8].payload);
    EXPECT_EQ(following.ts, 5000u + 6000u);
    EXPECT_EQ(following.due, kStart + packets[4].offsetUs);  // frame 2's slot
}

TEST_F(StreamReplayerTest, KeyFrameRequestWrapsToFirstKeyFrame) {
    StreamReplayer r(capture_.video(), {1, 0, 0, 1.0}, kStart);
    for (int i = 0; i < 8; ++i) next(r);  // up to frame 4's start (index 8)
    r.requestKeyFrame();
    Written key = next(r);
    EXPECT_EQ(key.payload, capture_.video().packets[0].payload);
    EXPECT_EQ(key.ts, 12000u);  // the slot of index 8 (frame 4)
    EXPECT_EQ(r.keyFramesForced(), 1u);
}

TEST_F(StreamReplayerTest, KeyFrameRequestOnKeyFrameNeedsNoJump) {
    StreamReplayer r(capture_.video(), {1, 0, 0, 1.0}, kStart);
    r.requestKeyFrame();
    Written w = next(r);
    EXPECT_EQ(w.payload, capture_.video().packets[0].payload);
    EXPECT_EQ(r.keyFramesForced(), 0u);
    EXPECT_FALSE(r.keyFramePending());
}

TEST_F(StreamReplayerTest, AudioIgnoresKeyFrameRequests) {
    StreamReplayer r(capture_.audio(), {2, 0, 0, 1.0}, kStart);
    r.requestKeyFrame();
    EXPECT_FALSE(r.keyFramePending());
    Written w = next(r);
    EXPECT_EQ(w.pt, 111);
    EXPECT_EQ(w.due, kStart);
    EXPECT_EQ(next(r).due, kStart + 20000);
}

TEST_F(StreamReplayerTest, TooSmallBufferWritesNothing) {
    StreamReplayer r(capture_.video(), {1, 0, 0, 1.0}, kStart);
    EXPECT_EQ(r.writeNext(0, buf_.data(), 12 + 5), 0u);
    EXPECT_EQ(r.packetsWritten(), 0u);
    Written w = next(r);
    EXPECT_EQ(w.seq, 0);
    EXPECT_EQ(w.payload, capture_.video().packets[0].payload);
}

}  // namespace
}  // namespace vcb::loadgen
