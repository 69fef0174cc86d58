// GET /api/next-meeting against the real vcbridge binary (auth mode jwt, a real database): a
// unit's "*" token learns the meeting its unit is invited to next (sub-trees expanded, another
// unit's meetings and ended ones skipped, an open one first), 404 no_meeting when there is none,
// and 401/403/400 for the wrong credentials. The meetings' states are written to the database as
// the live meeting writes them (a separate connection, as the server's reader sees it).
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "rooms/store/MeetingStore.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kIssuer = "vcb-test-issuer";

std::string member(const HttpResponse& r, const char* name) {
    boost::system::error_code ec;
    auto v = json::parse(r.body(), ec);
    const auto* m = !ec && v.is_object() ? v.as_object().if_contains(name) : nullptr;
    if (m && m->is_bool()) return m->as_bool() ? "true" : "false";
    return m && m->is_string() ? std::string(m->as_string()) : "<none>";
}

class NextMeetingAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(cfg_.ok());
        secret_ = cfg_.writeSecret();
        cfg_.write("units.yaml", kTwoTierUnits);
        // The lobby opens 30 min ahead (the default): meetings far in the future are not
        // joinable yet.
        cfg_.write("vcbridge.yaml", jwtAuthYaml(secret_, kIssuer) +
                                        "units_file: units.yaml\ndatabase: " + database() + "\n");
        server_.setExtraArgs({"--config", cfg_.path() + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            auto status = server_.stop();
            EXPECT_FALSE(status.has_value()) << *status << "\n" << server_.outputTail();
        }
    }
    std::string database() const { return cfg_.path() + "/meetings.db"; }
    std::string mint(const std::string& args) {
        int status = -1;
        std::string out =
            mintToken(VCB_TOKEN_BIN, secret_, kIssuer, "--subject hall --ttl 600 " + args, &status);
        EXPECT_EQ(status, 0) << out;
        return out;
    }
    // A hall's token for any meeting of `unit`.
    std::string hall(const std::string& unit, const std::string& role = "room") {
        return mint("--meeting '*' --unit " + unit + " --role " + role);
    }
    HttpResponse next(const std::string& token, const std::string& query = "") {
        return httpRequest(server_.port(), http::verb::get, "/api/next-meeting" + query, "", "",
                           token.empty() ? "" : "Bearer " + token);
    }
    std::string nextId(const std::string& token) {
        const auto r = next(token);
        if (r.result() == http::status::not_found) return "404 " + member(r, "code");
        EXPECT_EQ(r.result(), http::status::ok) << r.body();
        return member(r, "id");
    }
    void create(const std::string& id, const std::string& convening, const std::string& invited,
                const std::string& start) {
        const std::string body = R"({"id":")" + id + R"(","title":"Họp )" + id +
                                 R"(","convening_unit":")" + convening + R"(","invited":)" +
                                 invited + R"(,"chair":"chu-tich","scheduled_start":")" + start +
                                 R"("})";
        const auto r = httpRequest(server_.port(), http::verb::post, "/api/meetings", body,
                                   "application/json", "Bearer " + mint("--admin"));
        ASSERT_EQ(r.result(), http::status::created) << r.body();
    }
    // As the live meeting records a change of state; written with the server stopped, as a
    // live meeting's record is found at a start (another process's writes are not what the
    // server's reader is made for).
    void setStates(const std::vector<std::pair<std::string, store::MeetingState>>& states) {
        ASSERT_FALSE(server_.stop().has_value()) << server_.outputTail();
        {
            auto db = store::MeetingStore::open(database());
            ASSERT_TRUE(db.ok());
            for (const auto& [id, state] : states)
                ASSERT_TRUE(db.value()->setMeetingState(id, state, false, 1).ok()) << id;
        }
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    }

    TestConfigDir cfg_{"nextmeeting"};
    std::string secret_;
    ServerProcess server_;
};

TEST_F(NextMeetingAppTest, TheUnitsNextMeetingIsChosen) {
    EXPECT_EQ(nextId(hall("ts.a")), "404 no_meeting");
    create("hl-early", "hl", R"([{"unit":"hl"}])", "2030-01-01T07:00:00Z");  // another unit's
    create("ts-late", "ts", R"([{"unit":"ts.a"}])", "2030-01-01T10:00:00Z");
    create("ts-all", "ts", R"([{"unit":"ts","subtree":true}])", "2030-01-01T09:00:00Z");
    create("b-only", "ts", R"([{"unit":"ts.b"}])", "2030-01-01T08:00:00Z");

    // The sub-tree invitation covers ts.a; ts.b has an earlier meeting of its own.
    const auto r = next(hall("ts.a"));
    ASSERT_EQ(r.result(), http::status::ok) << r.body();
    EXPECT_EQ(member(r, "id"), "ts-all");
    EXPECT_EQ(member(r, "title"), "Họp ts-all");
    EXPECT_EQ(member(r, "state"), "scheduled");
    EXPECT_EQ(member(r, "scheduled_start"), "2030-01-01T09:00:00Z");
    EXPECT_EQ(member(r, "convening_unit"), "ts");
    EXPECT_EQ(member(r, "joinable_from"), "2030-01-01T08:30:00Z");
    EXPECT_EQ(member(r, "joinable"), "false");
    EXPECT_EQ(r[http::field::cache_control], "no-store");
    EXPECT_EQ(nextId(hall("ts.b")), "b-only");
    EXPECT_EQ(nextId(hall("hl", "delegate")), "hl-early");
    EXPECT_EQ(nextId(hall("ts", "chair")), "b-only");  // the convening unit is admitted too

    // Ended ones are skipped; an open (or in-session) one comes before earlier scheduled ones.
    setStates({{"ts-all", store::MeetingState::Ended}});
    EXPECT_EQ(nextId(hall("ts.a")), "ts-late");
    EXPECT_EQ(nextId(hall("ts.b")), "b-only");
    setStates({{"ts-late", store::MeetingState::Open}});
    create("a-earliest", "ts", R"([{"unit":"ts.a"}])", "2030-01-01T06:00:00Z");
    const auto open = next(hall("ts.a"));
    EXPECT_EQ(member(open, "id"), "ts-late");
    EXPECT_EQ(member(open, "joinable"), "true");
    setStates({{"ts-late", store::MeetingState::Ended}, {"b-only", store::MeetingState::Ended}});
    EXPECT_EQ(nextId(hall("ts.a")), "a-earliest");
    EXPECT_EQ(nextId(hall("ts.b")), "404 no_meeting");
}

TEST_F(NextMeetingAppTest, AScheduledMeetingWhoseLobbyIsDueIsJoinable) {
    create("soon", "ts", R"([{"unit":"ts.a"}])", "2020-01-01T08:00:00Z");  // past: due
    const auto r = next(hall("ts.a"));
    ASSERT_EQ(r.result(), http::status::ok) << r.body();
    EXPECT_EQ(member(r, "state"), "scheduled");
    EXPECT_EQ(member(r, "joinable"), "true");
}

TEST_F(NextMeetingAppTest, OnlyAUnitsAnyMeetingTokenMayAsk) {
    create("ts-all", "ts", R"([{"unit":"ts","subtree":true}])", "2030-01-01T09:00:00Z");
    EXPECT_EQ(next("").result(), http::status::unauthorized);
    EXPECT_EQ(member(next("not-a-token"), "code"), "unauthorized");
    // A token for one meeting, one without a unit, a technician's: 403.
    for (const std::string& token :
         {mint("--meeting ts-all --unit ts.a --role room"), mint("--meeting '*' --role room"),
          hall("ts.a", "technician"), hall("ts.a", "observer")}) {
        const auto r = next(token);
        EXPECT_EQ(r.result(), http::status::forbidden) << r.body();
        EXPECT_EQ(member(r, "code"), "forbidden");
    }
    // Its own unit only.
    EXPECT_EQ(next(hall("ts.a"), "?unit=ts.b").result(), http::status::forbidden);
    EXPECT_EQ(next(hall("ts.a"), "?unit=ts.a").result(), http::status::ok);
    // An admin names the unit.
    EXPECT_EQ(next(mint("--admin")).result(), http::status::bad_request);
    EXPECT_EQ(member(next(mint("--admin"), "?unit=ts.b"), "id"), "ts-all");
}

TEST_F(NextMeetingAppTest, InDevModeTheUnitIsNamedAndWithoutADatabaseIt503s) {
    ASSERT_FALSE(server_.stop().has_value());
    cfg_.write("dev.yaml", "units_file: units.yaml\ndatabase: " + database() + "\n");
    server_.setExtraArgs({"--config", cfg_.path() + "/dev.yaml"});
    std::string error;
    ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    EXPECT_EQ(member(next(""), "code"), "invalid_field");
    EXPECT_EQ(member(next("", "?unit=ts.a"), "code"), "no_meeting");
    ASSERT_FALSE(server_.stop().has_value());
    server_.setExtraArgs({});
    ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    EXPECT_EQ(member(next("", "?unit=ts.a"), "code"), "no_database");
}

}  // namespace
}  // namespace vcb::integration
