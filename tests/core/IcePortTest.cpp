// The ICE-lite port against real libnice full agents (controlling, as browsers and webrtcbin are):
// connectivity checks answered, nomination, data both ways, a peer that moves, and what must be
// refused: wrong passwords, data from addresses no check validated.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <nice/agent.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "clients/loadgen/NiceCandidates.hpp"
#include "sfu/core/IcePort.hpp"
#include "sfu/core/IceServer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/core/WebRtcTransport.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using namespace std::chrono_literals;

constexpr auto kIceWait = 5000ms;  // ICE checks retransmit on libnice's own timers

struct RecordingIceListener : IceServer::Listener {
    void onIceConnected(IceServer&) override { ++connected; }
    bool onIceData(IceServer&, const uint8_t* data, size_t len) override {
        std::lock_guard lock(mutex);
        received.emplace_back(reinterpret_cast<const char*>(data), len);
        return dataIsValid;
    }
    std::atomic<bool> dataIsValid{true};
    std::vector<std::string> snapshot() {
        std::lock_guard lock(mutex);
        return received;
    }
    std::atomic<int> connected{0};
    std::mutex mutex;
    std::vector<std::string> received;
};

// A libnice full agent in the controlling role on the worker's context.
class NiceClient {
  public:
    NiceClient(GMainContext* context, const LocalTransportParameters& server,
               const std::string& serverPwd, const std::string* ufrag = nullptr,
               const std::string* pwd = nullptr, bool consentFreshness = false) {
        // RFC 7675 consent checks (plain authenticated Binding requests every ~5 s, never
        // nominating) are what a browser sends after a NAT rebinding.
        agent_ = nice_agent_new_full(
            context, NICE_COMPATIBILITY_RFC5245,
            consentFreshness ? NICE_AGENT_OPTION_CONSENT_FRESHNESS : NiceAgentOption{});
        g_object_set(agent_, "controlling-mode", TRUE, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
        NiceAddress local;
        nice_address_init(&local);
        nice_address_set_from_string(&local, "127.0.0.1");
        nice_agent_add_local_address(agent_, &local);
        stream_ = nice_agent_add_stream(agent_, 1);
        if (ufrag != nullptr)
            nice_agent_set_local_credentials(agent_, stream_, ufrag->c_str(), pwd->c_str());
        g_signal_connect(agent_, "component-state-changed", G_CALLBACK(&NiceClient::onState), this);
        nice_agent_attach_recv(agent_, stream_, 1, context, &NiceClient::onReceive, this);
        nice_agent_gather_candidates(agent_, stream_);
        gchar* u = nullptr;
        gchar* p = nullptr;
        nice_agent_get_local_credentials(agent_, stream_, &u, &p);
        ufrag_ = u;
        pwd_ = p;
        g_free(u);
        g_free(p);
        nice_agent_set_remote_credentials(agent_, stream_, server.iceUfrag.c_str(),
                                          serverPwd.c_str());
        loadgen::setNiceRemoteCandidates(agent_, stream_, {server.candidates.front()});
    }
    ~NiceClient() {
        nice_agent_attach_recv(agent_, stream_, 1, nullptr, nullptr, nullptr);
        g_signal_handlers_disconnect_by_data(agent_, this);
        nice_agent_remove_stream(agent_, stream_);
        g_object_unref(agent_);
    }
    bool ready() const { return state_ == NICE_COMPONENT_STATE_READY; }
    bool send(const std::string& s) {
        return nice_agent_send(agent_, stream_, 1, static_cast<guint>(s.size()), s.data()) ==
               static_cast<gint>(s.size());
    }
    std::vector<std::string> snapshot() {
        std::lock_guard lock(mutex_);
        return received_;
    }
    const std::string& ufrag() const { return ufrag_; }
    const std::string& pwd() const { return pwd_; }

  private:
    static void onState(NiceAgent*, guint, guint, guint state, gpointer self) {
        static_cast<NiceClient*>(self)->state_ = static_cast<int>(state);
    }
    static void onReceive(NiceAgent*, guint, guint, guint len, gchar* buf, gpointer self) {
        auto* c = static_cast<NiceClient*>(self);
        std::lock_guard lock(c->mutex_);
        c->received_.emplace_back(buf, len);
    }

    NiceAgent* agent_ = nullptr;
    guint stream_ = 0;
    std::string ufrag_;
    std::string pwd_;
    std::atomic<int> state_{NICE_COMPONENT_STATE_DISCONNECTED};
    std::mutex mutex_;
    std::vector<std::string> received_;
};

// A NAT between a client and the server, on loopback: the client talks to frontPort(), the relay
// forwards from its "public" socket to the server and back. rebind() replaces the public socket
// (a NAT rebinding after a 3G/4G hand-over): from then on the server sees the client from a new
// port, and whatever it sends to the old one is lost.
class UdpRelay {
  public:
    UdpRelay(uint16_t serverPort, std::string serverPwd) : pwd_(std::move(serverPwd)) {
        server_ = loopback(serverPort);
        front_ = openSocket();
        back_ = openSocket();
        thread_ = std::thread([this] { run(); });
    }
    ~UdpRelay() {
        stop_ = true;
        thread_.join();
        ::close(front_);
        ::close(back_);
    }
    uint16_t frontPort() const { return portOf(front_); }
    uint16_t backPort() const { return backPort_.load(); }
    void rebind() { rebind_ = true; }
    int nominationsStripped() const { return nominationsStripped_; }
    int forwardedAfterRebind() const { return forwardedAfterRebind_; }

  private:
    static sockaddr_in loopback(uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        return a;
    }
    int openSocket() {
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a = loopback(0);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        return fd;
    }
    // libnice puts USE-CANDIDATE on every check of its nominated pair, consent checks too; a
    // browser's consent checks after a rebinding carry none. So once rebound, the relay rewrites
    // a nominating check into a plain one, re-signed with the password the client uses: still a
    // valid, authenticated check of this session, just not a nomination.
    size_t withoutNomination(char* buf, size_t len) {
        rtp::StunMessage m;
        if (!rtp::StunMessage::parse(reinterpret_cast<const uint8_t*>(buf), len, m) ||
            !m.hasAttribute(rtp::StunMessage::kAttrUseCandidate))
            return len;
        std::array<uint8_t, 1500> out{};
        rtp::StunMessageWriter w(out.data(), out.size());
        w.begin(m.type(), m.transactionId());
        bool beforeIntegrity = true;
        m.forEachAttribute([&](uint16_t type, std::span<const uint8_t> value) {
            if (type == rtp::StunMessage::kAttrMessageIntegrity) beforeIntegrity = false;
            if (beforeIntegrity && type != rtp::StunMessage::kAttrUseCandidate)
                w.addAttribute(type, value);
        });
        signStunMessage(w, pwd_);
        std::memcpy(buf, out.data(), w.size());
        ++nominationsStripped_;
        return w.size();
    }
    static uint16_t portOf(int fd) {
        sockaddr_in a{};
        socklen_t len = sizeof(a);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        return ntohs(a.sin_port);
    }
    void run() {
        backPort_ = portOf(back_);
        char buf[2048];
        sockaddr_in client{};
        bool haveClient = false;
        while (!stop_) {
            if (rebind_.exchange(false)) {
                ::close(back_);  // the old mapping is gone: replies to it are lost
                back_ = openSocket();
                backPort_ = portOf(back_);
                rebound_ = true;
            }
            pollfd fds[2] = {{front_, POLLIN, 0}, {back_, POLLIN, 0}};
            if (::poll(fds, 2, 20) <= 0) continue;
            if ((fds[0].revents & POLLIN) != 0) {
                sockaddr_in from{};
                socklen_t len = sizeof(from);
                const ssize_t n = ::recvfrom(front_, buf, sizeof(buf), 0,
                                             reinterpret_cast<sockaddr*>(&from), &len);
                if (n > 0) {
                    client = from;
                    haveClient = true;
                    size_t len = static_cast<size_t>(n);
                    if (rebound_) {
                        ++forwardedAfterRebind_;
                        len = withoutNomination(buf, len);
                    }
                    ::sendto(back_, buf, len, 0, reinterpret_cast<const sockaddr*>(&server_),
                             sizeof(server_));
                }
            }
            if ((fds[1].revents & POLLIN) != 0) {
                const ssize_t n = ::recv(back_, buf, sizeof(buf), 0);
                if (n > 0 && haveClient)
                    ::sendto(front_, buf, static_cast<size_t>(n), 0,
                             reinterpret_cast<const sockaddr*>(&client), sizeof(client));
            }
        }
    }

    std::string pwd_;
    sockaddr_in server_{};
    int front_ = -1;
    int back_ = -1;
    std::atomic<uint16_t> backPort_{0};
    std::atomic<bool> rebind_{false};
    std::atomic<bool> rebound_{false};
    std::atomic<int> nominationsStripped_{0};
    std::atomic<int> forwardedAfterRebind_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

class IcePortTest : public ::testing::Test {
  protected:
    void SetUp() override {
        worker.start();
        std::string error;
        worker.invoke([&] {
            port = IcePort::create(worker.context(), IceConfig{"127.0.0.1", 0, 0}, error);
            if (port) server = IceServer::create(*port, listener, error);
        });
        ASSERT_TRUE(port && server) << error;
        local = {server->localUfrag(), server->localPwd(), server->localCandidates(), ""};
    }
    void TearDown() override {
        worker.invoke([&] {
            clients.clear();
            server.reset();
            port.reset();
        });
        worker.stop();
    }
    NiceClient& connectClient(const std::string& pwd, const std::string* ufrag = nullptr,
                              const std::string* clientPwd = nullptr) {
        worker.invoke([&] {
            clients.push_back(
                std::make_unique<NiceClient>(worker.context(), local, pwd, ufrag, clientPwd));
        });
        return *clients.back();
    }
    // A consent-checking client that reaches the server through `relay` (its only candidate).
    NiceClient& connectClientVia(const UdpRelay& relay) {
        LocalTransportParameters viaRelay = local;
        viaRelay.candidates.front().port = relay.frontPort();
        worker.invoke([&] {
            clients.push_back(std::make_unique<NiceClient>(worker.context(), viaRelay, local.icePwd,
                                                           nullptr, nullptr, true));
        });
        return *clients.back();
    }
    std::string selected() {
        std::string s;
        worker.invoke([&] { s = server->selectedRemoteAddress(); });
        return s;
    }
    void serverSend(const std::string& s) {
        worker.invoke([&] { server->send(reinterpret_cast<const uint8_t*>(s.data()), s.size()); });
    }

    Worker worker{"ice-port-test"};
    RecordingIceListener listener;
    std::unique_ptr<IcePort> port;
    std::unique_ptr<IceServer> server;
    LocalTransportParameters local;
    std::vector<std::unique_ptr<NiceClient>> clients;  // worker thread only after creation
};

TEST_F(IcePortTest, LibniceClientConnectsAndDataFlowsBothWays) {
    NiceClient& client = connectClient(local.icePwd);
    worker.invoke([&] { server->setRemoteUfrag(client.ufrag()); });
    ASSERT_TRUE(test::eventually(kIceWait, [&] {
        return client.ready() && listener.connected == 1;
    })) << "libnice checks answered and a pair nominated";
    bool connected = false;
    std::string selected;
    worker.invoke([&] {
        connected = server->connected();
        selected = server->selectedRemoteAddress();
    });
    EXPECT_TRUE(connected);
    EXPECT_EQ(selected.rfind("127.0.0.1:", 0), 0u) << selected;

    ASSERT_TRUE(client.send("\x80hello"));
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return !listener.snapshot().empty(); }));
    EXPECT_EQ(listener.snapshot().front(), "\x80hello");
    serverSend("\x80world");
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return !client.snapshot().empty(); }));
    EXPECT_EQ(client.snapshot().front(), "\x80world");
}

TEST_F(IcePortTest, WrongPasswordIsNeverAnswered) {
    const auto droppedBefore = Metrics::instance().droppedStun.load();
    NiceClient& client = connectClient("wrongwrongwrongwrongwrong");
    ASSERT_TRUE(test::eventually(
        kIceWait, [&] { return Metrics::instance().droppedStun.load() > droppedBefore; }));
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(client.ready());
    EXPECT_EQ(listener.connected, 0);
    client.send("\x80sneaky");  // libnice refuses without a pair; nothing may arrive either way
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(listener.snapshot().empty());
}

TEST_F(IcePortTest, WrongRemoteUfragIsNeverAnswered) {
    worker.invoke([&] { server->setRemoteUfrag("someoneelse"); });
    const auto droppedBefore = Metrics::instance().droppedStun.load();
    NiceClient& client = connectClient(local.icePwd);
    // The checks did reach the server (right ufrag and password, wrong remote ufrag)...
    ASSERT_TRUE(test::eventually(kIceWait, [&] {
        return Metrics::instance().droppedStun.load() >= droppedBefore + 2;
    })) << "no check arrived: the test would prove nothing";
    std::this_thread::sleep_for(500ms);
    // ...and none was answered.
    EXPECT_FALSE(client.ready());
    EXPECT_EQ(listener.connected, 0);
}

TEST_F(IcePortTest, DatagramsFromUnvalidatedAddressesAreDroppedAndCounted) {
    NiceClient& client = connectClient(local.icePwd);
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return client.ready(); }));
    const auto before = Metrics::instance().droppedUnvalidated.load();
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(local.candidates.front().port);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    const char dtls[] = "\x16\xfe\xfd forged ClientHello";
    for (int i = 0; i < 20; ++i)
        ::sendto(fd, dtls, sizeof(dtls), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    ::close(fd);
    ASSERT_TRUE(test::eventually(
        kIceWait, [&] { return Metrics::instance().droppedUnvalidated.load() >= before + 20; }));
    EXPECT_TRUE(listener.snapshot().empty());
}

TEST_F(IcePortTest, ABatchLeavesInFewSyscallsAndArrivesWhole) {
    NiceClient& client = connectClient(local.icePwd);
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return client.ready(); }));
    uint64_t syscalls = 0;
    worker.invoke([&] {
        const auto before = Metrics::instance().sendSyscalls.load();
        {
            IcePort::Batch batch(*port);
            for (int i = 0; i < 40; ++i) {
                const std::string s = "\x80pkt" + std::to_string(i);
                server->send(reinterpret_cast<const uint8_t*>(s.data()), s.size());
            }
        }
        syscalls = Metrics::instance().sendSyscalls.load() - before;
    });
    EXPECT_EQ(syscalls, 2u) << "32 in one sendmmsg when the batch filled, 8 at its end";
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return client.snapshot().size() >= 40; }));
    const auto got = client.snapshot();
    for (int i = 0; i < 40; ++i)
        EXPECT_EQ(got[static_cast<size_t>(i)], "\x80pkt" + std::to_string(i));
}

TEST_F(IcePortTest, APeerThatMovesIsFollowed) {
    // A NAT rebinding: the client's agent, sockets and credentials stay; only the address the
    // server sees changes, and what arrives from there are consent checks, never a nomination
    // (the relay strips USE-CANDIDATE from what it forwards once it has rebound).
    UdpRelay relay(local.candidates.front().port, local.icePwd);
    NiceClient& client = connectClientVia(relay);
    worker.invoke([&] { server->setRemoteUfrag(client.ufrag()); });
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return client.ready(); }));
    const std::string oldPath = "127.0.0.1:" + std::to_string(relay.backPort());
    ASSERT_EQ(selected(), oldPath);
    serverSend(
        "\x80"
        "before");
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return !client.snapshot().empty(); }));

    const auto switches = Metrics::instance().iceAddressSwitches.load();
    relay.rebind();
    ASSERT_TRUE(test::eventually(
        1000ms, [&] { return "127.0.0.1:" + std::to_string(relay.backPort()) != oldPath; }));
    const std::string newPath = "127.0.0.1:" + std::to_string(relay.backPort());
    // libnice's consent checks come every ~5 s; the first from the new port finds the old one
    // silent (no media either) and moves the media.
    ASSERT_TRUE(test::eventually(15000ms, [&] { return selected() == newPath; }))
        << "media still goes to " << selected() << "; relayed " << relay.forwardedAfterRebind()
        << ", nominations stripped " << relay.nominationsStripped();
    std::printf("after the rebinding: %d relayed, %d nominations stripped\n",
                relay.forwardedAfterRebind(), relay.nominationsStripped());
    EXPECT_EQ(Metrics::instance().iceAddressSwitches.load(), switches + 1);
    const size_t had = client.snapshot().size();
    serverSend(
        "\x80"
        "after");
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return client.snapshot().size() > had; }))
        << "data sent after the move never reached the client";
    EXPECT_EQ(client.snapshot().back(),
              "\x80"
              "after");
    EXPECT_TRUE(client.ready()) << "consent kept";
    EXPECT_EQ(listener.connected, 1) << "still one session";
}

TEST_F(IcePortTest, ANominationFromANewAddressMovesMediaAtOnce) {
    // The same ICE session from a new address (a second agent with the same credentials): its
    // nomination moves the media there.
    NiceClient& first = connectClient(local.icePwd);
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return first.ready(); }));
    worker.invoke([&] { server->setRemoteUfrag(first.ufrag()); });
    std::string before;
    worker.invoke([&] { before = server->selectedRemoteAddress(); });
    const std::string ufrag = first.ufrag();
    const std::string pwd = first.pwd();
    NiceClient& second = connectClient(local.icePwd, &ufrag, &pwd);
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return second.ready(); }));
    std::string after;
    ASSERT_TRUE(test::eventually(kIceWait, [&] {
        worker.invoke([&] { after = server->selectedRemoteAddress(); });
        return after != before;
    }));
    serverSend("\x80to-the-new-address");
    ASSERT_TRUE(test::eventually(kIceWait, [&] { return !second.snapshot().empty(); }));
    EXPECT_EQ(second.snapshot().back(), "\x80to-the-new-address");
    EXPECT_EQ(listener.connected, 1) << "still one session";
}

TEST(IcePortCreateTest, BadAddressIsAnError) {
    Worker worker("ice-port-create");
    worker.start();
    std::string error;
    std::unique_ptr<IcePort> port;
    worker.invoke([&] { port = IcePort::create(worker.context(), {"not-an-ip", 0, 0}, error); });
    EXPECT_FALSE(port);
    EXPECT_NE(error.find("invalid media address"), std::string::npos) << error;
    worker.stop();
}

}  // namespace
}  // namespace vcb::sfu
