// Issue 12 (the technician's view of every link) over the real server and real peers:
//  * a publisher whose UDP to the server goes through a network namespace dropping 10 % at random
//    (nftables `numgen random mod 100 < 10 drop` on the namespace's output) shows ≈ 10 % loss in
//    the technician's pushed statistics for its unit, and another publisher on the host ≈ 0 %;
//  * the subscription: `subscribeStats {intervalMs: 1000}` pushes at about that interval, stops
//    after `unsubscribeStats` and with the session, and a delegate's subscribeStats is refused
//    (forbidden_for_role);
//  * /metrics carries the units' loss labelled by meeting and unit, gone when the unit leaves.
// The lossy publisher is the vcb-ws-participant tool run with `ip netns exec`; the server listens
// on the host end of a veth pair. Needs root (network namespaces, nftables): skipped otherwise.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/NetNamespace.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gstclient::WsParticipant;
using gstclient::WsParticipantOptions;

constexpr const char* kIssuer = "vcb-link-test";
constexpr const char* kMeeting = "council";
constexpr const char* kLossyUnit = "thanh-son.x-tan-lap";
constexpr const char* kCleanUnit = "thanh-son.x-phu-loc";

int run(const std::string& command) { return runQuiet(command); }

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

const protocol::StatsParticipant* byUnit(const protocol::Stats& s, const std::string& unit) {
    for (const auto& p : s.participants)
        if (p.unit == unit) return &p;
    return nullptr;
}

// The value of the first /metrics sample of `name` whose line contains every one of `parts`.
std::optional<double> sample(const std::string& text, const std::string& name,
                             const std::vector<std::string>& parts) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.rfind(name, 0) != 0 || (line.size() > name.size() && line[name.size()] != '{' &&
                                         line[name.size()] != ' ')) {
            continue;
        }
        bool all = true;
        for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
        if (all) return std::stod(line.substr(line.rfind(' ') + 1));
    }
    return std::nullopt;
}

class TechnicianLinkTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_TOKEN_BIN) || !defined(VCB_WS_PARTICIPANT_BIN)
        GTEST_SKIP() << "the vcbridge, vcb-token and vcb-ws-participant targets are not built";
#else
        if (run("command -v nft") != 0) GTEST_SKIP() << "nft (package nftables) is not installed";
        netns_ = std::make_unique<NetNamespace>("vcblink");
        if (!netns_->ok()) GTEST_SKIP() << netns_->why();
        hostIp_ = netns_->hostIp();
        nsIp_ = netns_->nsIp();
        // 10 % of every UDP datagram leaving the namespace (media, RTCP, STUN, DTLS) is dropped.
        ASSERT_EQ(netns_->exec("nft add table inet vcbloss \\; add chain inet vcbloss out "
                               "'{ type filter hook output priority 0 ; }' \\; add rule inet "
                               "vcbloss out meta l4proto udp numgen random mod 100 '<' 10 drop"),
                  0);

        std::string tmpl = (fs::temp_directory_path() / "vcb-link-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        ::chmod(dir_.c_str(), 0700);
        secret_ = dir_ + "/secret";
        std::ofstream(secret_) << "link-secret-0123456789-0123456789-abcdef\n";
        ::chmod(secret_.c_str(), 0600);
        std::ofstream(dir_ + "/vcbridge.yaml")
            << "auth:\n  mode: jwt\n  algorithm: HS256\n  key_file: " << secret_
            << "\n  issuer: " << kIssuer << "\nunits_file: " << VCB_UNITS_FILE << "\n"
            << "meetings:\n"
            << "  - id: " << kMeeting << "\n"
            << "    title: Link test\n"
            << "    convening_unit: gov\n"
            << "    chair: chu-tich\n"
            << "    scheduled_start: 2026-01-01T08:00:00Z\n"
            << "    invited:\n"
            << "      - {unit: " << kLossyUnit << "}\n"
            << "      - {unit: " << kCleanUnit << "}\n";
        server_.setHost(hostIp_);
        server_.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
#endif
    }

    void TearDown() override {
        stopLossy();
        if (server_.pid() > 0) {
            const bool wasAlive = server_.alive();
            auto problem = server_.stop();
            EXPECT_TRUE(wasAlive) << server_.outputTail();
            EXPECT_FALSE(problem.has_value()) << problem.value_or("") << "\n"
                                              << server_.outputTail();
        }
        netns_.reset();
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }

    std::string mint(const std::string& args) {
#ifdef VCB_TOKEN_BIN
        int status = -1;
        std::string out = mintToken(VCB_TOKEN_BIN, secret_, kIssuer, "--ttl 600 " + args, &status);
        EXPECT_EQ(status, 0) << out;
        return out;
#else
        return args;
#endif
    }

    // vcb-ws-participant publishing for `seconds` from inside the namespace.
    void startLossy(const std::string& token, int seconds) {
#ifdef VCB_WS_PARTICIPANT_BIN
        std::vector<std::string> args{"ip",         "netns",     "exec",
                                      netns_->name(), VCB_WS_PARTICIPANT_BIN,
                                      "--url",      server_.wsUrl(),
                                      "--meeting",  kMeeting,
                                      "--name",     "red",
                                      "--token",    token,
                                      "--ice-address", nsIp_,
                                      "--publish-for", std::to_string(seconds),
                                      "--timeout",  std::to_string(seconds + 30)};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        lossyPid_ = ::fork();
        if (lossyPid_ == 0) {
            ::execvp("ip", argv.data());
            ::_exit(127);
        }
#endif
    }
    void stopLossy() {
        if (lossyPid_ <= 0) return;
        ::kill(lossyPid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 50 && ::waitpid(lossyPid_, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(100ms);
        if (::waitpid(lossyPid_, &status, WNOHANG) == 0) {
            ::kill(lossyPid_, SIGKILL);
            ::waitpid(lossyPid_, &status, 0);
        }
        lossyPid_ = -1;
    }

    std::string dir_, secret_, hostIp_, nsIp_;
    std::unique_ptr<NetNamespace> netns_;
    pid_t lossyPid_ = -1;
    ServerProcess server_;
};

TEST_F(TechnicianLinkTest, TenPercentUplinkLossShowsForThatUnitOnlyAndPushesFollowTheSubscription) {
    const std::string lossyToken = mint(std::string("--meeting ") + kMeeting +
                                        " --subject red --unit " + kLossyUnit + " --role delegate");
    const std::string cleanToken = mint(std::string("--meeting ") + kMeeting +
                                        " --subject green --unit " + kCleanUnit + " --role delegate");
    const std::string techToken = mint(std::string("--meeting ") + kMeeting +
                                       " --subject ky-thuat --unit gov --role technician");
    startLossy(lossyToken, 75);
    WsParticipant green(WsParticipantOptions{.url = server_.wsUrl(),
                                             .meeting = kMeeting,
                                             .displayName = "green",
                                             .pattern = "green",
                                             .token = cleanToken,
                                             .timeout = 10s});
    WsParticipant tech(WsParticipantOptions{.url = server_.wsUrl(),
                                            .meeting = kMeeting,
                                            .displayName = "tech",
                                            .token = techToken,
                                            .timeout = 10s});
    std::string error;
    ASSERT_TRUE(green.connect(&error)) << error << "\n" << server_.outputTail();
    ASSERT_TRUE(green.publish(&error)) << error;
    ASSERT_TRUE(tech.connect(&error)) << error << "\n" << server_.outputTail();

    std::atomic<bool> stop{false};
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    std::thread greenThread([&] { green.runUntil([&] { return stop.load(); }, deadline); });
    std::thread techThread([&] { tech.runUntil([&] { return stop.load(); }, deadline); });
    struct Joiner {
        std::atomic<bool>& stop;
        std::thread& a;
        std::thread& b;
        ~Joiner() {
            stop = true;
            if (a.joinable()) a.join();
            if (b.joinable()) b.join();
        }
    } joiner{stop, greenThread, techThread};

    // A delegate may not subscribe.
    green.queueSubscribeStats(1000);
    EXPECT_TRUE(waitUntil(
        [&] {
            for (const auto& c : green.errorCodes())
                if (c == "forbidden_for_role") return true;
            return false;
        },
        10s))
        << "a delegate's subscribeStats was not refused";

    tech.queueSubscribeStats(1000);
    // Wait (bounded) until both publishers' video and audio have measured intervals.
    const auto ready = [&] {
        const auto s = tech.lastStats();
        if (!s) return false;
        const auto* red = byUnit(*s, kLossyUnit);
        const auto* grn = byUnit(*s, kCleanUnit);
        return red && grn && red->video && red->audio && grn->video && grn->audio &&
               red->video->lossPercent && red->audio->lossPercent && grn->video->lossPercent &&
               red->video->kbps && *red->video->kbps > 0 && grn->video->kbps &&
               *grn->video->kbps > 0;
    };
    // Under 10 % loss the namespaced webrtcbin sometimes never completes ICE (its nominating
    // checks or the DTLS flight lost; seen in about 1 run of 10, see the report of issue 12):
    // one fresh start of that publisher, bounded, before giving up.
    if (!waitUntil(ready, 25s)) {
        std::printf("[ link ] the lossy publisher's media did not show within 25 s; starting it "
                    "again once\n");
        stopLossy();
        startLossy(lossyToken, 75);
    }
    ASSERT_TRUE(waitUntil(ready, 35s)) << "the publishers' statistics never showed up\n"
                                       << server_.outputTail();
    // Then 12 pushes (≈ 12 s): the mean of the per-interval loss of each stream.
    struct Sum {
        double total = 0;
        int n = 0;
        double max = 0;
        void add(const std::optional<double>& v) {
            if (!v) return;
            total += *v;
            max = std::max(max, *v);
            ++n;
        }
        double mean() const { return n ? total / n : -1; }
    } redVideo, redAudio, greenVideo, greenAudio;
    std::optional<protocol::StatsParticipant> lastRed, lastGreen;
    const int firstPush = tech.statsReceived();
    for (int seen = firstPush; seen < firstPush + 12;) {
        ASSERT_TRUE(waitUntil([&] { return tech.statsReceived() > seen; }, 5s))
            << "the pushes stopped";
        seen = tech.statsReceived();
        const auto s = tech.lastStats();
        ASSERT_TRUE(s);
        const auto* red = byUnit(*s, kLossyUnit);
        const auto* grn = byUnit(*s, kCleanUnit);
        ASSERT_TRUE(red && grn && red->video && red->audio && grn->video && grn->audio);
        redVideo.add(red->video->lossPercent);
        redAudio.add(red->audio->lossPercent);
        greenVideo.add(grn->video->lossPercent);
        greenAudio.add(grn->audio->lossPercent);
        lastRed = *red;
        lastGreen = *grn;
    }
    std::printf("[ link ] lossy unit: video loss %.2f %% (max %.1f, %d pushes), audio %.2f %%; "
                "nacks sent %lld, recovered %lld, jitter %.1f ms; clean unit: video %.2f %% "
                "(max %.1f), audio %.2f %%\n",
                redVideo.mean(), redVideo.max, redVideo.n, redAudio.mean(),
                static_cast<long long>(lastRed->video->nacksSent),
                static_cast<long long>(lastRed->video->packetsRecovered),
                lastRed->video->jitterMs.value_or(-1), greenVideo.mean(), greenVideo.max,
                greenAudio.mean());
    EXPECT_GE(redVideo.mean(), 6.0);
    EXPECT_LE(redVideo.mean(), 14.0);
    EXPECT_GE(redAudio.mean(), 6.0);
    EXPECT_LE(redAudio.mean(), 14.0);
    EXPECT_LT(greenVideo.mean(), 1.0);
    EXPECT_LT(greenAudio.mean(), 1.0);
    // The repair shows too: NACKs went to the lossy publisher, none needed for the clean one.
    EXPECT_GT(lastRed->video->nacksSent, 0);
    EXPECT_EQ(lastGreen->video->nacksSent, 0);
    // Each publisher's transports (publish and receive): the publish connection is ICE and DTLS
    // connected, with a packet in the last 2 s, from the address the unit sends from. (The
    // receive connection of a lossy unit may still be checking: its ICE checks are dropped too.)
    std::string redAddress;
    for (const auto* p : {&*lastRed, &*lastGreen}) {
        ASSERT_FALSE(p->transports.empty());
        const protocol::StatsTransport* freshest = nullptr;
        std::string list;
        for (const auto& t : p->transports) {
            if (t.msSinceLastPacket &&
                (!freshest || *t.msSinceLastPacket < *freshest->msSinceLastPacket)) {
                freshest = &t;
            }
            list += t.ice + "/" + t.dtls + " " + t.address + " " +
                    std::to_string(t.msSinceLastPacket.value_or(-1)) + " ms; ";
        }
        std::printf("[ link ] %s transports: %s\n", p->unit.c_str(), list.c_str());
        ASSERT_TRUE(freshest) << list;
        EXPECT_LT(*freshest->msSinceLastPacket, 2000) << list;
        EXPECT_EQ(freshest->ice, "connected") << list;
        EXPECT_EQ(freshest->dtls, "connected") << list;
        if (p == &*lastRed) redAddress = freshest->address;
        EXPECT_LT(p->video->msSinceLastPacket.value_or(99'999), 2000);
        EXPECT_TRUE(p->video->jitterMs);
    }
    EXPECT_EQ(redAddress.rfind(nsIp_ + ":", 0), 0u)
        << "the lossy publisher comes from the namespace: " << redAddress;

    // The pushes came about every second.
    const auto arrivals = tech.statsArrivals();
    ASSERT_GE(arrivals.size(), 10u);
    double worst = 0, sum = 0;
    int gaps = 0;
    for (size_t i = arrivals.size() - 10; i + 1 < arrivals.size(); ++i) {
        const double ms =
            std::chrono::duration<double, std::milli>(arrivals[i + 1] - arrivals[i]).count();
        worst = std::max(worst, std::abs(ms - 1000.0));
        sum += ms;
        ++gaps;
    }
    std::printf("[ link ] push interval: mean %.1f ms, worst deviation %.1f ms over %d gaps\n",
                sum / gaps, worst, gaps);
    EXPECT_NEAR(sum / gaps, 1000.0, 100.0);
    EXPECT_LT(worst, 400.0);

    // After unsubscribeStats the pushes stop (one may already be on its way).
    tech.queueUnsubscribeStats();
    std::this_thread::sleep_for(1500ms);
    const int afterUnsubscribe = tech.statsReceived();
    std::this_thread::sleep_for(3500ms);
    EXPECT_EQ(tech.statsReceived(), afterUnsubscribe) << "pushes went on after unsubscribeStats";
    EXPECT_EQ(green.statsReceived(), 0);

    // /metrics: the units' figures labelled by meeting and unit (published every 5 s).
    const auto metrics = [&] {
        return httpRequestTo(hostIp_, server_.port(), boost::beast::http::verb::get, "/metrics")
            .body();
    };
    const std::string lossyLabel = std::string("unit=\"") + kLossyUnit + "\"";
    const std::string cleanLabel = std::string("unit=\"") + kCleanUnit + "\"";
    std::string text = metrics();
    const auto lossyRatio = sample(text, "vcb_participant_loss_ratio",
                                   {"meeting=\"council\"", lossyLabel, "kind=\"video\""});
    const auto cleanRatio =
        sample(text, "vcb_participant_loss_ratio", {cleanLabel, "kind=\"video\""});
    std::printf("[ link ] /metrics video loss ratio: lossy %.3f, clean %.3f\n",
                lossyRatio.value_or(-1), cleanRatio.value_or(-1));
    ASSERT_TRUE(lossyRatio && cleanRatio) << text;
    EXPECT_GT(*lossyRatio, 0.04);
    EXPECT_LT(*lossyRatio, 0.25);
    EXPECT_LT(*cleanRatio, 0.01);
    EXPECT_TRUE(sample(text, "vcb_participant_publish_bitrate_bps", {lossyLabel}));
    EXPECT_EQ(sample(text, "vcb_stats_subscriptions", {}), 0.0) << "the unsubscribed one is gone";

    // A second technician's subscription (5 s) ends with its session, at once (within 3 s).
    WsParticipant tech2(WsParticipantOptions{.url = server_.wsUrl(),
                                             .meeting = kMeeting,
                                             .displayName = "tech2",
                                             .token = mint(std::string("--meeting ") + kMeeting +
                                                           " --subject ky-thuat-2 --unit gov "
                                                           "--role technician"),
                                             .timeout = 10s});
    ASSERT_TRUE(tech2.connect(&error)) << error;
    std::atomic<bool> stop2{false};
    std::thread tech2Thread([&] { tech2.runUntil([&] { return stop2.load(); }, deadline); });
    tech2.queueSubscribeStats(5000);
    EXPECT_TRUE(waitUntil([&] { return tech2.statsReceived() > 0; }, 10s));
    EXPECT_EQ(sample(metrics(), "vcb_stats_subscriptions", {}), 1.0);
    stop2 = true;
    tech2Thread.join();
    tech2.close();
    EXPECT_TRUE(waitUntil(
        [&] { return sample(metrics(), "vcb_stats_subscriptions", {}) == 0.0; }, 3s))
        << "the subscription outlived its session";

    // The lossy unit leaves: its series go at once (not only at the next 5 s publication, which
    // may fall into these 1.5 s: a missing removal is seen ~70 % of the runs, not every time).
    stopLossy();
    EXPECT_TRUE(waitUntil(
        [&] { return metrics().find(lossyLabel) == std::string::npos; }, 1500ms))
        << "the series of a participant that left stayed";
    EXPECT_NE(metrics().find(cleanLabel), std::string::npos);

    stop = true;
    greenThread.join();
    techThread.join();
    green.close();
    tech.close();
}

}  // namespace
}  // namespace vcb::integration
