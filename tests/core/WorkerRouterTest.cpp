// Worker (task ordering, invoke, timers) and Router transport creation/closing on a real
// IcePort bound to 127.0.0.1 (no peer: nothing connects).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sfu/core/Metrics.hpp"
#include "sfu/core/Router.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "tests/core/CoreTestSupport.hpp"

namespace vcb::sfu {
namespace {

using namespace std::chrono_literals;

TEST(WorkerTest, PostedTasksRunInOrderOnTheWorkerThread) {
    Worker worker("test-worker");
    worker.start();
    std::vector<int> order;  // touched only on the worker thread
    std::atomic<int> offThread{0};
    for (int i = 0; i < 1000; ++i) {
        worker.post([&, i] {
            if (!worker.isWorkerThread()) ++offThread;
            order.push_back(i);
        });
    }
    std::vector<int> seen;
    worker.invoke([&] { seen = order; });
    ASSERT_EQ(seen.size(), 1000u) << "invoke runs after everything posted before it";
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[i], i);
    EXPECT_EQ(offThread.load(), 0);
    EXPECT_FALSE(worker.isWorkerThread());
    worker.stop();
}

TEST(WorkerTest, PostsFromSeveralThreadsKeepEachThreadsOrder) {
    Worker worker("test-worker");
    worker.start();
    std::vector<std::pair<int, int>> log;  // worker thread only
    std::vector<std::thread> posters;
    for (int t = 0; t < 3; ++t) {
        posters.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) worker.post([&log, t, i] { log.emplace_back(t, i); });
        });
    }
    for (auto& p : posters) p.join();
    std::vector<std::pair<int, int>> seen;
    worker.invoke([&] { seen = log; });
    ASSERT_EQ(seen.size(), 900u);
    int next[3] = {0, 0, 0};
    for (const auto& [t, i] : seen) {
        ASSERT_EQ(i, next[t]) << "thread " << t;
        ++next[t];
    }
    worker.stop();
}

TEST(WorkerTest, InvokeWaitsAndMayBeNested) {
    Worker worker("test-worker");
    worker.start();
    std::atomic<bool> slowDone{false};
    worker.post([&] {
        std::this_thread::sleep_for(30ms);
        slowDone = true;
    });
    bool onWorker = false;
    bool nestedRan = false;
    worker.invoke([&] {
        onWorker = worker.isWorkerThread();
        // From the worker itself invoke runs inline instead of deadlocking.
        worker.invoke([&] { nestedRan = true; });
    });
    EXPECT_TRUE(slowDone.load());
    EXPECT_TRUE(onWorker);
    EXPECT_TRUE(nestedRan);
    worker.stop();
}

TEST(WorkerTest, TimersRepeatUntilFalseAndCanBeRemoved) {
    Worker worker("test-worker");
    worker.start();
    std::atomic<int> finite{0};
    std::atomic<int> removable{0};
    guint removableId = 0;
    worker.invoke([&] {
        worker.addTimer(5, [&] { return ++finite < 3; });
        removableId = worker.addTimer(5, [&] {
            ++removable;
            return true;
        });
    });
    EXPECT_NE(removableId, 0u);
    ASSERT_TRUE(
        test::eventually(2000ms, [&] { return finite.load() >= 3 && removable.load() >= 3; }));
    worker.invoke([&] { worker.removeTimer(removableId); });
    const int afterRemove = removable.load();
    std::this_thread::sleep_for(60ms);
    EXPECT_EQ(finite.load(), 3) << "a timer returning false is not called again";
    EXPECT_EQ(removable.load(), afterRemove);
    worker.invoke([&] { worker.removeTimer(removableId); });  // already gone: harmless
    worker.invoke([&] { worker.removeTimer(0); });
    worker.stop();
}

TEST(WorkerTest, StopRunsWorkAlreadyPosted) {
    auto worker = std::make_unique<Worker>("test-worker");
    worker->start();
    std::atomic<int> ran{0};
    worker->post([&] { std::this_thread::sleep_for(20ms); });
    for (int i = 0; i < 50; ++i) worker->post([&] { ++ran; });
    worker->stop();
    EXPECT_EQ(ran.load(), 50);
    worker->stop();  // idempotent
    worker.reset();
}

TEST(WorkerTest, StopAlsoRunsWorkPostedWhileStopping) {
    // Teardown code on the worker defers destruction with post() (Router does for transports);
    // work posted after stop() was requested must still run before the thread exits.
    Worker worker("test-worker");
    worker.start();
    std::atomic<bool> stopping{false};
    std::atomic<bool> deferredRan{false};
    worker.post([&] {
        // Wait until stop() has queued its quit request, then defer more work behind it.
        for (int i = 0; i < 400 && !stopping.load(); ++i) std::this_thread::sleep_for(1ms);
        std::this_thread::sleep_for(20ms);
        worker.post([&] { deferredRan = true; });
    });
    stopping = true;
    worker.stop();
    EXPECT_TRUE(deferredRan.load());
}

// ---- Router ---------------------------------------------------------------------------------

// Port ranges private to these tests; ctest may run them in parallel processes, so the range the
// exhaustion test fills is separate from the one the other tests use.
constexpr uint16_t kPortMin = 47310;
constexpr uint16_t kPortMax = 47339;
constexpr uint16_t kSmallPortMin = 47340;
constexpr uint16_t kSmallPortMax = 47347;

class RecordingRouterListener final : public Router::Listener {
  public:
    void onTransportConnected(const std::string& id) override {
        std::lock_guard lock(mutex_);
        connected.push_back(id);
    }
    void onTransportClosed(const std::string& id, std::string_view reason) override {
        std::lock_guard lock(mutex_);
        closed.emplace_back(id, std::string(reason));
    }
    std::vector<std::string> connected;
    std::vector<std::pair<std::string, std::string>> closed;

  private:
    std::mutex mutex_;
};

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        worker.start();  // first: TearDown needs a running worker even if SetUp fails below
        std::string error;
        std::shared_ptr<const dtls::DtlsCertificate> cert = dtls::DtlsCertificate::generate(&error);
        ASSERT_TRUE(cert) << error;
        certificate = cert;
        context = dtls::DtlsContext::create(cert, &error);
        ASSERT_TRUE(context) << error;
        worker.invoke([&] {
            port = IcePort::create(worker.context(), IceConfig{"127.0.0.1", kPortMin, kPortMax},
                                   error);
        });
        ASSERT_TRUE(port) << error;
        RouterConfig config;
        config.port = port.get();
        config.dtls = context;
        worker.invoke([&] { router = std::make_unique<Router>(worker, config, listener); });
    }
    void TearDown() override {
        worker.invoke([&] {
            router.reset();
            port.reset();
        });
        worker.stop();
    }

    bool create(const std::string& id, LocalTransportParameters& local, std::string& error) {
        bool ok = false;
        worker.invoke([&] { ok = router->createTransport(id, local, error); });
        return ok;
    }

    Worker worker{"router-test"};
    std::shared_ptr<const dtls::DtlsCertificate> certificate;
    std::shared_ptr<dtls::DtlsContext> context;
    RecordingRouterListener listener;
    std::unique_ptr<IcePort> port;
    std::unique_ptr<Router> router;
};

TEST_F(RouterTest, CreateTransportReturnsLocalParameters) {
    LocalTransportParameters a, b;
    std::string error;
    ASSERT_TRUE(create("t1", a, error)) << error;
    ASSERT_TRUE(create("t2", b, error)) << error;

    for (const auto* local : {&a, &b}) {
        // RFC 8445 §5.3: ufrag ≥ 4 and password ≥ 22 characters of ice-char.
        EXPECT_GE(local->iceUfrag.size(), 4u);
        EXPECT_GE(local->icePwd.size(), 22u);
        EXPECT_TRUE(
            std::regex_match(local->iceUfrag + local->icePwd, std::regex("[A-Za-z0-9+/]+")));
        ASSERT_FALSE(local->candidates.empty());
        const IceCandidate& c = local->candidates.front();
        EXPECT_EQ(c.address, "127.0.0.1");
        EXPECT_EQ(c.type, "host");
        EXPECT_EQ(c.transport, "udp");
        EXPECT_EQ(c.component, 1u);
        EXPECT_GE(c.port, kPortMin);
        EXPECT_LE(c.port, kPortMax);
        EXPECT_GT(c.priority, 0u);
        EXPECT_FALSE(c.foundation.empty());
        // SHA-256: 32 bytes as colon-separated uppercase hex.
        EXPECT_TRUE(
            std::regex_match(local->fingerprint, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")))
            << local->fingerprint;
        EXPECT_EQ(local->fingerprint, certificate->fingerprint());
    }
    EXPECT_NE(a.iceUfrag, b.iceUfrag);
    EXPECT_NE(a.icePwd, b.icePwd);
    EXPECT_EQ(a.candidates.front().port, b.candidates.front().port)
        << "transports of a worker share its port; ufrags tell them apart";

    LocalTransportParameters dup;
    EXPECT_FALSE(create("t1", dup, error)) << "ids are unique";
    EXPECT_FALSE(error.empty());
    size_t count = 0;
    worker.invoke([&] { count = router->transportCount(); });
    EXPECT_EQ(count, 2u);
}

TEST_F(RouterTest, ConnectRejectsBadRemoteParameters) {
    LocalTransportParameters local;
    std::string error;
    ASSERT_TRUE(create("t1", local, error)) << error;
    bool ok = true;
    RemoteTransportParameters remote;
    remote.fingerprintAlgorithm = "sha-256";
    remote.fingerprint = certificate->fingerprint();
    worker.invoke([&] { ok = router->connectTransport("t1", remote, error); });
    EXPECT_FALSE(ok) << "no ICE credentials";
    worker.invoke([&] { ok = router->connectTransport("nope", remote, error); });
    EXPECT_FALSE(ok);
    remote.iceUfrag = "abcd";
    remote.icePwd = "abcdefghijklmnopqrstuvwxyz";
    remote.fingerprint = "zz";
    worker.invoke([&] { ok = router->connectTransport("t1", remote, error); });
    EXPECT_FALSE(ok) << "malformed fingerprint";
    remote.fingerprint = certificate->fingerprint();
    worker.invoke([&] { ok = router->connectTransport("t1", remote, error); });
    EXPECT_TRUE(ok) << error;
    worker.invoke([&] { ok = router->connectTransport("t1", remote, error); });
    EXPECT_FALSE(ok) << "connect only once";
    EXPECT_TRUE(listener.connected.empty());
}

TEST_F(RouterTest, CloseTransportReportsOnceAndReleasesEverything) {
    auto& m = Metrics::instance();
    const int64_t transportsBefore = m.transportsOpen.load();
    const int64_t producersBefore = m.producersOpen.load();
    const int64_t consumersBefore = m.consumersOpen.load();

    LocalTransportParameters pub, sub;
    std::string error;
    ASSERT_TRUE(create("pub", pub, error)) << error;
    ASSERT_TRUE(create("sub", sub, error)) << error;
    EXPECT_EQ(m.transportsOpen.load(), transportsBefore + 2);

    bool ok = false;
    worker.invoke([&] {
        ProducerOptions po;
        po.id = "pub-1";
        po.kind = MediaKind::Video;
        po.ssrc = 1234;
        po.payloadType = 96;
        po.codecName = "VP8";
        ok = router->createProducer("pub", po, error);
        ProducerOptions dupSsrc = po;
        dupSsrc.id = "pub-2";
        EXPECT_FALSE(router->createProducer("pub", dupSsrc, error)) << "duplicate SSRC";
        EXPECT_FALSE(router->createProducer("missing", po, error));
        ConsumerOptions co;
        co.id = "sub-1";
        co.kind = MediaKind::Video;
        co.ssrc = 999;
        co.codecs = {RtpCodec{100, "VP8", 90000, 0, "", {}, std::nullopt}};
        ok = ok && router->createConsumer("sub", co, "pub-1", error);
        EXPECT_FALSE(router->createConsumer("sub", co, "", error)) << "consumer ids are unique";
        EXPECT_FALSE(router->setConsumerProducer("sub-1", "no-such-producer"));
    });
    ASSERT_TRUE(ok) << error;
    EXPECT_EQ(m.producersOpen.load(), producersBefore + 1);
    EXPECT_EQ(m.consumersOpen.load(), consumersBefore + 1);

    // Closing the publisher's transport takes its producer; the consumer stays, paused.
    worker.invoke([&] { router->closeTransport("pub", "left"); });
    ASSERT_EQ(listener.closed.size(), 1u);
    EXPECT_EQ(listener.closed[0].first, "pub");
    EXPECT_EQ(listener.closed[0].second, "left");
    EXPECT_EQ(m.producersOpen.load(), producersBefore);
    EXPECT_EQ(m.consumersOpen.load(), consumersBefore + 1);
    worker.invoke([&] {
        EXPECT_FALSE(router->hasTransport("pub"));
        EXPECT_TRUE(router->hasTransport("sub"));
        EXPECT_EQ(router->findProducer("pub-1"), nullptr);
        router->closeTransport("pub", "again");  // already gone: no second report
    });
    EXPECT_EQ(listener.closed.size(), 1u);
    // The transport object is destroyed on a later loop iteration; invoke runs after it.
    worker.invoke([] {});
    EXPECT_EQ(m.transportsOpen.load(), transportsBefore + 1);

    worker.invoke([&] { router->closeTransport("sub"); });
    ASSERT_EQ(listener.closed.size(), 2u);
    EXPECT_EQ(listener.closed[1].first, "sub");
    EXPECT_EQ(listener.closed[1].second, "closed");
    EXPECT_EQ(m.consumersOpen.load(), consumersBefore);
    worker.invoke([] {});
    EXPECT_EQ(m.transportsOpen.load(), transportsBefore);
    size_t count = 99;
    worker.invoke([&] { count = router->transportCount(); });
    EXPECT_EQ(count, 0u);
}

// The forwarding gate on a real Router: while a producer's gate is closed its packets never reach
// its consumers (the consumer does not even see them: its drop count stays), they are counted as
// withheld, and opening it lets them through again.
TEST_F(RouterTest, ClosedProducerGateWithholdsPacketsFromConsumers) {
    auto& m = Metrics::instance();
    LocalTransportParameters pub, sub;
    std::string error;
    ASSERT_TRUE(create("pub", pub, error)) << error;
    ASSERT_TRUE(create("sub", sub, error)) << error;
    bool ok = false;
    worker.invoke([&] {
        ok = router->createProducer("pub", test::opusProducer("mic", 4321), error);
        ConsumerOptions co = test::audioConsumer(777);
        co.id = "sub-mic";
        ok = ok && router->createConsumer("sub", co, "mic", error);
    });
    ASSERT_TRUE(ok) << error;
    const uint64_t withheldBefore = m.rtpWithheld.load();
    worker.invoke([&] {
        Producer* p = router->findProducer("mic");
        Consumer* c = router->findConsumer("sub-mic");
        ASSERT_NE(p, nullptr);
        ASSERT_NE(c, nullptr);
        EXPECT_TRUE(p->forwarding()) << "open by default: plain meetings forward everything";
        int64_t now = 1'000'000;
        uint16_t seq = 10;
        const auto send = [&](int n) {
            for (int i = 0; i < n; ++i, ++seq, now += 20'000)
                test::deliver(*p, {111, seq, seq * 960u, 4321, false, {}, test::opusFrame(1)}, now);
        };
        send(3);  // gate open: the consumer sees them (and drops them: its subscriber never
                  // connected)
        const uint64_t seenOpen = c->packetsDropped() + c->packetsSent();
        EXPECT_EQ(seenOpen, 3u);

        EXPECT_TRUE(router->setProducerForwarding("mic", false, now));
        EXPECT_FALSE(p->forwarding());
        send(5);
        EXPECT_EQ(c->packetsDropped() + c->packetsSent(), seenOpen)
            << "withheld before the consumer";
        EXPECT_EQ(p->packetsWithheld(), 5u);

        EXPECT_TRUE(router->setProducerForwarding("mic", true, now));
        send(2);
        EXPECT_EQ(c->packetsDropped() + c->packetsSent(), seenOpen + 2);
        EXPECT_EQ(p->packetsWithheld(), 5u);
        EXPECT_FALSE(router->setProducerForwarding("no-such-producer", false, now));
    });
    EXPECT_EQ(m.rtpWithheld.load() - withheldBefore, 5u);
    const std::string text = m.toPrometheus();
    EXPECT_NE(text.find("vcb_rtp_packets_withheld_total"), std::string::npos);
}

TEST_F(RouterTest, DestroyingTheRouterDoesNotReportClosures) {
    const int64_t transportsBefore = Metrics::instance().transportsOpen.load();
    LocalTransportParameters local;
    std::string error;
    ASSERT_TRUE(create("t1", local, error)) << error;
    worker.invoke([&] { router.reset(); });
    EXPECT_TRUE(listener.closed.empty());
    EXPECT_EQ(Metrics::instance().transportsOpen.load(), transportsBefore);
}

TEST_F(RouterTest, WorkerPortsComeFromTheRangeAndExhaustionIsAnError) {
    // One port per worker: ports fill the range, then binding fails with an error that names
    // the range instead of binding outside it.
    constexpr int kRange = kSmallPortMax - kSmallPortMin + 1;
    std::vector<std::unique_ptr<IcePort>> ports;
    std::string error;
    worker.invoke([&] {
        for (int i = 0; i <= kRange; ++i) {
            auto p = IcePort::create(worker.context(),
                                     IceConfig{"127.0.0.1", kSmallPortMin, kSmallPortMax}, error);
            if (!p) break;
            ports.push_back(std::move(p));
        }
    });
    EXPECT_GT(ports.size(), 0u);
    EXPECT_LE(ports.size(), static_cast<size_t>(kRange));
    std::set<uint16_t> distinct;
    for (const auto& p : ports) {
        distinct.insert(p->port());
        EXPECT_GE(p->port(), kSmallPortMin);
        EXPECT_LE(p->port(), kSmallPortMax);
    }
    EXPECT_EQ(distinct.size(), ports.size());
    EXPECT_NE(error.find("no free UDP port"), std::string::npos) << error;
    worker.invoke([&] { ports.clear(); });
}

}  // namespace
}  // namespace vcb::sfu
