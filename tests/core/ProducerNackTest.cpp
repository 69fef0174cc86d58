// Loss on a publisher's uplink: the Producer NACKs it on the publisher's sink, and the repaired
// packet, arriving late, is buffered and forwarded so the subscribers' own NACKs are answered.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x11110000;
constexpr uint32_t kOutSsrc = 0x33330000;
constexpr uint32_t kServerRtcpSsrc = 0x5EED0009;
constexpr int64_t kT0 = 30'000'000;

struct Nack {
    uint32_t senderSsrc = 0;
    uint32_t mediaSsrc = 0;
    std::vector<uint16_t> lost;
};

// Every generic NACK in the RTCP the publisher was sent.
std::vector<Nack> nacksIn(const RecordingSink& sink) {
    std::vector<Nack> out;
    for (const Bytes& datagram : sink.rtcpSent()) {
        rtp::RtcpCompoundIterator it(datagram.data(), datagram.size());
        rtp::RtcpHeader header;
        for (int i = 0; i < 16 && it.next(header); ++i) {
            if (header.packetType() != rtp::rtcp::kRtpFeedback ||
                header.count() != rtp::rtcp::kFmtGenericNack)
                continue;
            rtp::RtcpGenericNack nack;
            if (!rtp::RtcpGenericNack::parse(header, nack)) {
                ADD_FAILURE() << "unparsable NACK";
                continue;
            }
            std::array<uint16_t, 256> lost{};
            size_t n = nack.lostSequenceNumbers(lost);
            out.push_back({nack.senderSsrc(), nack.mediaSsrc(), {lost.begin(), lost.begin() + n}});
        }
        EXPECT_FALSE(it.malformed());
    }
    return out;
}

std::vector<uint16_t> allNacked(const RecordingSink& sink) {
    std::vector<uint16_t> all;
    for (const Nack& n : nacksIn(sink)) all.insert(all.end(), n.lost.begin(), n.lost.end());
    return all;
}

class ProducerNackTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ProducerOptions po = vp8Producer("p", kPubSsrc);
        po.nack = true;
        producer = std::make_unique<Producer>(po, publisher, wiring);
        consumer =
            std::make_unique<Consumer>(videoConsumer(kOutSsrc), subscriber, wiring, 2000, 70000);
        wiring.add(*consumer);
        consumer->setProducer(producer.get(), now);
        publisher.clear();
    }

    // Packet number i of the stream (seq 100 + i), the first a key frame, 10 ms apart.
    void send(uint16_t i) {
        deliver(*producer,
                {96, static_cast<uint16_t>(100 + i), 900u * i, kPubSsrc, false, {}, payload(i)},
                now);
    }
    static Bytes payload(uint16_t i) {
        return i == 0 ? vp8KeyFrame(7) : vp8DeltaFrame(static_cast<uint8_t>(i));
    }
    void sendRange(uint16_t from, uint16_t to, uint16_t skip, int64_t stepUs = 10'000) {
        for (uint16_t i = from; i < to; ++i) {
            now += stepUs;
            if (i != skip) send(i);
        }
    }

    RecordingSink publisher{kServerRtcpSsrc}, subscriber{3};
    Wiring wiring;
    std::unique_ptr<Producer> producer;
    std::unique_ptr<Consumer> consumer;
    int64_t now = kT0;
};

TEST_F(ProducerNackTest, LossIsNackedAndTheRepairReachesTheSubscriber) {
    auto& m = Metrics::instance();
    const uint64_t nacksBefore = m.nacksSent.load();
    const uint64_t repairedBefore = m.packetsRepaired.load();
    sendRange(0, 6, 3);  // seq 103 lost on the uplink
    ASSERT_EQ(subscriber.rtpSent().size(), 5u);

    // The gap is NACKed at once, to the publisher, for its SSRC.
    std::vector<Nack> nacks = nacksIn(publisher);
    ASSERT_EQ(nacks.size(), 1u);
    EXPECT_EQ(nacks[0].senderSsrc, kServerRtcpSsrc);
    EXPECT_EQ(nacks[0].mediaSsrc, kPubSsrc);
    EXPECT_EQ(nacks[0].lost, (std::vector<uint16_t>{103}));
    EXPECT_EQ(m.nacksSent.load() - nacksBefore, 1u);

    // The publisher resends 103 on its media SSRC: forwarded, in its place in the numbering.
    now += 30'000;
    send(3);
    ASSERT_EQ(subscriber.rtpSent().size(), 6u);
    OwnedRtp repaired = subscriber.lastRtp();
    ASSERT_TRUE(repaired.ok);
    EXPECT_EQ(repaired->ssrc(), kOutSsrc);
    EXPECT_EQ(repaired->sequenceNumber(), 2003);
    EXPECT_EQ(repaired.payload(), payload(3));
    EXPECT_EQ(m.packetsRepaired.load() - repairedBefore, 1u);
    EXPECT_EQ(producer->nackGenerator()->missingCount(), 0u);

    // A subscriber that lost it as well is answered from the buffer.
    const uint64_t retransmittedBefore = m.rtpRetransmitted.load();
    std::vector<uint16_t> lost{2003};
    consumer->receiveNack(lost, now);
    ASSERT_EQ(subscriber.rtpSent().size(), 7u);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2003);
    EXPECT_EQ(subscriber.lastRtp().payload(), payload(3));
    EXPECT_EQ(m.rtpRetransmitted.load() - retransmittedBefore, 1u);

    // Nothing left to ask for.
    now += 500'000;
    EXPECT_EQ(producer->sendNacks(now), 0u);
    EXPECT_TRUE(nacksIn(publisher).size() == 1u);
}

TEST_F(ProducerNackTest, UnansweredNackIsRepeatedOnTheTimerThenGivenUp) {
    auto& m = Metrics::instance();
    const uint64_t givenUpBefore = m.packetsGivenUp.load();
    sendRange(0, 4, 2);
    ASSERT_EQ(allNacked(publisher), (std::vector<uint16_t>{102}));
    // Not due again within a round trip (100 ms before any is measured).
    now += 20'000;
    EXPECT_EQ(producer->sendNacks(now), 0u);
    now += NackGenerator::kDefaultRttUs;
    EXPECT_EQ(producer->sendNacks(now), 1u);
    EXPECT_EQ(allNacked(publisher), (std::vector<uint16_t>{102, 102}));
    // The timer keeps asking until the tries are used up.
    for (int i = 0; i < 60; ++i) {
        now += 20'000;
        producer->sendNacks(now);
    }
    EXPECT_EQ(allNacked(publisher).size(), NackGenerator::kMaxTries);
    EXPECT_EQ(m.packetsGivenUp.load() - givenUpBefore, 1u);
}

TEST_F(ProducerNackTest, RepairFarBehindTheNewestPacketIsStillAccepted) {
    // At high bitrates an answer comes back hundreds of packets after the loss: more than the
    // receive statistics' reorder window (RFC 3550 A.1: 100).
    sendRange(0, 300, 1, 2'000);  // 500 packets/s
    ASSERT_EQ(allNacked(publisher), (std::vector<uint16_t>{101}));
    const size_t before = subscriber.rtpSent().size();
    now += 10'000;
    send(1);
    ASSERT_EQ(subscriber.rtpSent().size(), before + 1);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2001);
    // And the statistics counted it without losing their place.
    EXPECT_EQ(producer->packetsReceived(), 300u);
    now += 10'000;
    send(300);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2300);
}

TEST_F(ProducerNackTest, RtxRepairIsUnwrappedAndOnlyUsedWhenAwaited) {
    constexpr uint32_t kRtxSsrc = 0x11110001;
    ProducerOptions po = vp8Producer("rtx", kPubSsrc);
    po.nack = true;
    po.rtxPayloadType = 97;
    po.rtxSsrc = kRtxSsrc;
    RecordingSink rtxPublisher{kServerRtcpSsrc}, rtxSubscriber{4};
    Producer p(po, rtxPublisher, wiring);
    ConsumerOptions co = videoConsumer(kOutSsrc);
    co.id = "c-rtx";
    Consumer c(co, rtxSubscriber, wiring, 2000, 70000);
    wiring.add(c);
    c.setProducer(&p, now);
    for (uint16_t i : {0, 1, 2, 4}) {
        now += 10'000;
        deliver(p, {96, static_cast<uint16_t>(100 + i), 900u * i, kPubSsrc, false, {}, payload(i)},
                now);
    }
    ASSERT_EQ(allNacked(rtxPublisher), (std::vector<uint16_t>{103}));
    ASSERT_EQ(rtxSubscriber.rtpSent().size(), 4u);
    auto rtx = [&](uint16_t rtxSeq, uint16_t osn, Bytes original) {
        Bytes body{static_cast<uint8_t>(osn >> 8), static_cast<uint8_t>(osn)};
        body.insert(body.end(), original.begin(), original.end());
        now += 10'000;
        Bytes bytes = buildRtp({97, rtxSeq, 900u * 3, kRtxSsrc, false, {}, body});
        rtp::RtpPacket packet;
        ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
        p.receiveRtx(packet, now);
    };
    // RFC 4588: own SSRC, PT and numbering; the payload starts with the original seq.
    rtx(7000, 103, payload(3));
    ASSERT_EQ(rtxSubscriber.rtpSent().size(), 5u);
    OwnedRtp repaired = rtxSubscriber.lastRtp();
    ASSERT_TRUE(repaired.ok);
    EXPECT_EQ(repaired->ssrc(), kOutSsrc);
    EXPECT_EQ(repaired->sequenceNumber(), 2003);
    EXPECT_EQ(repaired->timestamp(), 70000u + 900u * 3);
    EXPECT_EQ(repaired->payloadType(), 100);
    EXPECT_EQ(repaired.payload(), payload(3));
    // Buffered under its original number for the subscribers' NACKs.
    rtp::RtpPacket stored;
    ASSERT_TRUE(p.findPacket(103, now, stored));
    EXPECT_EQ(stored.ssrc(), kPubSsrc);
    EXPECT_EQ(stored.payloadType(), 96);
    // A second copy (a bandwidth probe resending old packets) and a padding-only probe: dropped.
    rtx(7001, 103, payload(3));
    rtx(7002, 102, payload(2));
    rtx(7003, 104, {});
    EXPECT_EQ(rtxSubscriber.rtpSent().size(), 5u);
}

TEST_F(ProducerNackTest, RepairAWholeBufferBehindDoesNotEvictNewerPackets) {
    // 700 packets/s: the repair of 101 arrives 600 packets later, when 101's buffer slot (512
    // slots) holds 613.
    sendRange(0, 700, 1, 1'400);
    ASSERT_EQ(allNacked(publisher), (std::vector<uint16_t>{101}));
    const size_t before = subscriber.rtpSent().size();
    now += 1'400;
    send(1);
    // Not forwarded: its outgoing number is older than the Consumer's history ring, which can
    // no longer prove that number unused (sealing it again could reuse the SRTP nonce).
    ASSERT_EQ(subscriber.rtpSent().size(), before);
    std::vector<uint16_t> lost{2513};  // 613
    consumer->receiveNack(lost, now);
    ASSERT_EQ(subscriber.rtpSent().size(), before + 1);
    EXPECT_EQ(subscriber.lastRtp()->sequenceNumber(), 2513);
    EXPECT_EQ(subscriber.lastRtp().payload(), payload(513));
}

TEST_F(ProducerNackTest, NoNackWhenThePublisherDidNotNegotiateIt) {
    ProducerOptions po = vp8Producer("plain", kPubSsrc);
    ASSERT_FALSE(po.nack);
    RecordingSink plainPublisher{kServerRtcpSsrc};
    Producer plain(po, plainPublisher, wiring);
    for (uint16_t i : {0, 1, 5, 6}) {
        now += 10'000;
        deliver(plain,
                {96, static_cast<uint16_t>(100 + i), 900u * i, kPubSsrc, false, {}, payload(i)},
                now);
    }
    now += 200'000;
    EXPECT_EQ(plain.sendNacks(now), 0u);
    EXPECT_TRUE(nacksIn(plainPublisher).empty());
}

TEST_F(ProducerNackTest, AudioIsNeverNacked) {
    ProducerOptions po = opusProducer("audio", kPubSsrc);
    po.nack = true;
    RecordingSink audioPublisher{kServerRtcpSsrc};
    Producer audio(po, audioPublisher, wiring);
    for (uint16_t i : {0, 1, 5, 6}) {
        now += 20'000;
        deliver(audio,
                {111,
                 static_cast<uint16_t>(100 + i),
                 960u * i,
                 kPubSsrc,
                 false,
                 {},
                 opusFrame(static_cast<uint8_t>(i))},
                now);
    }
    now += 200'000;
    EXPECT_EQ(audio.sendNacks(now), 0u);
    EXPECT_TRUE(nacksIn(audioPublisher).empty());
}

}  // namespace
}  // namespace vcb::sfu::test
