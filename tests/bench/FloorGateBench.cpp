// Floor control on the media worker (issue 10): what the forwarding gate costs per packet and how
// long the worker takes from a grant (gate opened) to the first forwarded packet of that producer.
// The listener below is Router::onProducerRtp's code (the gate check, then every consumer): the
// Router itself needs live transports to send. Run by hand: build/tests/bench/floor_gate_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace {

using namespace vcb;

class CountingSink final : public sfu::PacketSink {
  public:
    bool sendRtp(uint8_t* buf, size_t len, size_t) override {
        benchmark::DoNotOptimize(buf[len - 1]);
        ++sent;
        return true;
    }
    bool sendRtcp(uint8_t*, size_t, size_t) override { return true; }
    uint16_t nextTransportSequence() override { return ++seq_; }
    uint32_t rtcpSsrc() const override { return 1; }
    uint64_t sent = 0;

  private:
    uint16_t seq_ = 0;
};

// Router::onProducerRtp and Router::onConsumerKeyFrameRequest.
struct GatedRouter final : sfu::Producer::Listener, sfu::Consumer::Listener {
    void onProducerRtp(sfu::Producer& producer, const rtp::RtpPacket& packet,
                       int64_t nowUs) override {
        if (!producer.forwarding()) {
            producer.countWithheld();
            return;
        }
        for (sfu::Consumer* c : producer.consumers()) c->forward(packet, nowUs);
    }
    void onConsumerKeyFrameRequest(sfu::Consumer& c, int64_t nowUs) override {
        if (c.producer() != nullptr) c.producer()->requestKeyFrame(nowUs);
    }
};

// An Opus packet of 160 bytes.
std::vector<uint8_t> opusPacket(uint16_t seq) {
    std::vector<uint8_t> p(172, 0x5A);
    p[0] = 0x80;
    p[1] = 111;
    p[2] = static_cast<uint8_t>(seq >> 8);
    p[3] = static_cast<uint8_t>(seq);
    const uint32_t ts = seq * 960u;
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
        p[8 + i] = static_cast<uint8_t>(0xA0D10000u >> (24 - 8 * i));
    }
    return p;
}

struct AudioPath {
    CountingSink publisher, subscriber;
    GatedRouter router;
    sfu::Producer producer;
    sfu::Consumer consumer;
    uint16_t seq = 1;
    int64_t now = 1'000'000;

    AudioPath()
        : producer(options(), publisher, router),
          consumer(consumerOptions(), subscriber, router, 100, 1000) {
        producer.consumers().push_back(&consumer);
        consumer.setProducer(&producer, now);
    }
    static sfu::ProducerOptions options() {
        sfu::ProducerOptions o;
        o.id = "mic";
        o.kind = sfu::MediaKind::Audio;
        o.ssrc = 0xA0D10000u;
        o.payloadType = 111;
        o.codecName = "opus";
        o.clockRate = 48000;
        return o;
    }
    static sfu::ConsumerOptions consumerOptions() {
        sfu::ConsumerOptions o;
        o.id = "c";
        o.kind = sfu::MediaKind::Audio;
        o.ssrc = 0xBEEF;
        o.codecs = {sfu::RtpCodec{109, "opus", 48000, 2, "", {}, std::nullopt}};
        return o;
    }
    void deliver() {
        auto bytes = opusPacket(seq++);
        rtp::RtpPacket packet;
        rtp::RtpPacket::parse(bytes.data(), bytes.size(), packet);
        producer.receiveRtp(packet, now += 20'000);
    }
};

// Per packet of a muted (gate closed) producer: parse excluded, receive statistics + gate + count.
void BM_WithheldAudioPacket(benchmark::State& state) {
    AudioPath path;
    path.producer.setForwarding(false);
    for (auto _ : state) path.deliver();
    state.counters["forwarded"] = static_cast<double>(path.subscriber.sent);
}
BENCHMARK(BM_WithheldAudioPacket);

// Per packet of a producer with the floor (gate open), one consumer: the same path forwarding.
void BM_ForwardedAudioPacket(benchmark::State& state) {
    AudioPath path;
    for (auto _ : state) path.deliver();
    state.counters["forwarded"] = static_cast<double>(path.subscriber.sent);
}
BENCHMARK(BM_ForwardedAudioPacket);

// Grant on the worker: the gate opens (what Router::setProducerForwarding does: flag, consumers
// resynchronised) and the producer's next packet goes out. Manual time = gate opened → that
// packet handed to the transport, excluding the wait for the publisher's next packet (≤ one
// packetisation interval, 20 ms for Opus) which dominates in a real meeting.
void BM_GrantToFirstForwardedAudio(benchmark::State& state) {
    AudioPath path;
    for (auto _ : state) {
        path.producer.setForwarding(false);
        path.deliver();  // withheld
        const uint64_t before = path.subscriber.sent;
        const auto t0 = std::chrono::steady_clock::now();
        path.producer.setForwarding(true);
        for (sfu::Consumer* c : path.producer.consumers()) c->setProducer(&path.producer, path.now);
        path.deliver();
        const auto t1 = std::chrono::steady_clock::now();
        if (path.subscriber.sent != before + 1) {
            state.SkipWithError("the first packet after the grant was not forwarded");
            return;
        }
        state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    }
}
BENCHMARK(BM_GrantToFirstForwardedAudio)->UseManualTime();

// Mute on the worker: after the gate closes, the very next packet is withheld, so the last
// forwarded packet is the one before the mute. Counts packets forwarded after a mute (must be 0).
void BM_MuteThenNextPacket(benchmark::State& state) {
    AudioPath path;
    uint64_t leaked = 0;
    for (auto _ : state) {
        path.producer.setForwarding(true);
        path.deliver();
        const uint64_t before = path.subscriber.sent;
        path.producer.setForwarding(false);
        path.deliver();
        leaked += path.subscriber.sent - before;
    }
    state.counters["forwarded_after_mute"] = static_cast<double>(leaked);
}
BENCHMARK(BM_MuteThenNextPacket);

}  // namespace

BENCHMARK_MAIN();
