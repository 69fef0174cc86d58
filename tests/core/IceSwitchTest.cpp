// The ICE-lite address rules with a hand-held clock: crafted connectivity checks fed straight into
// IcePort::handleDatagram with explicit `now`, so "silent for 1.5 s" needs no sleeping. Covers
// when media follows a client to a new address (nomination at once, a plain authenticated check
// only after the current address went silent), what never moves it (bad password, no
// FINGERPRINT, USE-CANDIDATE smuggled after MESSAGE-INTEGRITY, another live transport's address)
// and the ICE restart's credential swap.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sfu/core/IcePort.hpp"
#include "sfu/core/IceServer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"

namespace vcb::sfu {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kSilence = IceServer::kSwitchSilenceUs;

struct Listener : IceServer::Listener {
    void onIceConnected(IceServer&) override { ++connected; }
    bool onIceData(IceServer&, const uint8_t*, size_t) override {
        ++received;
        return dataIsValid;
    }
    int connected = 0;
    int received = 0;
    bool dataIsValid = true;
};

SocketAddress address(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return SocketAddress(reinterpret_cast<sockaddr*>(&a), sizeof(a));
}

struct CheckOptions {
    bool nominate = false;
    bool useCandidateAfterIntegrity = false;
    bool fingerprint = true;
};

// A Binding request as a controlling browser sends it: USERNAME "server:client", PRIORITY,
// ICE-CONTROLLING, maybe USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT.
std::vector<uint8_t> check(const std::string& serverUfrag, const std::string& clientUfrag,
                           const std::string& pwd, CheckOptions o = {}) {
    std::vector<uint8_t> buf(256);
    rtp::StunMessageWriter w(buf.data(), buf.size());
    std::array<uint8_t, 12> tid{};
    RAND_bytes(tid.data(), static_cast<int>(tid.size()));
    EXPECT_TRUE(w.begin(0x0001, tid));
    const std::string user = serverUfrag + ":" + clientUfrag;
    EXPECT_TRUE(w.addAttribute(rtp::StunMessage::kAttrUsername,
                               {reinterpret_cast<const uint8_t*>(user.data()), user.size()}));
    const uint8_t priority[4] = {0x6e, 0x00, 0x01, 0xff};
    EXPECT_TRUE(w.addAttribute(rtp::StunMessage::kAttrPriority, priority));
    const uint8_t tieBreaker[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_TRUE(w.addAttribute(rtp::StunMessage::kAttrIceControlling, tieBreaker));
    if (o.nominate) {
        EXPECT_TRUE(w.addAttribute(rtp::StunMessage::kAttrUseCandidate, {}));
    }
    EXPECT_TRUE(appendMessageIntegrity(w, pwd));
    if (o.useCandidateAfterIntegrity) {
        EXPECT_TRUE(w.addAttribute(rtp::StunMessage::kAttrUseCandidate, {}));
    }
    if (o.fingerprint) {
        EXPECT_TRUE(appendFingerprint(w));
    }
    buf.resize(w.size());
    return buf;
}

class IceSwitchTest : public ::testing::Test {
  protected:
    void SetUp() override {
        context = g_main_context_new();  // never iterated: the test calls handleDatagram itself
        std::string error;
        port = IcePort::create(context, IceConfig{"127.0.0.1", 0, 0}, error);
        ASSERT_TRUE(port) << error;
        server = IceServer::create(*port, listener, error);
        other = IceServer::create(*port, otherListener, error);
        ASSERT_TRUE(server && other) << error;
        server->setRemoteUfrag("client");
        other->setRemoteUfrag("intruder");
    }
    void TearDown() override {
        server.reset();
        other.reset();
        port.reset();
        g_main_context_unref(context);
    }
    void feed(const std::vector<uint8_t>& bytes, const SocketAddress& from, int64_t now) {
        port->handleDatagram(from, bytes.data(), bytes.size(), now);
    }
    // A valid check to `server` from `from` at `now`.
    void checkFrom(const SocketAddress& from, int64_t now, CheckOptions o = {}) {
        feed(check(server->localUfrag(), "client", server->localPwd(), o), from, now);
    }
    void mediaFrom(const SocketAddress& from, int64_t now) {
        const uint8_t srtp[12] = {0x80, 96, 0, 1};
        port->handleDatagram(from, srtp, sizeof(srtp), now);
    }
    std::string selected() const { return server->selectedRemoteAddress(); }
    uint64_t switches() const { return Metrics::instance().iceAddressSwitches.load(); }

    GMainContext* context = nullptr;
    Listener listener;
    Listener otherListener;
    std::unique_ptr<IcePort> port;
    std::unique_ptr<IceServer> server;
    std::unique_ptr<IceServer> other;
    const SocketAddress a = address(40001);
    const SocketAddress b = address(40002);
    const int64_t t0 = 100 * kSecond;
};

TEST_F(IceSwitchTest, NominationConnectsAndANewNominationMovesAtOnce) {
    checkFrom(a, t0, {.nominate = true});
    ASSERT_EQ(listener.connected, 1);
    EXPECT_EQ(selected(), a.toString());
    const auto before = switches();
    checkFrom(b, t0 + 1000, {.nominate = true});  // a was alive a millisecond ago
    EXPECT_EQ(selected(), b.toString());
    EXPECT_EQ(switches(), before + 1);
    EXPECT_EQ(listener.connected, 1) << "a move, not a new connection";
}

TEST_F(IceSwitchTest, PlainCheckFromNewAddressMovesOnlyAfterSilence) {
    checkFrom(a, t0, {.nominate = true});
    const auto before = switches();
    // The old address keeps proving alive with media: a check from elsewhere does not move it.
    mediaFrom(a, t0 + kSecond);
    checkFrom(b, t0 + kSecond + kSilence - 1);
    EXPECT_EQ(selected(), a.toString()) << "a was alive less than the threshold ago";
    // ...and then a goes silent (NAT rebinding: its mapping is gone).
    checkFrom(b, t0 + kSecond + kSilence);
    EXPECT_EQ(selected(), b.toString());
    EXPECT_EQ(switches(), before + 1);
    // Data from b now counts; a check from the dead a does not pull it back while b lives.
    mediaFrom(b, t0 + 3 * kSecond);
    checkFrom(a, t0 + 3 * kSecond + 10);
    EXPECT_EQ(selected(), b.toString());
}

TEST_F(IceSwitchTest, AuthenticatedCheckFromOldAddressKeepsItAlive) {
    checkFrom(a, t0, {.nominate = true});
    checkFrom(a, t0 + 2 * kSecond);  // consent check from the current address
    checkFrom(b, t0 + 2 * kSecond + kSilence - 1);
    EXPECT_EQ(selected(), a.toString());
    checkFrom(b, t0 + 2 * kSecond + kSilence);
    EXPECT_EQ(selected(), b.toString());
}

TEST_F(IceSwitchTest, DataThatDidNotAuthenticateDoesNotKeepAnAddressAlive) {
    checkFrom(a, t0, {.nominate = true});
    listener.dataIsValid = false;  // SRTP that failed authentication (forged or replayed)
    mediaFrom(a, t0 + kSilence);
    EXPECT_GT(listener.received, 0);
    checkFrom(b, t0 + kSilence + 1);
    EXPECT_EQ(selected(), b.toString());
}

TEST_F(IceSwitchTest, UnauthenticatedChecksNeverMoveMedia) {
    checkFrom(a, t0, {.nominate = true});
    const auto dropped = Metrics::instance().droppedStun.load();
    const auto noFingerprint = Metrics::instance().droppedStunFingerprint.load();
    const int64_t late = t0 + 10 * kSecond;
    feed(check(server->localUfrag(), "client", "wrong-password-wrong-pwd", {.nominate = true}), b,
         late);
    feed(check(server->localUfrag(), "someoneelse", server->localPwd(), {.nominate = true}), b,
         late);
    EXPECT_EQ(Metrics::instance().droppedStun.load(), dropped + 2);
    feed(check(server->localUfrag(), "client", server->localPwd(),
               {.nominate = true, .fingerprint = false}),
         b, late);
    EXPECT_EQ(Metrics::instance().droppedStunFingerprint.load(), noFingerprint + 1);
    EXPECT_EQ(selected(), a.toString());
    // None of them validated b for data either.
    const auto unvalidated = Metrics::instance().droppedUnvalidated.load();
    mediaFrom(b, late);
    EXPECT_EQ(Metrics::instance().droppedUnvalidated.load(), unvalidated + 1);
}

TEST_F(IceSwitchTest, UseCandidateAfterMessageIntegrityIsIgnored) {
    checkFrom(a, t0);  // validated, not nominated
    EXPECT_EQ(listener.connected, 0);
    checkFrom(a, t0 + 1, {.useCandidateAfterIntegrity = true});
    EXPECT_EQ(listener.connected, 0) << "an unauthenticated USE-CANDIDATE nominated";
    checkFrom(a, t0 + 2, {.nominate = true});
    EXPECT_EQ(listener.connected, 1);
    // Nor does a smuggled one move media at once from a new address.
    checkFrom(b, t0 + 3, {.useCandidateAfterIntegrity = true});
    EXPECT_EQ(selected(), a.toString());
}

TEST_F(IceSwitchTest, AnotherLiveTransportsAddressIsNeverTaken) {
    checkFrom(a, t0, {.nominate = true});
    const auto conflicts = Metrics::instance().iceAddressConflicts.load();
    // A participant who knows only its own transport's password checks from (a spoof of) a.
    const auto intruder = [&](int64_t now) {
        feed(check(other->localUfrag(), "intruder", other->localPwd(), {.nominate = true}), a, now);
    };
    intruder(t0 + 1);
    // Even long after a was last heard: it is still server's media address (consent expiry
    // closes a transport whose peer is gone, which releases it).
    intruder(t0 + 60 * kSecond);
    EXPECT_EQ(Metrics::instance().iceAddressConflicts.load(), conflicts + 2);
    EXPECT_FALSE(other->connected());
    EXPECT_EQ(selected(), a.toString());
    mediaFrom(a, t0 + 60 * kSecond);
    EXPECT_EQ(otherListener.received, 0);
    EXPECT_EQ(listener.received, 1);
}

TEST_F(IceSwitchTest, AnAddressAnotherTransportLeftBehindCanBeReused) {
    // server moved from a to b; a NAT then hands a to another client (other's transport).
    checkFrom(a, t0, {.nominate = true});
    checkFrom(b, t0 + kSecond, {.nominate = true});
    ASSERT_EQ(selected(), b.toString());
    const auto intruder = [&](int64_t now) {
        feed(check(other->localUfrag(), "intruder", other->localPwd(), {.nominate = true}), a, now);
    };
    intruder(t0 + kSecond + 1);
    EXPECT_FALSE(other->connected()) << "a was alive for server a moment ago";
    intruder(t0 + kSecond + kSilence);
    EXPECT_TRUE(other->connected());
    mediaFrom(a, t0 + 3 * kSecond);
    EXPECT_EQ(otherListener.received, 1);
}

TEST_F(IceSwitchTest, RestartSwapsCredentialsAndKeepsTheMediaAddress) {
    checkFrom(a, t0, {.nominate = true});
    const std::string oldUfrag = server->localUfrag();
    const std::string oldPwd = server->localPwd();
    ASSERT_TRUE(server->restart("client2"));
    EXPECT_NE(server->localUfrag(), oldUfrag);
    EXPECT_NE(server->localPwd(), oldPwd);
    EXPECT_EQ(selected(), a.toString()) << "media goes on until the new checks arrive";
    const auto dropped = Metrics::instance().droppedStun.load();
    feed(check(oldUfrag, "client", oldPwd, {.nominate = true}), b, t0 + 1);
    EXPECT_EQ(Metrics::instance().droppedStun.load(), dropped + 1) << "old ufrag is gone";
    EXPECT_EQ(selected(), a.toString());
    feed(check(server->localUfrag(), "client2", server->localPwd(), {.nominate = true}), b, t0 + 2);
    EXPECT_EQ(selected(), b.toString());
    EXPECT_EQ(listener.connected, 1);
}

}  // namespace
}  // namespace vcb::sfu
