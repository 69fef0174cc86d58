// Header extensions on forwarded packets: this hop's mid / abs-send-time / transport-cc written
// fresh with the subscriber's ids, audio level remapped, everything else left out.
#include <gtest/gtest.h>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtpExtensionValues.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu::test {
namespace {

constexpr uint32_t kPubSsrc = 0x01020304;
constexpr uint32_t kOutSsrc = 0x0A0B0C0D;
constexpr int64_t kT0 = 5'000'000;

// Publisher's ids: mid 1, abs-send-time 2, transport-cc 3, audio level 4.
ExtensionIds publisherIds() {
    ExtensionIds ids;
    ids.mid = 1;
    ids.absSendTime = 2;
    ids.transportCc = 3;
    ids.audioLevel = 4;
    return ids;
}

std::vector<Extension> publisherElements(uint16_t tcc, uint8_t level) {
    return {{1, {'p', 'u', 'b'}},
            {2, {0x12, 0x34, 0x56}},
            {3, {static_cast<uint8_t>(tcc >> 8), static_cast<uint8_t>(tcc)}},
            {4, {level}}};
}

TEST(ConsumerExtensionsTest, VideoGetsFreshMidAbsSendTimeAndTransportSequence) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    ProducerOptions po = vp8Producer("p", kPubSsrc);
    po.extensions = publisherIds();
    po.extensions.audioLevel = 0;  // a video m-section carries no audio level; id 4 is unknown
    Producer producer(po, publisher, wiring);

    ConsumerOptions co = videoConsumer(kOutSsrc);
    co.mid = "video-7";
    // Subscriber's ids deliberately differ from the publisher's.
    co.extensions.mid = 9;
    co.extensions.absSendTime = 10;
    co.extensions.transportCc = 11;
    co.extensions.audioLevel = 12;
    Consumer consumer(co, subscriber, wiring, 100, 0);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);

    int64_t now = kT0;
    for (uint16_t i = 0; i < 4; ++i) {
        now += 7'000;
        deliver(producer,
                {96, static_cast<uint16_t>(50 + i), 0, kPubSsrc, false,
                 publisherElements(900 - i, 0x85), i == 0 ? vp8KeyFrame(1) : vp8Continuation(2)},
                now);
    }
    ASSERT_EQ(subscriber.rtpSent().size(), 4u);
    now = kT0;
    std::optional<uint16_t> previousTcc;
    for (size_t i = 0; i < 4; ++i) {
        now += 7'000;
        OwnedRtp out = subscriber.rtpAt(i);
        ASSERT_TRUE(out.ok);
        EXPECT_EQ(out.extensionIds(), (std::vector<uint8_t>{9, 10, 11}))
            << "only this hop's elements, with the subscriber's ids";
        auto mid = rtp::readMid(out->findExtension(9));
        ASSERT_TRUE(mid.has_value());
        EXPECT_EQ(*mid, "video-7");
        auto ast = rtp::readAbsSendTime(out->findExtension(10));
        ASSERT_TRUE(ast.has_value());
        EXPECT_EQ(*ast, rtp::absSendTimeFromMicros(static_cast<uint64_t>(now)));
        auto tcc = rtp::readTransportSequenceNumber(out->findExtension(11));
        ASSERT_TRUE(tcc.has_value());
        if (previousTcc) {
            EXPECT_EQ(*tcc, static_cast<uint16_t>(*previousTcc + 1));
        }
        previousTcc = tcc;
        // The publisher's unknown element 4 is not forwarded under any id.
        EXPECT_FALSE(out->hasExtensionElement(12));
    }
    EXPECT_EQ(*previousTcc, 4) << "transport sequence numbers come from the subscriber's transport";
}

TEST(ConsumerExtensionsTest, AudioLevelIsRemappedToTheSubscribersId) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    ProducerOptions po = opusProducer("a", kPubSsrc);
    po.extensions = publisherIds();
    Producer producer(po, publisher, wiring);

    ConsumerOptions co = audioConsumer(kOutSsrc);
    co.extensions.mid = 5;
    co.extensions.audioLevel = 14;
    Consumer consumer(co, subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);

    deliver(producer, {111, 1, 960, kPubSsrc, true, publisherElements(1, 0x80 | 33), opusFrame(1)},
            kT0);
    ASSERT_EQ(subscriber.rtpSent().size(), 1u);
    OwnedRtp out = subscriber.lastRtp();
    ASSERT_TRUE(out.ok);
    EXPECT_EQ(out.extensionIds(), (std::vector<uint8_t>{5, 14}));
    auto level = rtp::readAudioLevel(out->findExtension(14));
    ASSERT_TRUE(level.has_value());
    EXPECT_TRUE(level->voiceActivity);
    EXPECT_EQ(level->level, 33);
    EXPECT_EQ(rtp::readMid(out->findExtension(5)).value_or(""), "a0");
    EXPECT_EQ(out.payload(), opusFrame(1));
}

TEST(ConsumerExtensionsTest, NothingNegotiatedMeansNoExtensionBlock) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    ProducerOptions po = opusProducer("a", kPubSsrc);
    po.extensions = publisherIds();
    Producer producer(po, publisher, wiring);
    Consumer consumer(audioConsumer(kOutSsrc), subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);

    deliver(producer, {111, 1, 960, kPubSsrc, false, publisherElements(1, 10), opusFrame(3)}, kT0);
    ASSERT_EQ(subscriber.rtpSent().size(), 1u);
    OwnedRtp out = subscriber.lastRtp();
    ASSERT_TRUE(out.ok);
    EXPECT_TRUE(out.extensionIds().empty());
    for (uint8_t id = 1; id <= 4; ++id) EXPECT_FALSE(out->hasExtensionElement(id)) << int(id);
    EXPECT_EQ(out.payload(), opusFrame(3));
}

TEST(ConsumerExtensionsTest, AudioLevelNotNegotiatedBySubscriberIsDropped) {
    RecordingSink publisher, subscriber;
    Wiring wiring;
    ProducerOptions po = opusProducer("a", kPubSsrc);
    po.extensions = publisherIds();
    Producer producer(po, publisher, wiring);
    ConsumerOptions co = audioConsumer(kOutSsrc);
    co.extensions.transportCc = 4;  // the publisher's audio-level id, meaning something else here
    Consumer consumer(co, subscriber, wiring, 1, 1);
    wiring.add(consumer);
    consumer.setProducer(&producer, kT0);

    deliver(producer, {111, 1, 960, kPubSsrc, false, publisherElements(1, 10), opusFrame(3)}, kT0);
    ASSERT_EQ(subscriber.rtpSent().size(), 1u);
    OwnedRtp out = subscriber.lastRtp();
    EXPECT_EQ(out.extensionIds(), (std::vector<uint8_t>{4}));
    EXPECT_EQ(out->findExtension(4).size(), rtp::kTransportSequenceNumberSize);
    EXPECT_EQ(rtp::readTransportSequenceNumber(out->findExtension(4)).value_or(0), 1);
}

}  // namespace
}  // namespace vcb::sfu::test
