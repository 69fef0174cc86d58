#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "sfu/dtls/SrtpSession.hpp"

namespace vcb::dtls {
namespace {

using Status = SrtpSession::Status;
using Dir = SrtpSession::Direction;

constexpr size_t kCapacity = 1500;

std::vector<uint8_t> keyFor(SrtpProfile profile, uint8_t seed) {
    std::vector<uint8_t> key(srtpMasterKeyLength(profile) + srtpMasterSaltLength(profile));
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 7);
    return key;
}

struct Packet {
    std::array<uint8_t, kCapacity> buf{};
    size_t len = 0;
    std::vector<uint8_t> bytes() const { return {buf.begin(), buf.begin() + len}; }
};

Packet makeRtp(uint16_t seq, uint32_t ssrc = 0x11223344, size_t payloadLen = 100) {
    Packet p;
    p.buf[0] = 0x80;
    p.buf[1] = 96;
    p.buf[2] = static_cast<uint8_t>(seq >> 8);
    p.buf[3] = static_cast<uint8_t>(seq);
    p.buf[4] = 0;
    p.buf[5] = 0;
    p.buf[6] = 0x03;
    p.buf[7] = 0xe8;
    p.buf[8] = static_cast<uint8_t>(ssrc >> 24);
    p.buf[9] = static_cast<uint8_t>(ssrc >> 16);
    p.buf[10] = static_cast<uint8_t>(ssrc >> 8);
    p.buf[11] = static_cast<uint8_t>(ssrc);
    for (size_t i = 0; i < payloadLen; ++i) p.buf[12 + i] = static_cast<uint8_t>(seq + i);
    p.len = 12 + payloadLen;
    return p;
}

// Receiver report with one report block.
Packet makeRtcp(uint32_t ssrc = 0x55667788) {
    Packet p;
    const uint8_t rr[] = {0x81,
                          201,
                          0x00,
                          0x07,
                          static_cast<uint8_t>(ssrc >> 24),
                          static_cast<uint8_t>(ssrc >> 16),
                          static_cast<uint8_t>(ssrc >> 8),
                          static_cast<uint8_t>(ssrc)};
    std::memcpy(p.buf.data(), rr, sizeof(rr));
    for (size_t i = 8; i < 32; ++i) p.buf[i] = static_cast<uint8_t>(i);
    p.len = 32;
    return p;
}

class SrtpSessionTest : public ::testing::TestWithParam<SrtpProfile> {
  protected:
    void SetUp() override {
        const auto key = keyFor(GetParam(), 1);
        std::string error;
        sender_ = SrtpSession::create(GetParam(), Dir::Outbound, key.data(), key.size(), &error);
        receiver_ = SrtpSession::create(GetParam(), Dir::Inbound, key.data(), key.size(), &error);
        ASSERT_TRUE(sender_ && receiver_) << error;
    }
    size_t rtpOverhead() const { return GetParam() == SrtpProfile::AeadAes128Gcm ? 16 : 10; }

    std::unique_ptr<SrtpSession> sender_;
    std::unique_ptr<SrtpSession> receiver_;
};

TEST_P(SrtpSessionTest, RtpRoundTrip) {
    for (uint16_t seq = 1000; seq < 1010; ++seq) {
        Packet p = makeRtp(seq);
        const auto plain = p.bytes();
        ASSERT_EQ(sender_->protectRtp(p.buf.data(), p.len, p.buf.size()), Status::Ok);
        EXPECT_EQ(p.len, plain.size() + rtpOverhead());
        // Header stays clear, payload is encrypted.
        EXPECT_EQ(0, std::memcmp(p.buf.data(), plain.data(), 12));
        EXPECT_NE(0, std::memcmp(p.buf.data() + 12, plain.data() + 12, plain.size() - 12));
        ASSERT_EQ(receiver_->unprotectRtp(p.buf.data(), p.len), Status::Ok);
        EXPECT_EQ(p.bytes(), plain);
    }
}

TEST_P(SrtpSessionTest, RtcpRoundTrip) {
    for (int i = 0; i < 5; ++i) {
        Packet p = makeRtcp();
        const auto plain = p.bytes();
        ASSERT_EQ(sender_->protectRtcp(p.buf.data(), p.len, p.buf.size()), Status::Ok);
        EXPECT_EQ(p.len, plain.size() + rtpOverhead() + 4);
        EXPECT_NE(0, std::memcmp(p.buf.data() + 8, plain.data() + 8, plain.size() - 8));
        ASSERT_EQ(receiver_->unprotectRtcp(p.buf.data(), p.len), Status::Ok);
        EXPECT_EQ(p.bytes(), plain);
    }
}

TEST_P(SrtpSessionTest, TamperedPacketsFailAuthentication) {
    Packet rtp = makeRtp(5);
    ASSERT_EQ(sender_->protectRtp(rtp.buf.data(), rtp.len, rtp.buf.size()), Status::Ok);
    rtp.buf[20] ^= 0x01;
    EXPECT_EQ(receiver_->unprotectRtp(rtp.buf.data(), rtp.len), Status::AuthFailed);

    Packet rtcp = makeRtcp();
    ASSERT_EQ(sender_->protectRtcp(rtcp.buf.data(), rtcp.len, rtcp.buf.size()), Status::Ok);
    rtcp.buf[rtcp.len - 1] ^= 0x80;  // inside the tag
    EXPECT_EQ(receiver_->unprotectRtcp(rtcp.buf.data(), rtcp.len), Status::AuthFailed);
}

TEST_P(SrtpSessionTest, ReplayedPacketsAreDetected) {
    Packet rtp = makeRtp(7);
    ASSERT_EQ(sender_->protectRtp(rtp.buf.data(), rtp.len, rtp.buf.size()), Status::Ok);
    Packet copy = rtp;
    ASSERT_EQ(receiver_->unprotectRtp(rtp.buf.data(), rtp.len), Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtp(copy.buf.data(), copy.len), Status::Replayed);

    Packet rtcp = makeRtcp();
    ASSERT_EQ(sender_->protectRtcp(rtcp.buf.data(), rtcp.len, rtcp.buf.size()), Status::Ok);
    Packet rtcpCopy = rtcp;
    ASSERT_EQ(receiver_->unprotectRtcp(rtcp.buf.data(), rtcp.len), Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtcp(rtcpCopy.buf.data(), rtcpCopy.len), Status::Replayed);
}

TEST_P(SrtpSessionTest, ReorderingInsideWindowAcceptedOutsideRejected) {
    Packet veryEarly = makeRtp(9);
    ASSERT_EQ(sender_->protectRtp(veryEarly.buf.data(), veryEarly.len, veryEarly.buf.size()),
              Status::Ok);
    Packet early = makeRtp(10);
    ASSERT_EQ(sender_->protectRtp(early.buf.data(), early.len, early.buf.size()), Status::Ok);
    Packet mid = makeRtp(11);
    ASSERT_EQ(sender_->protectRtp(mid.buf.data(), mid.len, mid.buf.size()), Status::Ok);
    Packet late = makeRtp(10 + 2000);
    ASSERT_EQ(sender_->protectRtp(late.buf.data(), late.len, late.buf.size()), Status::Ok);

    ASSERT_EQ(receiver_->unprotectRtp(mid.buf.data(), mid.len), Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtp(early.buf.data(), early.len), Status::Ok);  // reordered
    ASSERT_EQ(receiver_->unprotectRtp(late.buf.data(), late.len), Status::Ok);
    // 2000 packets behind the newest: outside the 1024 window.
    EXPECT_EQ(receiver_->unprotectRtp(veryEarly.buf.data(), veryEarly.len), Status::ReplayTooOld);
}

TEST_P(SrtpSessionTest, RetransmissionWithSameSequenceNumberIsAllowed) {
    Packet original = makeRtp(42);
    Packet retransmission = original;
    ASSERT_EQ(sender_->protectRtp(original.buf.data(), original.len, original.buf.size()),
              Status::Ok);
    // The original was lost; the SFU resends it on NACK with the same sequence number.
    ASSERT_EQ(sender_->protectRtp(retransmission.buf.data(), retransmission.len,
                                  retransmission.buf.size()),
              Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtp(retransmission.buf.data(), retransmission.len), Status::Ok);
}

TEST_P(SrtpSessionTest, NeverWritesBeyondCapacity) {
    Packet p = makeRtp(1);
    const auto plain = p.bytes();
    size_t len = p.len;
    EXPECT_EQ(sender_->protectRtp(p.buf.data(), len, p.len + rtpOverhead() - 1),
              Status::BufferTooSmall);
    EXPECT_EQ(len, plain.size());
    EXPECT_EQ(p.bytes(), plain);
    EXPECT_EQ(sender_->protectRtp(p.buf.data(), len, p.len - 1), Status::BufferTooSmall);

    Packet r = makeRtcp();
    len = r.len;
    EXPECT_EQ(sender_->protectRtcp(r.buf.data(), len, r.len + rtpOverhead() + 3),
              Status::BufferTooSmall);
    EXPECT_EQ(len, r.len);

    // Exactly enough room works.
    len = p.len;
    EXPECT_EQ(sender_->protectRtp(p.buf.data(), len, p.len + rtpOverhead()), Status::Ok);
    len = r.len;
    EXPECT_EQ(sender_->protectRtcp(r.buf.data(), len, r.len + rtpOverhead() + 4), Status::Ok);
}

TEST_P(SrtpSessionTest, MalformedInputIsRejected) {
    Packet p = makeRtp(1);
    size_t len = 11;
    EXPECT_EQ(sender_->protectRtp(p.buf.data(), len, p.buf.size()), Status::Malformed);
    EXPECT_EQ(receiver_->unprotectRtp(p.buf.data(), len), Status::Malformed);

    Packet badVersion = makeRtp(1);
    badVersion.buf[0] = 0x40;
    EXPECT_EQ(sender_->protectRtp(badVersion.buf.data(), badVersion.len, kCapacity),
              Status::Malformed);

    Packet tooManyCsrcs = makeRtp(1, 1, 20);
    tooManyCsrcs.buf[0] = 0x8f;  // 15 CSRCs = 60 bytes > 20 byte payload
    EXPECT_EQ(sender_->protectRtp(tooManyCsrcs.buf.data(), tooManyCsrcs.len, kCapacity),
              Status::Malformed);
    EXPECT_EQ(receiver_->unprotectRtp(tooManyCsrcs.buf.data(), tooManyCsrcs.len),
              Status::Malformed);

    Packet longExtension = makeRtp(1, 1, 20);
    longExtension.buf[0] = 0x90;
    longExtension.buf[12] = 0xbe;
    longExtension.buf[13] = 0xde;
    longExtension.buf[14] = 0x00;
    longExtension.buf[15] = 0x10;  // 64 bytes of extension in a 20 byte payload
    EXPECT_EQ(sender_->protectRtp(longExtension.buf.data(), longExtension.len, kCapacity),
              Status::Malformed);

    Packet rtcp = makeRtcp();
    len = 7;
    EXPECT_EQ(sender_->protectRtcp(rtcp.buf.data(), len, kCapacity), Status::Malformed);
    len = 8 + 4 + rtpOverhead() - 1;  // cannot hold index + tag
    EXPECT_EQ(receiver_->unprotectRtcp(rtcp.buf.data(), len), Status::Malformed);
}

TEST_P(SrtpSessionTest, DirectionIsEnforced) {
    Packet p = makeRtp(1);
    EXPECT_EQ(receiver_->protectRtp(p.buf.data(), p.len, p.buf.size()), Status::WrongDirection);
    EXPECT_EQ(sender_->unprotectRtp(p.buf.data(), p.len), Status::WrongDirection);
    Packet r = makeRtcp();
    EXPECT_EQ(receiver_->protectRtcp(r.buf.data(), r.len, r.buf.size()), Status::WrongDirection);
    EXPECT_EQ(sender_->unprotectRtcp(r.buf.data(), r.len), Status::WrongDirection);
}

TEST_P(SrtpSessionTest, WrongKeyFailsAuthentication) {
    const auto otherKey = keyFor(GetParam(), 99);
    auto other = SrtpSession::create(GetParam(), Dir::Inbound, otherKey.data(), otherKey.size());
    ASSERT_TRUE(other);
    Packet p = makeRtp(3);
    ASSERT_EQ(sender_->protectRtp(p.buf.data(), p.len, p.buf.size()), Status::Ok);
    EXPECT_EQ(other->unprotectRtp(p.buf.data(), p.len), Status::AuthFailed);
}

TEST_P(SrtpSessionTest, ManySsrcsShareOneSession) {
    for (uint32_t ssrc = 1; ssrc <= 20; ++ssrc) {
        Packet p = makeRtp(100, ssrc);
        const auto plain = p.bytes();
        ASSERT_EQ(sender_->protectRtp(p.buf.data(), p.len, p.buf.size()), Status::Ok);
        ASSERT_EQ(receiver_->unprotectRtp(p.buf.data(), p.len), Status::Ok) << ssrc;
        EXPECT_EQ(p.bytes(), plain);
    }
}

// Subscribers come and go with fresh SSRCs: each one's stream must be freed when it leaves, or
// libsrtp's per-packet stream walk grows without bound. The streams that stay keep working.
TEST_P(SrtpSessionTest, RemovedStreamsAreFreedAndTheOthersKeepWorking) {
    const uint32_t live[] = {0x11223344, 0x0a0b0c0d};
    std::vector<uint32_t> gone;
    uint16_t liveSeq = 500;
    auto roundTrip = [&](uint32_t ssrc, uint16_t seq) {
        Packet p = makeRtp(seq, ssrc);
        const auto plain = p.bytes();
        if (sender_->protectRtp(p.buf.data(), p.len, p.buf.size()) != Status::Ok) return false;
        return receiver_->unprotectRtp(p.buf.data(), p.len) == Status::Ok && p.bytes() == plain;
    };
    for (uint32_t cycle = 0; cycle < 300; ++cycle) {
        const uint32_t ssrc = 0x70000000u + cycle * 0x01010101u;
        for (uint16_t seq = 0; seq < 3; ++seq) ASSERT_TRUE(roundTrip(ssrc, seq)) << cycle;
        for (uint32_t l : live) ASSERT_TRUE(roundTrip(l, liveSeq)) << cycle;
        ++liveSeq;
        ASSERT_TRUE(sender_->hasStream(ssrc));
        ASSERT_TRUE(receiver_->hasStream(ssrc));
        EXPECT_TRUE(sender_->removeStream(ssrc));
        EXPECT_TRUE(receiver_->removeStream(ssrc));
        EXPECT_FALSE(sender_->removeStream(ssrc)) << "already gone";
        gone.push_back(ssrc);
    }
    for (uint32_t ssrc : gone) {
        EXPECT_FALSE(sender_->hasStream(ssrc)) << ssrc;
        EXPECT_FALSE(receiver_->hasStream(ssrc)) << ssrc;
    }
    for (uint32_t l : live) {
        EXPECT_TRUE(sender_->hasStream(l));
        EXPECT_TRUE(receiver_->hasStream(l));
        EXPECT_TRUE(roundTrip(l, liveSeq));
    }
    // RTCP of a live SSRC is unaffected too.
    Packet rtcp = makeRtcp(live[0]);
    ASSERT_EQ(sender_->protectRtcp(rtcp.buf.data(), rtcp.len, rtcp.buf.size()), Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtcp(rtcp.buf.data(), rtcp.len), Status::Ok);
}

// A removed SSRC that comes back starts a fresh stream: its old replay window is gone with it.
TEST_P(SrtpSessionTest, RemovedSsrcThatReturnsStartsAFreshStream) {
    const uint32_t ssrc = 0x12345678;
    Packet first = makeRtp(7, ssrc);
    ASSERT_EQ(sender_->protectRtp(first.buf.data(), first.len, first.buf.size()), Status::Ok);
    ASSERT_EQ(receiver_->unprotectRtp(first.buf.data(), first.len), Status::Ok);
    ASSERT_TRUE(sender_->removeStream(ssrc));
    ASSERT_TRUE(receiver_->removeStream(ssrc));
    Packet again = makeRtp(7, ssrc);
    ASSERT_EQ(sender_->protectRtp(again.buf.data(), again.len, again.buf.size()), Status::Ok);
    EXPECT_EQ(receiver_->unprotectRtp(again.buf.data(), again.len), Status::Ok);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpSessionTest,
                         ::testing::Values(SrtpProfile::AeadAes128Gcm,
                                           SrtpProfile::Aes128CmSha1_80),
                         [](const auto& info) {
                             return info.param == SrtpProfile::AeadAes128Gcm ? "Gcm" : "AesCm";
                         });

TEST(SrtpSession, CreateRejectsKeyLengthMismatch) {
    const auto cmKey = keyFor(SrtpProfile::Aes128CmSha1_80, 1);  // 30 bytes
    std::string error;
    EXPECT_FALSE(
        SrtpSession::create(SrtpProfile::AeadAes128Gcm, Dir::Inbound, cmKey.data(), 30, &error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(SrtpSession::create(SrtpProfile::Aes128CmSha1_80, Dir::Inbound, cmKey.data(), 28));
    EXPECT_FALSE(SrtpSession::create(SrtpProfile::Aes128CmSha1_80, Dir::Inbound, nullptr, 30));
}

TEST(SrtpSession, ProfilesAreNotInterchangeable) {
    const auto key = keyFor(SrtpProfile::AeadAes128Gcm, 5);
    auto gcmOut = SrtpSession::create(SrtpProfile::AeadAes128Gcm, Dir::Outbound, key.data(), 28);
    std::vector<uint8_t> cmKey(key.begin(), key.end());
    cmKey.resize(30, 0);
    auto cmIn = SrtpSession::create(SrtpProfile::Aes128CmSha1_80, Dir::Inbound, cmKey.data(), 30);
    ASSERT_TRUE(gcmOut && cmIn);
    Packet p = makeRtp(1);
    ASSERT_EQ(gcmOut->protectRtp(p.buf.data(), p.len, p.buf.size()), Status::Ok);
    EXPECT_EQ(cmIn->unprotectRtp(p.buf.data(), p.len), Status::AuthFailed);
}

}  // namespace
}  // namespace vcb::dtls
