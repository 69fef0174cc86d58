#pragma once
// Test doubles for the media core: a PacketSink that records plaintext copies of what it is given,
// an RTP packet builder, VP8/opus payload makers and the Producer→Consumer wiring the Router does.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu::test {

// Polls cond every 5 ms until it holds or `limit` has passed (for work done on a worker thread).
template <typename F>
bool eventually(std::chrono::milliseconds limit, F cond) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return cond();
}

using Bytes = std::vector<uint8_t>;

// A parsed copy of a recorded packet; owns its bytes so the view stays valid.
struct OwnedRtp {
    explicit OwnedRtp(Bytes b) : bytes(std::make_unique<Bytes>(std::move(b))) {
        ok = rtp::RtpPacket::parse(bytes->data(), bytes->size(), packet);
    }
    std::unique_ptr<Bytes> bytes;
    rtp::RtpPacket packet;
    bool ok = false;
    const rtp::RtpPacket* operator->() const { return &packet; }
    Bytes payload() const { return Bytes(packet.payload().begin(), packet.payload().end()); }
    Bytes extension(uint8_t id) const {
        auto v = packet.findExtension(id);
        return Bytes(v.begin(), v.end());
    }
    std::vector<uint8_t> extensionIds() const {
        std::vector<uint8_t> ids;
        packet.forEachExtension([&](uint8_t id, std::span<const uint8_t>) { ids.push_back(id); });
        std::sort(ids.begin(), ids.end());
        return ids;
    }
};

class RecordingSink final : public PacketSink {
  public:
    explicit RecordingSink(uint32_t ssrc = 0x5EED0001) : ssrc_(ssrc) {}

    bool sendRtp(uint8_t* buf, size_t len, size_t capacity) override {
        EXPECT_LE(len, capacity);
        rtp_.emplace_back(buf, buf + len);
        return true;
    }
    bool sendRtcp(uint8_t* buf, size_t len, size_t capacity) override {
        EXPECT_LE(len, capacity);
        rtcp_.emplace_back(buf, buf + len);
        return true;
    }
    uint16_t nextTransportSequence() override { return ++transportSequence_; }
    uint32_t rtcpSsrc() const override { return ssrc_; }
    bool connected() const override { return connected_; }
    void setConnected(bool connected) { connected_ = connected; }

    const std::vector<Bytes>& rtpSent() const { return rtp_; }
    const std::vector<Bytes>& rtcpSent() const { return rtcp_; }
    OwnedRtp rtpAt(size_t i) const { return OwnedRtp(rtp_.at(i)); }
    OwnedRtp lastRtp() const { return OwnedRtp(rtp_.back()); }
    void clear() {
        rtp_.clear();
        rtcp_.clear();
    }

  private:
    uint32_t ssrc_;
    bool connected_ = true;
    uint16_t transportSequence_ = 0;
    std::vector<Bytes> rtp_;
    std::vector<Bytes> rtcp_;
};

struct Extension {
    uint8_t id;
    Bytes value;  // 1..16 bytes (one-byte form)
};

struct RtpSpec {
    uint8_t payloadType = 96;
    uint16_t seq = 0;
    uint32_t timestamp = 0;
    uint32_t ssrc = 0;
    bool marker = false;
    std::vector<Extension> extensions;
    Bytes payload;
};

// Serializes an RTP packet with RFC 8285 one-byte header extensions.
inline Bytes buildRtp(const RtpSpec& s) {
    Bytes out;
    out.push_back(static_cast<uint8_t>(0x80 | (s.extensions.empty() ? 0 : 0x10)));
    out.push_back(static_cast<uint8_t>((s.marker ? 0x80 : 0) | (s.payloadType & 0x7F)));
    out.push_back(static_cast<uint8_t>(s.seq >> 8));
    out.push_back(static_cast<uint8_t>(s.seq));
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(s.timestamp >> shift));
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(s.ssrc >> shift));
    if (!s.extensions.empty()) {
        Bytes elements;
        for (const auto& e : s.extensions) {
            elements.push_back(static_cast<uint8_t>((e.id << 4) | ((e.value.size() - 1) & 0x0F)));
            elements.insert(elements.end(), e.value.begin(), e.value.end());
        }
        while (elements.size() % 4 != 0) elements.push_back(0);
        size_t words = elements.size() / 4;
        out.insert(out.end(),
                   {0xBE, 0xDE, static_cast<uint8_t>(words >> 8), static_cast<uint8_t>(words)});
        out.insert(out.end(), elements.begin(), elements.end());
    }
    out.insert(out.end(), s.payload.begin(), s.payload.end());
    return out;
}

// First packet of a VP8 key frame: descriptor S=1 PID=0, payload header P=0 with the start code.
inline Bytes vp8KeyFrame(uint8_t tag) {
    return {0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, tag, tag, tag};
}
// First packet of a VP8 delta frame: S=1 PID=0 but P=1 (inter frame).
inline Bytes vp8DeltaFrame(uint8_t tag) { return {0x10, 0x01, 0x00, 0x00, tag, tag, tag, tag}; }
// A continuation packet of a frame (S=0).
inline Bytes vp8Continuation(uint8_t tag) { return {0x00, tag, tag, tag, tag, tag}; }
inline Bytes opusFrame(uint8_t tag) { return {0x78, tag, tag, tag, tag}; }

// Delivers packets to a Producer: owns their bytes while the producer (and what it calls) runs.
inline void deliver(Producer& producer, const RtpSpec& spec, int64_t nowUs) {
    Bytes bytes = buildRtp(spec);
    rtp::RtpPacket packet;
    ASSERT_TRUE(rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet));
    producer.receiveRtp(packet, nowUs);
}

// What the Router does, without transports: a producer's packets go to the consumers currently
// attached to it; a consumer's key-frame requests go to its producer.
class Wiring final : public Producer::Listener, public Consumer::Listener {
  public:
    void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, int64_t nowUs) override {
        for (Consumer* c : consumers_) {
            if (c->producer() == &producer) c->forward(packet, nowUs);
        }
    }
    void onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) override {
        ++keyFrameRequests_;
        if (consumer.producer() != nullptr) consumer.producer()->requestKeyFrame(nowUs);
    }
    void add(Consumer& c) { consumers_.push_back(&c); }
    int keyFrameRequests() const { return keyFrameRequests_; }

  private:
    std::vector<Consumer*> consumers_;
    int keyFrameRequests_ = 0;
};

inline ProducerOptions vp8Producer(std::string id, uint32_t ssrc, uint8_t pt = 96) {
    ProducerOptions o;
    o.id = std::move(id);
    o.kind = MediaKind::Video;
    o.mid = "1";
    o.ssrc = ssrc;
    o.payloadType = pt;
    o.codecName = "VP8";
    o.clockRate = 90000;
    return o;
}

inline ProducerOptions opusProducer(std::string id, uint32_t ssrc, uint8_t pt = 111) {
    ProducerOptions o;
    o.id = std::move(id);
    o.kind = MediaKind::Audio;
    o.mid = "0";
    o.ssrc = ssrc;
    o.payloadType = pt;
    o.codecName = "opus";
    o.clockRate = 48000;
    return o;
}

inline ConsumerOptions videoConsumer(uint32_t ssrc, uint8_t vp8Pt = 100) {
    ConsumerOptions o;
    o.id = "c-video";
    o.kind = MediaKind::Video;
    o.mid = "v0";
    o.ssrc = ssrc;
    o.cname = "vcbridge-test";
    RtpCodec h264{102, "H264", 90000, 0, "", {}, std::nullopt};
    RtpCodec vp8{vp8Pt, "vp8", 90000, 0, "", {"nack", "nack pli"}, std::nullopt};
    o.codecs = {h264, vp8};
    return o;
}

inline ConsumerOptions audioConsumer(uint32_t ssrc, uint8_t opusPt = 109) {
    ConsumerOptions o;
    o.id = "c-audio";
    o.kind = MediaKind::Audio;
    o.mid = "a0";
    o.ssrc = ssrc;
    o.cname = "vcbridge-test";
    o.codecs = {RtpCodec{opusPt, "opus", 48000, 2, "minptime=10", {}, std::nullopt}};
    return o;
}

}  // namespace vcb::sfu::test
