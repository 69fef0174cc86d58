// Consumer rewriting: SSRC, payload type, continuous numbering across producer switches, key-frame
// gating for video.
#include <gtest/gtest.h>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPub1Ssrc = 0x11111111;
constexpr uint32_t kPub2Ssrc = 0x22222222;
constexpr uint32_t kOutSsrc = 0xAAAA0001;
constexpr int64_t kT0 = 10'000'000;

class ConsumerForwardingTest : public ::testing::Test {
  protected:
    RecordingSink publisher1{0x0B0B0001};
    RecordingSink publisher2{0x0B0B0002};
    RecordingSink subscriber{0x0C0C0001};
    Wiring wiring;
};

TEST_F(ConsumerForwardingTest, VideoWaitsForKeyFrameThenRewritesHeaders) {
    Producer producer(vp8Producer("p1", kPub1Ssrc, 96), publisher1, wiring);
    // Initial seq near the wrap point: numbering must continue through 65535 → 0.
    Consumer consumer(videoConsumer(kOutSsrc, 100), subscriber, wiring, 65534, 5000);
    wiring.add(consumer);

    consumer.setProducer(&producer, kT0);
    EXPECT_EQ(wiring.keyFrameRequests(), 1);
    ASSERT_EQ(publisher1.rtcpSent().size(), 1u)
        << "setProducer must ask the publisher for a key frame";

    // Delta frames before the key frame are held back and each one renews the request.
    deliver(producer, {96, 10, 1000, kPub1Ssrc, false, {}, vp8DeltaFrame(1)}, kT0 + 1000);
    deliver(producer, {96, 11, 1000, kPub1Ssrc, true, {}, vp8Continuation(2)}, kT0 + 2000);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    EXPECT_EQ(wiring.keyFrameRequests(), 3);
    EXPECT_EQ(consumer.packetsDropped(), 2u);
    EXPECT_EQ(consumer.packetsSent(), 0u);

    struct In {
        uint16_t seq;
        uint32_t ts;
        bool marker;
        Bytes payload;
    };
    const std::vector<In> input = {
        {12, 4000, false, vp8KeyFrame(3)},
        {13, 4000, true, vp8Continuation(4)},
        {14, 7000, true, vp8DeltaFrame(5)},
        {15, 10000, false, vp8DeltaFrame(6)},
    };
    int64_t now = kT0 + 10'000;
    for (const auto& in : input) {
        deliver(producer, {96, in.seq, in.ts, kPub1Ssrc, in.marker, {}, in.payload}, now);
        now += 33'000;
    }
    ASSERT_EQ(subscriber.rtpSent().size(), input.size());
    const uint16_t expectedSeq[] = {65534, 65535, 0, 1};
    for (size_t i = 0; i < input.size(); ++i) {
        OwnedRtp out = subscriber.rtpAt(i);
        ASSERT_TRUE(out.ok);
        EXPECT_EQ(out->ssrc(), kOutSsrc);
        EXPECT_EQ(out->payloadType(), 100) << "subscriber's payload type for VP8";
        EXPECT_EQ(out->sequenceNumber(), expectedSeq[i]);
        EXPECT_EQ(out->timestamp(), 5000 + (input[i].ts - 4000));
        EXPECT_EQ(out->marker(), input[i].marker);
        EXPECT_EQ(out.payload(), input[i].payload);
    }
    EXPECT_EQ(consumer.packetsSent(), 4u);
}

TEST_F(ConsumerForwardingTest, VideoSwitchContinuesNumberingAtNewKeyFrame) {
    Producer p1(vp8Producer("p1", kPub1Ssrc, 96), publisher1, wiring);
    // The second publisher negotiated another payload type for the same codec.
    Producer p2(vp8Producer("p2", kPub2Ssrc, 98), publisher2, wiring);
    Consumer consumer(videoConsumer(kOutSsrc, 100), subscriber, wiring, 1000, 90000);
    wiring.add(consumer);

    consumer.setProducer(&p1, kT0);
    int64_t now = kT0;
    for (uint16_t i = 0; i < 5; ++i) {
        now += 33'000;
        deliver(p1,
                {96,
                 static_cast<uint16_t>(500 + i),
                 3000u * i,
                 kPub1Ssrc,
                 true,
                 {},
                 i == 0 ? vp8KeyFrame(i) : vp8DeltaFrame(i)},
                now);
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 5u);
    OwnedRtp lastBefore = subscriber.lastRtp();
    EXPECT_EQ(lastBefore->sequenceNumber(), 1004);
    EXPECT_EQ(lastBefore->timestamp(), 90000u + 12000u);
    const int64_t lastSendUs = now;

    // Switch 100 ms later. The new source has unrelated SSRC, sequence and timestamp bases.
    now += 100'000;
    const int requestsBefore = wiring.keyFrameRequests();
    consumer.setProducer(&p2, now);
    EXPECT_EQ(wiring.keyFrameRequests(), requestsBefore + 1);
    ASSERT_EQ(publisher2.rtcpSent().size(), 1u) << "the new publisher is asked for a key frame";

    // The old producer's packets no longer reach the consumer; the new one's delta frames wait.
    deliver(p1, {96, 505, 15000, kPub1Ssrc, true, {}, vp8DeltaFrame(9)}, now + 1000);
    deliver(p2, {98, 40000, 3'000'000'000u, kPub2Ssrc, true, {}, vp8DeltaFrame(20)}, now + 2000);
    deliver(p2, {98, 40001, 3'000'003'000u, kPub2Ssrc, true, {}, vp8DeltaFrame(21)}, now + 3000);
    EXPECT_EQ(subscriber.rtpSent().size(), 5u);

    deliver(p2, {98, 40002, 3'000'006'000u, kPub2Ssrc, false, {}, vp8KeyFrame(22)}, now + 4000);
    ASSERT_EQ(subscriber.rtpSent().size(), 6u);
    OwnedRtp first = subscriber.lastRtp();
    ASSERT_TRUE(first.ok);
    EXPECT_EQ(first->ssrc(), kOutSsrc);
    EXPECT_EQ(first->payloadType(), 100);
    EXPECT_EQ(first->sequenceNumber(), 1005) << "numbering continues at last + 1";
    EXPECT_EQ(first.payload(), vp8KeyFrame(22));
    const uint32_t advance = first->timestamp() - lastBefore->timestamp();
    const uint32_t wallTicks = static_cast<uint32_t>((now + 4000 - lastSendUs) * 90 / 1000);
    EXPECT_GT(advance, 0u) << "timestamp must move forward";
    EXPECT_LT(advance, 0x80000000u) << "timestamp must move forward";
    EXPECT_LE(advance, wallTicks + 3000) << "and by about the wall-clock gap, not a jump";

    // A straggler from before the switch point is dropped; later packets keep the new offsets.
    const uint64_t dropped = consumer.packetsDropped();
    deliver(p2, {98, 40001, 3'000'003'000u, kPub2Ssrc, true, {}, vp8DeltaFrame(23)}, now + 5000);
    EXPECT_EQ(subscriber.rtpSent().size(), 6u);
    EXPECT_EQ(consumer.packetsDropped(), dropped + 1);

    deliver(p2, {98, 40003, 3'000'006'000u, kPub2Ssrc, true, {}, vp8Continuation(24)}, now + 6000);
    deliver(p2, {98, 40005, 3'000'009'000u, kPub2Ssrc, true, {}, vp8DeltaFrame(26)}, now + 7000);
    deliver(p2, {98, 40004, 3'000'009'000u, kPub2Ssrc, false, {}, vp8DeltaFrame(25)}, now + 8000);
    ASSERT_EQ(subscriber.rtpSent().size(), 9u);
    EXPECT_EQ(subscriber.rtpAt(6)->sequenceNumber(), 1006);
    EXPECT_EQ(subscriber.rtpAt(6)->timestamp(), first->timestamp());
    EXPECT_EQ(subscriber.rtpAt(7)->sequenceNumber(), 1008);
    EXPECT_EQ(subscriber.rtpAt(7)->timestamp(), first->timestamp() + 3000);
    EXPECT_EQ(subscriber.rtpAt(8)->sequenceNumber(), 1007) << "reordering is preserved";
    EXPECT_EQ(subscriber.rtpAt(8)->timestamp(), first->timestamp() + 3000);
    EXPECT_TRUE(subscriber.rtpAt(7)->marker());
    EXPECT_FALSE(subscriber.rtpAt(8)->marker());

    // Switching back to the first publisher resumes after the newest output packet (1008).
    now += 500'000;
    consumer.setProducer(&p1, now);
    deliver(p1, {96, 506, 18000, kPub1Ssrc, true, {}, vp8KeyFrame(30)}, now + 1000);
    ASSERT_EQ(subscriber.rtpSent().size(), 10u);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 1009);
    const uint32_t advance2 = subscriber.lastRtp()->timestamp() - subscriber.rtpAt(7)->timestamp();
    EXPECT_GT(advance2, 0u);
    EXPECT_LT(advance2, 0x80000000u);
}

TEST_F(ConsumerForwardingTest, AudioSwitchesWithoutKeyFrame) {
    Producer p1(opusProducer("a1", kPub1Ssrc, 111), publisher1, wiring);
    Producer p2(opusProducer("a2", kPub2Ssrc, 111), publisher2, wiring);
    Consumer consumer(audioConsumer(kOutSsrc, 109), subscriber, wiring, 300, 777);
    wiring.add(consumer);

    consumer.setProducer(&p1, kT0);
    EXPECT_EQ(wiring.keyFrameRequests(), 0) << "audio needs no key frame";
    EXPECT_TRUE(publisher1.rtcpSent().empty());

    int64_t now = kT0;
    for (uint16_t i = 0; i < 3; ++i) {
        now += 20'000;
        deliver(p1,
                {111, static_cast<uint16_t>(7 + i), 960u * i, kPub1Ssrc, i == 0, {}, opusFrame(i)},
                now);
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        OwnedRtp out = subscriber.rtpAt(i);
        EXPECT_EQ(out->ssrc(), kOutSsrc);
        EXPECT_EQ(out->payloadType(), 109);
        EXPECT_EQ(out->sequenceNumber(), 300 + i);
        EXPECT_EQ(out->timestamp(), 777 + 960 * i);
        EXPECT_EQ(out->marker(), i == 0);
        EXPECT_EQ(out.payload(), opusFrame(static_cast<uint8_t>(i)));
    }

    now += 60'000;  // 60 ms of silence → 2880 ticks at 48 kHz
    consumer.setProducer(&p2, now);
    EXPECT_EQ(wiring.keyFrameRequests(), 0);
    EXPECT_TRUE(publisher2.rtcpSent().empty());
    deliver(p2, {111, 60000, 123456789u, kPub2Ssrc, false, {}, opusFrame(50)}, now);
    deliver(p2, {111, 60001, 123456789u + 960, kPub2Ssrc, false, {}, opusFrame(51)}, now + 20'000);
    ASSERT_EQ(subscriber.rtpSent().size(), 5u);
    OwnedRtp a = subscriber.rtpAt(3);
    OwnedRtp b = subscriber.rtpAt(4);
    EXPECT_EQ(a->sequenceNumber(), 303);
    EXPECT_EQ(b->sequenceNumber(), 304);
    EXPECT_EQ(a->timestamp() - subscriber.rtpAt(2)->timestamp(), 2880u);
    EXPECT_EQ(b->timestamp() - a->timestamp(), 960u);
    EXPECT_EQ(a.payload(), opusFrame(50));
}

TEST_F(ConsumerForwardingTest, LongStreamsKeepFlowingThroughTheWholeSequenceSpace) {
    // 70000 packets (~23 minutes of 50 pps audio) cross every sequence number once and wrap:
    // the switch point must not end up looking "newer" than the packets after 2^15 of them.
    Producer producer(opusProducer("a1", kPub1Ssrc, 111), publisher1, wiring);
    Consumer consumer(audioConsumer(kOutSsrc, 109), subscriber, wiring, 100, 0);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    constexpr uint32_t kPackets = 70000;
    constexpr uint32_t kLate = kPackets - 3;  // held back, arrives after the last one
    int64_t now = kT0;
    for (uint32_t i = 0; i < kPackets; ++i) {
        now += 20'000;
        if (i == kLate) continue;
        deliver(
            producer,
            {111, static_cast<uint16_t>(5000 + i), 960u * i, kPub1Ssrc, false, {}, opusFrame(1)},
            now);
    }
    EXPECT_EQ(consumer.packetsSent(), kPackets - 1);
    EXPECT_EQ(consumer.packetsDropped(), 0u);
    ASSERT_EQ(subscriber.rtpSent().size(), kPackets - 1);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), static_cast<uint16_t>(100 + kPackets - 1));
    EXPECT_EQ(subscriber.lastRtp()->timestamp(), 960u * (kPackets - 1));
    // A packet reordered by a few positions is still forwarded late in the stream.
    const RtpSpec late{
        111, static_cast<uint16_t>(5000 + kLate), 960u * kLate, kPub1Ssrc, false, {}, opusFrame(2)};
    deliver(producer, late, now);
    EXPECT_EQ(consumer.packetsSent(), kPackets);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), static_cast<uint16_t>(100 + kLate));
    // Its duplicate is not: that sequence number went out already.
    deliver(producer, late, now);
    EXPECT_EQ(consumer.packetsSent(), kPackets);
    EXPECT_EQ(subscriber.rtpSent().size(), kPackets);
}

TEST_F(ConsumerForwardingTest, PausedOrUnnegotiatedCodecForwardsNothing) {
    Producer producer(opusProducer("a1", kPub1Ssrc, 111), publisher1, wiring);
    // The subscriber negotiated only VP8 on this consumer: opus cannot be sent to it.
    ConsumerOptions options = videoConsumer(kOutSsrc, 100);
    options.kind = MediaKind::Audio;
    Consumer consumer(std::move(options), subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    deliver(producer, {111, 1, 0, kPub1Ssrc, false, {}, opusFrame(1)}, kT0);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    EXPECT_EQ(consumer.packetsDropped(), 1u);

    // Paused: nothing goes out even if a packet reaches it.
    Consumer paused(audioConsumer(kOutSsrc + 1), subscriber, wiring, 1, 1);
    Bytes bytes = buildRtp({111, 2, 960, kPub1Ssrc, false, {}, opusFrame(2)});
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    paused.forward(packet, kT0);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    EXPECT_EQ(paused.packetsDropped(), 1u);
}

TEST_F(ConsumerForwardingTest, ProducerDropsForeignPayloadTypes) {
    Producer producer(vp8Producer("p1", kPub1Ssrc, 96), publisher1, wiring);
    Consumer consumer(videoConsumer(kOutSsrc), subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    // RTX (pt 97) or any other payload type is not this stream's media.
    deliver(producer, {97, 1, 0, kPub1Ssrc, false, {}, vp8KeyFrame(1)}, kT0);
    EXPECT_TRUE(subscriber.rtpSent().empty());
    EXPECT_EQ(producer.packetsReceived(), 0u);
    deliver(producer, {96, 2, 0, kPub1Ssrc, false, {}, vp8KeyFrame(1)}, kT0);
    EXPECT_EQ(subscriber.rtpSent().size(), 1u);
    EXPECT_EQ(producer.packetsReceived(), 1u);
}

TEST_F(ConsumerForwardingTest, CountsOpenProducersAndConsumers) {
    auto& m = Metrics::instance();
    const int64_t producersBefore = m.producersOpen.load();
    const int64_t consumersBefore = m.consumersOpen.load();
    {
        Producer producer(vp8Producer("p1", kPub1Ssrc), publisher1, wiring);
        Consumer consumer(videoConsumer(kOutSsrc), subscriber, wiring, 1, 1);
        EXPECT_EQ(m.producersOpen.load(), producersBefore + 1);
        EXPECT_EQ(m.consumersOpen.load(), consumersBefore + 1);
    }
    EXPECT_EQ(m.producersOpen.load(), producersBefore);
    EXPECT_EQ(m.consumersOpen.load(), consumersBefore);
}

}  // namespace
}  // namespace vcb::sfu::test
