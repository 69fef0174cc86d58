// A Router transport against an in-process client (libnice controlling agent + DTLS client role +
// libsrtp): a ClientHello that arrives before the answer is applied is kept and answered at
// connect; the per-SSRC SRTP state of producers that close is freed while the others keep working.
#include <gtest/gtest.h>
#include <nice/agent.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "clients/loadgen/NiceCandidates.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Router.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/DtlsTransport.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using namespace std::chrono_literals;

// Private to this test binary's tests (WorkerRouterTest uses 47310-47347).
constexpr uint16_t kPortMin = 47350;
constexpr uint16_t kPortMax = 47359;
constexpr auto kWait = 5000ms;

class Listener final : public Router::Listener {
  public:
    void onTransportConnected(const std::string&) override { ++connected; }
    void onTransportClosed(const std::string&, std::string_view) override { ++closed; }
    std::atomic<int> connected{0};
    std::atomic<int> closed{0};
};

// The browser side: ICE (libnice, controlling), DTLS client, SRTP sender. Worker thread only.
class Client final : private dtls::DtlsTransport::Listener {
  public:
    Client(GMainContext* context, const LocalTransportParameters& server,
           std::shared_ptr<dtls::DtlsContext> dtls) {
        agent_ = nice_agent_new(context, NICE_COMPATIBILITY_RFC5245);
        g_object_set(agent_, "controlling-mode", TRUE, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
        NiceAddress local;
        nice_address_init(&local);
        nice_address_set_from_string(&local, "127.0.0.1");
        nice_agent_add_local_address(agent_, &local);
        stream_ = nice_agent_add_stream(agent_, 1);
        g_signal_connect(agent_, "component-state-changed", G_CALLBACK(&Client::onState), this);
        nice_agent_attach_recv(agent_, stream_, 1, context, &Client::onReceive, this);
        nice_agent_gather_candidates(agent_, stream_);
        gchar* u = nullptr;
        gchar* p = nullptr;
        nice_agent_get_local_credentials(agent_, stream_, &u, &p);
        ufrag_ = u;
        pwd_ = p;
        g_free(u);
        g_free(p);
        nice_agent_set_remote_credentials(agent_, stream_, server.iceUfrag.c_str(),
                                          server.icePwd.c_str());
        loadgen::setNiceRemoteCandidates(agent_, stream_, {server.candidates.front()});
        // No handleTimeout() calls: the client never retransmits, so a lost ClientHello would
        // leave the handshake stuck instead of merely slow.
        dtls_ = dtls::DtlsTransport::create(std::move(dtls), *this);
        dtls_->setRemoteFingerprint("sha-256", server.fingerprint);
    }
    ~Client() {
        nice_agent_attach_recv(agent_, stream_, 1, nullptr, nullptr, nullptr);
        g_signal_handlers_disconnect_by_data(agent_, this);
        nice_agent_remove_stream(agent_, stream_);
        g_object_unref(agent_);
    }
    bool iceReady() const { return iceState_ == NICE_COMPONENT_STATE_READY; }
    void startDtls() { dtls_->start(dtls::DtlsTransport::Role::Client); }
    bool dtlsConnected() const { return srtpOut_ != nullptr; }
    const std::string& ufrag() const { return ufrag_; }
    const std::string& pwd() const { return pwd_; }

    // One RTP packet (PT 96, VP8 delta frame payload unless given) protected with the client's
    // SRTP key.
    bool sendRtp(uint32_t ssrc, uint16_t seq, test::Bytes payload = {0x10, 0x01, 1, 2}) {
        test::Bytes bytes = test::buildRtp({96, seq, seq * 3000u, ssrc, false, {}, payload});
        std::array<uint8_t, 1500> buf{};
        std::copy(bytes.begin(), bytes.end(), buf.begin());
        size_t len = bytes.size();
        if (srtpOut_->protectRtp(buf.data(), len, buf.size()) != dtls::SrtpSession::Status::Ok)
            return false;
        return nice_agent_send(agent_, stream_, 1, static_cast<guint>(len),
                               reinterpret_cast<const gchar*>(buf.data())) ==
               static_cast<gint>(len);
    }

    // A generic NACK (RFC 4585) for one sequence number of mediaSsrc, protected with SRTCP.
    bool sendNack(uint32_t mediaSsrc, uint16_t seq) {
        const rtp::NackItem item{seq, 0};
        rtp::RtcpGenericNack nack;
        nack.setSenderSsrc(0x0C11E000);
        nack.setMediaSsrc(mediaSsrc);
        nack.setItems(std::span<const rtp::NackItem>(&item, 1));
        std::array<uint8_t, 1500> buf{};
        size_t len = nack.write(buf.data(), 1400);
        if (len == 0 ||
            srtpOut_->protectRtcp(buf.data(), len, buf.size()) != dtls::SrtpSession::Status::Ok)
            return false;
        return nice_agent_send(agent_, stream_, 1, static_cast<guint>(len),
                               reinterpret_cast<const gchar*>(buf.data())) ==
               static_cast<gint>(len);
    }
    // RTP the server sent us, decrypted (RTCP is not kept).
    std::vector<test::Bytes> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }

  private:
    void onDtlsSend(const uint8_t* data, size_t len) override {
        nice_agent_send(agent_, stream_, 1, static_cast<guint>(len),
                        reinterpret_cast<const gchar*>(data));
    }
    void onDtlsConnected(dtls::SrtpProfile profile, const dtls::SrtpKeys& keys) override {
        srtpOut_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Outbound,
                                             keys.local.data(), keys.length);
        srtpIn_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Inbound,
                                            keys.remote.data(), keys.length);
    }
    void onDtlsFailed(std::string_view) override {}
    void onDtlsClosed() override {}

    static void onState(NiceAgent*, guint, guint, guint state, gpointer self) {
        static_cast<Client*>(self)->iceState_ = static_cast<int>(state);
    }
    static void onReceive(NiceAgent*, guint, guint, guint len, gchar* buf, gpointer self) {
        auto* c = static_cast<Client*>(self);
        const auto* data = reinterpret_cast<const uint8_t*>(buf);
        if (len > 0 && data[0] >= 20 && data[0] <= 63) c->dtls_->handleDatagram(data, len);
        // RTP (RFC 7983: 128..191, not an RTCP packet type 192..223 in the second byte).
        if (len >= 12 && data[0] >= 128 && data[0] <= 191 && (data[1] < 192 || data[1] > 223) &&
            c->srtpIn_) {
            test::Bytes b(data, data + len);
            size_t n = b.size();
            if (c->srtpIn_->unprotectRtp(b.data(), n) == dtls::SrtpSession::Status::Ok) {
                b.resize(n);
                std::lock_guard lock(c->mutex_);
                c->received_.push_back(std::move(b));
            }
        }
    }

    NiceAgent* agent_ = nullptr;
    guint stream_ = 0;
    std::string ufrag_;
    std::string pwd_;
    std::atomic<int> iceState_{NICE_COMPONENT_STATE_DISCONNECTED};
    std::unique_ptr<dtls::DtlsTransport> dtls_;
    std::unique_ptr<dtls::SrtpSession> srtpOut_;
    std::unique_ptr<dtls::SrtpSession> srtpIn_;
    std::mutex mutex_;
    std::vector<test::Bytes> received_;
};

class TransportDtlsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        worker.start();
        std::string error;
        std::shared_ptr<const dtls::DtlsCertificate> serverCert =
            dtls::DtlsCertificate::generate(&error);
        ASSERT_TRUE(serverCert) << error;
        clientCert = dtls::DtlsCertificate::generate(&error);
        ASSERT_TRUE(clientCert) << error;
        auto serverContext = dtls::DtlsContext::create(serverCert, &error);
        clientContext = dtls::DtlsContext::create(clientCert, &error);
        ASSERT_TRUE(serverContext && clientContext) << error;
        worker.invoke([&] {
            port = IcePort::create(worker.context(), IceConfig{"127.0.0.1", kPortMin, kPortMax},
                                   error);
        });
        ASSERT_TRUE(port) << error;
        RouterConfig config;
        config.port = port.get();
        config.dtls = serverContext;
        worker.invoke([&] { router = std::make_unique<Router>(worker, config, listener); });
        worker.invoke([&] { ASSERT_TRUE(router->createTransport("t", local, error)) << error; });
        worker.invoke(
            [&] { client = std::make_unique<Client>(worker.context(), local, clientContext); });
        ASSERT_TRUE(test::eventually(kWait, [&] { return client->iceReady(); }));
    }
    void TearDown() override {
        worker.invoke([&] {
            client.reset();
            router.reset();
            port.reset();
        });
        worker.stop();
    }
    bool connect() {
        RemoteTransportParameters remote;
        remote.iceUfrag = client->ufrag();
        remote.icePwd = client->pwd();
        remote.fingerprintAlgorithm = "sha-256";
        remote.fingerprint = clientCert->fingerprint();
        bool ok = false;
        std::string error;
        worker.invoke([&] { ok = router->connectTransport("t", remote, error); });
        EXPECT_TRUE(ok) << error;
        return ok;
    }
    bool clientConnected() {
        bool c = false;
        worker.invoke([&] { c = client->dtlsConnected(); });
        return c;
    }

    Worker worker{"transport-dtls-test"};
    std::shared_ptr<const dtls::DtlsCertificate> clientCert;
    std::shared_ptr<dtls::DtlsContext> clientContext;
    Listener listener;
    std::unique_ptr<IcePort> port;
    std::unique_ptr<Router> router;
    LocalTransportParameters local;
    std::unique_ptr<Client> client;
};

TEST_F(TransportDtlsTest, ClientHelloBeforeTheAnswerIsKeptAndAnsweredAtConnect) {
    auto& m = Metrics::instance();
    const auto keptBefore = m.dtlsEarlyKept.load();
    worker.invoke([&] { client->startDtls(); });
    ASSERT_TRUE(test::eventually(kWait, [&] { return m.dtlsEarlyKept.load() > keptBefore; }))
        << "the early ClientHello was not kept";
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(listener.connected, 0);
    ASSERT_TRUE(connect());
    // The client never retransmits: only the kept ClientHello can complete the handshake.
    EXPECT_TRUE(test::eventually(kWait, [&] { return listener.connected == 1; }));
    EXPECT_TRUE(test::eventually(kWait, [&] { return clientConnected(); }));
}

TEST_F(TransportDtlsTest, SrtpStreamsOfClosedProducersAreFreedAndTheOthersKeepWorking) {
    ASSERT_TRUE(connect());
    worker.invoke([&] { client->startDtls(); });
    ASSERT_TRUE(
        test::eventually(kWait, [&] { return listener.connected == 1 && clientConnected(); }));

    auto& m = Metrics::instance();
    constexpr uint32_t kLive = 0x0A0A0A0A;
    auto makeProducer = [&](const std::string& id, uint32_t ssrc) {
        ProducerOptions o = test::vp8Producer(id, ssrc, 96);
        std::string error;
        bool ok = false;
        worker.invoke([&] { ok = router->createProducer("t", o, error); });
        return ok;
    };
    auto received = [&](const std::string& id) {
        uint64_t n = 0;
        worker.invoke([&] {
            if (Producer* p = router->findProducer(id)) n = p->packetsReceived();
        });
        return n;
    };
    ASSERT_TRUE(makeProducer("live", kLive));
    const auto removedBefore = m.srtpStreamsRemoved.load();
    constexpr int kCycles = 20;
    uint16_t liveSeq = 1;
    for (int i = 0; i < kCycles; ++i) {
        const uint32_t ssrc = 0x50000000u + static_cast<uint32_t>(i);
        const std::string id = "p" + std::to_string(i);
        ASSERT_TRUE(makeProducer(id, ssrc));
        worker.invoke([&] {
            client->sendRtp(ssrc, 100);
            client->sendRtp(kLive, liveSeq++);
        });
        ASSERT_TRUE(test::eventually(kWait, [&] { return received(id) == 1; })) << i;
        worker.invoke([&] { router->closeProducer(id); });
        // Removal runs as a task after the close; wait for it.
        ASSERT_TRUE(test::eventually(kWait,
                                     [&] {
                                         return m.srtpStreamsRemoved.load() >=
                                                removedBefore + static_cast<uint64_t>(i) + 1;
                                     }))
            << "the SRTP stream of SSRC " << ssrc << " was not removed";
    }
    EXPECT_TRUE(test::eventually(kWait, [&] { return received("live") == kCycles; }))
        << "the live stream lost packets: " << received("live");
    // A republish (close + create with the same SSRC in one task) keeps the stream.
    const auto removedMid = m.srtpStreamsRemoved.load();
    worker.invoke([&] {
        router->closeProducer("live");
        ProducerOptions o = test::vp8Producer("live2", kLive, 96);
        std::string error;
        router->createProducer("t", o, error);
    });
    worker.invoke([&] { client->sendRtp(kLive, liveSeq++); });
    EXPECT_TRUE(test::eventually(kWait, [&] { return received("live2") == 1; }));
    EXPECT_EQ(m.srtpStreamsRemoved.load(), removedMid);
}

// The whole Router path with RTX negotiated for a subscriber: a NACK naming the media SSRC is
// answered on the RTX SSRC (decryptable by the subscriber, OSN = the number it NACKed), a NACK
// naming the RTX SSRC is ignored, and closing the consumer frees the SRTP state of both SSRCs.
TEST_F(TransportDtlsTest, NackIsAnsweredWithRtxAndTheRtxSsrcIsFreedWithItsConsumer) {
    ASSERT_TRUE(connect());
    worker.invoke([&] { client->startDtls(); });
    ASSERT_TRUE(
        test::eventually(kWait, [&] { return listener.connected == 1 && clientConnected(); }));
    constexpr uint32_t kPub = 0x0B0B0B0B, kOut = 0x0C0C0C0C, kRtx = 0x0D0D0D0D;
    constexpr uint8_t kRtxPt = 101;
    std::string error;
    bool ok = false;
    worker.invoke([&] {
        ok = router->createProducer("t", test::vp8Producer("p", kPub, 96), error);
        ConsumerOptions co = test::videoConsumer(kOut, 100);
        co.id = "c";
        co.rtxSsrc = kRtx;
        for (auto& c : co.codecs) {
            if (c.name == "vp8") c.rtxPayloadType = kRtxPt;
        }
        ok = ok && router->createConsumer("t", co, "p", error);
    });
    ASSERT_TRUE(ok) << error;
    worker.invoke([&] {
        client->sendRtp(kPub, 500, test::vp8KeyFrame(1));
        for (uint16_t seq = 501; seq < 505; ++seq) client->sendRtp(kPub, seq);
    });
    const auto byType = [&](uint32_t ssrc) {
        std::vector<test::OwnedRtp> out;
        for (auto& b : client->received()) {
            test::OwnedRtp p(b);
            if (p.ok && p->ssrc() == ssrc) out.push_back(std::move(p));
        }
        return out;
    };
    ASSERT_TRUE(test::eventually(kWait, [&] { return byType(kOut).size() == 5; }));
    const auto media = byType(kOut);
    const uint16_t lostSeq = media[2]->sequenceNumber();

    auto& m = Metrics::instance();
    const auto rtxBefore = m.rtpRetransmittedRtx.load();
    worker.invoke([&] { client->sendNack(kRtx, lostSeq); });  // names the RTX SSRC: ignored
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(byType(kRtx).empty()) << "a NACK naming the RTX SSRC was answered";
    worker.invoke([&] { client->sendNack(kOut, lostSeq); });
    ASSERT_TRUE(test::eventually(kWait, [&] { return byType(kRtx).size() == 1; }));
    const auto rtx = byType(kRtx);
    EXPECT_EQ(m.rtpRetransmittedRtx.load() - rtxBefore, 1u);
    EXPECT_EQ(rtx[0]->payloadType(), kRtxPt);
    const test::Bytes payload = rtx[0].payload();
    ASSERT_GE(payload.size(), 2u);
    EXPECT_EQ(static_cast<uint16_t>(payload[0] << 8 | payload[1]), lostSeq);
    EXPECT_EQ(test::Bytes(payload.begin() + 2, payload.end()), media[2].payload());
    EXPECT_EQ(rtx[0]->timestamp(), media[2]->timestamp());

    // A second consumer whose RTX SSRC would be the first one's media SSRC (same nonces) does
    // without RTX.
    worker.invoke([&] {
        ConsumerOptions co = test::videoConsumer(kOut + 1, 100);
        co.id = "c2";
        co.rtxSsrc = kOut;
        ok = router->createConsumer("t", co, "p", error);
        ASSERT_NE(router->findConsumer("c2"), nullptr);
        EXPECT_EQ(router->findConsumer("c2")->rtxSsrc(), 0u);
        EXPECT_EQ(router->findConsumer("c")->rtxSsrc(), kRtx);
        router->closeConsumer("c2");
    });
    ASSERT_TRUE(ok) << error;
    const auto removedBefore = m.srtpStreamsRemoved.load();
    worker.invoke([&] { router->closeConsumer("c"); });
    EXPECT_TRUE(test::eventually(kWait, [&] {
        return m.srtpStreamsRemoved.load() >= removedBefore + 2;
    })) << "the media and RTX SSRCs' outbound SRTP streams are both freed";
}

}  // namespace
}  // namespace vcb::sfu
