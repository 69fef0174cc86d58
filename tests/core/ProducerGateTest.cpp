// The producer's forwarding gate without transports: withheld packets are not buffered (no NACK
// or parameter-set lead can bring them out later), and a subscriber resynchronised on opening
// sees one continuous stream that resumes at a key frame, with no gap to NACK.
#include <gtest/gtest.h>

#include "sfu/core/Metrics.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using test::deliver;
using test::OwnedRtp;
using test::RecordingSink;

// What Router::onProducerRtp and Router::setProducerForwarding do, over the test wiring.
class GatedWiring final : public Producer::Listener, public Consumer::Listener {
  public:
    void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, int64_t nowUs) override {
        if (!producer.forwarding()) {
            producer.countWithheld();
            return;
        }
        for (Consumer* c : producer.consumers()) c->forward(packet, nowUs);
    }
    void onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) override {
        if (consumer.producer() != nullptr) consumer.producer()->requestKeyFrame(nowUs);
    }
};

constexpr uint32_t kSsrc = 0xAA01;

TEST(ProducerGateTest, WithheldVideoIsNotBufferedAndViewersResumeAtAKeyFrameWithoutAGap) {
    RecordingSink publisher;
    RecordingSink viewer;
    GatedWiring wiring;
    ProducerOptions po = test::vp8Producer("cam", kSsrc);
    po.nack = true;
    Producer producer(po, publisher, wiring);
    Consumer consumer(test::videoConsumer(0xBB01), viewer, wiring, 1000, 5000);
    producer.consumers().push_back(&consumer);
    consumer.setProducer(&producer, 0);

    int64_t now = 1'000'000;
    uint16_t seq = 100;
    uint32_t ts = 0;
    const auto frame = [&](bool key) {
        deliver(producer,
                {96, seq, ts, kSsrc, true, {}, key ? test::vp8KeyFrame(1) : test::vp8DeltaFrame(2)},
                now);
        ++seq;
        ts += 3000;
        now += 33'000;
    };
    frame(true);
    frame(false);
    ASSERT_EQ(viewer.rtpSent().size(), 2u);
    const uint16_t lastOut = viewer.lastRtp()->sequenceNumber();

    producer.setForwarding(false);
    const uint16_t firstWithheld = seq;
    frame(false);
    frame(true);  // a key frame while closed: withheld like everything else
    frame(false);
    EXPECT_EQ(viewer.rtpSent().size(), 2u);
    EXPECT_EQ(producer.packetsWithheld(), 3u);
    rtp::RtpPacket found;
    EXPECT_FALSE(producer.findPacket(firstWithheld, now, found)) << "withheld: not buffered";
    EXPECT_FALSE(producer.findPacket(static_cast<uint16_t>(firstWithheld + 1), now, found));

    // Opening: what Router::setProducerForwarding does.
    const size_t rtcpBefore = publisher.rtcpSent().size();
    producer.setForwarding(true);
    consumer.setProducer(&producer, now);
    EXPECT_GT(publisher.rtcpSent().size(), rtcpBefore)
        << "opening asks the publisher for a key frame";
    frame(false);  // not a key frame: the viewer waits
    EXPECT_EQ(viewer.rtpSent().size(), 2u);
    frame(true);
    frame(false);
    ASSERT_EQ(viewer.rtpSent().size(), 4u);
    EXPECT_EQ(viewer.rtpAt(2)->sequenceNumber(), static_cast<uint16_t>(lastOut + 1))
        << "numbering continues: the viewer sees no gap, so it NACKs nothing withheld";
    EXPECT_TRUE(producer.findPacket(static_cast<uint16_t>(seq - 1), now, found));

    // A NACK naming any number the viewer never got is not answered from withheld packets.
    const uint64_t retransmittedBefore = Metrics::instance().rtpRetransmitted.load();
    const uint16_t never[] = {static_cast<uint16_t>(lastOut + 3),
                              static_cast<uint16_t>(lastOut + 4)};
    consumer.receiveNack(never, now);
    EXPECT_EQ(Metrics::instance().rtpRetransmitted.load(), retransmittedBefore);
    EXPECT_EQ(viewer.rtpSent().size(), 4u);
}

}  // namespace
}  // namespace vcb::sfu
