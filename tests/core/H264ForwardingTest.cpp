// H.264 to subscribers: formats matched on profile and packetization-mode (sfu/CodecMatch.hpp),
// streams started at an IDR together with the SPS/PPS packets sent just ahead of it.
#include <gtest/gtest.h>

#include "sfu/CodecMatch.hpp"
#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x11111111;
constexpr uint32_t kOutSsrc = 0xAAAA0001;
constexpr int64_t kT0 = 10'000'000;
constexpr const char* kCb1 =
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
constexpr const char* kHigh1 = "packetization-mode=1;profile-level-id=640c1f";

TEST(CodecMatch, H264ProfilesFromProfileLevelId) {
    EXPECT_EQ(h264ProfileFromId("42e01f"), H264Profile::ConstrainedBaseline);
    EXPECT_EQ(h264ProfileFromId("42C034"), H264Profile::ConstrainedBaseline);
    EXPECT_EQ(h264ProfileFromId("4d801f"), H264Profile::ConstrainedBaseline);  // Main + set0
    EXPECT_EQ(h264ProfileFromId("58c01f"), H264Profile::ConstrainedBaseline);
    EXPECT_EQ(h264ProfileFromId("42001f"), H264Profile::Baseline);
    EXPECT_EQ(h264ProfileFromId("4d001f"), H264Profile::Main);
    EXPECT_EQ(h264ProfileFromId("640c1f"), H264Profile::ConstrainedHigh);
    EXPECT_EQ(h264ProfileFromId("64001f"), H264Profile::High);
    EXPECT_EQ(h264ProfileFromId("f4001f"), H264Profile::PredictiveHigh444);
    EXPECT_FALSE(h264ProfileFromId("7a001f"));  // High 4:2:2: not a WebRTC profile
    EXPECT_FALSE(h264ProfileFromId("42e01"));
    EXPECT_FALSE(h264ProfileFromId("42e01g"));
    EXPECT_EQ(h264Profile(""), H264Profile::ConstrainedBaseline) << "RFC 6184 default";
    EXPECT_EQ(h264PacketizationMode(""), 0);
    EXPECT_EQ(h264PacketizationMode("packetization-mode=1"), 1);
    EXPECT_FALSE(h264PacketizationMode("packetization-mode=7"));
}

TEST(CodecMatch, SameProfileAndModeAnyLevel) {
    EXPECT_TRUE(codecsMatch("H264", 90000, kCb1, "h264", 90000,
                            "packetization-mode=1; profile-level-id=42e034"));
    EXPECT_FALSE(codecsMatch("H264", 90000, kCb1, "H264", 90000, kHigh1));
    EXPECT_FALSE(codecsMatch("H264", 90000, kCb1, "H264", 90000, "profile-level-id=42e01f"))
        << "mode 0 (absent) against mode 1";
    EXPECT_FALSE(codecsMatch("H264", 90000, "packetization-mode=1;profile-level-id=7a001f", "H264",
                             90000, "packetization-mode=1;profile-level-id=7a001f"))
        << "unknown profiles never match";
    EXPECT_TRUE(codecsMatch("vp8", 90000, "", "VP8", 90000, "x=1"));
    EXPECT_FALSE(codecsMatch("VP8", 90000, "", "VP8", 48000, ""));
    EXPECT_FALSE(codecsMatch("VP8", 90000, "", "H264", 90000, ""));
}

ProducerOptions h264Producer(const std::string& fmtp) {
    ProducerOptions o;
    o.id = "p1";
    o.kind = MediaKind::Video;
    o.mid = "1";
    o.ssrc = kPubSsrc;
    o.payloadType = 102;
    o.codecName = "H264";
    o.codecFmtp = fmtp;
    o.clockRate = 90000;
    return o;
}

ConsumerOptions h264Consumer(std::vector<RtpCodec> codecs) {
    ConsumerOptions o;
    o.id = "c-video";
    o.kind = MediaKind::Video;
    o.mid = "v0";
    o.ssrc = kOutSsrc;
    o.cname = "vcbridge-test";
    o.codecs = std::move(codecs);
    return o;
}

RtpCodec h264Codec(uint8_t pt, const std::string& fmtp) {
    return RtpCodec{pt, "H264", 90000, 0, fmtp, {"nack", "nack pli"}, std::nullopt};
}

const Bytes kIdr = {0x65, 0x88, 0x84, 0x00, 0x11};
const Bytes kStapSpsPps = {0x78, 0x00, 0x03, 0x67, 0x42, 0xe0, 0x00, 0x02, 0x68, 0xce};
const Bytes kFuIdrStart = {0x7c, 0x85, 0x88, 0x84, 0x01};
const Bytes kFuIdrMiddle = {0x7c, 0x05, 0x02, 0x02};
const Bytes kFuIdrEnd = {0x7c, 0x45, 0x03, 0x03};
const Bytes kSlice = {0x41, 0x9a, 0x00, 0x01};

class H264ForwardingTest : public ::testing::Test {
  protected:
    RecordingSink publisher{0x0B0B0001};
    RecordingSink subscriber{0x0C0C0001};
    Wiring wiring;
};

TEST_F(H264ForwardingTest, SubscriberGetsOnlyAPayloadTypeOfTheSameProfileAndMode) {
    Producer producer(h264Producer(kHigh1), publisher, wiring);
    // Only Constrained Baseline mode 1, and High in mode 0: neither may carry this stream.
    Consumer cbOnly(h264Consumer({h264Codec(104, kCb1),
                                  h264Codec(105, "packetization-mode=0;profile-level-id=640c1f")}),
                    subscriber, wiring, 1, 1);
    wiring.add(cbOnly);
    cbOnly.setProducer(&producer, kT0);
    deliver(producer, {102, 1, 3000, kPubSsrc, true, {}, kIdr}, kT0);
    EXPECT_TRUE(subscriber.rtpSent().empty()) << "High must not reach a Constrained Baseline peer";

    RecordingSink other{0x0C0C0002};
    Consumer high(h264Consumer({h264Codec(104, kCb1),
                                h264Codec(106, "packetization-mode=1;profile-level-id=640c34")}),
                  other, wiring, 1, 1);
    wiring.add(high);
    high.setProducer(&producer, kT0);
    deliver(producer, {102, 2, 6000, kPubSsrc, true, {}, kIdr}, kT0 + 33'000);
    ASSERT_EQ(other.rtpSent().size(), 1u);
    EXPECT_EQ(other.rtpAt(0)->payloadType(), 106) << "same profile, other level";
    EXPECT_TRUE(subscriber.rtpSent().empty());
}

TEST_F(H264ForwardingTest, StartsAtTheIdrTogetherWithItsParameterSets) {
    Producer producer(h264Producer(kCb1), publisher, wiring);
    Consumer consumer(h264Consumer({h264Codec(104, kCb1)}), subscriber, wiring, 500, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    // Parameter sets followed by a non-IDR frame: an SPS alone does not start the stream.
    deliver(producer, {102, 10, 1000, kPubSsrc, false, {}, kStapSpsPps}, kT0);
    deliver(producer, {102, 11, 1000, kPubSsrc, true, {}, kSlice}, kT0 + 1000);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    // libwebrtc's key frame: STAP-A {SPS, PPS}, then the IDR in FU-A fragments.
    deliver(producer, {102, 12, 4000, kPubSsrc, false, {}, kStapSpsPps}, kT0 + 33'000);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    deliver(producer, {102, 13, 4000, kPubSsrc, false, {}, kFuIdrStart}, kT0 + 34'000);
    deliver(producer, {102, 14, 4000, kPubSsrc, false, {}, kFuIdrMiddle}, kT0 + 35'000);
    deliver(producer, {102, 15, 4000, kPubSsrc, true, {}, kFuIdrEnd}, kT0 + 36'000);
    deliver(producer, {102, 16, 7000, kPubSsrc, true, {}, kSlice}, kT0 + 66'000);
    const std::vector<Bytes> expected = {kStapSpsPps, kFuIdrStart, kFuIdrMiddle, kFuIdrEnd, kSlice};
    ASSERT_EQ(subscriber.rtpSent().size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        OwnedRtp out = subscriber.rtpAt(i);
        ASSERT_TRUE(out.ok);
        EXPECT_EQ(out.payload(), expected[i]) << i;
        EXPECT_EQ(out->sequenceNumber(), 500 + i) << "numbering starts at the parameter sets";
        EXPECT_EQ(out->payloadType(), 104);
    }
    EXPECT_EQ(subscriber.rtpAt(0)->timestamp(), subscriber.rtpAt(1)->timestamp());
    EXPECT_EQ(consumer.packetsSent(), expected.size()) << "the resent parameter sets count too";
}

TEST_F(H264ForwardingTest, IdrCarryingItsParameterSetsStartsAlone) {
    Producer producer(h264Producer(kCb1), publisher, wiring);
    Consumer consumer(h264Consumer({h264Codec(104, kCb1)}), subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    deliver(producer, {102, 20, 1000, kPubSsrc, true, {}, kSlice}, kT0);
    const Bytes stapWithIdr = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02,
                               0x68, 0xce, 0x00, 0x02, 0x65, 0x88};
    deliver(producer, {102, 21, 4000, kPubSsrc, true, {}, stapWithIdr}, kT0 + 33'000);
    ASSERT_EQ(subscriber.rtpSent().size(), 1u);
    EXPECT_EQ(subscriber.rtpAt(0).payload(), stapWithIdr);
}

}  // namespace
}  // namespace vcb::sfu::test
