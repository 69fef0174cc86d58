#include <gtest/gtest.h>

#include <vector>

#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/RtcpSdes.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

// RR (no blocks) + SDES with CNAME + PLI, as a browser sends them.
const std::vector<uint8_t> kCompound = {
    0x80, 0xc9, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,  // RR, RC 0
    0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,  // SDES, 1 chunk
    0x01, 0x04, 'a',  'b',  'c',  'd',  0x00, 0x00,  // CNAME "abcd", END, pad
    0x81, 0xce, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,  // PLI
};

TEST(RtcpCompound, IteratesAllPackets) {
    TestBuffer buf(kCompound);
    RtcpCompoundIterator it(buf.data(), buf.size());
    RtcpHeader h;
    std::vector<uint8_t> types;
    std::vector<size_t> sizes;
    while (it.next(h)) {
        types.push_back(h.packetType());
        sizes.push_back(h.size());
    }
    EXPECT_FALSE(it.malformed());
    EXPECT_EQ(types, (std::vector<uint8_t>{201, 202, 206}));
    EXPECT_EQ(sizes, (std::vector<size_t>{8, 16, 12}));
    EXPECT_TRUE(RtcpCompoundIterator::isValidCompound(buf.data(), buf.size()));

    RtcpCompoundIterator again(buf.data(), buf.size());
    ASSERT_TRUE(again.next(h));
    RtcpReceiverReport rr;
    ASSERT_TRUE(RtcpReceiverReport::parse(h, rr));
    EXPECT_EQ(rr.ssrc(), 0x11223344u);
    ASSERT_TRUE(again.next(h));
    RtcpSdes sdes;
    ASSERT_TRUE(RtcpSdes::parse(h, sdes));
    EXPECT_EQ(sdes.cname(0x11223344), "abcd");
    ASSERT_TRUE(again.next(h));
    RtcpPli pli;
    ASSERT_TRUE(RtcpPli::parse(h, pli));
    EXPECT_EQ(pli.mediaSsrc(), 0x55667788u);
    EXPECT_FALSE(again.next(h));
}

TEST(RtcpCompound, StopsAtGarbageAfterValidPackets) {
    std::vector<uint8_t> bytes = kCompound;
    bytes.push_back(0x00);  // version 0 garbage
    bytes.push_back(0xc9);
    bytes.push_back(0x00);
    bytes.push_back(0x00);
    TestBuffer buf(bytes);
    RtcpCompoundIterator it(buf.data(), buf.size());
    RtcpHeader h;
    int n = 0;
    while (it.next(h)) {
        ++n;
    }
    EXPECT_EQ(n, 3);
    EXPECT_TRUE(it.malformed());
    EXPECT_FALSE(it.next(h));
    EXPECT_FALSE(RtcpCompoundIterator::isValidCompound(buf.data(), buf.size()));
}

TEST(RtcpCompound, RejectsLengthPastEndAndTruncation) {
    // Every strict prefix that cuts a packet must be reported malformed.
    for (size_t len = 1; len < kCompound.size(); ++len) {
        TestBuffer buf(kCompound, len);
        const bool boundary = len == 8 || len == 24;
        EXPECT_EQ(RtcpCompoundIterator::isValidCompound(buf.data(), buf.size()), boundary) << len;
    }
    TestBuffer huge({0x80, 0xc9, 0xff, 0xff, 0, 0, 0, 1});
    EXPECT_FALSE(RtcpCompoundIterator::isValidCompound(huge.data(), huge.size()));
    EXPECT_FALSE(RtcpCompoundIterator::isValidCompound(nullptr, 8));
    EXPECT_FALSE(RtcpCompoundIterator::isValidCompound(huge.data(), 0));
}

TEST(RtcpCompound, LengthZeroIsHeaderOnly) {
    // Length 0 = a 4-byte packet. Structurally fine, but no typed packet accepts it.
    TestBuffer buf({0x80, 0xc9, 0x00, 0x00, 0x80, 0xc8, 0x00, 0x00});
    RtcpCompoundIterator it(buf.data(), buf.size());
    RtcpHeader h;
    ASSERT_TRUE(it.next(h));
    EXPECT_EQ(h.size(), 4u);
    EXPECT_TRUE(h.body().empty());
    RtcpReceiverReport rr;
    EXPECT_FALSE(RtcpReceiverReport::parse(h, rr));
    ASSERT_TRUE(it.next(h));
    EXPECT_FALSE(it.next(h));
    EXPECT_FALSE(it.malformed());
}

TEST(RtcpCompound, Padding) {
    TestBuffer ok({0xa0, 0xc9, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x04});
    RtcpHeader h;
    ASSERT_TRUE(RtcpHeader::parse(ok.data(), ok.size(), h));
    EXPECT_TRUE(h.hasPadding());
    EXPECT_EQ(h.body().size(), 4u);
    EXPECT_EQ(h.size(), 12u);

    TestBuffer zero({0xa0, 0xc9, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00});
    EXPECT_FALSE(RtcpHeader::parse(zero.data(), zero.size(), h));
    TestBuffer tooBig({0xa0, 0xc9, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x09});
    EXPECT_FALSE(RtcpHeader::parse(tooBig.data(), tooBig.size(), h));
    TestBuffer headerOnly({0xa0, 0xc9, 0x00, 0x00});
    EXPECT_FALSE(RtcpHeader::parse(headerOnly.data(), headerOnly.size(), h));
}

TEST(RtcpCompound, FuzzedInputsStaySafe) {
    uint32_t state = 777;
    auto next = [&] {
        state = state * 1103515245u + 12345u;
        return static_cast<uint8_t>(state >> 16);
    };
    for (int iter = 0; iter < 20000; ++iter) {
        const size_t len = next() % 48;
        std::vector<uint8_t> bytes(len);
        for (size_t i = 0; i < len; ++i) {
            bytes[i] = next();
            if (i % 4 == 0) {
                bytes[i] = static_cast<uint8_t>(0x80 | (bytes[i] & 0x3f));
            }
            if (i % 4 == 2) {
                bytes[i] = 0;  // keep lengths small so packets chain
            }
            if (i % 4 == 3) {
                bytes[i] &= 0x07;
            }
        }
        TestBuffer buf(bytes);
        RtcpCompoundIterator it(buf.data(), buf.size());
        RtcpHeader h;
        size_t consumed = 0;
        for (int guard = 0; guard < 100 && it.next(h); ++guard) {
            consumed += h.size();
            ASSERT_LE(consumed, len);
            ASSERT_LE(h.body().size() + 4, h.size());
        }
    }
}

}  // namespace
}  // namespace vcb::rtp
