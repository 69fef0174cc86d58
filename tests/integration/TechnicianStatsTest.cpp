// Issue 11 (technician panel) over the real server: a GStreamer publisher sends VP8 320x240 at
// 30 fps; a technician's getStats shows that participant's resolution exactly (parsed by the SFU
// from the VP8 key frame header), a sane frame rate, kbps > 0 and no loss; a delegate's getStats
// is refused with forbidden_for_role, and GET /api/meetings/{id}/stats with a delegate's token is
// 403 while a technician's token reads the same statistics. auth: jwt, tokens from vcb-token.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using gstclient::WsParticipant;
using gstclient::WsParticipantOptions;

constexpr const char* kIssuer = "vcb-stats-test";
constexpr const char* kMeeting = "council";
constexpr const char* kProvince = "thanh-son";

class TechnicianStatsTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_UNITS_FILE) || !defined(VCB_TOKEN_BIN)
        GTEST_SKIP() << "the vcbridge and vcb-token targets are not part of this build";
#else
        std::string tmpl = (fs::temp_directory_path() / "vcb-stats-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        ::chmod(dir_.c_str(), 0700);
        secret_ = dir_ + "/secret";
        std::ofstream(secret_) << "stats-secret-0123456789-0123456789-abcdef\n";
        ::chmod(secret_.c_str(), 0600);
        std::ofstream(dir_ + "/vcbridge.yaml")
            << "auth:\n  mode: jwt\n  algorithm: HS256\n  key_file: " << secret_
            << "\n  issuer: " << kIssuer << "\nunits_file: " << VCB_UNITS_FILE << "\n"
            << "meetings:\n"
            << "  - id: " << kMeeting << "\n"
            << "    title: Stats test\n"
            << "    convening_unit: gov\n"
            << "    chair: chu-tich\n"
            << "    scheduled_start: 2026-01-01T08:00:00Z\n"
            << "    invited:\n"
            << "      - {unit: " << kProvince << "}\n";
        server_.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
#endif
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            const bool wasAlive = server_.alive();
            auto problem = server_.stop();
            EXPECT_TRUE(wasAlive) << server_.outputTail();
            EXPECT_FALSE(problem.has_value()) << problem.value_or("") << "\n"
                                              << server_.outputTail();
        }
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

    std::string dir_, secret_;
    ServerProcess server_;
};

const protocol::StatsParticipant* find(const protocol::Stats& s, const std::string& id) {
    for (const auto& p : s.participants)
        if (p.participantId == id) return &p;
    return nullptr;
}

TEST_F(TechnicianStatsTest, TechnicianSeesThePublishersLinkQualityOthersAreRefused) {
    const std::string delegateToken = mint(std::string("--meeting ") + kMeeting +
                                           " --subject green --unit " + kProvince +
                                           " --role delegate");
    const std::string technicianToken =
        mint(std::string("--meeting ") + kMeeting + " --subject ky-thuat --unit gov --role technician");
    WsParticipant green(WsParticipantOptions{.url = server_.wsUrl(),
                                             .meeting = kMeeting,
                                             .displayName = "green",
                                             .pattern = "green",
                                             .token = delegateToken,
                                             .timeout = 10s});
    WsParticipant tech(WsParticipantOptions{.url = server_.wsUrl(),
                                            .meeting = kMeeting,
                                            .displayName = "tech",
                                            .token = technicianToken,
                                            .timeout = 10s});
    std::string error;
    ASSERT_TRUE(green.connect(&error)) << error << "\n" << server_.outputTail();
    ASSERT_TRUE(green.publish(&error)) << error;
    ASSERT_TRUE(tech.connect(&error)) << error << "\n" << server_.outputTail();
    const std::string greenId = green.participantId();

    // Both sessions are pumped on their own threads while the test asks for statistics.
    std::atomic<bool> stop{false};
    const auto deadline = std::chrono::steady_clock::now() + 90s;
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

    // The delegate may not read statistics.
    green.queueGetStats();
    const auto waitUntil = [](const std::function<bool()>& done, std::chrono::seconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (done()) return true;
            std::this_thread::sleep_for(100ms);
        }
        return done();
    };
    EXPECT_TRUE(waitUntil(
        [&] {
            for (const auto& c : green.errorCodes())
                if (c == "forbidden_for_role") return true;
            return false;
        },
        10s))
        << "a delegate's getStats was not refused";
    EXPECT_EQ(green.statsReceived(), 0);

    // The technician asks every 2 s (like the panel) until the publisher's video shows its size
    // (the first VP8 key frame) and a measured interval.
    std::optional<protocol::StatsParticipant> seen;
    for (int i = 0; i < 15 && !seen; ++i) {
        const int before = tech.statsReceived();
        tech.queueGetStats();
        ASSERT_TRUE(waitUntil([&] { return tech.statsReceived() > before; }, 10s))
            << "no stats answer; errors: " << (tech.errorCodes().empty() ? "" : tech.errorCodes().back());
        const auto stats = tech.lastStats();
        ASSERT_TRUE(stats);
        EXPECT_GT(stats->time, 1'700'000'000'000);
        if (const auto* p = find(*stats, greenId);
            p && p->video && p->video->width && p->video->kbps && p->video->fps &&
            *p->video->kbps > 0 && i >= 2) {
            seen = *p;
        }
        std::this_thread::sleep_for(2s);
    }
    ASSERT_TRUE(seen) << "the publisher's video statistics never showed up";
    std::printf("[ stats ] green: video %lldx%lld, %.1f fps, %.1f kbps, loss %.1f%% (%lld lost); "
                "audio %.1f kbps\n",
                static_cast<long long>(seen->video->width.value_or(0)),
                static_cast<long long>(seen->video->height.value_or(0)),
                seen->video->fps.value_or(-1), seen->video->kbps.value_or(-1),
                seen->video->lossPercent.value_or(-1),
                static_cast<long long>(seen->video->packetsLost),
                seen->audio && seen->audio->kbps ? *seen->audio->kbps : -1.0);
    EXPECT_EQ(seen->unit, kProvince);
    EXPECT_EQ(seen->role, "delegate");
    EXPECT_EQ(seen->video->width, 320);
    EXPECT_EQ(seen->video->height, 240);
    EXPECT_GE(*seen->video->fps, 10.0);
    EXPECT_LE(*seen->video->fps, 35.0);
    EXPECT_GT(*seen->video->kbps, 0.0);
    EXPECT_EQ(seen->video->lossPercent, 0.0);
    EXPECT_EQ(seen->video->packetsLost, 0);
    ASSERT_TRUE(seen->audio);
    EXPECT_GT(seen->audio->kbps.value_or(0), 0.0);

    // REST: a delegate's token is 403; a technician's token for this meeting reads the same.
    const std::string target = std::string("/api/meetings/") + kMeeting + "/stats";
    auto refused = httpRequest(server_.port(), http::verb::get, target, "", "",
                               "Bearer " + delegateToken);
    EXPECT_EQ(refused.result(), http::status::forbidden) << refused.body();
    EXPECT_NE(refused.body().find("\"code\""), std::string::npos) << refused.body();
    auto none = httpRequest(server_.port(), http::verb::get, target, "", "", "");
    EXPECT_EQ(none.result(), http::status::unauthorized) << none.body();
    auto ok = httpRequest(server_.port(), http::verb::get, target, "", "",
                          "Bearer " + technicianToken);
    ASSERT_EQ(ok.result(), http::status::ok) << ok.body();
    const auto body = boost::json::parse(ok.body()).as_object();
    bool found = false;
    for (const auto& p : body.at("participants").as_array()) {
        const auto& o = p.as_object();
        if (o.at("participantId").as_string() != greenId) continue;
        found = true;
        const auto& video = o.at("publish").as_object().at("video").as_object();
        EXPECT_EQ(video.at("width").as_int64(), 320);
        EXPECT_EQ(video.at("height").as_int64(), 240);
    }
    EXPECT_TRUE(found) << ok.body();

    stop = true;
    greenThread.join();
    techThread.join();
    green.close();
    tech.close();
}

}  // namespace
}  // namespace vcb::integration
