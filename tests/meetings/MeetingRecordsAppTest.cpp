// A live government meeting writes its record to the database as it happens, and a server
// restarted after kill -9 carries on from it (docs/meetings.md "Records"): the real vcbridge
// binary in auth mode jwt (tokens from vcb-token), a real SQLite file, signaling-only WebSocket
// participants (the policy needs no media).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"
#include "tests/integration/WsConn.hpp"

namespace vcb::integration {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kServer = VCB_SERVER_BIN;
constexpr const char* kTokenTool = VCB_TOKEN_BIN;
constexpr const char* kIssuer = "vcb-test-issuer";
constexpr const char* kMeeting = "hop-truc-tuyen";

// A GET with a bearer token (tests/integration/TestHttp).
HttpResponse get(uint16_t port, const std::string& target, const std::string& token) {
    return httpRequest(port, http::verb::get, target, "", "", "Bearer " + token);
}

json::object parseObject(const std::string& body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
}

// Reads until a message matches (other messages are skipped); at most 200 messages, each read
// bounded by WsConn's 10 s.
json::object readUntil(WsConn& ws, const std::function<bool(const json::object&)>& match) {
    for (int i = 0; i < 200; ++i) {
        json::object m = ws.read();
        if (match(m)) return m;
    }
    ADD_FAILURE() << "expected message did not arrive";
    return {};
}

bool isType(const json::object& m, const char* type) {
    const auto* t = m.if_contains("type");
    return t && t->is_string() && t->as_string() == type;
}

// A meetingEvent of `event` type (and unit, if given).
std::function<bool(const json::object&)> meetingEvent(const std::string& event,
                                                      const std::string& unit = {}) {
    return [event, unit](const json::object& m) {
        if (!isType(m, "meetingEvent") || m.at("event").as_string() != event) return false;
        return unit.empty() || (m.at("unit").is_string() && m.at("unit").as_string() == unit);
    };
}

class MeetingRecordsAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // Clients whose server was killed (or closed on them) write their close frame into a
        // dead socket: an error, not a SIGPIPE that ends the test binary.
        ::signal(SIGPIPE, SIG_IGN);
        ASSERT_TRUE(cfg_.ok());
        dir_ = cfg_.path();
        secret_ = cfg_.writeSecret();
        cfg_.write("units.yaml", kTwoTierUnits);
        // A government meeting whose scheduled start is past: it is live (open) at start-up.
        cfg_.write("vcbridge.yaml",
                   jwtAuthYaml(secret_, kIssuer) + "units_file: units.yaml\ndatabase: " + dir_ +
                       "/meetings.db\nmeetings:\n  - id: " + kMeeting +
                       "\n    title: Họp trực tuyến\n    convening_unit: ts\n    chair: chu-tich\n"
                       "    scheduled_start: 2026-12-01T08:00:00Z\n");
    }

    void startServer(ServerProcess& server) {
        server.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server.start(kServer, 20s, &error)) << error;
    }

    std::string token(const std::string& subject, const std::string& unit,
                      const std::string& role) {
        return mintToken(kTokenTool, secret_, kIssuer,
                         "--subject " + subject + " --meeting " + kMeeting + " --unit " + unit +
                             " --role " + role + " --ttl 600",
                         nullptr);
    }
    std::string admin() {
        return mintToken(kTokenTool, secret_, kIssuer, "--subject admin --admin --ttl 600",
                         nullptr);
    }

    // Joins and returns the participant id ("" and a failure when refused).
    std::string join(WsConn& ws, const std::string& token) {
        ws.send({{"type", "join"}, {"meeting", kMeeting}, {"displayName", "x"}, {"token", token}});
        json::object m = readUntil(
            ws, [](const json::object& m) { return isType(m, "joined") || isType(m, "error"); });
        EXPECT_TRUE(isType(m, "joined")) << json::serialize(m);
        return isType(m, "joined") ? std::string(m.at("participantId").as_string()) : "";
    }

    TestConfigDir cfg_{"records"};
    std::string dir_, secret_;
};

TEST_F(MeetingRecordsAppTest, LiveMeetingIsRecordedAndContinuesAfterKill9) {
    ServerProcess server;
    ASSERT_NO_FATAL_FAILURE(startServer(server));
    const uint16_t port = server.port();
    const std::string chairToken = token("chu-tich", "ts", "chair");
    const std::string aToken = token("dai-bieu-a", "ts.a", "delegate");
    const std::string bToken = token("dai-bieu-b", "ts.b", "delegate");
    const std::string pressToken = token("phong-vien", "ts", "observer");
    const std::string adminToken = admin();

    auto chair = std::make_unique<WsConn>(port);
    ASSERT_FALSE(join(*chair, chairToken).empty());
    auto a = std::make_unique<WsConn>(port);
    ASSERT_FALSE(join(*a, aToken).empty());
    auto b = std::make_unique<WsConn>(port);
    ASSERT_FALSE(join(*b, bToken).empty());
    auto press = std::make_unique<WsConn>(port);
    const std::string pressId = join(*press, pressToken);
    ASSERT_FALSE(pressId.empty());
    // Time present is reported in whole seconds: let the units be present for a while.
    std::this_thread::sleep_for(2200ms);

    chair->send({{"type", "startSession"}});
    readUntil(*chair, meetingEvent("session_started"));
    b->send({{"type", "raiseHand"}});
    readUntil(*chair, meetingEvent("hand_raised", "ts.b"));
    chair->send({{"type", "grantFloor"}, {"unit", "ts.b"}});
    readUntil(*chair, meetingEvent("floor_granted", "ts.b"));
    a->send({{"type", "leave"}});
    readUntil(*chair, meetingEvent("left", "ts.a"));
    a = std::make_unique<WsConn>(port);
    ASSERT_FALSE(join(*a, aToken).empty());  // the unit comes back: a reconnect
    readUntil(*chair, meetingEvent("joined", "ts.a"));
    chair->send({{"type", "removeParticipant"}, {"participantId", pressId}});
    readUntil(*chair, meetingEvent("participant_removed"));

    // The record is written while the meeting runs: wait (bounded) until the last event is
    // committed, read through the REST API like an operator would.
    bool committed = false;
    for (int i = 0; i < 100 && !committed; ++i) {
        auto events = get(port, std::string("/api/meetings/") + kMeeting + "/events", adminToken);
        committed = events.body().find("participant_removed") != std::string::npos;
        if (!committed) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(committed) << server.outputTail();
    // The last writes (the removed identity, attendance) follow the event in the same queue.
    std::this_thread::sleep_for(300ms);

    ASSERT_EQ(::kill(server.pid(), SIGKILL), 0);
    auto status = server.stop();
    ASSERT_TRUE(status.has_value());
    chair.reset();
    a.reset();
    b.reset();
    press.reset();

    ServerProcess again;
    ASSERT_NO_FATAL_FAILURE(startServer(again));
    const uint16_t port2 = again.port();

    auto meeting = get(port2, std::string("/api/meetings/") + kMeeting, adminToken);
    ASSERT_EQ(meeting.result(), http::status::ok) << meeting.body();
    EXPECT_EQ(parseObject(meeting.body())["state"], "in_session") << meeting.body();

    auto attendance =
        get(port2, std::string("/api/meetings/") + kMeeting + "/attendance", adminToken);
    ASSERT_EQ(attendance.result(), http::status::ok) << attendance.body();
    std::map<std::string, json::object> units;
    // Named: a range-for over a member of a temporary would dangle (the temporary dies first).
    const json::object attendanceJson = parseObject(attendance.body());
    for (const auto& u : attendanceJson.at("units").as_array()) {
        units[std::string(u.as_object().at("unit").as_string())] = u.as_object();
    }
    for (const char* unit : {"ts.a", "ts.b"}) {
        ASSERT_EQ(units.count(unit), 1u) << attendance.body();
        EXPECT_TRUE(units[unit]["first_join"].is_string()) << unit << ": " << attendance.body();
        EXPECT_GT(units[unit]["time_present_s"].to_number<int64_t>(), 0)
            << unit << ": " << attendance.body();
    }
    EXPECT_EQ(units["ts.a"]["reconnects"].to_number<int64_t>(), 1) << attendance.body();
    EXPECT_EQ(units["ts.b"]["reconnects"].to_number<int64_t>(), 0) << attendance.body();
    EXPECT_EQ(json::serialize(units["ts.a"]["represented_by"]), R"(["dai-bieu-a"])");

    auto csv =
        get(port2, std::string("/api/meetings/") + kMeeting + "/attendance?format=csv", adminToken);
    ASSERT_EQ(csv.result(), http::status::ok);
    EXPECT_NE(csv.body().find("ts.a,Huyện Hà Giang,no,"), std::string::npos) << csv.body();
    EXPECT_NE(csv.body().find("ts.b,Huyện Bình Đông,no,"), std::string::npos) << csv.body();

    auto events = get(port2, std::string("/api/meetings/") + kMeeting + "/events", adminToken);
    ASSERT_EQ(events.result(), http::status::ok);
    std::vector<std::string> types;
    const json::object eventsJson = parseObject(events.body());
    for (const auto& e : eventsJson.at("events").as_array()) {
        types.emplace_back(e.as_object().at("type").as_string());
    }
    // In order (a subsequence: other events, e.g. meeting_opened and more joins, in between).
    const std::vector<std::string> expected = {
        "meeting_opened", "joined", "session_started", "hand_raised",
        "floor_granted",  "left",   "joined",          "participant_removed"};
    size_t next = 0;
    for (const auto& t : types) {
        if (next < expected.size() && t == expected[next]) ++next;
    }
    EXPECT_EQ(next, expected.size()) << events.body();

    // After the restart: the removed identity is still refused, a unit joins the meeting that is
    // still in session (no new start), and coming back counts one more reconnect.
    WsConn removed(port2);
    removed.send(
        {{"type", "join"}, {"meeting", kMeeting}, {"displayName", "x"}, {"token", pressToken}});
    auto refused = readUntil(
        removed, [](const json::object& m) { return isType(m, "joined") || isType(m, "error"); });
    EXPECT_EQ(refused["code"], "removed") << json::serialize(refused);

    WsConn b2(port2);
    ASSERT_FALSE(join(b2, bToken).empty());
    auto state = readUntil(b2, [](const json::object& m) { return isType(m, "meetingState"); });
    EXPECT_EQ(state["state"], "in_session") << json::serialize(state);
    bool reconnected = false;
    for (int i = 0; i < 100 && !reconnected; ++i) {
        auto att = get(port2, std::string("/api/meetings/") + kMeeting + "/attendance", adminToken);
        const json::object attJson = parseObject(att.body());
        for (const auto& u : attJson.at("units").as_array()) {
            const auto& o = u.as_object();
            if (o.at("unit") == "ts.b" && o.at("present") == true &&
                o.at("reconnects").to_number<int64_t>() == 1)
                reconnected = true;
        }
        if (!reconnected) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(reconnected);
    EXPECT_FALSE(again.stop().has_value()) << again.outputTail();
}

}  // namespace
}  // namespace vcb::integration
