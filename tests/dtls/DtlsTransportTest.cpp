#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/DtlsTransport.hpp"
#include "sfu/dtls/SrtpSession.hpp"

namespace vcb::dtls {
namespace {

using namespace std::chrono_literals;
using Datagram = std::vector<uint8_t>;

// Collects everything a transport reports; delivers datagrams either into an outbox (pumped by
// the test, which can drop or inspect them) or synchronously to a peer transport.
struct Endpoint : DtlsTransport::Listener {
    std::shared_ptr<DtlsContext> context;
    std::unique_ptr<DtlsTransport> transport;
    std::deque<Datagram> outbox;
    std::vector<Datagram> sentLog;
    DtlsTransport* directPeer = nullptr;

    int connected = 0;
    int failed = 0;
    int closed = 0;
    std::string failReason;
    std::optional<SrtpProfile> profile;
    SrtpKeys keys;

    void onDtlsSend(const uint8_t* data, size_t len) override {
        sentLog.emplace_back(data, data + len);
        if (directPeer != nullptr) {
            directPeer->handleDatagram(data, len);
        } else {
            outbox.emplace_back(data, data + len);
        }
    }
    void onDtlsConnected(SrtpProfile p, const SrtpKeys& k) override {
        ++connected;
        profile = p;
        keys = k;
    }
    void onDtlsFailed(std::string_view reason) override {
        ++failed;
        failReason = std::string(reason);
    }
    void onDtlsClosed() override { ++closed; }
};

std::shared_ptr<DtlsContext> makeContext(
    const std::string& profiles = DtlsContext::kDefaultSrtpProfiles) {
    std::string error;
    std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate(&error);
    EXPECT_TRUE(cert) << error;
    auto ctx = DtlsContext::create(cert, &error, profiles);
    EXPECT_TRUE(ctx) << error;
    return ctx;
}

struct Pair {
    Endpoint client;
    Endpoint server;

    explicit Pair(const std::string& clientProfiles = DtlsContext::kDefaultSrtpProfiles,
                  const DtlsTransportConfig& config = testConfig()) {
        client.context = makeContext(clientProfiles);
        server.context = makeContext();
        std::string error;
        client.transport = DtlsTransport::create(client.context, client, config, &error);
        EXPECT_TRUE(client.transport) << error;
        server.transport = DtlsTransport::create(server.context, server, config, &error);
        EXPECT_TRUE(server.transport) << error;
    }

    static DtlsTransportConfig testConfig() {
        DtlsTransportConfig config;
        config.initialRetransmitTimeout = 30ms;
        config.maxRetransmitTimeout = 200ms;
        return config;
    }

    void exchangeFingerprints() {
        ASSERT_TRUE(client.transport->setRemoteFingerprint(
            "sha-256", server.context->certificate().fingerprint()));
        ASSERT_TRUE(server.transport->setRemoteFingerprint(
            "sha-256", client.context->certificate().fingerprint()));
    }

    void start() {
        ASSERT_TRUE(server.transport->start(DtlsTransport::Role::Server));
        ASSERT_TRUE(client.transport->start(DtlsTransport::Role::Client));
    }

    // Delivers queued datagrams both ways until quiet. drop(fromClient, datagram) may discard.
    void pump(const std::function<bool(bool, const Datagram&)>& drop = {}) {
        for (int round = 0; round < 50; ++round) {
            bool moved = false;
            while (!client.outbox.empty()) {
                Datagram d = std::move(client.outbox.front());
                client.outbox.pop_front();
                moved = true;
                if (!drop || !drop(true, d)) server.transport->handleDatagram(d.data(), d.size());
            }
            while (!server.outbox.empty()) {
                Datagram d = std::move(server.outbox.front());
                server.outbox.pop_front();
                moved = true;
                if (!drop || !drop(false, d)) client.transport->handleDatagram(d.data(), d.size());
            }
            if (!moved) return;
        }
    }

    void connect() {
        exchangeFingerprints();
        start();
        pump();
        ASSERT_EQ(client.connected, 1) << client.failReason;
        ASSERT_EQ(server.connected, 1) << server.failReason;
    }
};

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Every datagram is a sequence of whole DTLS 1.x records (RFC 6347 §4.1) within the MTU.
void expectWholeRecords(const std::vector<Datagram>& datagrams, size_t mtu) {
    for (const auto& d : datagrams) {
        EXPECT_LE(d.size(), mtu);
        size_t pos = 0;
        int records = 0;
        while (pos < d.size() && records < 64) {
            ASSERT_GE(d.size() - pos, 13u) << "truncated record header";
            EXPECT_GE(d[pos], 20);
            EXPECT_LE(d[pos], 23);
            EXPECT_EQ(d[pos + 1], 0xfe);
            const size_t recordLen = (static_cast<size_t>(d[pos + 11]) << 8) | d[pos + 12];
            ASSERT_LE(pos + 13 + recordLen, d.size()) << "record crosses datagram boundary";
            pos += 13 + recordLen;
            ++records;
        }
        EXPECT_EQ(pos, d.size());
    }
}

void expectSrtpWorks(const SrtpKeys& senderKeys, const SrtpKeys& receiverKeys) {
    const SrtpProfile profile = senderKeys.profile;
    auto out = SrtpSession::create(profile, SrtpSession::Direction::Outbound,
                                   senderKeys.local.data(), senderKeys.length);
    auto in = SrtpSession::create(profile, SrtpSession::Direction::Inbound,
                                  receiverKeys.remote.data(), receiverKeys.length);
    ASSERT_TRUE(out && in);

    std::array<uint8_t, 256> rtp{0x80, 111, 0x12, 0x34, 0, 0, 0x10, 0, 0xde, 0xad, 0xbe, 0xef};
    for (size_t i = 12; i < 112; ++i) rtp[i] = static_cast<uint8_t>(i);
    const std::vector<uint8_t> plainRtp(rtp.begin(), rtp.begin() + 112);
    size_t len = 112;
    ASSERT_EQ(out->protectRtp(rtp.data(), len, rtp.size()), SrtpSession::Status::Ok);
    std::array<uint8_t, 256> replay = rtp;
    size_t replayLen = len;
    std::array<uint8_t, 256> tampered = rtp;
    size_t tamperedLen = len;
    tampered[50] ^= 0x04;
    EXPECT_EQ(in->unprotectRtp(tampered.data(), tamperedLen), SrtpSession::Status::AuthFailed);
    ASSERT_EQ(in->unprotectRtp(rtp.data(), len), SrtpSession::Status::Ok);
    EXPECT_EQ(std::vector<uint8_t>(rtp.begin(), rtp.begin() + len), plainRtp);
    EXPECT_EQ(in->unprotectRtp(replay.data(), replayLen), SrtpSession::Status::Replayed);

    std::array<uint8_t, 128> rtcp{0x80, 200, 0x00, 0x06, 0xde, 0xad, 0xbe, 0xef};
    for (size_t i = 8; i < 28; ++i) rtcp[i] = static_cast<uint8_t>(i * 3);
    const std::vector<uint8_t> plainRtcp(rtcp.begin(), rtcp.begin() + 28);
    len = 28;
    ASSERT_EQ(out->protectRtcp(rtcp.data(), len, rtcp.size()), SrtpSession::Status::Ok);
    std::array<uint8_t, 128> tamperedRtcp = rtcp;
    size_t tamperedRtcpLen = len;
    tamperedRtcp[10] ^= 0x01;
    EXPECT_EQ(in->unprotectRtcp(tamperedRtcp.data(), tamperedRtcpLen),
              SrtpSession::Status::AuthFailed);
    std::array<uint8_t, 128> replayRtcp = rtcp;
    size_t replayRtcpLen = len;
    ASSERT_EQ(in->unprotectRtcp(rtcp.data(), len), SrtpSession::Status::Ok);
    EXPECT_EQ(std::vector<uint8_t>(rtcp.begin(), rtcp.begin() + len), plainRtcp);
    EXPECT_EQ(in->unprotectRtcp(replayRtcp.data(), replayRtcpLen), SrtpSession::Status::Replayed);
}

TEST(DtlsTransport, HandshakeNegotiatesGcmByDefault) {
    Pair pair;
    pair.connect();
    EXPECT_EQ(pair.client.profile, SrtpProfile::AeadAes128Gcm);
    EXPECT_EQ(pair.server.profile, SrtpProfile::AeadAes128Gcm);
    EXPECT_EQ(pair.client.transport->state(), DtlsTransport::State::Connected);
    EXPECT_EQ(pair.server.transport->state(), DtlsTransport::State::Connected);

    const SrtpKeys& c = pair.client.keys;
    const SrtpKeys& s = pair.server.keys;
    ASSERT_EQ(c.length, 28u);
    ASSERT_EQ(s.length, 28u);
    EXPECT_EQ(c.local, s.remote);
    EXPECT_EQ(c.remote, s.local);
    EXPECT_NE(c.local, c.remote);
    EXPECT_FALSE(std::all_of(c.local.begin(), c.local.begin() + 28, [](uint8_t b) { return !b; }));

    expectWholeRecords(pair.client.sentLog, 1200);
    expectWholeRecords(pair.server.sentLog, 1200);
    EXPECT_EQ(pair.client.failed + pair.server.failed, 0);
}

TEST(DtlsTransport, NegotiatesAesCmWhenClientOffersOnlyThat) {
    Pair pair("SRTP_AES128_CM_SHA1_80");
    pair.connect();
    EXPECT_EQ(pair.client.profile, SrtpProfile::Aes128CmSha1_80);
    EXPECT_EQ(pair.server.profile, SrtpProfile::Aes128CmSha1_80);
    ASSERT_EQ(pair.client.keys.length, 30u);
    EXPECT_EQ(pair.client.keys.local, pair.server.keys.remote);
    EXPECT_EQ(pair.client.keys.remote, pair.server.keys.local);
}

TEST(DtlsTransport, FailsWithoutCommonSrtpProfile) {
    // The server offers both; a client that only knows an unsupported one cannot agree.
    Pair pair("SRTP_AES128_CM_SHA1_32");
    pair.exchangeFingerprints();
    pair.start();
    pair.pump();
    EXPECT_FALSE(pair.client.connected == 1 && pair.server.connected == 1);
    EXPECT_GE(pair.client.failed + pair.server.failed, 1);
}

TEST(DtlsTransport, SrtpKeysWorkInBothDirectionsForGcm) {
    Pair pair;
    pair.connect();
    expectSrtpWorks(pair.client.keys, pair.server.keys);
    expectSrtpWorks(pair.server.keys, pair.client.keys);
}

TEST(DtlsTransport, SrtpKeysWorkInBothDirectionsForAesCm) {
    Pair pair("SRTP_AES128_CM_SHA1_80");
    pair.connect();
    expectSrtpWorks(pair.client.keys, pair.server.keys);
    expectSrtpWorks(pair.server.keys, pair.client.keys);
}

TEST(DtlsTransport, WorksWithListenersWiredDirectlyToEachOther) {
    Pair pair;
    pair.client.directPeer = pair.server.transport.get();
    pair.server.directPeer = pair.client.transport.get();
    pair.exchangeFingerprints();
    pair.start();
    EXPECT_EQ(pair.client.connected, 1) << pair.client.failReason;
    EXPECT_EQ(pair.server.connected, 1) << pair.server.failReason;
    EXPECT_EQ(pair.client.keys.local, pair.server.keys.remote);
}

TEST(DtlsTransport, FingerprintComparisonIgnoresCase) {
    Pair pair;
    ASSERT_TRUE(pair.client.transport->setRemoteFingerprint(
        "SHA-256", lowercase(pair.server.context->certificate().fingerprint())));
    ASSERT_TRUE(pair.server.transport->setRemoteFingerprint(
        "sha-256", pair.client.context->certificate().fingerprint()));
    pair.start();
    pair.pump();
    EXPECT_EQ(pair.client.connected, 1) << pair.client.failReason;
    EXPECT_EQ(pair.server.connected, 1) << pair.server.failReason;
}

TEST(DtlsTransport, RejectsUnsupportedOrMalformedFingerprints) {
    Pair pair;
    const std::string fp = pair.server.context->certificate().fingerprint();
    EXPECT_FALSE(pair.client.transport->setRemoteFingerprint("sha-1", fp));
    EXPECT_FALSE(pair.client.transport->setRemoteFingerprint("sha-256", fp.substr(3)));
    EXPECT_FALSE(pair.client.transport->setRemoteFingerprint("sha-256", "zz" + fp.substr(2)));
    EXPECT_TRUE(pair.client.transport->setRemoteFingerprint("sha-256", fp));
}

TEST(DtlsTransport, ClientRejectsServerWithWrongFingerprint) {
    Pair pair;
    // The client expects some other certificate.
    auto other = DtlsCertificate::generate();
    ASSERT_TRUE(other);
    ASSERT_TRUE(pair.client.transport->setRemoteFingerprint("sha-256", other->fingerprint()));
    ASSERT_TRUE(pair.server.transport->setRemoteFingerprint(
        "sha-256", pair.client.context->certificate().fingerprint()));
    pair.start();
    pair.pump();
    EXPECT_EQ(pair.client.connected, 0);
    EXPECT_EQ(pair.client.failed, 1);
    EXPECT_NE(pair.client.failReason.find("fingerprint"), std::string::npos)
        << pair.client.failReason;
    EXPECT_EQ(pair.client.transport->state(), DtlsTransport::State::Failed);
    EXPECT_EQ(pair.server.connected, 0);
}

TEST(DtlsTransport, ServerRejectsClientWithWrongFingerprint) {
    Pair pair;
    auto other = DtlsCertificate::generate();
    ASSERT_TRUE(other);
    ASSERT_TRUE(pair.client.transport->setRemoteFingerprint(
        "sha-256", pair.server.context->certificate().fingerprint()));
    ASSERT_TRUE(pair.server.transport->setRemoteFingerprint("sha-256", other->fingerprint()));
    pair.start();
    pair.pump();
    EXPECT_FALSE(pair.client.connected == 1 && pair.server.connected == 1);
    EXPECT_EQ(pair.server.connected, 0);
    EXPECT_EQ(pair.server.failed, 1);
    EXPECT_NE(pair.server.failReason.find("fingerprint"), std::string::npos)
        << pair.server.failReason;
    // The alert reaches the client, which must not believe it is connected.
    EXPECT_EQ(pair.client.connected, 0);
    EXPECT_EQ(pair.client.failed, 1);
}

TEST(DtlsTransport, MissingRemoteFingerprintFails) {
    Pair pair;
    ASSERT_TRUE(pair.server.transport->setRemoteFingerprint(
        "sha-256", pair.client.context->certificate().fingerprint()));
    pair.start();
    pair.pump();
    EXPECT_EQ(pair.client.connected, 0);
    EXPECT_EQ(pair.client.failed, 1);
    EXPECT_EQ(pair.server.connected, 0);
}

TEST(DtlsTransport, GarbageDoesNotCrashOrBreakTheHandshake) {
    Pair pair;
    pair.exchangeFingerprints();
    ASSERT_TRUE(pair.server.transport->start(DtlsTransport::Role::Server));
    ASSERT_TRUE(pair.client.transport->start(DtlsTransport::Role::Client));
    ASSERT_EQ(pair.client.outbox.size(), 1u);
    const Datagram clientHello = pair.client.outbox.front();

    // Truncated copies of a real record are dropped without state change.
    for (size_t n = 1; n < clientHello.size(); n += 7) {
        pair.server.transport->handleDatagram(clientHello.data(), n);
    }
    pair.server.transport->handleDatagram(nullptr, 10);
    pair.server.transport->handleDatagram(clientHello.data(), 0);
    EXPECT_EQ(pair.server.transport->state(), DtlsTransport::State::Connecting);
    EXPECT_EQ(pair.server.failed, 0);
    EXPECT_TRUE(pair.server.outbox.empty());

    // Random bytes, also with a plausible DTLS record header, to the client.
    std::mt19937 rng(1234);
    for (int i = 0; i < 300; ++i) {
        Datagram junk(1 + rng() % 1500);
        for (auto& b : junk) b = static_cast<uint8_t>(rng());
        if (i % 2 == 0 && junk.size() >= 13) {
            junk[0] = 22;
            junk[1] = 0xfe;
            junk[2] = 0xfd;
        }
        pair.client.transport->handleDatagram(junk.data(), junk.size());
    }
    // Whatever the junk did to the client, the process is alive; a fresh pair still works.
    Pair fresh;
    fresh.connect();

    // Garbage after the handshake is dropped and the session stays up.
    for (int i = 0; i < 300; ++i) {
        Datagram junk(1 + rng() % 1500);
        for (auto& b : junk) b = static_cast<uint8_t>(rng());
        if (i % 3 == 0 && junk.size() >= 13) {
            junk[0] = static_cast<uint8_t>(20 + i % 4);
            junk[1] = 0xfe;
            junk[2] = 0xfd;
        }
        fresh.server.transport->handleDatagram(junk.data(), junk.size());
        fresh.client.transport->handleDatagram(junk.data(), std::min<size_t>(junk.size(), 20));
    }
    EXPECT_EQ(fresh.server.transport->state(), DtlsTransport::State::Connected);
    EXPECT_EQ(fresh.client.transport->state(), DtlsTransport::State::Connected);
    EXPECT_EQ(fresh.server.failed + fresh.client.failed, 0);
}

TEST(DtlsTransport, TruncatedClientHelloThenFullOneConnects) {
    Pair pair;
    pair.exchangeFingerprints();
    pair.start();
    ASSERT_EQ(pair.client.outbox.size(), 1u);
    const Datagram hello = pair.client.outbox.front();
    for (size_t n = 1; n < hello.size(); n += 5) {
        pair.server.transport->handleDatagram(hello.data(), n);
    }
    pair.pump();
    EXPECT_EQ(pair.client.connected, 1) << pair.client.failReason;
    EXPECT_EQ(pair.server.connected, 1) << pair.server.failReason;
}

TEST(DtlsTransport, LostFlightIsRecoveredThroughHandleTimeout) {
    Pair pair;
    pair.exchangeFingerprints();
    pair.start();
    // Lose the server's first flight (ServerHello..ServerHelloDone).
    bool dropped = false;
    pair.pump([&](bool fromClient, const Datagram&) {
        if (!fromClient && !dropped) {
            dropped = true;
            return true;
        }
        return false;
    });
    ASSERT_TRUE(dropped);
    ASSERT_EQ(pair.client.connected, 0);

    // Nothing moves until the client's retransmission timer fires.
    for (int i = 0; i < 20 && pair.client.connected == 0; ++i) {
        const auto wait = pair.client.transport->timeout();
        ASSERT_TRUE(wait.has_value());
        EXPECT_LE(*wait, 200ms);
        std::this_thread::sleep_for(*wait);
        pair.client.transport->handleTimeout();
        pair.server.transport->handleTimeout();
        pair.pump();
    }
    EXPECT_EQ(pair.client.connected, 1) << pair.client.failReason;
    EXPECT_EQ(pair.server.connected, 1) << pair.server.failReason;
    EXPECT_EQ(pair.client.keys.local, pair.server.keys.remote);
}

TEST(DtlsTransport, LostFinalFlightIsRecoveredThroughHandleTimeout) {
    Pair pair;
    pair.exchangeFingerprints();
    pair.start();
    // Lose everything the server sends after the client's second flight: the client keeps
    // retransmitting until the server's CCS/Finished gets through.
    int serverFlights = 0;
    pair.pump([&](bool fromClient, const Datagram&) {
        if (fromClient) return false;
        return ++serverFlights >= 2;
    });
    ASSERT_EQ(pair.server.connected, 1) << pair.server.failReason;
    ASSERT_EQ(pair.client.connected, 0);
    for (int i = 0; i < 20 && pair.client.connected == 0; ++i) {
        const auto wait = pair.client.transport->timeout();
        ASSERT_TRUE(wait.has_value());
        std::this_thread::sleep_for(*wait);
        pair.client.transport->handleTimeout();
        pair.pump();
    }
    EXPECT_EQ(pair.client.connected, 1) << pair.client.failReason;
    EXPECT_EQ(pair.client.keys.local, pair.server.keys.remote);
}

TEST(DtlsTransport, HandshakeGivesUpAfterLimit) {
    DtlsTransportConfig config = Pair::testConfig();
    config.handshakeTimeout = 150ms;
    Pair pair(DtlsContext::kDefaultSrtpProfiles, config);
    pair.exchangeFingerprints();
    pair.start();
    pair.client.outbox.clear();  // the peer never answers
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100 && pair.client.failed == 0; ++i) {
        const auto wait = pair.client.transport->timeout();
        ASSERT_TRUE(wait.has_value());
        EXPECT_LE(*wait, 150ms);
        std::this_thread::sleep_for(*wait);
        pair.client.transport->handleTimeout();
        pair.client.outbox.clear();
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(pair.client.failed, 1);
    EXPECT_NE(pair.client.failReason.find("timed out"), std::string::npos)
        << pair.client.failReason;
    EXPECT_GE(elapsed, 140ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(pair.client.transport->state(), DtlsTransport::State::Failed);
    EXPECT_FALSE(pair.client.transport->timeout().has_value());
    // Retransmissions happened while waiting (initial 30 ms, doubling).
    EXPECT_GE(pair.client.sentLog.size(), 3u);

    // The silent server also gives up on its own deadline.
    std::this_thread::sleep_for(10ms);
    pair.server.transport->handleTimeout();
    EXPECT_EQ(pair.server.failed, 1);
}

TEST(DtlsTransport, InputAfterFailureIsIgnored) {
    Pair pair;
    auto other = DtlsCertificate::generate();
    ASSERT_TRUE(other);
    ASSERT_TRUE(pair.client.transport->setRemoteFingerprint("sha-256", other->fingerprint()));
    ASSERT_TRUE(pair.server.transport->setRemoteFingerprint(
        "sha-256", pair.client.context->certificate().fingerprint()));
    pair.start();
    std::vector<Datagram> serverFlight;
    pair.pump([&](bool fromClient, const Datagram& d) {
        if (!fromClient) serverFlight.push_back(d);
        return false;
    });
    ASSERT_EQ(pair.client.failed, 1);
    const size_t sentBefore = pair.client.sentLog.size();
    for (const auto& d : serverFlight) pair.client.transport->handleDatagram(d.data(), d.size());
    pair.client.transport->handleTimeout();
    EXPECT_EQ(pair.client.failed, 1);
    EXPECT_EQ(pair.client.connected, 0);
    EXPECT_EQ(pair.client.sentLog.size(), sentBefore);
}

TEST(DtlsTransport, CloseNotifiesPeer) {
    Pair pair;
    pair.connect();
    pair.client.transport->close();
    EXPECT_EQ(pair.client.transport->state(), DtlsTransport::State::Closed);
    ASSERT_FALSE(pair.client.outbox.empty());
    pair.pump();
    EXPECT_EQ(pair.server.closed, 1);
    EXPECT_EQ(pair.server.failed, 0);
    EXPECT_EQ(pair.server.transport->state(), DtlsTransport::State::Closed);
    EXPECT_EQ(pair.client.closed, 0);  // a local close is not reported back
    // Closing twice sends nothing more.
    const size_t sent = pair.client.sentLog.size();
    pair.client.transport->close();
    EXPECT_EQ(pair.client.sentLog.size(), sent);
}

TEST(DtlsTransport, StartTwiceAndInputBeforeStart) {
    Pair pair;
    pair.exchangeFingerprints();
    const uint8_t junk[] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    pair.server.transport->handleDatagram(junk, sizeof(junk));  // not started: ignored
    EXPECT_EQ(pair.server.transport->state(), DtlsTransport::State::New);
    EXPECT_FALSE(pair.server.transport->timeout().has_value());
    pair.start();
    EXPECT_FALSE(pair.client.transport->start(DtlsTransport::Role::Server));
    EXPECT_EQ(pair.client.transport->role(), DtlsTransport::Role::Client);
    pair.pump();
    EXPECT_EQ(pair.client.connected, 1);
}

TEST(DtlsTransport, RejectsTooSmallMtu) {
    auto ctx = makeContext();
    Endpoint ep;
    DtlsTransportConfig config;
    config.mtu = 100;
    std::string error;
    EXPECT_FALSE(DtlsTransport::create(ctx, ep, config, &error));
    EXPECT_FALSE(error.empty());
}

// A plain OpenSSL DTLS client over memory BIOs, to check interop beyond our own transport and
// that application data is read and discarded.
TEST(DtlsTransport, InteropsWithPlainOpensslClientAndDiscardsApplicationData) {
    Endpoint server;
    server.context = makeContext();
    server.transport = DtlsTransport::create(server.context, server);
    ASSERT_TRUE(server.transport);
    auto clientCtx = makeContext("SRTP_AES128_CM_SHA1_80");
    ASSERT_TRUE(
        server.transport->setRemoteFingerprint("sha-256", clientCtx->certificate().fingerprint()));
    ASSERT_TRUE(server.transport->start(DtlsTransport::Role::Server));

    SSL* ssl = SSL_new(clientCtx->native());
    ASSERT_NE(ssl, nullptr);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    // The shared context disables MTU queries, so every SSL needs an explicit link MTU.
    ASSERT_EQ(DTLS_set_link_mtu(ssl, 1200), 1);

    auto clientToServer = [&] {
        std::array<uint8_t, 4096> buf{};
        for (int i = 0; i < 16; ++i) {
            const int n = BIO_read(out, buf.data(), static_cast<int>(buf.size()));
            if (n <= 0) break;
            server.transport->handleDatagram(buf.data(), static_cast<size_t>(n));
        }
    };
    for (int round = 0; round < 10 && SSL_is_init_finished(ssl) == 0; ++round) {
        SSL_do_handshake(ssl);
        clientToServer();
        while (!server.outbox.empty()) {
            BIO_write(in, server.outbox.front().data(),
                      static_cast<int>(server.outbox.front().size()));
            server.outbox.pop_front();
        }
    }
    ASSERT_EQ(SSL_is_init_finished(ssl), 1);
    ASSERT_EQ(server.connected, 1) << server.failReason;
    EXPECT_EQ(server.profile, SrtpProfile::Aes128CmSha1_80);

    std::array<uint8_t, 60> material{};
    ASSERT_EQ(SSL_export_keying_material(ssl, material.data(), material.size(),
                                         "EXTRACTOR-dtls_srtp", 19, nullptr, 0, 0),
              1);
    const auto expected =
        SrtpKeys::fromKeyingMaterial(SrtpProfile::Aes128CmSha1_80, false, material.data(), 60);
    ASSERT_TRUE(expected);
    EXPECT_EQ(server.keys.local, expected->local);
    EXPECT_EQ(server.keys.remote, expected->remote);

    const char hello[] = "not media";
    ASSERT_EQ(SSL_write(ssl, hello, 9), 9);
    ASSERT_EQ(SSL_write(ssl, hello, 5), 5);
    clientToServer();
    EXPECT_EQ(server.transport->discardedApplicationRecords(), 2u);
    EXPECT_EQ(server.transport->discardedApplicationBytes(), 14u);
    EXPECT_EQ(server.transport->state(), DtlsTransport::State::Connected);

    SSL_shutdown(ssl);
    clientToServer();
    EXPECT_EQ(server.closed, 1);
    SSL_free(ssl);
}

}  // namespace
}  // namespace vcb::dtls
