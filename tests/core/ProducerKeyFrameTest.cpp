// Key-frame requests to the publisher: compound RR + PLI (or FIR), throttled per producer.
#include <gtest/gtest.h>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kMediaSsrc = 0xCAFE0001;
constexpr uint32_t kOurSsrc = 0x0DD0BEEF;
constexpr int64_t kT0 = 3'000'000;
constexpr int64_t kInterval = Producer::kKeyFrameRequestIntervalUs;

// The two packets of a compound key-frame request.
struct ParsedRequest {
    bool rrOk = false;
    uint32_t rrSsrc = 0;
    size_t rrBlocks = 99;
    uint8_t feedbackType = 0;
    uint8_t fmt = 0;
    rtp::RtcpPli pli;
    rtp::RtcpFir fir;
    bool feedbackOk = false;
    size_t packets = 0;
};

ParsedRequest parseRequest(const Bytes& bytes) {
    ParsedRequest r;
    EXPECT_TRUE(rtp::RtcpCompoundIterator::isValidCompound(bytes.data(), bytes.size()));
    rtp::RtcpCompoundIterator it(bytes.data(), bytes.size());
    rtp::RtcpHeader header;
    while (it.next(header) && r.packets < 8) {
        ++r.packets;
        if (r.packets == 1) {
            rtp::RtcpReceiverReport rr;
            r.rrOk = header.packetType() == rtp::rtcp::kReceiverReport &&
                     rtp::RtcpReceiverReport::parse(header, rr);
            if (r.rrOk) {
                r.rrSsrc = rr.ssrc();
                r.rrBlocks = rr.reportBlockCount();
            }
        } else if (r.packets == 2) {
            r.feedbackType = header.packetType();
            r.fmt = header.count();
            if (r.fmt == rtp::rtcp::kFmtPli) r.feedbackOk = rtp::RtcpPli::parse(header, r.pli);
            if (r.fmt == rtp::rtcp::kFmtFir) r.feedbackOk = rtp::RtcpFir::parse(header, r.fir);
        }
    }
    EXPECT_FALSE(it.malformed());
    return r;
}

class NullListener final : public Producer::Listener {
  public:
    void onProducerRtp(Producer&, const rtp::RtpPacket&, int64_t) override {}
};

TEST(ProducerKeyFrameTest, SendsCompoundRrAndPli) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, listener);
    const uint64_t sentBefore = Metrics::instance().keyFrameRequestsSent.load();

    EXPECT_TRUE(producer.requestKeyFrame(kT0));
    ASSERT_EQ(publisher.rtcpSent().size(), 1u);
    ParsedRequest r = parseRequest(publisher.rtcpSent()[0]);
    EXPECT_EQ(r.packets, 2u);
    EXPECT_TRUE(r.rrOk) << "compound RTCP starts with a report";
    EXPECT_EQ(r.rrSsrc, kOurSsrc);
    EXPECT_EQ(r.rrBlocks, 0u);
    EXPECT_EQ(r.feedbackType, rtp::rtcp::kPsFeedback);
    EXPECT_EQ(r.fmt, rtp::rtcp::kFmtPli);
    ASSERT_TRUE(r.feedbackOk);
    EXPECT_EQ(r.pli.senderSsrc(), kOurSsrc);
    EXPECT_EQ(r.pli.mediaSsrc(), kMediaSsrc);
    EXPECT_EQ(Metrics::instance().keyFrameRequestsSent.load() - sentBefore, 1u);
}

TEST(ProducerKeyFrameTest, ThrottlesABurstToOneRequestPerInterval) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, listener);
    const uint64_t sentBefore = Metrics::instance().keyFrameRequestsSent.load();

    EXPECT_TRUE(producer.requestKeyFrame(kT0));
    for (int64_t t = kT0 + 1'000; t < kT0 + kInterval; t += 7'000) {
        EXPECT_FALSE(producer.requestKeyFrame(t)) << "at +" << (t - kT0) << " us";
    }
    EXPECT_FALSE(producer.requestKeyFrame(kT0 + kInterval - 1));
    EXPECT_EQ(publisher.rtcpSent().size(), 1u);

    EXPECT_TRUE(producer.requestKeyFrame(kT0 + kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 2u);
    EXPECT_FALSE(producer.requestKeyFrame(kT0 + kInterval + 100));
    EXPECT_TRUE(producer.requestKeyFrame(kT0 + 5 * kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 3u);
    EXPECT_EQ(Metrics::instance().keyFrameRequestsSent.load() - sentBefore, 3u);
}

TEST(ProducerKeyFrameTest, ManySubscribersShareOneRequest) {
    RecordingSink publisher(kOurSsrc);
    Wiring wiring;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, wiring);
    std::vector<std::unique_ptr<RecordingSink>> sinks;
    std::vector<std::unique_ptr<Consumer>> consumers;
    for (uint32_t i = 0; i < 20; ++i) {
        sinks.push_back(std::make_unique<RecordingSink>(100 + i));
        consumers.push_back(
            std::make_unique<Consumer>(videoConsumer(0x1000 + i), *sinks.back(), wiring, 1, 1));
        wiring.add(*consumers.back());
        consumers.back()->setProducer(&producer, kT0 + i * 1'000);
    }
    EXPECT_EQ(wiring.keyFrameRequests(), 20);
    EXPECT_EQ(publisher.rtcpSent().size(), 1u);
    // Delta frames keep the subscribers asking; the producer still asks once per interval.
    for (uint16_t i = 0; i < 40; ++i) {
        deliver(producer, {96, i, 3000u * i, kMediaSsrc, true, {}, vp8DeltaFrame(1)},
                kT0 + 30'000 + i * 33'000);
    }
    // Requests at kT0 and then at least kInterval apart within ~1.35 s: 3 in total.
    EXPECT_EQ(publisher.rtcpSent().size(), 3u);
    for (const auto& s : sinks) EXPECT_TRUE(s->rtpSent().empty());
}

TEST(ProducerKeyFrameTest, AnsweredRequestLetsTheNextComeSooner) {
    // A viewer that connects just after the key frame went by need not wait the full retry
    // interval; an unanswered request still is repeated only every kInterval.
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, listener);
    constexpr int64_t kMin = Producer::kKeyFrameMinIntervalUs;
    static_assert(kMin < kInterval);
    EXPECT_TRUE(producer.requestKeyFrame(kT0));
    deliver(producer, {96, 1, 3000, kMediaSsrc, true, {}, vp8DeltaFrame(1)}, kT0 + 20'000);
    EXPECT_FALSE(producer.requestKeyFrame(kT0 + kMin)) << "a delta frame answers nothing";
    deliver(producer, {96, 2, 6000, kMediaSsrc, true, {}, vp8KeyFrame(2)}, kT0 + 40'000);
    EXPECT_FALSE(producer.requestKeyFrame(kT0 + kMin - 1));
    EXPECT_TRUE(producer.requestKeyFrame(kT0 + kMin));
    EXPECT_FALSE(producer.requestKeyFrame(kT0 + 2 * kMin)) << "unanswered again: full interval";
    EXPECT_TRUE(producer.requestKeyFrame(kT0 + kMin + kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 3u);
}

// A lost PLI (or a key frame whose packets were lost and not repaired) must not leave the viewers
// frozen until one of them happens to ask again: the router's timer repeats the request.
TEST(ProducerKeyFrameTest, TimerRepeatsAnUnansweredRequestBoundedly) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, listener);
    EXPECT_FALSE(producer.repeatKeyFrameRequest(kT0)) << "nothing asked yet";
    EXPECT_TRUE(producer.requestKeyFrame(kT0));
    EXPECT_FALSE(producer.repeatKeyFrameRequest(kT0 + kInterval - 1));
    EXPECT_TRUE(producer.repeatKeyFrameRequest(kT0 + kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 2u);
    EXPECT_EQ(parseRequest(publisher.rtcpSent()[1]).fmt, rtp::rtcp::kFmtPli);
    // Bounded: after kMaxKeyFrameRepeats repeats without an answer the timer stops asking.
    int64_t t = kT0 + kInterval;
    for (int i = 1; i < Producer::kMaxKeyFrameRepeats; ++i) {
        t += kInterval;
        EXPECT_TRUE(producer.repeatKeyFrameRequest(t)) << i;
    }
    EXPECT_FALSE(producer.repeatKeyFrameRequest(t + kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 1u + Producer::kMaxKeyFrameRepeats);
    // The key frame arrives: nothing left to repeat; a new request is repeated again.
    deliver(producer, {96, 1, 3000, kMediaSsrc, true, {}, vp8KeyFrame(1)}, t + kInterval);
    EXPECT_FALSE(producer.repeatKeyFrameRequest(t + 3 * kInterval));
    t += 4 * kInterval;
    EXPECT_TRUE(producer.requestKeyFrame(t));
    EXPECT_TRUE(producer.repeatKeyFrameRequest(t + kInterval));
    EXPECT_EQ(publisher.rtcpSent().size(), 3u + Producer::kMaxKeyFrameRepeats);
}

TEST(ProducerKeyFrameTest, AnAnsweredRequestIsNotRepeated) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, listener);
    EXPECT_TRUE(producer.requestKeyFrame(kT0));
    deliver(producer, {96, 1, 3000, kMediaSsrc, true, {}, vp8KeyFrame(1)}, kT0 + 30'000);
    for (int64_t t = kT0 + kInterval; t < kT0 + 10 * kInterval; t += 20'000) {
        EXPECT_FALSE(producer.repeatKeyFrameRequest(t));
    }
    EXPECT_EQ(publisher.rtcpSent().size(), 1u);
}

TEST(ProducerKeyFrameTest, ConsumerNotYetConnectedKeepsWaitingForAKeyFrame) {
    // The key frame that arrives while the viewer is still in its DTLS handshake would be lost
    // on it: the consumer neither asks for one nor starts on it until its transport connects.
    RecordingSink publisher(kOurSsrc);
    Wiring wiring;
    Producer producer(vp8Producer("p", kMediaSsrc), publisher, wiring);
    RecordingSink viewer(0x77);
    viewer.setConnected(false);
    Consumer consumer(videoConsumer(0x1234), viewer, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);
    EXPECT_EQ(wiring.keyFrameRequests(), 0);
    EXPECT_TRUE(publisher.rtcpSent().empty());
    deliver(producer, {96, 1, 3000, kMediaSsrc, true, {}, vp8KeyFrame(1)}, kT0 + 10'000);
    deliver(producer, {96, 2, 6000, kMediaSsrc, true, {}, vp8DeltaFrame(2)}, kT0 + 20'000);
    EXPECT_TRUE(viewer.rtpSent().empty());
    EXPECT_TRUE(publisher.rtcpSent().empty());

    viewer.setConnected(true);
    deliver(producer, {96, 3, 9000, kMediaSsrc, true, {}, vp8DeltaFrame(3)}, kT0 + 30'000);
    EXPECT_TRUE(viewer.rtpSent().empty()) << "still mid-GOP";
    EXPECT_EQ(publisher.rtcpSent().size(), 1u) << "asked now that it can receive";
    deliver(producer, {96, 4, 12000, kMediaSsrc, true, {}, vp8KeyFrame(4)}, kT0 + 60'000);
    ASSERT_EQ(viewer.rtpSent().size(), 1u);
}

TEST(ProducerKeyFrameTest, UsesFirWhenOnlyFirIsNegotiated) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    ProducerOptions o = vp8Producer("p", kMediaSsrc);
    o.pli = false;
    o.fir = true;
    Producer producer(o, publisher, listener);

    ASSERT_TRUE(producer.requestKeyFrame(kT0));
    ASSERT_TRUE(producer.requestKeyFrame(kT0 + kInterval));
    ASSERT_EQ(publisher.rtcpSent().size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        ParsedRequest r = parseRequest(publisher.rtcpSent()[i]);
        EXPECT_TRUE(r.rrOk);
        EXPECT_EQ(r.feedbackType, rtp::rtcp::kPsFeedback);
        EXPECT_EQ(r.fmt, rtp::rtcp::kFmtFir);
        ASSERT_TRUE(r.feedbackOk);
        EXPECT_EQ(r.fir.senderSsrc(), kOurSsrc);
        ASSERT_EQ(r.fir.entryCount(), 1u);
        EXPECT_EQ(r.fir.entry(0).ssrc, kMediaSsrc);
        // RFC 5104 §4.3.1: a new request carries a new command sequence number.
        EXPECT_EQ(r.fir.entry(0).sequenceNumber, i + 1);
    }
}

TEST(ProducerKeyFrameTest, PliPreferredWhenBothNegotiated) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    ProducerOptions o = vp8Producer("p", kMediaSsrc);
    o.pli = true;
    o.fir = true;
    Producer producer(o, publisher, listener);
    ASSERT_TRUE(producer.requestKeyFrame(kT0));
    EXPECT_EQ(parseRequest(publisher.rtcpSent().at(0)).fmt, rtp::rtcp::kFmtPli);
}

TEST(ProducerKeyFrameTest, NoRequestForAudioOrUnknownSsrc) {
    RecordingSink publisher(kOurSsrc);
    NullListener listener;
    Producer audio(opusProducer("a", kMediaSsrc), publisher, listener);
    EXPECT_FALSE(audio.requestKeyFrame(kT0));
    Producer unknown(vp8Producer("v", 0), publisher, listener);
    EXPECT_FALSE(unknown.requestKeyFrame(kT0));
    EXPECT_TRUE(publisher.rtcpSent().empty());
    unknown.learnSsrc(kMediaSsrc);
    EXPECT_TRUE(unknown.requestKeyFrame(kT0));
    EXPECT_EQ(parseRequest(publisher.rtcpSent().at(0)).pli.mediaSsrc(), kMediaSsrc);
}

}  // namespace
}  // namespace vcb::sfu::test
