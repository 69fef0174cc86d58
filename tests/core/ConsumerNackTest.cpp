// Retransmissions answered from the producer's buffer, and the NACKs that must not be answered.
#include <gtest/gtest.h>

#include <array>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/core/RetransmissionBuffer.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPub1Ssrc = 0x11110000;
constexpr uint32_t kPub2Ssrc = 0x22220000;
constexpr uint32_t kOutSsrc = 0x33330000;
constexpr int64_t kT0 = 20'000'000;

struct Counters {
    uint64_t received, retransmitted, unanswered;
    static Counters now() {
        auto& m = Metrics::instance();
        return {m.nacksReceived.load(), m.rtpRetransmitted.load(), m.nacksUnanswered.load()};
    }
    Counters since(const Counters& before) const {
        return {received - before.received, retransmitted - before.retransmitted,
                unanswered - before.unanswered};
    }
};

class ConsumerNackTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ConsumerOptions co = videoConsumer(kOutSsrc);
        co.extensions.transportCc = 3;  // retransmissions get a fresh transport sequence number
        consumer = std::make_unique<Consumer>(co, subscriber, wiring, 2000, 70000);
        wiring.add(*consumer);
        consumer->setProducer(&p1, kT0);
    }

    // Sends `n` packets from p1 (the first a key frame) 10 ms apart, starting at seq 100.
    void sendFromP1(uint16_t n) {
        for (uint16_t i = 0; i < n; ++i) {
            now += 10'000;
            deliver(p1,
                    {96,
                     static_cast<uint16_t>(100 + i),
                     900u * i,
                     kPub1Ssrc,
                     i % 3 == 2,
                     {},
                     i == 0 ? vp8KeyFrame(static_cast<uint8_t>(i))
                            : vp8DeltaFrame(static_cast<uint8_t>(i))},
                    now);
        }
    }

    void nack(std::initializer_list<uint16_t> seqs) {
        std::vector<uint16_t> v(seqs);
        consumer->receiveNack(v, now);
    }

    RecordingSink publisher1{1}, publisher2{2}, subscriber{3};
    Wiring wiring;
    Producer p1{vp8Producer("p1", kPub1Ssrc, 96), publisher1, wiring};
    Producer p2{vp8Producer("p2", kPub2Ssrc, 96), publisher2, wiring};
    std::unique_ptr<Consumer> consumer;
    int64_t now = kT0;
};

TEST_F(ConsumerNackTest, ResendsTheSamePacket) {
    sendFromP1(10);
    ASSERT_EQ(subscriber.rtpSent().size(), 10u);
    const Counters before = Counters::now();

    now += 5'000;
    nack({2003, 2007});
    ASSERT_EQ(subscriber.rtpSent().size(), 12u);
    const size_t originals[] = {3, 7};
    for (size_t k = 0; k < 2; ++k) {
        OwnedRtp original = subscriber.rtpAt(originals[k]);
        OwnedRtp resent = subscriber.rtpAt(10 + k);
        ASSERT_TRUE(resent.ok);
        EXPECT_EQ(resent->ssrc(), kOutSsrc);
        EXPECT_EQ(resent->sequenceNumber(), original->sequenceNumber());
        EXPECT_EQ(resent->sequenceNumber(), 2000 + originals[k]);
        EXPECT_EQ(resent->timestamp(), original->timestamp());
        EXPECT_EQ(resent->payloadType(), original->payloadType());
        EXPECT_EQ(resent->marker(), original->marker());
        EXPECT_EQ(resent.payload(), original.payload());
        // Same SSRC and sequence number means the same SRTP nonce: the bytes must be the same
        // too, including the transport-wide sequence number.
        EXPECT_EQ(*resent.bytes, *original.bytes);
    }
    const Counters d = Counters::now().since(before);
    EXPECT_EQ(d.received, 2u);
    EXPECT_EQ(d.retransmitted, 2u);
    EXPECT_EQ(d.unanswered, 0u);
}

TEST_F(ConsumerNackTest, IgnoresSequenceNumbersNeverSent) {
    sendFromP1(5);
    const Counters before = Counters::now();
    nack({1999, 2005, 2100});  // before the first packet, not yet sent, far ahead
    EXPECT_EQ(subscriber.rtpSent().size(), 5u);
    const Counters d = Counters::now().since(before);
    EXPECT_EQ(d.received, 3u);
    EXPECT_EQ(d.retransmitted, 0u);
    EXPECT_EQ(d.unanswered, 3u);
}

TEST_F(ConsumerNackTest, TooOldPacketsAreNotResent) {
    sendFromP1(3);
    now += 1'500'000;  // older than any decoder would still wait for
    const Counters before = Counters::now();
    nack({2001});
    EXPECT_EQ(subscriber.rtpSent().size(), 3u);
    const Counters d = Counters::now().since(before);
    EXPECT_EQ(d.received, 1u);
    EXPECT_EQ(d.retransmitted, 0u);
    EXPECT_EQ(d.unanswered, 1u);
}

TEST_F(ConsumerNackTest, PacketsOverwrittenInTheBufferAreNotResent) {
    // 600 packets 1 ms apart: the 512-slot buffer has recycled the first slots, all are < 1 s old.
    for (uint16_t i = 0; i < 600; ++i) {
        now += 1'000;
        deliver(p1,
                {96,
                 static_cast<uint16_t>(100 + i),
                 900u * i,
                 kPub1Ssrc,
                 false,
                 {},
                 i == 0 ? vp8KeyFrame(1) : vp8DeltaFrame(static_cast<uint8_t>(i))},
                now);
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 600u);
    const Counters before = Counters::now();
    nack({2000, 2050, 2599});
    ASSERT_EQ(subscriber.rtpSent().size(), 601u) << "only the recent packet is still buffered";
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2599);
    EXPECT_EQ(subscriber.lastRtp().payload(), subscriber.rtpAt(599).payload());
    const Counters d = Counters::now().since(before);
    EXPECT_EQ(d.received, 3u);
    EXPECT_EQ(d.retransmitted, 1u);
    EXPECT_EQ(d.unanswered, 2u);
}

TEST_F(ConsumerNackTest, PacketsFromBeforeASwitchAreNotResent) {
    sendFromP1(4);  // out 2000..2003
    now += 50'000;
    consumer->setProducer(&p2, now);

    // While waiting for the new key frame nothing is answered.
    Counters before = Counters::now();
    nack({2002});
    EXPECT_EQ(subscriber.rtpSent().size(), 4u);
    EXPECT_EQ(Counters::now().since(before).unanswered, 1u);

    // p2's packet 4999 lands in p2's buffer but is not forwarded (no key frame yet); the key
    // frame 5000 becomes out 2004. Out 2003 maps to p2's 4999 under the new offsets: resending it
    // would put a packet the subscriber never had under another packet's number.
    now += 1'000;
    deliver(p2, {96, 4999, 1'000'000, kPub2Ssrc, false, {}, vp8DeltaFrame(40)}, now);
    now += 1'000;
    deliver(p2, {96, 5000, 1'003'000, kPub2Ssrc, false, {}, vp8KeyFrame(41)}, now);
    ASSERT_EQ(subscriber.rtpSent().size(), 5u);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2004);

    before = Counters::now();
    nack({2003, 2001, 2004});
    ASSERT_EQ(subscriber.rtpSent().size(), 6u);
    OwnedRtp resent = subscriber.lastRtp();
    EXPECT_EQ(resent->sequenceNumber(), 2004);
    EXPECT_EQ(resent.payload(), vp8KeyFrame(41));
    const Counters d = Counters::now().since(before);
    EXPECT_EQ(d.received, 3u);
    EXPECT_EQ(d.retransmitted, 1u);
    EXPECT_EQ(d.unanswered, 2u);
}

TEST_F(ConsumerNackTest, AnsweredLateInALongStream) {
    // After more than 2^15 packets in one epoch, recent packets must still be retransmittable.
    for (uint32_t i = 0; i < 40000; ++i) {
        now += 1'000;
        deliver(p1,
                {96,
                 static_cast<uint16_t>(100 + i),
                 90u * i,
                 kPub1Ssrc,
                 false,
                 {},
                 i == 0 ? vp8KeyFrame(1) : vp8DeltaFrame(static_cast<uint8_t>(i))},
                now);
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 40000u);
    const Counters before = Counters::now();
    const uint16_t recent = static_cast<uint16_t>(2000 + 39990);
    consumer->receiveNack(std::span<const uint16_t>(&recent, 1), now);
    ASSERT_EQ(subscriber.rtpSent().size(), 40001u);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), recent);
    EXPECT_EQ(subscriber.lastRtp().payload(), subscriber.rtpAt(39990).payload());
    EXPECT_EQ(Counters::now().since(before).retransmitted, 1u);
}

TEST_F(ConsumerNackTest, NackDisabledOrAudioIsNotAnswered) {
    RecordingSink sub2{9};
    ConsumerOptions co = videoConsumer(kOutSsrc + 1);
    co.id = "no-nack";
    co.nack = false;
    Consumer noNack(co, sub2, wiring, 10, 10);
    wiring.add(noNack);
    noNack.setProducer(&p1, now);
    sendFromP1(3);
    ASSERT_EQ(sub2.rtpSent().size(), 3u);
    Counters before = Counters::now();
    const uint64_t notNegotiatedBefore = Metrics::instance().nacksRefusedNotNegotiated.load();
    std::array<uint16_t, 1> lost{11};
    noNack.receiveNack(lost, now);
    EXPECT_EQ(sub2.rtpSent().size(), 3u);
    // Counted as a refusal (nothing was promised), not as a repair the server owed.
    EXPECT_EQ(Counters::now().since(before).unanswered, 0u);
    EXPECT_EQ(Metrics::instance().nacksRefusedNotNegotiated.load() - notNegotiatedBefore, 1u);

    // Audio producers keep no retransmission buffer.
    RecordingSink pubA{7}, subA{8};
    Producer audio(opusProducer("a", 0xA0A0), pubA, wiring);
    Consumer audioConsumerObj(audioConsumer(0xB0B0), subA, wiring, 50, 0);
    wiring.add(audioConsumerObj);
    audioConsumerObj.setProducer(&audio, now);
    deliver(audio, {111, 1, 0, 0xA0A0, false, {}, opusFrame(1)}, now);
    ASSERT_EQ(subA.rtpSent().size(), 1u);
    before = Counters::now();
    std::array<uint16_t, 1> lostA{50};
    audioConsumerObj.receiveNack(lostA, now);
    EXPECT_EQ(subA.rtpSent().size(), 1u);
    EXPECT_EQ(Counters::now().since(before).unanswered, 1u);
}

TEST(RetransmissionBufferTest, FindsByExactSequenceAndAge) {
    RetransmissionBuffer buffer(8);
    std::vector<Bytes> storage;
    for (uint16_t seq = 65530; seq != 4; ++seq) {
        storage.push_back(
            buildRtp({96, seq, seq * 10u, 0x42, false, {}, {1, 2, static_cast<uint8_t>(seq)}}));
        rtp::RtpPacket p;
        ASSERT_TRUE(rtp::RtpPacket::parse(storage.back().data(), storage.back().size(), p));
        buffer.store(p, 1000 + seq % 100);
    }
    rtp::RtpPacket found;
    // 65530..3 is 10 packets in 8 slots: 65530 and 65531 were overwritten by 2 and 3.
    EXPECT_FALSE(buffer.find(65530, 2000, 1'000'000, found));
    EXPECT_FALSE(buffer.find(65531, 2000, 1'000'000, found));
    ASSERT_TRUE(buffer.find(65535, 2000, 1'000'000, found));
    EXPECT_EQ(found.sequenceNumber(), 65535);
    EXPECT_EQ(found.payload()[2], static_cast<uint8_t>(65535));
    ASSERT_TRUE(buffer.find(3, 2000, 1'000'000, found));
    EXPECT_EQ(found.timestamp(), 30u);
    EXPECT_FALSE(buffer.find(4, 2000, 1'000'000, found)) << "never stored";
    EXPECT_FALSE(buffer.find(3, 2'000'000, 1'000'000, found)) << "too old";
    // Oversized packets are not stored (and do not corrupt a slot).
    Bytes big = buildRtp({96, 5, 0, 0x42, false, {}, Bytes(RetransmissionBuffer::kSlotSize, 0xEE)});
    rtp::RtpPacket bp;
    ASSERT_TRUE(rtp::RtpPacket::parse(big.data(), big.size(), bp));
    buffer.store(bp, 2000);
    EXPECT_FALSE(buffer.find(5, 2000, 1'000'000, found));
    ASSERT_TRUE(buffer.find(65533, 2000, 1'000'000, found));
    EXPECT_EQ(found.payload().size(), 3u);
}

}  // namespace
}  // namespace vcb::sfu::test
