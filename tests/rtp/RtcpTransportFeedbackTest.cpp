#include <gtest/gtest.h>

#include <array>
#include <map>
#include <tuple>
#include <vector>

#include "sfu/rtp/RtcpTransportFeedback.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;
using Entry = std::tuple<uint16_t, bool, int64_t>;

std::vector<Entry> decode(const RtcpTransportFeedback& fb) {
    std::vector<Entry> v;
    fb.forEachPacket([&](uint16_t seq, bool received, int64_t deltaUs) {
        v.emplace_back(seq, received, deltaUs);
    });
    return v;
}

// base 10, 5 statuses, reference time 1 (64 ms), fb count 3; one 2-bit vector chunk
// [small, lost, large, small, small], deltas 4, -2, 8, 0 ticks; 1 byte of RTCP padding.
const std::vector<uint8_t> kTwoBit = {
    0xaf, 0xcd, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0a,
    0x00, 0x05, 0x00, 0x00, 0x01, 0x03, 0xd2, 0x50, 0x04, 0xff, 0xfe, 0x08, 0x00, 0x01,
};

// base 65534, 5 statuses: run-length chunk (3 x small) then a 1-bit vector [1, 0].
const std::vector<uint8_t> kRunAndOneBit = {
    0x8f, 0xcd, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xff, 0xfe,
    0x00, 0x05, 0xff, 0xff, 0xff, 0x00, 0x20, 0x03, 0xa0, 0x00, 0x01, 0x02, 0x03, 0x04,
};

TEST(RtcpTransportFeedback, ParsesTwoBitVector) {
    TestBuffer buf(kTwoBit);
    RtcpTransportFeedback fb;
    ASSERT_TRUE(RtcpTransportFeedback::parse(buf.data(), buf.size(), fb));
    EXPECT_EQ(fb.senderSsrc(), 1u);
    EXPECT_EQ(fb.mediaSsrc(), 2u);
    EXPECT_EQ(fb.baseSequenceNumber(), 10);
    EXPECT_EQ(fb.packetStatusCount(), 5);
    EXPECT_EQ(fb.referenceTime(), 1);
    EXPECT_EQ(fb.referenceTimeUs(), 64000);
    EXPECT_EQ(fb.feedbackPacketCount(), 3);
    const std::vector<Entry> expected = {
        {10, true, 1000}, {11, false, 0}, {12, true, -500}, {13, true, 2000}, {14, true, 0}};
    EXPECT_EQ(decode(fb), expected);
}

TEST(RtcpTransportFeedback, ParsesRunLengthAndOneBitAcrossWrap) {
    TestBuffer buf(kRunAndOneBit);
    RtcpTransportFeedback fb;
    ASSERT_TRUE(RtcpTransportFeedback::parse(buf.data(), buf.size(), fb));
    EXPECT_EQ(fb.referenceTime(), -1);  // 24-bit signed
    EXPECT_EQ(fb.referenceTimeUs(), -64000);
    const std::vector<Entry> expected = {
        {65534, true, 250}, {65535, true, 500}, {0, true, 750}, {1, true, 1000}, {2, false, 0}};
    EXPECT_EQ(decode(fb), expected);
}

TEST(RtcpTransportFeedback, RejectsMalformed) {
    RtcpTransportFeedback fb;
    auto parses = [&](const std::vector<uint8_t>& bytes) {
        TestBuffer buf(bytes);
        return RtcpTransportFeedback::parse(buf.data(), buf.size(), fb);
    };
    ASSERT_TRUE(parses(kTwoBit));
    ASSERT_TRUE(parses(kRunAndOneBit));

    // Huge status count: chunks run out of packet.
    auto huge = kTwoBit;
    huge[14] = 0xff;
    huge[15] = 0xff;
    EXPECT_FALSE(parses(huge));
    auto huge2 = kRunAndOneBit;
    huge2[14] = 0x40;
    EXPECT_FALSE(parses(huge2));
    // Status count 0.
    auto zero = kTwoBit;
    zero[15] = 0x00;
    EXPECT_FALSE(parses(zero));
    // Symbol 4 turned from small to large: the deltas no longer fit.
    auto moreDeltas = kTwoBit;
    moreDeltas[21] = 0x90;  // symbols become [small, lost, large, large, small]: 6 delta bytes
    EXPECT_FALSE(parses(moreDeltas));
    // Reserved 2-bit symbol (11).
    auto reserved = kTwoBit;
    reserved[20] = 0xf2;
    EXPECT_FALSE(parses(reserved));
    // Run-length chunk with the reserved symbol.
    auto reservedRun = kRunAndOneBit;
    reservedRun[20] = 0x60;
    EXPECT_FALSE(parses(reservedRun));
    // Deltas cut: claim one fewer word.
    auto cut = kRunAndOneBit;
    cut[3] = 0x05;
    cut.resize(24);
    EXPECT_FALSE(parses(cut));
    // Body shorter than the fixed fields.
    EXPECT_FALSE(parses({0x8f, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1}));
    // Wrong FMT.
    auto nack = kRunAndOneBit;
    nack[0] = 0x81;
    EXPECT_FALSE(parses(nack));
    for (const auto* bytes : {&kTwoBit, &kRunAndOneBit}) {
        for (size_t len = 0; len < bytes->size(); ++len) {
            TestBuffer b(*bytes, len);
            EXPECT_FALSE(RtcpTransportFeedback::parse(b.data(), b.size(), fb)) << len;
        }
    }
}

// Builds feedback, parses it back and checks every arrival time and loss.
void roundTrip(const std::vector<TccArrival>& arrivals, size_t* sizeOut = nullptr) {
    ASSERT_EQ(RtcpTransportFeedback::encodablePrefix(arrivals), arrivals.size());
    RtcpTransportFeedback fb;
    fb.setSenderSsrc(0x1111);
    fb.setMediaSsrc(0x2222);
    fb.setFeedbackPacketCount(200);
    fb.setArrivals(arrivals);
    std::vector<uint8_t> out(70000);
    const size_t n = fb.write(out.data(), out.size());
    ASSERT_GT(n, 0u);
    ASSERT_EQ(n % 4, 0u);
    if (sizeOut != nullptr) {
        *sizeOut = n;
    }
    TestBuffer exact(out, n);
    RtcpTransportFeedback parsed;
    ASSERT_TRUE(RtcpTransportFeedback::parse(exact.data(), exact.size(), parsed));
    EXPECT_EQ(parsed.senderSsrc(), 0x1111u);
    EXPECT_EQ(parsed.mediaSsrc(), 0x2222u);
    EXPECT_EQ(parsed.feedbackPacketCount(), 200);
    EXPECT_EQ(parsed.baseSequenceNumber(), arrivals.front().sequenceNumber);
    EXPECT_EQ(parsed.packetStatusCount(),
              static_cast<uint16_t>(arrivals.back().sequenceNumber -
                                    arrivals.front().sequenceNumber + 1));

    std::map<uint16_t, int64_t> want;
    for (const auto& a : arrivals) {
        want[a.sequenceNumber] = a.arrivalTimeUs;
    }
    // Reference time is 24-bit on the wire: compare modulo its period.
    const int64_t period = (int64_t{1} << 24) * RtcpTransportFeedback::kReferenceTickUs;
    int64_t t = parsed.referenceTimeUs();
    size_t received = 0;
    size_t statuses = 0;
    parsed.forEachPacket([&](uint16_t seq, bool isReceived, int64_t deltaUs) {
        ++statuses;
        auto it = want.find(seq);
        if (!isReceived) {
            EXPECT_TRUE(it == want.end()) << "seq " << seq << " reported lost";
            return;
        }
        ASSERT_TRUE(it != want.end()) << "seq " << seq << " reported received";
        t += deltaUs;
        // Deltas are floored to 250 us ticks without accumulating error.
        const int64_t error = ((it->second - t) % period + period) % period;
        EXPECT_LT(error, 250) << "seq " << seq;
        if (it->second % 250 == 0) {
            EXPECT_EQ(error, 0) << "seq " << seq;  // on-tick times are exact
        }
        ++received;
    });
    EXPECT_EQ(received, arrivals.size());
    EXPECT_EQ(statuses, parsed.packetStatusCount());

    // A parsed packet re-serializes identically.
    std::vector<uint8_t> again(n + 8);
    ASSERT_EQ(parsed.write(again.data(), again.size()), n);
    EXPECT_TRUE(std::equal(again.begin(), again.begin() + n, exact.data()));
    // And never overflows a short buffer.
    for (size_t cap : {size_t{0}, size_t{19}, size_t{20}, n - 1}) {
        TestBuffer small(out, cap);
        EXPECT_EQ(fb.write(small.data(), cap), 0u) << cap;
    }
}

TEST(RtcpTransportFeedback, RoundTripSmallDeltas) {
    std::vector<TccArrival> a;
    for (uint16_t i = 0; i < 30; ++i) {
        a.push_back({static_cast<uint16_t>(100 + i), 1000000 + i * 5000});
    }
    roundTrip(a);
}

TEST(RtcpTransportFeedback, RoundTripLossesLargeAndNegativeDeltasAcrossWrap) {
    std::vector<TccArrival> a = {
        {65530, 5000000}, {65531, 5000250}, {65533, 5100000},  // 65532 lost, large delta
        {65534, 5099000},                                      // reordered: negative delta
        {2, 5099250},                                          // 65535..1 lost, seq wraps
        {3, 5099250},     {40, 5200000},    {41, 5200250},    {42, 5200500},
        {43, 5200750},    {44, 5201000},    {45, 5201250},    {46, 5201500},
        {47, 5201750},    {48, 5202000},    {49, 5202250},    {50, 5202500},
        {51, 5202750},    {52, 5203000},    {53, 13000000},  // +7.8 s
    };
    roundTrip(a);
}

TEST(RtcpTransportFeedback, RoundTripMixedPatterns) {
    // Pseudo-random losses and jitter, all encodable.
    uint32_t state = 99;
    auto rnd = [&] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    std::vector<TccArrival> a;
    uint16_t seq = 60000;
    int64_t t = 123456750;
    for (int i = 0; i < 2000; ++i) {
        seq = static_cast<uint16_t>(seq + 1 + (rnd() % 10 == 0 ? rnd() % 20 : 0));
        const int64_t step = static_cast<int64_t>(rnd() % 400) - 50;
        t += step * 250;
        a.push_back({seq, t});
    }
    roundTrip(a);
}

TEST(RtcpTransportFeedback, LongRunsUseRunLengthChunks) {
    std::vector<TccArrival> a;
    for (int i = 0; i < 1000; ++i) {
        a.push_back({static_cast<uint16_t>(i), 64000 + i * 250});
    }
    size_t size = 0;
    roundTrip(a, &size);
    // 20 fixed + 1 run-length chunk + 1000 one-byte deltas, padded.
    EXPECT_EQ(size, (20u + 2 + 1000 + 3) & ~size_t{3});

    // 9000 lost between two received packets: two run-length chunks of lost packets.
    std::vector<TccArrival> gap = {{0, 64000}, {9001, 64250}};
    roundTrip(gap, &size);
    EXPECT_LE(size, 20u + 4 * 2 + 4);
}

TEST(RtcpTransportFeedback, SingleArrivalAndNegativeClock) {
    roundTrip({{7, 0}});
    roundTrip({{7, -1000}, {8, -750}});
    roundTrip({{7, 123}, {8, 1000}, {9, 1249}});  // off-tick times: floored, error < 250 us
}

TEST(RtcpTransportFeedback, EncodablePrefix) {
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix({}), 0u);
    std::vector<TccArrival> a = {
        {1, 0}, {2, 1000}, {3, 1000 + 8191750}, {4, 1000 + 8191750 + 8192000}};
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(a), 3u);  // last delta > 32767 ticks
    std::vector<TccArrival> dup = {{1, 0}, {2, 1000}, {2, 2000}};
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(dup), 2u);
    std::vector<TccArrival> back = {{5, 0}, {4, 1000}};
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(back), 1u);
    std::vector<TccArrival> negative = {{1, 100000}, {2, 100000 - 8192000}};
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(negative), 2u);
    negative[1].arrivalTimeUs -= 250;
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(negative), 1u);
    // More than 65535 statuses cannot be expressed.
    std::vector<TccArrival> wide;
    for (uint32_t s = 0; s <= 90000; s += 30000) {
        wide.push_back({static_cast<uint16_t>(s), 0});
    }
    EXPECT_EQ(RtcpTransportFeedback::encodablePrefix(wide), 3u);

    // write() refuses non-encodable input instead of writing a truncated packet.
    RtcpTransportFeedback fb;
    fb.setArrivals(a);
    std::vector<uint8_t> out(256);
    EXPECT_EQ(fb.write(out.data(), out.size()), 0u);
    fb.setArrivals(std::span<const TccArrival>(a).first(3));
    EXPECT_GT(fb.write(out.data(), out.size()), 0u);
    fb.setArrivals({});
    EXPECT_EQ(fb.write(out.data(), out.size()), 0u);
}

}  // namespace
}  // namespace vcb::rtp
