// Issue 11, screen sharing, over the real server with real WebRTC peers (GStreamer webrtcbin): a
// unit publishes its camera (one colour) and its screen (another colour) on one publish PC; when
// the chair grants it the floor the WHEP programme shows the screen, and when it stops sharing
// (the screen's m-section re-offered inactive, as a browser does) the programme goes back to its
// camera. Another unit's screen, without the floor, never reaches the programme viewer, and no
// screen is forwarded in the lobby. Measured at the receivers on classified pictures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/MeetingTestHelpers.hpp"
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

long long msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

class ScreenShareTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_UNITS_FILE)
        GTEST_SKIP() << "the vcbridge target is not part of this build";
#else
        configPath_ = "/tmp/vcb-screen-test-" + std::to_string(::getpid()) + ".yaml";
        std::ofstream(configPath_) << "units_file: " << VCB_UNITS_FILE << "\n"
                                   << "meetings:\n"
                                   << "  - id: " << kMeeting << "\n"
                                   << "    title: Screen sharing test\n"
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

TEST_F(ScreenShareTest, TheFloorHoldersScreenIsTheProgrammeUntilItStopsSharing) {
    // red = the chair (camera only); green = a province: camera green, screen yellow; blue = a
    // district: camera blue, screen cyan, never given the floor.
    struct Who {
        std::string name, unit, role, screen;
    };
    const std::vector<Who> who{{"red", "gov", "chair", ""},
                               {"green", kProvince, "delegate", "yellow"},
                               {"blue", kDistrict, "delegate", "cyan"}};
    std::vector<std::unique_ptr<WsParticipant>> people;
    for (const auto& w : who) {
        people.push_back(
            std::make_unique<WsParticipant>(WsParticipantOptions{.url = server_.wsUrl(),
                                                                 .meeting = kMeeting,
                                                                 .displayName = w.name,
                                                                 .pattern = w.name,
                                                                 .unit = w.unit,
                                                                 .role = w.role,
                                                                 .screenPattern = w.screen}));
    }
    WsParticipant& chair = *people[0];
    WsParticipant& green = *people[1];

    std::atomic<bool> stopGreensScreen{false};
    std::atomic<bool> greensScreenStopped{false};
    const auto deadline = Clock::now() + 150s;
    ParticipantThreads threads(people, [&](std::size_t, WsParticipant& p, std::string& error,
                                           const std::atomic<bool>& stop) {
        if (!p.connect(&error) || !p.publish(&error)) return;
        if (&p == &green) {
            p.runUntil([&] { return stop.load() || stopGreensScreen.load(); }, deadline);
            if (stop) return;
            if (p.stopScreen(&error)) greensScreenStopped = true;
        }
        p.runUntil([&] { return stop.load(); }, deadline);
    });

    ASSERT_TRUE(waitFor(
        [&] {
            for (auto& p : people) {
                auto st = p->meetingState();
                if (!st || st->state != "open" || p->remotePeers().size() != 2) return false;
            }
            return true;
        },
        40s))
        << threads.allErrors() << chair.summaryJson();
    gstclient::WhepClient viewer(
        gstclient::WhepOptions{.url = server_.baseUrl() + "/whep/" + std::string(kMeeting)});
    std::string error;
    ASSERT_TRUE(viewer.start(&error)) << error;

    // Lobby: screens are withheld like cameras.
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(received(chair, "green").videoFrames, 0u) << "lobby: green's camera or screen was seen";
    EXPECT_EQ(received(chair, "blue").videoFrames, 0u) << "lobby: blue's camera or screen was seen";
    EXPECT_EQ(programmeFrames(viewer, "yellow") + programmeFrames(viewer, "cyan"), 0u);

    chair.queueControl(control(protocol::MeetingAction::StartSession));
    // In session every screen is forwarded to the participants (as cameras are)...
    ASSERT_TRUE(waitFor([&] { return received(chair, "blue").videoFrames > 60; }, 30s))
        << chair.summaryJson();
    // ...and the programme, nobody holding the floor, is the chair's camera.
    ASSERT_TRUE(waitFor([&] { return programmeFrames(viewer, "red") > 30; }, 20s));

    green.queueControl(control(protocol::MeetingAction::RaiseHand));
    ASSERT_TRUE(waitFor(
        [&] {
            auto st = chair.meetingState();
            return st && st->queue.size() == 1 && st->queue[0].unit == kProvince;
        },
        10s));
    EXPECT_EQ(programmeFrames(viewer, "yellow"), 0u) << "no floor yet: no screen in the programme";
    const auto grantedAt = Clock::now();
    chair.queueControl(control(protocol::MeetingAction::GrantFloor, std::string(kProvince)));
    EXPECT_TRUE(waitFor([&] { return programmeFrames(viewer, "yellow") > 0; }, 20s))
        << "the floor holder shares its screen: the programme shows it";
    const long long screenAfter = msSince(grantedAt);
    EXPECT_TRUE(waitFor([&] { return programmeFrames(viewer, "yellow") > 30; }, 20s));
    const auto greenCameraBefore = programmeFrames(viewer, "green");
    std::this_thread::sleep_for(1s);
    EXPECT_LE(programmeFrames(viewer, "green"), greenCameraBefore + 2)
        << "while its screen is shared the programme is not the floor holder's camera";

    // The technician panel's statistics report the screen as its own stream.
    chair.queueGetStats();
    ASSERT_TRUE(waitFor([&] { return chair.statsReceived() >= 1; }, 10s));
    {
        auto stats = chair.lastStats();
        ASSERT_TRUE(stats.has_value());
        bool greenScreen = false, redScreen = true;
        for (const auto& p : stats->participants) {
            if (p.unit == kProvince) greenScreen = p.screen.has_value() && p.video.has_value();
            if (p.unit == "gov") redScreen = p.screen.has_value();
        }
        EXPECT_TRUE(greenScreen) << "green's screen and camera in the statistics";
        EXPECT_FALSE(redScreen) << "the chair shares no screen";
    }

    // green stops sharing: the programme goes back to its camera, at a key frame.
    const auto stoppedAt = Clock::now();
    stopGreensScreen = true;
    EXPECT_TRUE(waitFor([&] { return programmeFrames(viewer, "green") > greenCameraBefore + 2; },
                        20s))
        << "after the share stopped the programme is the floor holder's camera again: "
        << threads.allErrors();
    const long long cameraAfter = msSince(stoppedAt);
    EXPECT_TRUE(greensScreenStopped.load()) << threads.allErrors();
    EXPECT_TRUE(waitFor([&] { return programmeFrames(viewer, "green") > greenCameraBefore + 30; },
                        20s));
    const auto yellowAfterStop = programmeFrames(viewer, "yellow");
    std::this_thread::sleep_for(1s);
    EXPECT_LE(programmeFrames(viewer, "yellow"), yellowAfterStop + 2)
        << "the stopped screen is no longer the programme";

    // blue shared its screen all along without the floor: never in the programme.
    EXPECT_EQ(programmeFrames(viewer, "cyan"), 0u) << "a screen without the floor was forwarded";
    EXPECT_EQ(programmeFrames(viewer, "blue"), 0u);
    EXPECT_TRUE(viewer.peer().pipelineError().empty()) << viewer.peer().pipelineError();
    std::printf("[ screen ] grant -> first programme frame of the holder's screen: %lld ms\n",
                screenAfter);
    std::printf("[ screen ] stop sharing -> first programme frame of its camera: %lld ms\n",
                cameraAfter);
}

}  // namespace
}  // namespace vcb::integration
