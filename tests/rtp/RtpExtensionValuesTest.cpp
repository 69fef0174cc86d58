#include <gtest/gtest.h>

#include <array>
#include <string>

#include "sfu/rtp/RtpExtensionValues.hpp"

namespace vcb::rtp {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(RtpExtensionValues, AudioLevel) {
    const uint8_t v[] = {0xaa};
    auto level = readAudioLevel(v);
    ASSERT_TRUE(level);
    EXPECT_TRUE(level->voiceActivity);
    EXPECT_EQ(level->level, 42);
    const uint8_t silent[] = {0x7f};
    EXPECT_FALSE(readAudioLevel(silent)->voiceActivity);
    EXPECT_EQ(readAudioLevel(silent)->level, 127);
    EXPECT_FALSE(readAudioLevel({}));

    uint8_t out[1];
    EXPECT_EQ(writeAudioLevel(out, {true, 10}), 1u);
    EXPECT_EQ(out[0], 0x8a);
    EXPECT_EQ(writeAudioLevel(out, {false, 200}), 1u);
    EXPECT_EQ(out[0], 0x7f);
    EXPECT_EQ(writeAudioLevel({}, {true, 1}), 0u);
}

TEST(RtpExtensionValues, AbsSendTime) {
    EXPECT_EQ(absSendTimeFromMicros(0), 0u);
    EXPECT_EQ(absSendTimeFromMicros(1000000), 1u << 18);
    EXPECT_EQ(absSendTimeFromMicros(500000), 1u << 17);
    EXPECT_EQ(absSendTimeFromMicros(63500000), (63u << 18) | (1u << 17));
    EXPECT_EQ(absSendTimeFromMicros(64000000), 0u);  // wraps every 64 s
    EXPECT_EQ(absSendTimeFromMicros(65000000), 1u << 18);
    for (uint64_t us :
         {1ull, 999ull, 123456ull, 7654321ull, 63999990ull, 64000001ull, 3600000000123ull}) {
        // Compare within the 64 s period; one tick is 1/2^18 s ~ 3.8 us.
        const int64_t period = 64000000;
        const auto back = static_cast<int64_t>(absSendTimeToMicros(absSendTimeFromMicros(us)));
        const int64_t diff =
            ((back - static_cast<int64_t>(us % period)) % period + period) % period;
        EXPECT_TRUE(diff <= 4 || diff >= period - 4) << us << " -> " << back;
    }
    EXPECT_EQ(absSendTimeFromMicros(63999999), 0u);  // rounds up into the next period
    const uint8_t v[] = {0x12, 0x34, 0x56};
    EXPECT_EQ(readAbsSendTime(v), 0x123456u);
    const uint8_t shortV[] = {0x12, 0x34};
    EXPECT_FALSE(readAbsSendTime(shortV));
    uint8_t out[3];
    EXPECT_EQ(writeAbsSendTime(out, 0xFF654321), 3u);
    EXPECT_EQ(readAbsSendTime(out), 0x654321u);
    uint8_t small[2];
    EXPECT_EQ(writeAbsSendTime(small, 1), 0u);
}

TEST(RtpExtensionValues, TransportSequenceNumber) {
    const uint8_t v[] = {0xab, 0xcd};
    EXPECT_EQ(readTransportSequenceNumber(v), 0xabcd);
    const uint8_t v2[] = {0xab, 0xcd, 0x80, 0x01};
    EXPECT_EQ(readTransportSequenceNumber(v2), 0xabcd);
    const uint8_t bad[] = {0xab};
    EXPECT_FALSE(readTransportSequenceNumber(bad));
    const uint8_t bad3[] = {0xab, 0xcd, 0xef};
    EXPECT_FALSE(readTransportSequenceNumber(bad3));
    uint8_t out[2];
    EXPECT_EQ(writeTransportSequenceNumber(out, 65535), 2u);
    EXPECT_EQ(readTransportSequenceNumber(out), 65535);
    EXPECT_EQ(writeTransportSequenceNumber(std::span<uint8_t>(out, 1), 1), 0u);
}

TEST(RtpExtensionValues, MidAndRid) {
    EXPECT_EQ(readMid(bytes("0")), "0");
    EXPECT_EQ(readMid(bytes("audio-1")), "audio-1");
    EXPECT_EQ(readRid(bytes("hi_res-2")), "hi_res-2");
    const uint8_t nulTerminated[] = {'h', 0, 0};
    EXPECT_EQ(readRid(nulTerminated), "h");
    EXPECT_FALSE(readMid(bytes("")));
    EXPECT_FALSE(readMid(bytes("a b")));
    EXPECT_FALSE(readRid(bytes("a.b")));  // '.' is a token char but not a RID char
    EXPECT_EQ(readMid(bytes("a.b")), "a.b");
    const uint8_t zeros[] = {0, 0};
    EXPECT_FALSE(readMid(zeros));
    const uint8_t embeddedNul[] = {'a', 0, 'b'};
    EXPECT_FALSE(readMid(embeddedNul));

    std::array<uint8_t, 16> out{};
    EXPECT_EQ(writeStringExtension(out, "mid7"), 4u);
    EXPECT_EQ(readMid(std::span<const uint8_t>(out.data(), 4)), "mid7");
    EXPECT_EQ(writeStringExtension(out, ""), 0u);
    EXPECT_EQ(writeStringExtension(std::span<uint8_t>(out.data(), 3), "mid7"), 0u);
    const std::string tooLong(256, 'a');
    std::array<uint8_t, 300> big{};
    EXPECT_EQ(writeStringExtension(big, tooLong), 0u);
    EXPECT_EQ(writeStringExtension(big, std::string_view(tooLong).substr(0, 255)), 255u);
}

}  // namespace
}  // namespace vcb::rtp
