// sfu::PlainTransport through the Router, on real UDP sockets on 127.0.0.1: what a peer sends to a
// plain producer reaches a plain consumer's peer rewritten as a WebRTC consumer would rewrite it;
// datagrams from any other address are dropped and counted.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sfu/core/Metrics.hpp"
#include "sfu/core/Router.hpp"
#include "sfu/core/Worker.hpp"

namespace vcb::sfu {
namespace {

// A test peer: a UDP socket on 127.0.0.1.
class UdpPeer {
  public:
    UdpPeer() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~UdpPeer() { ::close(fd_); }
    uint16_t port() const { return port_; }
    void sendTo(uint16_t port, const std::vector<uint8_t>& data) const {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a),
                           sizeof a),
                  static_cast<ssize_t>(data.size()));
    }
    // The next datagram within timeoutMs, or nullopt.
    std::optional<std::vector<uint8_t>> receive(int timeoutMs) const {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) != 1) return std::nullopt;
        std::vector<uint8_t> buf(2048);
        ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
        if (n < 0) return std::nullopt;
        buf.resize(static_cast<size_t>(n));
        return buf;
    }

  private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

std::vector<uint8_t> rtpPacket(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                               uint8_t fill) {
    std::vector<uint8_t> p(12 + 40, fill);
    p[0] = 0x80;
    p[1] = pt;
    p[2] = seq >> 8;
    p[3] = seq & 0xff;
    for (int i = 0; i < 4; ++i) p[4 + i] = (ts >> (24 - 8 * i)) & 0xff;
    for (int i = 0; i < 4; ++i) p[8 + i] = (ssrc >> (24 - 8 * i)) & 0xff;
    return p;
}

uint32_t be32(const std::vector<uint8_t>& p, size_t at) {
    return (uint32_t(p[at]) << 24) | (uint32_t(p[at + 1]) << 16) | (uint32_t(p[at + 2]) << 8) |
           p[at + 3];
}

class Closed final : public Router::Listener {
  public:
    void onTransportConnected(const std::string&) override {}
    void onTransportClosed(const std::string& id, std::string_view) override {
        std::lock_guard lock(mutex);
        closed.push_back(id);
    }
    std::mutex mutex;
    std::vector<std::string> closed;
};

class PlainTransportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        worker.start();
        worker.invoke([&] { router = std::make_unique<Router>(worker, RouterConfig{}, listener); });
    }
    void TearDown() override {
        worker.invoke([&] { router.reset(); });
        worker.stop();
    }
    // Plain producer transport "in" (peer: `sender`, ssrc 0x1234, opus PT 111) feeding a plain
    // consumer transport "out" (peer: `receiver`, ssrc 0xabcd, PT 100).
    void wire(const UdpPeer& sender, const UdpPeer& receiver) {
        std::string error;
        bool ok = false;
        worker.invoke([&] {
            ok = router->createPlainTransport("in", {sender.port(), false}, inPort, error);
            if (!ok) return;
            ProducerOptions p;
            p.id = "in:audio";
            p.kind = MediaKind::Audio;
            p.ssrc = 0x1234;
            p.payloadType = 111;
            p.codecName = "opus";
            p.clockRate = 48000;
            ok = router->createProducer("in", p, error);
            if (!ok) return;
            uint16_t outPort = 0;
            ok = router->createPlainTransport("out", {receiver.port(), false}, outPort, error);
            if (!ok) return;
            ConsumerOptions c;
            c.id = "out:audio";
            c.kind = MediaKind::Audio;
            c.ssrc = 0xabcd;
            c.nack = false;
            c.codecs.push_back(RtpCodec{100, "opus", 48000, 2, {}, {}, {}});
            ok = router->createConsumer("out", c, "in:audio", error);
        });
        ASSERT_TRUE(ok) << error;
        ASSERT_NE(inPort, 0);
    }

    Worker worker{"plain-test"};
    Closed listener;
    std::unique_ptr<Router> router;
    uint16_t inPort = 0;
};

TEST_F(PlainTransportTest, PlainProducerToPlainConsumerOverLoopback) {
    UdpPeer sender, receiver;
    wire(sender, receiver);
    std::optional<uint16_t> firstSeq;
    std::optional<uint32_t> firstTs;
    for (uint16_t i = 0; i < 20; ++i) {
        sender.sendTo(inPort, rtpPacket(111, 1000 + i, 5000 + 960u * i, 0x1234, uint8_t(i)));
        auto got = receiver.receive(2000);
        ASSERT_TRUE(got) << "packet " << i << " did not arrive";
        ASSERT_EQ(got->size(), 52u);
        EXPECT_EQ((*got)[1] & 0x7f, 100) << "payload type rewritten to the consumer's";
        EXPECT_EQ(be32(*got, 8), 0xabcdu) << "SSRC rewritten to the consumer's";
        const uint16_t seq = uint16_t(((*got)[2] << 8) | (*got)[3]);
        const uint32_t ts = be32(*got, 4);
        if (!firstSeq) {
            firstSeq = seq;
            firstTs = ts;
        }
        EXPECT_EQ(seq, uint16_t(*firstSeq + i)) << "consecutive numbering";
        EXPECT_EQ(ts, *firstTs + 960u * i) << "timestamps keep their spacing";
        EXPECT_EQ((*got)[12], uint8_t(i)) << "payload unchanged";
    }
}

TEST_F(PlainTransportTest, DatagramsNotFromThePeerAreDroppedAndCounted) {
    UdpPeer sender, receiver, stranger;
    wire(sender, receiver);
    const uint64_t before =
        Metrics::instance().droppedPlainForeign.load(std::memory_order_relaxed);
    for (uint16_t i = 0; i < 10; ++i) stranger.sendTo(inPort, rtpPacket(111, i, 960u * i, 0x1234, 7));
    EXPECT_FALSE(receiver.receive(300)) << "a stranger's packet was forwarded";
    uint64_t dropped = 0;
    worker.invoke([&] {
        // Read on the worker: every datagram sent before has been handled by now or is dropped
        // by the next read; the stranger's ten went out 300 ms ago.
        dropped = Metrics::instance().droppedPlainForeign.load(std::memory_order_relaxed) - before;
    });
    EXPECT_EQ(dropped, 10u);
    // The peer itself still gets through afterwards.
    sender.sendTo(inPort, rtpPacket(111, 50, 48000, 0x1234, 9));
    auto got = receiver.receive(2000);
    ASSERT_TRUE(got);
    EXPECT_EQ((*got)[12], 9);
}

TEST_F(PlainTransportTest, UnknownSsrcIsDroppedAndClosingTakesItsProducer) {
    UdpPeer sender, receiver;
    wire(sender, receiver);
    sender.sendTo(inPort, rtpPacket(111, 1, 0, 0x9999, 1));  // no producer has this SSRC
    EXPECT_FALSE(receiver.receive(300));
    bool producerGone = false;
    worker.invoke([&] {
        router->closeTransport("in");
        producerGone = router->findProducer("in:audio") == nullptr;
    });
    EXPECT_TRUE(producerGone);
    {
        std::lock_guard lock(listener.mutex);
        ASSERT_EQ(listener.closed.size(), 1u);
        EXPECT_EQ(listener.closed[0], "in");
    }
    sender.sendTo(inPort, rtpPacket(111, 2, 960, 0x1234, 2));
    EXPECT_FALSE(receiver.receive(300)) << "a closed transport forwards nothing";
}

}  // namespace
}  // namespace vcb::sfu
