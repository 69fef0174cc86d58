// Meetings defined over REST become live government meetings, on a timeline: the real server in
// auth mode jwt with a real database, an admin token for POST /api/meetings, join tokens from
// vcb-token and real WebRTC peers (GStreamer webrtcbin). A join before the lobby opens is refused
// with wrong_state and the time it opens; after, it is admitted. The chair's audio carries RFC 6464
// levels, and the meeting's timer makes the chair the active speaker in meetingState.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "clients/gst/WsParticipant.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using gstclient::WsParticipant;
using gstclient::WsParticipantOptions;

constexpr const char* kIssuer = "vcb-timeline-test";
constexpr const char* kMeeting = "giao-ban";
#ifdef VCB_SERVER_BIN
constexpr const char* kServerBin = VCB_SERVER_BIN;
#else
constexpr const char* kServerBin = "";
#endif

// A JSON POST with a bearer token (tests/integration/TestHttp).
HttpResponse post(uint16_t port, const std::string& target, const std::string& token,
                  const std::string& body) {
    return httpRequest(port, http::verb::post, target, body, "application/json", "Bearer " + token);
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

class MeetingTimelineTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_UNITS_FILE) || !defined(VCB_TOKEN_BIN)
        GTEST_SKIP() << "the vcbridge and vcb-token targets are not part of this build";
#else
        ASSERT_TRUE(cfg_.ok());
        dir_ = cfg_.path();
        secret_ = cfg_.writeSecret();
        // The lobby opens at the scheduled start itself: the test sees the exact moment.
        cfg_.write("vcbridge.yaml", jwtAuthYaml(secret_, kIssuer) + "units_file: " +
                                        VCB_UNITS_FILE + "\ndatabase: " + dir_ +
                                        "/meetings.db\nmeetings: [demo]\n"
                                        "lobby_opens_before_seconds: 0\n");
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

    WsParticipantOptions chairOptions() {
        return WsParticipantOptions{
            .url = server_.wsUrl(),
            .meeting = kMeeting,
            .displayName = "red",
            .pattern = "red",
            .token = mint(std::string("--meeting ") + kMeeting +
                          " --subject chu-tich --unit gov --role chair"),
            .timeout = 10s,
            .audioLevel = true,
        };
    }

    TestConfigDir cfg_{"timeline"};
    std::string dir_, secret_;
    ServerProcess server_;
};

TEST_F(MeetingTimelineTest, LobbyOpensAtItsTimeAndTheChairBecomesTheActiveSpeaker) {
    // Created over REST, starting 4 s from now.
    const auto start = std::chrono::system_clock::now() + 4s;
    auto created = post(server_.port(), "/api/meetings", mint("--admin --subject admin"),
                        std::string(R"({"id":")") + kMeeting +
                            R"(","title":"Giao ban","convening_unit":"gov","chair":"chu-tich",)"
                            R"("invited":[{"unit":"thanh-son"}],"scheduled_start":")" +
                            rfc3339(start) + R"("})");
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    // The whole-second start lies up to 1 s before `start`.
    const auto lobbyOpens =
        std::chrono::system_clock::from_time_t(std::chrono::system_clock::to_time_t(start));

    // Too early: refused with the policy's code and the time the lobby opens.
    {
        WsParticipant early(chairOptions());
        std::string error;
        ASSERT_LT(std::chrono::system_clock::now() + 500ms, lobbyOpens) << "test too slow";
        EXPECT_FALSE(early.connect(&error));
        EXPECT_NE(error.find("wrong_state"), std::string::npos) << error;
        EXPECT_NE(error.find("lobby opens at " + rfc3339(lobbyOpens)), std::string::npos) << error;
    }

    // Retried until admitted (bounded): not before the lobby's time.
    std::unique_ptr<WsParticipant> chair;
    std::string lastRefusal;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!chair && std::chrono::steady_clock::now() < deadline) {
        auto p = std::make_unique<WsParticipant>(chairOptions());
        std::string error;
        if (p->connect(&error)) {
            EXPECT_GE(std::chrono::system_clock::now(), lobbyOpens) << "admitted too early";
            chair = std::move(p);
        } else {
            EXPECT_NE(error.find("wrong_state"), std::string::npos) << error;
            lastRefusal = error;
            std::this_thread::sleep_for(200ms);
        }
    }
    ASSERT_TRUE(chair) << "never admitted; last refusal: " << lastRefusal;

    // The chair publishes audio with levels and starts the session: the chair is heard, so the
    // timer's level reading makes it the active speaker, announced in meetingState.
    std::string error;
    ASSERT_TRUE(chair->publish(&error)) << error;
    protocol::MeetingControl start_;
    start_.action = protocol::MeetingAction::StartSession;
    chair->queueControl(start_);
    const std::string me = chair->participantId();
    const bool announced = chair->runUntil(
        [&] {
            auto s = chair->meetingState();
            return s && s->state == "in_session" && s->activeSpeaker == me;
        },
        std::chrono::steady_clock::now() + 30s);
    auto state = chair->meetingState();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->state, "in_session");
    EXPECT_TRUE(announced) << "activeSpeaker " << state->activeSpeaker.value_or("null")
                           << ", chair " << me << "\n"
                           << server_.outputTail();
    chair->close();
}

TEST_F(MeetingTimelineTest, MeetingsInTheDatabaseAreLiveAfterARestart) {
    const auto start = std::chrono::system_clock::now() - 1min;
    auto created = post(server_.port(), "/api/meetings", mint("--admin --subject admin"),
                        std::string(R"({"id":")") + kMeeting +
                            R"(","title":"Giao ban","convening_unit":"gov","chair":"chu-tich",)"
                            R"("scheduled_start":")" +
                            rfc3339(start) + R"("})");
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    auto stopped = server_.stop();
    ASSERT_FALSE(stopped.has_value()) << *stopped;
    std::string error;
    ASSERT_TRUE(server_.start(kServerBin, 20s, &error)) << error;

    // Read from the database at start-up: governed (the policy's meetingState comes with the
    // join), its lobby open since the start is past.
    WsParticipant chair(chairOptions());
    ASSERT_TRUE(chair.connect(&error)) << error;
    chair.runUntil([&] { return chair.meetingState().has_value(); },
                   std::chrono::steady_clock::now() + 10s);
    auto state = chair.meetingState();
    ASSERT_TRUE(state) << "not a government meeting after the restart\n" << server_.outputTail();
    EXPECT_EQ(state->state, "open");
    EXPECT_EQ(state->chair, "chu-tich");
    chair.close();
}

}  // namespace
}  // namespace vcb::integration
