// Issue 12, first part, over the real server with real WebRTC peers (GStreamer webrtcbin): the
// WHEP programme's audio is the mix of everyone allowed to be heard. Each unit publishes its own
// sine (chair 440 Hz, the province 1000 Hz, the district 2500 Hz); the WHEP viewer's decoded
// audio is searched for each frequency (Goertzel on every buffer), so the test tells the voices
// in the mix apart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/MeetingTestHelpers.hpp"
#include "tests/integration/Metrics.hpp"
#include "tests/integration/ServerProcess.hpp"

namespace vcb::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using gstclient::WsParticipant;
using gstclient::WsParticipantOptions;

constexpr const char* kMeeting = "council";
constexpr const char* kProvince = "thanh-son";               // tier 1
constexpr const char* kDistrict = "thanh-son.tp-thanh-son";  // tier 2
constexpr int kChairHz = 440;
constexpr int kProvinceHz = 1000;
constexpr int kDistrictHz = 2500;
const std::vector<int> kTones{kChairHz, kProvinceHz, kDistrictHz};

// Buffers of the WHEP programme in which each frequency was present.
std::map<int, std::uint64_t> programmeTones(gstclient::WhepClient& viewer) {
    std::map<int, std::uint64_t> out;
    for (const auto& s : viewer.peer().incomingStreams())
        for (const auto& [f, n] : s.toneBuffers) out[f] += n;
    return out;
}

std::string show(const std::map<int, std::uint64_t>& tones) {
    std::string s;
    for (const auto& [f, n] : tones) s += std::to_string(f) + " Hz: " + std::to_string(n) + "; ";
    return s;
}

class ProgrammeMixTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_UNITS_FILE)
        GTEST_SKIP() << "the vcbridge target is not part of this build";
#else
        configPath_ = "/tmp/vcb-mix-test-" + std::to_string(::getpid()) + ".yaml";
        std::ofstream(configPath_) << "units_file: " << VCB_UNITS_FILE << "\n"
                                   << "meetings:\n"
                                   << "  - id: " << kMeeting << "\n"
                                   << "    title: Programme mix test\n"
                                   << "    convening_unit: gov\n"
                                   << "    chair: red\n"
                                   << "    scheduled_start: 2026-01-01T08:00:00Z\n"
                                   << "    invited:\n"
                                   << "      - {unit: " << kProvince << "}\n"
                                   << "      - {unit: " << kDistrict << ", subtree: true}\n";
        server_.setExtraArgs({"--config", configPath_});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 15s, &error)) << error;
#endif
    }
    void TearDown() override {
        const bool wasAlive = server_.alive();
        auto problem = server_.stop();
        EXPECT_TRUE(wasAlive) << server_.outputTail();
        EXPECT_FALSE(problem.has_value()) << problem.value_or("") << "\n" << server_.outputTail();
        if (!configPath_.empty()) std::remove(configPath_.c_str());
    }

    ServerProcess server_;
    std::string configPath_;
};

TEST_F(ProgrammeMixTest, WhepViewerHearsTheChairWhileAUnitHoldsTheFloor) {
    struct Who {
        std::string name;
        std::string unit;
        std::string role;
        int hz;
    };
    const std::vector<Who> who{{"red", "gov", "chair", kChairHz},
                               {"green", kProvince, "delegate", kProvinceHz},
                               {"blue", kDistrict, "delegate", kDistrictHz}};
    std::vector<std::unique_ptr<WsParticipant>> people;
    for (const auto& w : who) {
        people.push_back(std::make_unique<WsParticipant>(
            WsParticipantOptions{.url = server_.wsUrl(),
                                 .meeting = kMeeting,
                                 .displayName = w.name,
                                 .pattern = w.name,
                                 .unit = w.unit,
                                 .role = w.role,
                                 .audioFrequency = w.hz,
                                 .toneFrequencies = kTones}));
    }
    WsParticipant& chair = *people[0];
    WsParticipant& green = *people[1];
    WsParticipant& blue = *people[2];

    ParticipantThreads threads(people, Clock::now() + 60s);

    ASSERT_TRUE(waitFor(
        [&] {
            for (auto& p : people) {
                auto st = p->meetingState();
                if (!st || st->state != "open" || p->remotePeers().size() != 2) return false;
            }
            return true;
        },
        20s))
        << threads.allErrors();
    gstclient::WhepClient viewer(gstclient::WhepOptions{
        .url = server_.baseUrl() + "/whep/" + std::string(kMeeting), .toneFrequencies = kTones});
    std::string error;
    ASSERT_TRUE(viewer.start(&error)) << error;

    // In session, nobody has the floor: the programme is the chair alone.
    chair.queueControl(control(protocol::MeetingAction::StartSession));
    ASSERT_TRUE(waitFor([&] { return programmeTones(viewer)[kChairHz] > 25; }, 15s))
        << "the chair is heard in the programme: " << show(programmeTones(viewer));
    {
        // Over 2 s (100 buffers of 20 ms): the chair in more than a quarter of them, once the mix
        // has settled: its first seconds under ASan's load are glitchy (in CI rehearsals the chair
        // in 20 of 50 buffers of the first second, in 22 of 100 of the first two), so up to four
        // windows of 2 s; nobody else in any of them.
        std::map<int, std::uint64_t> now;
        std::uint64_t best = 0;
        for (int window = 0; window < 4 && best <= 25; ++window) {
            const auto before = programmeTones(viewer);
            std::this_thread::sleep_for(2s);
            now = programmeTones(viewer);
            best = std::max<std::uint64_t>(best, now[kChairHz] - before.at(kChairHz));
        }
        EXPECT_GT(best, 25u) << "the chair is heard steadily in the programme: " << show(now);
        EXPECT_EQ(now[kProvinceHz], 0u) << "no floor, yet the province was in the programme";
        EXPECT_EQ(now[kDistrictHz], 0u) << "no floor, yet the district was in the programme";
    }

    // green gets the floor: the programme carries green AND the chair, never blue.
    green.queueControl(control(protocol::MeetingAction::RaiseHand));
    ASSERT_TRUE(waitFor(
        [&] {
            auto st = chair.meetingState();
            return st && st->queue.size() == 1;
        },
        10s));
    chair.queueControl(control(protocol::MeetingAction::GrantFloor, std::string(kProvince)));
    ASSERT_TRUE(waitFor([&] { return programmeTones(viewer)[kProvinceHz] > 10; }, 10s))
        << "the floor holder is mixed into the programme: " << show(programmeTones(viewer));
    ASSERT_TRUE(waitFor([&] { return received(blue, "green").toneBuffers[kProvinceHz] > 10; }, 10s))
        << "the floor holder reaches a WebSocket participant as its own stream";
    {
        const auto before = programmeTones(viewer);
        std::this_thread::sleep_for(2s);
        auto now = programmeTones(viewer);
        // ~100 buffers of 20 ms in 2 s: both voices in (nearly) every one of them.
        EXPECT_GT(now[kChairHz], before.at(kChairHz) + 60)
            << "the chair is heard while a unit holds the floor: " << show(now);
        EXPECT_GT(now[kProvinceHz], before.at(kProvinceHz) + 60)
            << "the floor holder is heard: " << show(now);
        EXPECT_EQ(now[kDistrictHz], 0u) << "blue has no floor, yet is in the programme";
    }
    // WebSocket clients keep the separate voices: green's stream is green's tone alone.
    {
        auto g = received(blue, "green");
        EXPECT_EQ(g.toneBuffers[kChairHz], 0u) << "a separate voice carries no one else";
    }

    // Revoke: only the chair again.
    chair.queueControl(control(protocol::MeetingAction::RevokeFloor));
    ASSERT_TRUE(waitFor(
        [&] {
            auto st = chair.meetingState();
            return st && !st->floor;
        },
        10s));
    std::this_thread::sleep_for(500ms);  // what was on its way, and the receivers' buffers
    {
        const auto before = programmeTones(viewer);
        std::this_thread::sleep_for(2s);
        auto now = programmeTones(viewer);
        EXPECT_GT(now[kChairHz], before.at(kChairHz) + 60) << show(now);
        EXPECT_EQ(now[kProvinceHz], before.at(kProvinceHz))
            << "the floor was revoked, yet the province is in the programme";
        EXPECT_EQ(now[kDistrictHz], 0u);
    }
    {
        gstclient::HttpClient http(5s);
        const auto metrics = http.get(server_.baseUrl() + "/metrics").body;
        EXPECT_EQ(metricValue(metrics, "vcb_mixer_restarts_total").value_or(-1), 0.0);
        EXPECT_EQ(metricValue(metrics, "vcb_mixers_running").value_or(-1), 1.0);
        EXPECT_EQ(metricValue(metrics, "vcb_dropped_plain_foreign_total").value_or(-1), 0.0);
    }
    EXPECT_EQ(viewer.stop(), 200);
    threads.join();
    for (std::size_t i = 0; i < people.size(); ++i) EXPECT_EQ(threads.error(i), "") << who[i].name;
    for (auto& p : people) p->close();
}

}  // namespace
}  // namespace vcb::integration
