// What the SFU learns about a published track from its negotiated codec: the feedback the
// publisher accepts, NACK included, and its RTX only together with NACK.
#include <gtest/gtest.h>

#include "rooms/Conference.hpp"

namespace vcb::rooms {
namespace {

PublishTrack vp8Track(std::vector<std::string> feedback, std::optional<uint8_t> rtxPt) {
    PublishTrack t;
    t.mid = "1";
    t.kind = sfu::MediaKind::Video;
    t.ssrc = 1111;
    t.rtxSsrc = 2222;
    t.codec = sfu::RtpCodec{96, "VP8", 90000, 0, "", std::move(feedback), rtxPt};
    return t;
}

TEST(ProducerOptionsTest, NackAndRtxFromTheNegotiatedCodec) {
    const auto o =
        producerOptions("tr", vp8Track({"goog-remb", "ccm fir", "nack", "nack pli"}, 97));
    EXPECT_EQ(o.id, "tr:1");
    EXPECT_EQ(o.ssrc, 1111u);
    EXPECT_TRUE(o.nack);
    EXPECT_TRUE(o.pli);
    EXPECT_TRUE(o.fir);
    EXPECT_TRUE(o.remb);
    EXPECT_EQ(o.rtxPayloadType, 97);
    EXPECT_EQ(o.rtxSsrc, 2222u);
}

TEST(ProducerOptionsTest, PliAloneIsNotNack) {
    const auto o = producerOptions("tr", vp8Track({"nack pli"}, 97));
    EXPECT_TRUE(o.pli);
    EXPECT_FALSE(o.nack);
    // Without NACK nothing asks for retransmissions: RTX is not used.
    EXPECT_EQ(o.rtxPayloadType, 0);
    EXPECT_EQ(o.rtxSsrc, 0u);
}

TEST(ProducerOptionsTest, NackWithoutRtx) {
    const auto o = producerOptions("tr", vp8Track({"nack"}, std::nullopt));
    EXPECT_TRUE(o.nack);
    EXPECT_FALSE(o.pli);
    EXPECT_EQ(o.rtxPayloadType, 0);
}

}  // namespace
}  // namespace vcb::rooms
