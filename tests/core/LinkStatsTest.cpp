// The per-stream link figures of the technician panel (issue 12), counted on the packet path:
// RFC 3550 A.8 interarrival jitter against a sequence worked out by hand, the NACKs and key-frame
// requests a producer sends its publisher and a consumer receives from its subscriber, packets
// recovered by retransmission, the jitter a subscriber reports in its RR, the last packet's time.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/core/RtpReceiveStats.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x22220000;
constexpr uint32_t kOutSsrc = 0x44440000;
constexpr int64_t kT0 = 50'000'000;

TEST(LinkStatsTest, JitterFollowsRfc3550) {
    // 8 kHz audio, 20 ms packets (160 ticks). Constant transit: no jitter.
    RtpReceiveStats steady(8000);
    for (uint16_t i = 0; i < 50; ++i) steady.update(i, 160u * i, kT0 + 20'000 * i);
    EXPECT_EQ(steady.jitter(), 0.0);
    EXPECT_EQ(steady.jitterMs(), 0.0);

    // Every other packet 10 ms late (80 ticks): |D| = 80 from the second packet on and
    // J += (|D| - J) / 16: 5, 9.6875, 14.08203125, ...
    RtpReceiveStats stats(8000);
    stats.update(0, 0, kT0);
    EXPECT_EQ(stats.jitter(), 0.0);
    stats.update(1, 160, kT0 + 20'000 + 10'000);
    EXPECT_DOUBLE_EQ(stats.jitter(), 5.0);
    stats.update(2, 320, kT0 + 40'000);
    EXPECT_DOUBLE_EQ(stats.jitter(), 9.6875);
    stats.update(3, 480, kT0 + 60'000 + 10'000);
    EXPECT_DOUBLE_EQ(stats.jitter(), 14.08203125);
    for (uint16_t i = 4; i < 200; ++i) {
        stats.update(i, 160u * i, kT0 + 20'000 * i + (i % 2 ? 10'000 : 0));
    }
    // Converges on 80 ticks = 10 ms; the report block carries the same value.
    const double expected = 80.0 * (1.0 - std::pow(15.0 / 16.0, 199));
    EXPECT_NEAR(stats.jitter(), expected, 1e-6);
    EXPECT_NEAR(stats.jitterMs(), expected / 8.0, 1e-6);
    EXPECT_NEAR(stats.jitterMs(), 10.0, 0.01);
    EXPECT_EQ(stats.makeReportBlock(1, kT0 + 5'000'000).jitter, static_cast<uint32_t>(expected));
    // A retransmission is counted as received and as recovered, and leaves the jitter alone.
    stats.onRetransmission();
    EXPECT_EQ(stats.packetsRecovered(), 1u);
    EXPECT_EQ(stats.packetsReceived(), 201u);
    EXPECT_NEAR(stats.jitter(), expected, 1e-6);
}

TEST(LinkStatsTest, ProducerCountsNacksRecoveriesKeyFrameRequestsAndLastPacket) {
    RecordingSink publisher{0x5EED0001}, subscriber{3};
    Wiring wiring;
    ProducerOptions po = vp8Producer("p", kPubSsrc);
    po.nack = true;
    Producer producer(po, publisher, wiring);
    EXPECT_EQ(producer.lastPacketUs(), 0);
    int64_t now = kT0;
    const auto send = [&](uint16_t seq) {
        now += 10'000;
        deliver(producer,
                {96, seq, 900u * seq, kPubSsrc, false, {},
                 seq == 100 ? vp8KeyFrame(1) : vp8DeltaFrame(static_cast<uint8_t>(seq))},
                now);
    };
    for (uint16_t s : {100, 101, 104, 105}) send(s);  // 102 and 103 lost: NACKed at once
    EXPECT_EQ(producer.nacksSent(), 2u);
    EXPECT_EQ(producer.packetsRecovered(), 0u);
    EXPECT_EQ(producer.packetsLost(), 2);
    EXPECT_EQ(producer.lastPacketUs(), now);
    send(102);  // the publisher's answer
    EXPECT_EQ(producer.packetsRecovered(), 1u);
    EXPECT_EQ(producer.packetsLost(), 1);
    EXPECT_EQ(producer.nacksSent(), 2u);
    EXPECT_GE(producer.jitterMs(), 0.0);

    EXPECT_EQ(producer.plisSent(), 0u);
    EXPECT_TRUE(producer.requestKeyFrame(now));
    EXPECT_FALSE(producer.requestKeyFrame(now + 1000));  // throttled: not sent, not counted
    EXPECT_EQ(producer.plisSent(), 1u);
    EXPECT_EQ(producer.firsSent(), 0u);

    // A publisher that negotiated FIR only is sent FIRs.
    RecordingSink firPublisher{0x5EED0002};
    ProducerOptions fo = vp8Producer("f", kPubSsrc + 1);
    fo.pli = false;
    fo.fir = true;
    Producer firProducer(fo, firPublisher, wiring);
    EXPECT_TRUE(firProducer.requestKeyFrame(now));
    EXPECT_EQ(firProducer.firsSent(), 1u);
    EXPECT_EQ(firProducer.plisSent(), 0u);
}

TEST(LinkStatsTest, ConsumerCountsWhatTheSubscriberAsksAndReports) {
    RecordingSink publisher{0x5EED0003}, subscriber{3};
    Wiring wiring;
    Producer producer(vp8Producer("p", kPubSsrc), publisher, wiring);
    Consumer consumer(videoConsumer(kOutSsrc), subscriber, wiring, 2000, 70000);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    EXPECT_EQ(consumer.reportedJitterMs(), -1.0);
    const std::array<uint16_t, 3> lost{2001, 2002, 2005};
    consumer.receiveNack(lost, kT0);
    consumer.receiveNack(std::span<const uint16_t>(lost.data(), 1), kT0 + 1000);
    EXPECT_EQ(consumer.nacksReceived(), 4u);
    consumer.receiveKeyFrameRequest(kT0);
    consumer.receiveKeyFrameRequest(kT0, true);
    consumer.receiveKeyFrameRequest(kT0);
    EXPECT_EQ(consumer.plisReceived(), 2u);
    EXPECT_EQ(consumer.firsReceived(), 1u);
    rtp::ReportBlock block;
    block.ssrc = kOutSsrc;
    block.jitter = 1800;  // ticks of the 90 kHz video clock: 20 ms
    block.fractionLost = 64;
    consumer.receiveReportBlock(block, kT0);
    EXPECT_DOUBLE_EQ(consumer.reportedJitterMs(), 20.0);
    EXPECT_EQ(consumer.fractionLost(), 64);
}

}  // namespace
}  // namespace vcb::sfu::test
