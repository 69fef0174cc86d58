// The producer's audio level window (RFC 6464 ssrc-audio-level): what the meeting's timer reads
// for active speaker detection.
#include <gtest/gtest.h>

#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using test::deliver;
using test::RecordingSink;
using test::Wiring;

constexpr uint32_t kSsrc = 0xA0D1;
constexpr uint8_t kLevelId = 4;

// One opus packet with the level byte: V flag and -dBov.
void sendLevel(Producer& p, uint16_t seq, uint8_t minusDbov, bool voice, int64_t now) {
    const uint8_t value = static_cast<uint8_t>((voice ? 0x80 : 0) | minusDbov);
    deliver(p, {111, seq, seq * 960u, kSsrc, true, {{kLevelId, {value}}}, test::opusFrame(1)}, now);
}

TEST(ProducerAudioLevelTest, MeanLevelAndVoiceActivitySinceTheLastRead) {
    RecordingSink publisher;
    Wiring wiring;
    ProducerOptions o = test::opusProducer("mic", kSsrc);
    o.extensions.audioLevel = kLevelId;
    Producer producer(o, publisher, wiring);

    EXPECT_FALSE(producer.takeAudioLevel()) << "nothing received yet";
    int64_t now = 1'000'000;
    sendLevel(producer, 1, 20, true, now += 20'000);
    sendLevel(producer, 2, 30, false, now += 20'000);
    sendLevel(producer, 3, 40, false, now += 20'000);
    auto level = producer.takeAudioLevel();
    ASSERT_TRUE(level);
    EXPECT_DOUBLE_EQ(level->dBov, -30.0);
    EXPECT_TRUE(level->voiceActivity);
    EXPECT_EQ(level->packets, 3u);

    EXPECT_FALSE(producer.takeAudioLevel()) << "a read starts a new window";
    sendLevel(producer, 4, 127, false, now += 20'000);
    level = producer.takeAudioLevel();
    ASSERT_TRUE(level);
    EXPECT_DOUBLE_EQ(level->dBov, -127.0);
    EXPECT_FALSE(level->voiceActivity);
}

TEST(ProducerAudioLevelTest, NoLevelWithoutTheNegotiatedExtension) {
    RecordingSink publisher;
    Wiring wiring;
    Producer producer(test::opusProducer("mic", kSsrc), publisher, wiring);  // id 0: not negotiated
    sendLevel(producer, 1, 10, true, 1'000'000);
    EXPECT_FALSE(producer.takeAudioLevel());
    EXPECT_EQ(producer.packetsReceived(), 1u);
}

}  // namespace
}  // namespace vcb::sfu
