// Consumer::writeSenderReport: a parseable SR + SDES compound describing what was sent.
#include <gtest/gtest.h>

#include <array>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpSdes.hpp"
#include "sfu/rtp/RtcpSenderReport.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x77770000;
constexpr uint32_t kOutSsrc = 0x88880000;
constexpr int64_t kT0 = 40'000'000;
constexpr uint64_t kNtp = 0xE8000000'80000000ull;

TEST(ConsumerSenderReportTest, NothingSentNoReport) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    Producer producer(opusProducer("a", kPubSsrc), publisher, wiring);
    Consumer consumer(audioConsumer(kOutSsrc), subscriber, wiring, 1, 1);
    consumer.setProducer(&producer, kT0);
    std::array<uint8_t, 256> buf{};
    EXPECT_EQ(consumer.writeSenderReport(buf.data(), buf.size(), kNtp, kT0), 0u);
}

TEST(ConsumerSenderReportTest, CompoundSrAndSdesWithCounts) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    Producer producer(opusProducer("a", kPubSsrc), publisher, wiring);
    ConsumerOptions co = audioConsumer(kOutSsrc);
    co.cname = "participant-42";
    Consumer consumer(co, subscriber, wiring, 500, 1'000'000);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);

    size_t payloadOctets = 0;
    int64_t now = kT0;
    for (uint16_t i = 0; i < 7; ++i) {
        Bytes payload(20 + i, static_cast<uint8_t>(i));
        payloadOctets += payload.size();
        deliver(producer,
                {111, static_cast<uint16_t>(9 + i), 960u * i, kPubSsrc, false, {}, payload}, now);
        now += 20'000;
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 7u);
    const uint32_t lastTs = subscriber.lastRtp()->timestamp();
    const int64_t lastSendUs = now - 20'000;

    // 100 ms after the last packet, the RTP timestamp is extrapolated by 4800 ticks at 48 kHz.
    const int64_t reportUs = lastSendUs + 100'000;
    std::array<uint8_t, 256> buf{};
    const size_t len = consumer.writeSenderReport(buf.data(), buf.size(), kNtp, reportUs);
    ASSERT_GT(len, 0u);
    ASSERT_TRUE(rtp::RtcpCompoundIterator::isValidCompound(buf.data(), len));

    rtp::RtcpCompoundIterator it(buf.data(), len);
    rtp::RtcpHeader header;
    ASSERT_TRUE(it.next(header));
    ASSERT_EQ(header.packetType(), rtp::rtcp::kSenderReport);
    rtp::RtcpSenderReport sr;
    ASSERT_TRUE(rtp::RtcpSenderReport::parse(header, sr));
    EXPECT_EQ(sr.ssrc(), kOutSsrc);
    EXPECT_EQ(sr.ntpTimestamp(), kNtp);
    EXPECT_EQ(sr.rtpTimestamp(), lastTs + 4800u);
    EXPECT_EQ(sr.packetCount(), 7u);
    EXPECT_EQ(sr.octetCount(), payloadOctets) << "payload octets, headers excluded";
    EXPECT_EQ(sr.reportBlockCount(), 0u);

    ASSERT_TRUE(it.next(header));
    ASSERT_EQ(header.packetType(), rtp::rtcp::kSdes);
    rtp::RtcpSdes sdes;
    ASSERT_TRUE(rtp::RtcpSdes::parse(header, sdes));
    ASSERT_EQ(sdes.chunkCount(), 1u);
    EXPECT_EQ(sdes.cname(kOutSsrc).value_or(""), "participant-42");
    EXPECT_FALSE(it.next(header));
    EXPECT_FALSE(it.malformed());
}

TEST(ConsumerSenderReportTest, CapacityIsRespected) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    Producer producer(opusProducer("a", kPubSsrc), publisher, wiring);
    Consumer consumer(audioConsumer(kOutSsrc), subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    deliver(producer, {111, 1, 0, kPubSsrc, false, {}, opusFrame(1)}, kT0);

    std::array<uint8_t, 256> buf{};
    EXPECT_EQ(
        consumer.writeSenderReport(buf.data(), rtp::RtcpSenderReport::kFixedSize - 1, kNtp, kT0),
        0u);
    // Room for the SR alone: the SR is still valid on its own.
    const size_t len =
        consumer.writeSenderReport(buf.data(), rtp::RtcpSenderReport::kFixedSize, kNtp, kT0);
    EXPECT_EQ(len, rtp::RtcpSenderReport::kFixedSize);
    rtp::RtcpSenderReport sr;
    ASSERT_TRUE(rtp::RtcpSenderReport::parse(buf.data(), len, sr));
    EXPECT_EQ(sr.packetCount(), 1u);
}

}  // namespace
}  // namespace vcb::sfu::test
