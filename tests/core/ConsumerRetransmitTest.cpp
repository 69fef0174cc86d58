// Retransmissions under real SRTP: one (SSRC, sequence number) is one AES-GCM nonce, so every
// packet sealed under it must be the same bytes. And the bounds on what NACKs may cost.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <map>
#include <numeric>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtcpReportBlock.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x11110000;
constexpr uint32_t kOutSsrc = 0x33330000;
constexpr int64_t kT0 = 50'000'000;
constexpr uint16_t kFirstOut = 2000;

// Seals every packet with a real AES-128-GCM SRTP session (as WebRtcTransport does) and records
// the ciphertext per (SSRC, sequence number). Sealing one of them over different bytes is the
// nonce reuse that gives away the GCM authentication key: the test fails on the spot.
class SealingSink final : public PacketSink {
  public:
    static constexpr auto kProfile = dtls::SrtpProfile::AeadAes128Gcm;
    static Bytes keySalt() {
        Bytes k(dtls::srtpMasterKeyLength(kProfile) + dtls::srtpMasterSaltLength(kProfile));
        std::iota(k.begin(), k.end(), uint8_t{7});
        return k;
    }
    // The subscriber's side of the same keys: what it can decrypt.
    static std::unique_ptr<dtls::SrtpSession> receiver() {
        const Bytes k = keySalt();
        std::string error;
        auto r = dtls::SrtpSession::create(kProfile, dtls::SrtpSession::Direction::Inbound,
                                           k.data(), k.size(), &error);
        EXPECT_TRUE(r) << error;
        return r;
    }

    SealingSink() {
        const Bytes k = keySalt();
        std::string error;
        srtp_ = dtls::SrtpSession::create(kProfile, dtls::SrtpSession::Direction::Outbound,
                                          k.data(), k.size(), &error);
        EXPECT_TRUE(srtp_) << error;
    }

    bool sendRtp(uint8_t* buf, size_t len, size_t capacity) override {
        rtp::RtpPacket p;
        if (!rtp::RtpPacket::parse(buf, len, p)) {
            ADD_FAILURE() << "unparseable RTP handed to the transport";
            return false;
        }
        const uint64_t nonce = (uint64_t{p.ssrc()} << 16) | p.sequenceNumber();
        Bytes plain(buf, buf + len);
        if (srtp_->protectRtp(buf, len, capacity) != dtls::SrtpSession::Status::Ok) {
            ADD_FAILURE() << "srtp_protect refused seq " << p.sequenceNumber();
            return false;
        }
        Bytes sealed(buf, buf + len);
        wire_.push_back(sealed);
        auto [it, fresh] = sealed_.emplace(nonce, sealed);
        if (!fresh) {
            ++resealed_;
            if (it->second != sealed) {
                ++nonceReuses_;
                ADD_FAILURE() << "SSRC " << p.ssrc() << " seq " << p.sequenceNumber()
                              << " sealed twice over different bytes (AES-GCM nonce reuse)";
            }
        }
        plain_.push_back(std::move(plain));
        return true;
    }
    bool sendRtcp(uint8_t*, size_t, size_t) override { return true; }
    uint16_t nextTransportSequence() override { return ++transportSequence_; }
    uint32_t rtcpSsrc() const override { return 0x5EED0003; }

    size_t packets() const { return plain_.size(); }
    size_t resealed() const { return resealed_; }
    size_t nonceReuses() const { return nonceReuses_; }
    OwnedRtp at(size_t i) const { return OwnedRtp(plain_.at(i)); }
    OwnedRtp last() const { return OwnedRtp(plain_.back()); }
    const std::vector<Bytes>& wire() const { return wire_; }  // SRTP packets, in sending order
    size_t bytesSince(size_t first) const {
        size_t n = 0;
        for (size_t i = first; i < plain_.size(); ++i) n += plain_[i].size();
        return n;
    }

  private:
    std::unique_ptr<dtls::SrtpSession> srtp_;
    std::map<uint64_t, Bytes> sealed_;
    std::vector<Bytes> plain_;
    std::vector<Bytes> wire_;
    size_t resealed_ = 0;
    size_t nonceReuses_ = 0;
    uint16_t transportSequence_ = 0;
};

struct NackCounters {
    uint64_t retransmitted, unanswered, duplicate, recent, budget, cap, repeats, notNegotiated;
    static NackCounters now() {
        auto& m = Metrics::instance();
        return {m.rtpRetransmitted.load(),      m.nacksUnanswered.load(),
                m.nacksRefusedDuplicate.load(), m.nacksRefusedRecent.load(),
                m.nacksRefusedBudget.load(),    m.nacksRefusedCap.load(),
                m.rtpRepeatsDropped.load(),     m.nacksRefusedNotNegotiated.load()};
    }
    NackCounters since(const NackCounters& b) const {
        return {retransmitted - b.retransmitted,
                unanswered - b.unanswered,
                duplicate - b.duplicate,
                recent - b.recent,
                budget - b.budget,
                cap - b.cap,
                repeats - b.repeats,
                notNegotiated - b.notNegotiated};
    }
};

Bytes bigDelta(uint8_t tag, size_t size = 1000) {
    Bytes b = vp8DeltaFrame(tag);
    b.resize(size, tag);
    return b;
}

class ConsumerRetransmitTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ConsumerOptions co = videoConsumer(kOutSsrc);
        // The per-hop elements written fresh for every new packet: a retransmission must repeat
        // the values of the original, not write new ones.
        co.extensions.mid = 1;
        co.extensions.absSendTime = 2;
        co.extensions.transportCc = 3;
        consumer = std::make_unique<Consumer>(co, subscriber, wiring, kFirstOut, 70000);
        wiring.add(*consumer);
        consumer->setProducer(&producer, now);
    }

    // Publisher packets in[i] = 100 + i, out = 2000 + i, `gapUs` apart; the first is a key frame.
    void publish(uint16_t count, int64_t gapUs = 10'000, size_t size = 200) {
        for (uint16_t k = 0; k < count; ++k, ++published) {
            now += gapUs;
            const uint16_t i = published;
            deliver(producer,
                    {96,
                     static_cast<uint16_t>(100 + i),
                     900u * i,
                     kPubSsrc,
                     i % 3 == 2,
                     {},
                     i == 0 ? vp8KeyFrame(1) : bigDelta(static_cast<uint8_t>(i), size)},
                    now);
        }
    }

    void nack(const std::vector<uint16_t>& seqs) { consumer->receiveNack(seqs, now); }

    static std::vector<uint16_t> range(uint16_t first, uint16_t count) {
        std::vector<uint16_t> v(count);
        std::iota(v.begin(), v.end(), first);
        return v;
    }

    RecordingSink publisher{1};
    SealingSink subscriber;
    Wiring wiring;
    Producer producer{vp8Producer("p", kPubSsrc, 96), publisher, wiring};
    std::unique_ptr<Consumer> consumer;
    int64_t now = kT0;
    uint16_t published = 0;
};

TEST_F(ConsumerRetransmitTest, RetransmissionsAreByteIdenticalUnderRealSrtp) {
    publish(30);
    ASSERT_EQ(subscriber.packets(), 30u);
    const NackCounters before = NackCounters::now();
    // Later NACKs for the same and other packets, each at another abs-send-time and after other
    // packets took fresh transport-wide sequence numbers.
    now += 5'000;
    nack({2003, 2007});
    now += 40'000;
    nack({2003, 2010});
    publish(10);
    now += 40'000;
    nack({2005, 2007, 2035});
    const NackCounters d = NackCounters::now().since(before);
    EXPECT_EQ(d.retransmitted, 7u);
    EXPECT_EQ(subscriber.resealed(), 7u) << "every retransmission is a second sealing";
    EXPECT_EQ(subscriber.nonceReuses(), 0u);
    // And the subscriber really got the packet back: the original payload under its number.
    OwnedRtp resent = subscriber.last();
    EXPECT_EQ(resent->sequenceNumber(), 2035);
    EXPECT_EQ(resent.payload(), bigDelta(35, 200));
}

TEST_F(ConsumerRetransmitTest, DuplicateFromThePublisherIsNeverSealedAgain) {
    publish(10);
    ASSERT_EQ(subscriber.packets(), 10u);
    const NackCounters before = NackCounters::now();
    // A duplicate of in 105 (out 2005), with other bytes: a hostile or broken publisher, or the
    // network duplicating a packet (then the bytes are equal but the hop's extensions are not).
    now += 3'000;
    deliver(producer, {96, 105, 900u * 5, kPubSsrc, false, {}, bigDelta(0xEE, 200)}, now);
    now += 3'000;
    deliver(producer, {96, 106, 900u * 6, kPubSsrc, false, {}, bigDelta(6, 200)}, now);
    EXPECT_EQ(subscriber.packets(), 10u) << "duplicates are not forwarded";
    EXPECT_EQ(NackCounters::now().since(before).repeats, 2u);
    publish(2);
    ASSERT_EQ(subscriber.packets(), 12u);

    // The retransmission repeats what went out first, not the last copy the publisher sent.
    now += 30'000;
    nack({2005});
    ASSERT_EQ(subscriber.packets(), 13u);
    EXPECT_EQ(subscriber.last().payload(), bigDelta(5, 200));
    EXPECT_EQ(subscriber.nonceReuses(), 0u);
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 1u);
}

TEST_F(ConsumerRetransmitTest, DuplicatesInOneNackAreResentOnce) {
    publish(20);
    const NackCounters before = NackCounters::now();
    now += 5'000;
    nack({2004, 2004, 2006, 2004, 2006, 2008});
    EXPECT_EQ(subscriber.packets(), 23u);
    const NackCounters d = NackCounters::now().since(before);
    EXPECT_EQ(d.retransmitted, 3u);
    EXPECT_EQ(d.duplicate, 3u);
}

TEST_F(ConsumerRetransmitTest, APacketIsResentAtMostOncePerInterval) {
    publish(20);
    const NackCounters before = NackCounters::now();
    now += 5'000;
    nack({2004});
    now += Consumer::kDefaultResendIntervalUs - 1'000;  // no RTT known yet: the default
    nack({2004});
    nack({2004});
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 1u);
    EXPECT_EQ(NackCounters::now().since(before).recent, 2u);
    now += 1'000;
    nack({2004});
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 2u) << "asked again an RTT later";
}

TEST_F(ConsumerRetransmitTest, ResendIntervalFollowsTheMeasuredRtt) {
    publish(20);
    std::array<uint8_t, 256> buf{};
    const uint64_t ntp = 0xE1234567'89ABCDEFull;
    ASSERT_GT(consumer->writeSenderReport(buf.data(), buf.size(), ntp, now), 0u);
    EXPECT_EQ(consumer->rttUs(), -1);
    // The subscriber answers 60 ms later, having held the SR for 10 ms: RTT 50 ms.
    rtp::ReportBlock block;
    block.ssrc = kOutSsrc;
    block.lastSr = static_cast<uint32_t>(ntp >> 16);
    block.delaySinceLastSr = 65536 / 100;
    now += 60'000;
    consumer->receiveReportBlock(block, now);
    EXPECT_NEAR(static_cast<double>(consumer->rttUs()), 50'000, 100);
    // A block about another SR we never sent says nothing.
    rtp::ReportBlock bogus = block;
    bogus.lastSr ^= 0x10000;
    consumer->receiveReportBlock(bogus, now + 1'000'000);
    EXPECT_NEAR(static_cast<double>(consumer->rttUs()), 50'000, 100);

    const NackCounters before = NackCounters::now();
    nack({2010});
    now += 30'000;  // past the default interval, within the RTT
    nack({2010});
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 1u);
    now += 25'000;
    nack({2010});
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 2u);
}

// webrtcbin viewers NACK Opus although the SFU negotiates nack for video only: those are counted
// apart, so vcb_nacks_unanswered_total keeps meaning "a repair we owed and could not make".
TEST_F(ConsumerRetransmitTest, NackWithoutNegotiationIsCountedApartAndNotAnswered) {
    ConsumerOptions co = videoConsumer(kOutSsrc + 1);
    co.nack = false;
    SealingSink other;
    Consumer plain(co, other, wiring, kFirstOut, 70000);
    wiring.add(plain);
    plain.setProducer(&producer, now);
    publish(10);
    ASSERT_EQ(other.packets(), 10u);
    const NackCounters before = NackCounters::now();
    now += 5'000;
    plain.receiveNack(std::vector<uint16_t>{2002, 2003, 2004}, now);
    const NackCounters d = NackCounters::now().since(before);
    EXPECT_EQ(d.notNegotiated, 3u);
    EXPECT_EQ(d.unanswered, 0u);
    EXPECT_EQ(d.retransmitted, 0u);
    EXPECT_EQ(other.packets(), 10u);
}

TEST_F(ConsumerRetransmitTest, NackListIsCappedPerMessage) {
    publish(300, 2'000);
    const NackCounters before = NackCounters::now();
    now += 1'000;
    nack(range(2000, 256));
    const NackCounters d = NackCounters::now().since(before);
    EXPECT_EQ(d.cap, 256u - Consumer::kMaxNackSeqsPerMessage);
    EXPECT_EQ(d.retransmitted + d.budget + d.unanswered, Consumer::kMaxNackSeqsPerMessage);
    EXPECT_GT(d.retransmitted, 0u);
}

// A subscriber NACKing everything it ever got, every 25 ms (past the resend interval), for 2 s
// while 1000-byte packets flow at 100 per second: retransmissions stay within half the bytes sent
// plus the burst allowance, and what is refused is counted.
TEST_F(ConsumerRetransmitTest, NackFloodIsBoundedByTheBudget) {
    publish(100, 10'000, 1000);
    const NackCounters before = NackCounters::now();
    size_t forwarded = 0;
    for (int round = 0; round < 80; ++round) {
        const size_t was = subscriber.packets();
        publish(2, 12'500, 1000);  // 25 ms
        forwarded += subscriber.packets() - was;
        const uint16_t newest = static_cast<uint16_t>(kFirstOut + published - 1);
        for (uint16_t first = static_cast<uint16_t>(newest - 300); first != newest + 1;) {
            const uint16_t n = std::min<uint16_t>(100, static_cast<uint16_t>(newest + 1 - first));
            nack(range(first, n));
            first = static_cast<uint16_t>(first + n);
        }
    }
    const NackCounters d = NackCounters::now().since(before);
    std::printf("[ FLOOD    ] %zu forwarded, %llu resent; refused: budget %llu, recent %llu\n",
                forwarded, static_cast<unsigned long long>(d.retransmitted),
                static_cast<unsigned long long>(d.budget),
                static_cast<unsigned long long>(d.recent));
    // Packets are ~1030 bytes with their headers; 1100 leaves room. The bucket starts at most
    // half the previous second's bytes deep (100 packets) and earns half of each one forwarded.
    const double depth =
        std::max<double>(Consumer::kNackBurstFloorBytes, Consumer::kNackBudgetShare * 100 * 1100);
    const double allowed =
        depth + Consumer::kNackBudgetShare * static_cast<double>(forwarded) * 1100;
    EXPECT_LE(static_cast<double>(d.retransmitted) * 1000, allowed);
    EXPECT_GT(d.retransmitted, 40u) << "the budget must still pay for some retransmissions";
    EXPECT_GT(d.budget, 1000u);
    EXPECT_EQ(subscriber.nonceReuses(), 0u);
}

// RTX (RFC 4588) negotiated with the subscriber: a NACKed packet comes back on the RTX SSRC.
class ConsumerRtxTest : public ConsumerRetransmitTest {
  protected:
    static constexpr uint32_t kRtxSsrc = 0x44440000;
    static constexpr uint8_t kRtxPt = 101;
    static constexpr uint16_t kFirstRtxSeq = 65534;  // wraps within the test

    void SetUp() override {
        ConsumerOptions co = videoConsumer(kOutSsrc);
        co.extensions.mid = 1;
        co.extensions.absSendTime = 2;
        co.extensions.transportCc = 3;
        co.rtxSsrc = kRtxSsrc;
        for (auto& c : co.codecs) {
            if (c.name == "vp8") c.rtxPayloadType = kRtxPt;
        }
        consumer =
            std::make_unique<Consumer>(co, subscriber, wiring, kFirstOut, 70000, kFirstRtxSeq);
        wiring.add(*consumer);
        consumer->setProducer(&producer, now);
    }

    // Decrypts everything the subscriber got, in order, as the subscriber would.
    std::vector<Bytes> received() {
        auto rx = SealingSink::receiver();
        std::vector<Bytes> out;
        for (Bytes b : subscriber.wire()) {
            size_t len = b.size();
            EXPECT_EQ(rx->unprotectRtp(b.data(), len), dtls::SrtpSession::Status::Ok)
                << "packet " << out.size() << " does not decrypt for the subscriber";
            b.resize(len);
            out.push_back(std::move(b));
        }
        return out;
    }
};

TEST_F(ConsumerRtxTest, NackedPacketsComeBackAsRtxUnderRealSrtp) {
    ASSERT_TRUE(consumer->sendsRtx());
    publish(30);
    ASSERT_EQ(subscriber.packets(), 30u);
    const uint64_t rtxBefore = Metrics::instance().rtpRetransmittedRtx.load();
    const NackCounters before = NackCounters::now();
    now += 5'000;
    nack({2003, 2007});
    now += 40'000;
    nack({2003, 2010});  // 2003 again, past the resend interval: a second RTX packet
    publish(5);
    now += 40'000;
    nack({2032});
    EXPECT_EQ(NackCounters::now().since(before).retransmitted, 5u);
    EXPECT_EQ(Metrics::instance().rtpRetransmittedRtx.load() - rtxBefore, 5u);
    EXPECT_EQ(subscriber.resealed(), 0u) << "no (SSRC, seq) may be sealed twice with RTX";
    EXPECT_EQ(subscriber.nonceReuses(), 0u);

    const std::vector<Bytes> got = received();
    ASSERT_EQ(got.size(), 40u);
    std::map<uint16_t, size_t> media;  // outgoing seq -> index of the original
    std::vector<size_t> rtx;
    for (size_t i = 0; i < got.size(); ++i) {
        OwnedRtp p(got[i]);
        ASSERT_TRUE(p.ok);
        if (p->ssrc() == kOutSsrc) {
            media[p->sequenceNumber()] = i;
        } else {
            ASSERT_EQ(p->ssrc(), kRtxSsrc);
            rtx.push_back(i);
        }
    }
    ASSERT_EQ(rtx.size(), 5u);
    const uint16_t expectedOsn[] = {2003, 2007, 2003, 2010, 2032};
    for (size_t k = 0; k < rtx.size(); ++k) {
        OwnedRtp r(got[rtx[k]]);
        EXPECT_EQ(r->payloadType(), kRtxPt);
        EXPECT_EQ(r->sequenceNumber(), static_cast<uint16_t>(kFirstRtxSeq + k)) << "own sequence";
        const Bytes payload = r.payload();
        ASSERT_GE(payload.size(), 2u);
        const uint16_t osn = static_cast<uint16_t>(payload[0] << 8 | payload[1]);
        EXPECT_EQ(osn, expectedOsn[k]) << "OSN is the sequence number the subscriber saw";
        ASSERT_EQ(media.count(osn), 1u);
        OwnedRtp original(got[media[osn]]);
        EXPECT_EQ(Bytes(payload.begin() + 2, payload.end()), original.payload());
        EXPECT_EQ(r->timestamp(), original->timestamp());
        EXPECT_EQ(r->marker(), original->marker());
        EXPECT_EQ(r.extension(1), original.extension(1)) << "mid";
        // A new packet on the wire: its own transport-wide sequence number.
        EXPECT_NE(r.extension(3), original.extension(3));
    }
}

TEST_F(ConsumerRtxTest, LimitsApplyToRtxToo) {
    publish(20);
    const NackCounters before = NackCounters::now();
    now += 5'000;
    nack({2004, 2004, 2006});
    nack({2004});  // within the resend interval
    nack({2999});  // never sent
    const NackCounters d = NackCounters::now().since(before);
    EXPECT_EQ(d.retransmitted, 2u);
    EXPECT_EQ(d.duplicate, 1u);
    EXPECT_EQ(d.recent, 1u);
    EXPECT_EQ(d.unanswered, 1u);
    EXPECT_EQ(subscriber.packets(), 22u);
}

// A source whose codec has no RTX pairing with this subscriber is repaired the plain way.
TEST_F(ConsumerRtxTest, WithoutRtxForTheCodecRetransmissionIsPlain) {
    ConsumerOptions co = videoConsumer(kOutSsrc + 1);
    co.rtxSsrc = kRtxSsrc + 1;  // but no codec has an RTX payload type
    SealingSink other;
    Consumer plain(co, other, wiring, kFirstOut, 70000);
    wiring.add(plain);
    plain.setProducer(&producer, now);
    EXPECT_FALSE(plain.sendsRtx());
    publish(10);
    now += 5'000;
    plain.receiveNack(std::vector<uint16_t>{2004}, now);
    ASSERT_EQ(other.packets(), 11u);
    EXPECT_EQ(other.last()->ssrc(), kOutSsrc + 1);
    EXPECT_EQ(other.last()->sequenceNumber(), 2004);
    EXPECT_EQ(other.resealed(), 1u);
    EXPECT_EQ(other.nonceReuses(), 0u);
}

}  // namespace
}  // namespace vcb::sfu::test
