// Cost of each step a forwarded video packet goes through, in isolation, on 1200-byte packets:
// parse → rewrite (Consumer) → SRTP protect (GCM, AES-CM) → send (sendto, sendmmsg batch).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtpExtensionValues.hpp"
#include "sfu/rtp/RtpPacket.hpp"
#include "sfu/rtp/RtpPacketWriter.hpp"

namespace {

using namespace vcb;

constexpr size_t kPacketSize = 1200;

// A Chrome-like VP8 packet: one-byte extensions (mid, abs-send-time, transport-cc) + payload.
std::vector<uint8_t> makePacket(uint16_t seq, bool keyFrame) {
    std::vector<uint8_t> p(kPacketSize, 0xAB);
    p[0] = 0x90;  // V=2, X=1
    p[1] = 96;
    p[2] = static_cast<uint8_t>(seq >> 8);
    p[3] = static_cast<uint8_t>(seq);
    uint32_t ts = 90000u + seq * 3000u;
    uint32_t ssrc = 0x11223344;
    for (int i = 0; i < 4; ++i) {
        p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
        p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
    }
    const uint8_t ext[] = {0xBE, 0xDE, 0x00, 0x03,               // profile, 3 words
                           0x10, '0',                            // mid id 1 = "0"
                           0x32, 0x01, 0x02, 0x03,               // abs-send-time id 3
                           0x41, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq),  // tcc id 4
                           0x00, 0x00, 0x00};                    // padding to 12 bytes
    std::memcpy(p.data() + 12, ext, sizeof ext);
    size_t payload = 12 + sizeof ext;
    p[payload] = 0x90;      // VP8 descriptor: X=1, S=1, PID=0
    p[payload + 1] = 0x80;  // I=1
    p[payload + 2] = 0x80 | static_cast<uint8_t>(seq >> 8);
    p[payload + 3] = static_cast<uint8_t>(seq);
    // VP8 frame tag: P bit 0 = key frame, followed by the key frame start code and size.
    const uint8_t keyHeader[] = {0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
    if (keyFrame) {
        std::memcpy(p.data() + payload + 4, keyHeader, sizeof keyHeader);
    } else {
        p[payload + 4] = 0x51;
    }
    return p;
}

class NullSink final : public sfu::PacketSink {
public:
    bool sendRtp(uint8_t* buf, size_t len, size_t) override {
        benchmark::DoNotOptimize(buf[len - 1]);
        return true;
    }
    bool sendRtcp(uint8_t*, size_t, size_t) override { return true; }
    uint16_t nextTransportSequence() override { return ++seq_; }
    uint32_t rtcpSsrc() const override { return 1; }

private:
    uint16_t seq_ = 0;
};

struct NullProducerListener final : sfu::Producer::Listener {
    void onProducerRtp(sfu::Producer&, const rtp::RtpPacket&, int64_t) override {}
};
struct NullConsumerListener final : sfu::Consumer::Listener {
    void onConsumerKeyFrameRequest(sfu::Consumer&, int64_t) override {}
};

void BM_ParseRtp(benchmark::State& state) {
    auto packet = makePacket(1, true);
    for (auto _ : state) {
        rtp::RtpPacket view;
        bool ok = rtp::RtpPacket::parse(packet.data(), packet.size(), view);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(view.findExtension(4));
    }
}
BENCHMARK(BM_ParseRtp);

// Consumer::forward: key-frame gate, seq/ts rewrite, extension rebuild into the send buffer.
void BM_ConsumerForward(benchmark::State& state) {
    NullSink publisher;
    NullSink subscriber;
    NullProducerListener pl;
    NullConsumerListener cl;
    sfu::ProducerOptions po;
    po.id = "p";
    po.kind = sfu::MediaKind::Video;
    po.ssrc = 0x11223344;
    po.payloadType = 96;
    po.codecName = "VP8";
    po.extensions.mid = 1;
    po.extensions.absSendTime = 3;
    po.extensions.transportCc = 4;
    sfu::Producer producer(po, publisher, pl);
    sfu::ConsumerOptions co;
    co.id = "c";
    co.kind = sfu::MediaKind::Video;
    co.mid = "1";
    co.ssrc = 0x55667788;
    co.codecs = {sfu::RtpCodec{100, "VP8", 90000, 0, "", {"nack", "nack pli"}, std::nullopt}};
    co.extensions.mid = 2;
    co.extensions.absSendTime = 5;
    co.extensions.transportCc = 6;
    sfu::Consumer consumer(co, subscriber, cl, 1000, 5000);
    consumer.setProducer(&producer, 1);
    auto key = makePacket(0, true);
    rtp::RtpPacket view;
    rtp::RtpPacket::parse(key.data(), key.size(), view);
    consumer.forward(view, 2);
    if (consumer.packetsSent() != 1) {
        state.SkipWithError("the key frame was not forwarded");
        return;
    }
    std::vector<std::vector<uint8_t>> packets;
    for (uint16_t i = 1; i <= 1024; ++i) packets.push_back(makePacket(i, false));
    size_t i = 0;
    int64_t now = 10;
    for (auto _ : state) {
        auto& p = packets[i++ & 1023];
        // Keep sequence numbers increasing past the ring of prepared packets.
        uint16_t seq = static_cast<uint16_t>(i);
        p[2] = static_cast<uint8_t>(seq >> 8);
        p[3] = static_cast<uint8_t>(seq);
        rtp::RtpPacket packet;
        rtp::RtpPacket::parse(p.data(), p.size(), packet);
        consumer.forward(packet, now += 33);
    }
    state.counters["dropped"] = static_cast<double>(consumer.packetsDropped());
}
BENCHMARK(BM_ConsumerForward);

std::array<uint8_t, 30> testKey() {
    std::array<uint8_t, 30> k{};
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 7 + 1);
    return k;
}

void BM_SrtpProtect(benchmark::State& state, dtls::SrtpProfile profile) {
    auto key = testKey();
    auto session = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Outbound, key.data(),
                                             16 + dtls::srtpMasterSaltLength(profile));
    if (!session) {
        state.SkipWithError("cannot create SRTP session");
        return;
    }
    auto packet = makePacket(1, false);
    std::array<uint8_t, 1500> buf{};
    uint16_t seq = 0;
    for (auto _ : state) {
        std::memcpy(buf.data(), packet.data(), packet.size());
        ++seq;
        buf[2] = static_cast<uint8_t>(seq >> 8);
        buf[3] = static_cast<uint8_t>(seq);
        size_t len = packet.size();
        auto status = session->protectRtp(buf.data(), len, buf.size());
        benchmark::DoNotOptimize(status);
    }
}
BENCHMARK_CAPTURE(BM_SrtpProtect, AeadAes128Gcm, dtls::SrtpProfile::AeadAes128Gcm);
BENCHMARK_CAPTURE(BM_SrtpProtect, Aes128CmSha1_80, dtls::SrtpProfile::Aes128CmSha1_80);

// UDP send cost on loopback: one sendto per packet versus sendmmsg batches of 32.
struct UdpPair {
    int tx = -1;
    int rx = -1;
    sockaddr_in to{};
    UdpPair() {
        rx = socket(AF_INET, SOCK_DGRAM, 0);
        tx = socket(AF_INET, SOCK_DGRAM, 0);
        int big = 64 << 20;
        setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(rx, reinterpret_cast<sockaddr*>(&to), sizeof to);
        socklen_t len = sizeof to;
        getsockname(rx, reinterpret_cast<sockaddr*>(&to), &len);
    }
    ~UdpPair() {
        close(tx);
        close(rx);
    }
    void drain() const {
        std::array<uint8_t, 2048> b;
        for (int i = 0; i < 100000 && recv(rx, b.data(), b.size(), MSG_DONTWAIT) > 0; ++i) {
        }
    }
};

void BM_SendTo(benchmark::State& state) {
    UdpPair udp;
    auto packet = makePacket(1, false);
    size_t n = 0;
    for (auto _ : state) {
        sendto(udp.tx, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&udp.to), sizeof udp.to);
        if ((++n & 255) == 0) {
            state.PauseTiming();
            udp.drain();
            state.ResumeTiming();
        }
    }
}
BENCHMARK(BM_SendTo);

void BM_SendMmsg32(benchmark::State& state) {
    UdpPair udp;
    auto packet = makePacket(1, false);
    constexpr int kBatch = 32;
    std::array<iovec, kBatch> iov{};
    std::array<mmsghdr, kBatch> msgs{};
    for (int i = 0; i < kBatch; ++i) {
        iov[i] = {packet.data(), packet.size()};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &udp.to;
        msgs[i].msg_hdr.msg_namelen = sizeof udp.to;
    }
    for (auto _ : state) {
        sendmmsg(udp.tx, msgs.data(), kBatch, 0);
        state.PauseTiming();
        udp.drain();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["per_packet_ns"] =
        benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SendMmsg32);

}  // namespace

BENCHMARK_MAIN();
