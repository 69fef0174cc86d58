// The REST API /api/meetings of the vcbridge binary in auth mode jwt with a real database:
// CRUD with an admin token (vcb-token --admin), refusals (401/403) with stable problem codes,
// attendance as CSV byte for byte, and a meeting that survives kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "rooms/store/MeetingStore.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kServer = VCB_SERVER_BIN;
constexpr const char* kTokenTool = VCB_TOKEN_BIN;
constexpr const char* kIssuer = "vcb-test-issuer";

const char* kUnits =
    "tiers:\n"
    "  - name: province\n"
    "  - name: district\n"
    "    parents: [province]\n"
    "units:\n"
    "  - id: ts\n    name: Tỉnh Thanh Sơn\n    tier: province\n"
    "  - id: ts.a\n    name: Huyện Hà Giang\n    tier: district\n    parent: ts\n"
    "  - id: ts.b\n    name: 'Huyện \"Bình\", Đông'\n    tier: district\n    parent: ts\n"
    "  - id: hl\n    name: Tỉnh Hạ Long\n    tier: province\n";

using Response = HttpResponse;

// The API's requests: a JSON body by default, the token as a Bearer credential.
Response request(uint16_t port, http::verb method, const std::string& target,
                 const std::string& token, const std::string& body = "",
                 const std::string& contentType = "application/json",
                 const std::string& accept = "") {
    return httpRequest(port, method, target, body, contentType,
                       token.empty() ? std::string() : "Bearer " + token, accept);
}

json::object bodyObject(const Response& res) {
    boost::system::error_code ec;
    auto v = json::parse(res.body(), ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
}

std::string member(const Response& res, const char* name) {
    auto o = bodyObject(res);
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : "<none>";
}

std::string meetingJson(const std::string& id) {
    return R"({"id":")" + id +
           R"(","title":"Họp giao ban tháng 12","convening_unit":"ts","chair":"chu-tich-ts",)"
           R"("scheduled_start":"2026-12-05T08:00:00Z"})";
}

class MeetingsAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(cfg_.ok());
        dir_ = cfg_.path();
        secret_ = cfg_.writeSecret();
        other_ = cfg_.writeSecret("other-secret", "another-secret-0123456789-0123456789-xyz");
        cfg_.write("units.yaml", kUnits);
        cfg_.write("vcbridge.yaml", jwtAuthYaml(secret_, kIssuer) +
                                        "units_file: units.yaml\ndatabase: " + database() +
                                        "\nmeetings: [demo]\n");
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            auto status = server_.stop();
            EXPECT_FALSE(status.has_value()) << *status << "\n" << server_.outputTail();
        }
    }

    std::string database() const { return dir_ + "/meetings.db"; }

    void startServer(ServerProcess& server) {
        server.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server.start(kServer, 20s, &error)) << error;
    }

    std::string mint(const std::string& args, const std::string& key = "") {
        int status = -1;
        std::string out = mintToken(kTokenTool, key.empty() ? secret_ : key, kIssuer,
                                    "--subject tester --ttl 600 " + args, &status);
        EXPECT_EQ(status, 0) << out;
        return out;
    }
    std::string admin() { return mint("--admin"); }

    TestConfigDir cfg_{"meetingsapp"};
    std::string dir_, secret_, other_;
    ServerProcess server_;
};

TEST_F(MeetingsAppTest, AdminCreatesListsPatchesAndDeletes) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    const std::string token = admin();

    auto created = request(port, http::verb::post, "/api/meetings", token, meetingJson("hop-1"));
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    EXPECT_EQ(created[http::field::location], "/api/meetings/hop-1");
    auto m = bodyObject(created);
    EXPECT_EQ(m["title"], "Họp giao ban tháng 12");
    EXPECT_EQ(m["convening_unit_name"], "Tỉnh Thanh Sơn");
    EXPECT_EQ(m["state"], "scheduled");
    EXPECT_EQ(m["scheduled_start"], "2026-12-05T08:00:00Z");
    ASSERT_TRUE(m["invited"].is_array());  // default: the convening unit's whole sub-tree
    EXPECT_EQ(json::serialize(m["invited"]),
              R"([{"unit":"ts","subtree":true,"name":"Tỉnh Thanh Sơn"}])");

    auto dup = request(port, http::verb::post, "/api/meetings", token, meetingJson("hop-1"));
    EXPECT_EQ(dup.result(), http::status::conflict);
    EXPECT_EQ(member(dup, "code"), "meeting_exists");
    EXPECT_EQ(dup[http::field::content_type], "application/problem+json");

    auto list = request(port, http::verb::get, "/api/meetings", token);
    ASSERT_EQ(list.result(), http::status::ok) << list.body();
    auto meetings = bodyObject(list)["meetings"].as_array();
    ASSERT_EQ(meetings.size(), 2u);  // the configured "demo" and hop-1 (in start order)
    std::set<std::string> ids;
    for (const auto& m : meetings) ids.insert(std::string(m.as_object().at("id").as_string()));
    EXPECT_EQ(ids, (std::set<std::string>{"demo", "hop-1"}));
    auto open = request(port, http::verb::get, "/api/meetings?state=open", token);
    EXPECT_EQ(bodyObject(open)["meetings"].as_array().size(), 0u);
    auto badState = request(port, http::verb::get, "/api/meetings?state=nope", token);
    EXPECT_EQ(badState.result(), http::status::bad_request);
    EXPECT_EQ(member(badState, "field"), "state");

    auto patched = request(port, http::verb::patch, "/api/meetings/hop-1", token,
                           R"({"title":"Họp đột xuất","invited":[{"unit":"ts.a"}]})");
    ASSERT_EQ(patched.result(), http::status::ok) << patched.body();
    auto got = request(port, http::verb::get, "/api/meetings/hop-1", token);
    ASSERT_EQ(got.result(), http::status::ok);
    EXPECT_EQ(member(got, "title"), "Họp đột xuất");
    EXPECT_EQ(json::serialize(bodyObject(got)["invited"]),
              R"([{"unit":"ts.a","subtree":false,"name":"Huyện Hà Giang"}])");

    auto del = request(port, http::verb::delete_, "/api/meetings/hop-1", token);
    EXPECT_EQ(del.result(), http::status::no_content) << del.body();
    auto gone = request(port, http::verb::get, "/api/meetings/hop-1", token);
    EXPECT_EQ(gone.result(), http::status::not_found);
    EXPECT_EQ(member(gone, "code"), "no_such_meeting");
    auto delAgain = request(port, http::verb::delete_, "/api/meetings/hop-1", token);
    EXPECT_EQ(member(delAgain, "code"), "no_such_meeting");
}

// "record": "auto" | "manual" (default manual): accepted, shown, patched; anything else is an
// invalid_field problem naming record, and nothing is written.
TEST_F(MeetingsAppTest, RecordIsAutoOrManual) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    const std::string token = admin();
    auto withRecord = [](const std::string& id, const std::string& record) {
        std::string body = meetingJson(id);
        body.pop_back();  // the closing brace
        return body + R"(,"record":)" + record + "}";
    };

    auto plain = request(port, http::verb::post, "/api/meetings", token, meetingJson("hop-1"));
    ASSERT_EQ(plain.result(), http::status::created) << plain.body();
    EXPECT_EQ(member(plain, "record"), "manual");

    auto created =
        request(port, http::verb::post, "/api/meetings", token, withRecord("hop-2", R"("auto")"));
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    EXPECT_EQ(member(created, "record"), "auto");
    auto got = request(port, http::verb::get, "/api/meetings/hop-2", token);
    EXPECT_EQ(member(got, "record"), "auto");
    auto list = request(port, http::verb::get, "/api/meetings", token);
    EXPECT_NE(list.body().find(R"("id":"hop-2")"), std::string::npos) << list.body();
    EXPECT_NE(list.body().find(R"("record":"auto")"), std::string::npos) << list.body();

    auto untouched = request(port, http::verb::patch, "/api/meetings/hop-2", token,
                             R"({"title":"Họp đột xuất"})");
    ASSERT_EQ(untouched.result(), http::status::ok) << untouched.body();
    EXPECT_EQ(member(untouched, "record"), "auto");
    auto patched =
        request(port, http::verb::patch, "/api/meetings/hop-2", token, R"({"record":"manual"})");
    ASSERT_EQ(patched.result(), http::status::ok) << patched.body();
    EXPECT_EQ(member(patched, "record"), "manual");
    patched =
        request(port, http::verb::patch, "/api/meetings/hop-1", token, R"({"record":"auto"})");
    ASSERT_EQ(patched.result(), http::status::ok) << patched.body();
    EXPECT_EQ(member(request(port, http::verb::get, "/api/meetings/hop-1", token), "record"),
              "auto");

    for (const std::string bad : {R"("yes")", R"("")", R"("Auto")", "true", "null"}) {
        auto res =
            request(port, http::verb::post, "/api/meetings", token, withRecord("hop-3", bad));
        EXPECT_EQ(res.result(), http::status::bad_request) << bad << " -> " << res.body();
        EXPECT_EQ(member(res, "code"), "invalid_field") << bad;
        EXPECT_EQ(member(res, "field"), "record") << bad;
        res = request(port, http::verb::patch, "/api/meetings/hop-2", token,
                      R"({"record":)" + bad + "}");
        EXPECT_EQ(res.result(), http::status::bad_request) << bad << " -> " << res.body();
        EXPECT_EQ(member(res, "code"), "invalid_field") << bad;
        EXPECT_EQ(member(res, "field"), "record") << bad;
    }
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/hop-3", token).result(),
              http::status::not_found);
    EXPECT_EQ(member(request(port, http::verb::get, "/api/meetings/hop-2", token), "record"),
              "manual");
}

TEST_F(MeetingsAppTest, BadDefinitionsAreProblemsWithStableCodes) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    const std::string token = admin();
    struct Case {
        std::string body;
        http::status status;
        std::string code;
        std::string field;
    };
    const std::string ok = meetingJson("hop-2");
    const std::vector<Case> cases = {
        {"{not json", http::status::bad_request, "bad_request", "<none>"},
        {"[1,2]", http::status::bad_request, "bad_request", "<none>"},
        {R"({"id":"x y","title":"t","convening_unit":"ts","chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::bad_request, "invalid_field", "id"},
        {R"({"id":"a","title":"","convening_unit":"ts","chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::bad_request, "invalid_field", "title"},
        {R"({"id":"a","title":"t","convening_unit":"ts","chair":"c","scheduled_start":"2026-12-05 08:00"})",
         http::status::bad_request, "invalid_field", "scheduled_start"},
        {R"({"id":"a","title":"t","convening_unit":"ts","chair":"c","scheduled_start":"2026-12-05T08:00:00Z","state":"open"})",
         http::status::bad_request, "invalid_field", "state"},
        {R"({"id":"a","title":7,"convening_unit":"ts","chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::bad_request, "invalid_field", "title"},
        {R"({"id":"a","title":"t","convening_unit":"nowhere","chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::unprocessable_entity, "unknown_unit", "convening_unit"},
        {R"({"id":"a","title":"t","convening_unit":"ts","invited":[{"unit":"hl","subtree":true}],"chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::unprocessable_entity, "unit_not_subordinate", "invited[0]"},
        {R"({"id":"a","title":"t","convening_unit":"ts","invited":["ts.a"],"chair":"c","scheduled_start":"2026-12-05T08:00:00Z"})",
         http::status::bad_request, "invalid_field", "invited[0]"},
    };
    for (const auto& c : cases) {
        auto res = request(port, http::verb::post, "/api/meetings", token, c.body);
        EXPECT_EQ(res.result(), c.status) << c.body << " -> " << res.body();
        EXPECT_EQ(member(res, "code"), c.code) << c.body;
        EXPECT_EQ(member(res, "field"), c.field) << c.body;
    }
    auto wrongType = request(port, http::verb::post, "/api/meetings", token, ok, "text/plain");
    EXPECT_EQ(wrongType.result(), http::status::unsupported_media_type);
    EXPECT_EQ(member(wrongType, "code"), "unsupported_media_type");
    auto big = request(port, http::verb::post, "/api/meetings", token,
                       R"({"title":")" + std::string(20000, 'x') + R"("})");
    EXPECT_EQ(big.result(), http::status::payload_too_large);
    EXPECT_EQ(member(big, "code"), "body_too_large");
    auto unknown =
        request(port, http::verb::patch, "/api/meetings/nope", token, R"({"title":"t"})");
    EXPECT_EQ(unknown.result(), http::status::not_found);
    EXPECT_EQ(member(unknown, "code"), "no_such_meeting");
    auto idChange = request(port, http::verb::patch, "/api/meetings/demo", token, R"({"id":"x"})");
    EXPECT_EQ(member(idChange, "code"), "invalid_field");
    EXPECT_EQ(member(idChange, "field"), "id");
}

TEST_F(MeetingsAppTest, RefusedWithoutAnAdminToken) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    ASSERT_EQ(
        request(port, http::verb::post, "/api/meetings", admin(), meetingJson("hop-3")).result(),
        http::status::created);

    auto none = request(port, http::verb::get, "/api/meetings", "");
    EXPECT_EQ(none.result(), http::status::unauthorized);
    EXPECT_EQ(none[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(member(none, "code"), "unauthorized");

    const std::string delegate = mint("--meeting hop-3 --role delegate");
    auto asDelegate = request(port, http::verb::get, "/api/meetings", delegate);
    EXPECT_EQ(asDelegate.result(), http::status::forbidden);
    EXPECT_EQ(member(asDelegate, "code"), "forbidden");
    auto createAsDelegate =
        request(port, http::verb::post, "/api/meetings", delegate, meetingJson("hop-4"));
    EXPECT_EQ(createAsDelegate.result(), http::status::forbidden);
    auto deleteAsDelegate = request(port, http::verb::delete_, "/api/meetings/hop-3", delegate);
    EXPECT_EQ(deleteAsDelegate.result(), http::status::forbidden);
    auto eventsAsDelegate = request(port, http::verb::get, "/api/meetings/hop-3/events", delegate);
    EXPECT_EQ(eventsAsDelegate.result(), http::status::forbidden);

    const std::string fresh = admin();
    const std::string forged = fresh.substr(0, fresh.size() - 4) + "AAAA";
    auto tampered = request(port, http::verb::delete_, "/api/meetings/hop-3", forged);
    EXPECT_EQ(tampered.result(), http::status::unauthorized);
    EXPECT_EQ(member(tampered, "code"), "unauthorized");
    auto otherKey = request(port, http::verb::get, "/api/meetings", mint("--admin", other_));
    EXPECT_EQ(otherKey.result(), http::status::unauthorized);

    // A chair or technician of the meeting may read its attendance and events, nothing else.
    const std::string chair = mint("--meeting hop-3 --role chair");
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/hop-3/attendance", chair).result(),
              http::status::ok);
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/hop-3/events",
                      mint("--meeting hop-3 --role technician"))
                  .result(),
              http::status::ok);
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/hop-3", chair).result(),
              http::status::forbidden);
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/demo/attendance", chair).result(),
              http::status::forbidden);
    EXPECT_EQ(request(port, http::verb::get, "/api/meetings/hop-3/attendance",
                      mint("--meeting '*' --role chair"))
                  .result(),
              http::status::forbidden);

    // Nothing was changed by the refused calls.
    auto still = request(port, http::verb::get, "/api/meetings/hop-3", admin());
    EXPECT_EQ(still.result(), http::status::ok);
}

TEST_F(MeetingsAppTest, AttendanceCsvOpensInASpreadsheet) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    const std::string token = admin();
    ASSERT_EQ(
        request(port, http::verb::post, "/api/meetings", token, meetingJson("hop-5")).result(),
        http::status::created);
    // Nothing in the live meeting writes attendance yet: the rows go in through the store, on
    // its own connection (WAL), as the meeting policy will.
    {
        auto db = store::MeetingStore::open(database());
        ASSERT_TRUE(db.ok()) << db.error().message;
        store::AttendanceRow b;
        b.unit = "ts.b";
        b.present = true;
        b.firstJoinMs = 1796457600000;  // 2026-12-05T08:00:00Z
        b.lastLeaveMs = 1796461200500;
        b.timePresentMs = 3600500;
        b.representedBy = {"Nguyễn Văn \"Ba\"", "tran-thi-b"};
        b.reconnects = 2;
        ASSERT_TRUE(db.value()->upsertAttendance("hop-5", b).ok());
        store::AttendanceRow a;  // a subject a spreadsheet would run as a formula
        a.unit = "ts.a";
        a.present = true;
        a.representedBy = {"=HYPERLINK(\"x\")"};
        ASSERT_TRUE(db.value()->upsertAttendance("hop-5", a).ok());
    }
    const std::string expected =
        "\xEF\xBB\xBF"
        "unit_id,unit_name,present,first_join,last_leave,time_present_s,represented_by,"
        "reconnects\r\n"
        "ts,Tỉnh Thanh Sơn,no,,,0,,0\r\n"
        "ts.a,Huyện Hà Giang,yes,,,0,\"'=HYPERLINK(\"\"x\"\")\",0\r\n"
        "ts.b,\"Huyện \"\"Bình\"\", Đông\",yes,2026-12-05T08:00:00Z,2026-12-05T09:00:00.500Z,3600,"
        "\"Nguyễn Văn \"\"Ba\"\"; tran-thi-b\",2\r\n";
    auto csv =
        request(port, http::verb::get, "/api/meetings/hop-5/attendance", token, "", "", "text/csv");
    ASSERT_EQ(csv.result(), http::status::ok) << csv.body();
    EXPECT_EQ(csv[http::field::content_type], "text/csv; charset=utf-8; header=present");
    EXPECT_EQ(csv.body(), expected);
    auto query = request(port, http::verb::get, "/api/meetings/hop-5/attendance?format=csv", token);
    EXPECT_EQ(query.body(), expected);

    auto asJson = request(port, http::verb::get, "/api/meetings/hop-5/attendance", token);
    ASSERT_EQ(asJson.result(), http::status::ok);
    auto units = bodyObject(asJson)["units"].as_array();
    ASSERT_EQ(units.size(), 3u);
    EXPECT_EQ(units[2].as_object().at("name"), "Huyện \"Bình\", Đông");
    EXPECT_EQ(units[2].as_object().at("present"), true);

    auto events =
        request(port, http::verb::get, "/api/meetings/hop-5/events?from=1&limit=10", token);
    ASSERT_EQ(events.result(), http::status::ok) << events.body();
    EXPECT_EQ(bodyObject(events)["events"].as_array().size(), 0u);
    auto badLimit = request(port, http::verb::get, "/api/meetings/hop-5/events?limit=0", token);
    EXPECT_EQ(member(badLimit, "field"), "limit");
    auto noMeeting = request(port, http::verb::get, "/api/meetings/nope/attendance", token);
    EXPECT_EQ(noMeeting.result(), http::status::not_found);
    EXPECT_EQ(member(noMeeting, "code"), "no_such_meeting");
}

TEST_F(MeetingsAppTest, EventsPageAndOpenMeetingsAreNotChanged) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    const uint16_t port = server_.port();
    const std::string token = admin();
    ASSERT_EQ(
        request(port, http::verb::post, "/api/meetings", token, meetingJson("hop-7")).result(),
        http::status::created);
    // Nothing in the live meeting writes events or states yet: straight into the store.
    {
        auto db = store::MeetingStore::open(database());
        ASSERT_TRUE(db.ok()) << db.error().message;
        for (int i = 0; i < 3; ++i) {
            store::StoredEvent e;
            e.timeMs = 1796457600000 + i * 1000;
            e.type = i == 0 ? "meeting.opened" : "floor.granted";
            e.unit = "ts.a";
            e.subject = "Nguyễn Văn A";
            e.detail = R"({"n":)" + std::to_string(i) + "}";
            ASSERT_TRUE(db.value()->appendEvent("hop-7", e).ok());
        }
        auto m = db.value()->getMeeting("hop-7");
        ASSERT_TRUE(m.ok());
        auto open = m.value();
        open.state = store::MeetingState::InSession;
        ASSERT_TRUE(db.value()->updateMeeting(open).ok());
    }
    auto page = request(port, http::verb::get, "/api/meetings/hop-7/events?from=2&limit=1", token);
    ASSERT_EQ(page.result(), http::status::ok) << page.body();
    EXPECT_EQ(page.body(), R"({"meeting":"hop-7","events":[{"seq":2,"time":"2026-12-05T08:00:01Z",)"
                           R"("type":"floor.granted","unit":"ts.a","subject":"Nguyễn Văn A",)"
                           R"("detail":{"n":1}}],"next":3})"
                           "\n");
    auto last = request(port, http::verb::get, "/api/meetings/hop-7/events?from=3", token);
    EXPECT_EQ(bodyObject(last)["events"].as_array().size(), 1u);
    EXPECT_TRUE(bodyObject(last)["next"].is_null());

    auto inSession = request(port, http::verb::get, "/api/meetings?state=in_session", token);
    EXPECT_EQ(bodyObject(inSession)["meetings"].as_array().size(), 1u);
    auto patch = request(port, http::verb::patch, "/api/meetings/hop-7", token, R"({"title":"x"})");
    EXPECT_EQ(patch.result(), http::status::conflict);
    EXPECT_EQ(member(patch, "code"), "meeting_in_progress");
    auto del = request(port, http::verb::delete_, "/api/meetings/hop-7", token);
    EXPECT_EQ(del.result(), http::status::conflict);
    EXPECT_EQ(member(del, "code"), "meeting_in_progress");
}

// meetings: in the config may define meetings in full; they are records from the start, and a
// bad definition stops the start-up with the meeting and field named.
TEST_F(MeetingsAppTest, ConfiguredMeetingDefinitionsAreRecords) {
    const std::string config = dir_ + "/vcbridge.yaml";
    auto write = [&](const std::string& convening) {
        std::ofstream(config) << "auth:\n  mode: jwt\n  algorithm: HS256\n  key_file: " << secret_
                              << "\n  issuer: " << kIssuer
                              << "\nunits_file: units.yaml\ndatabase: " << database()
                              << "\nmeetings:\n  - demo\n  - id: giao-ban\n"
                                 "    title: Giao ban tỉnh\n    convening_unit: "
                              << convening
                              << "\n    chair: chu-tich-ts\n"
                                 "    scheduled_start: 2026-12-05T08:00:00Z\n"
                                 "    record: auto\n";
    };
    write("nowhere");
    int status = -1;
    const std::string out = runCommand(std::string(kServer) + " --config " + config +
                                           " --listen 127.0.0.1:0 --rtc-ports 47900-47909",
                                       &status);
    EXPECT_EQ(status, 2) << out;
    EXPECT_NE(out.find("vcbridge: meetings: meeting 'giao-ban': convening_unit:"),
              std::string::npos)
        << out;

    write("ts");
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    auto got = request(server_.port(), http::verb::get, "/api/meetings/giao-ban", admin());
    ASSERT_EQ(got.result(), http::status::ok) << got.body();
    EXPECT_EQ(member(got, "title"), "Giao ban tỉnh");
    EXPECT_EQ(member(got, "convening_unit_name"), "Tỉnh Thanh Sơn");
    EXPECT_EQ(member(got, "record"), "auto");
}

// auth dev and no database: the API is open but has nothing to serve.
TEST_F(MeetingsAppTest, WithoutADatabaseTheApiSays503) {
    server_.setExtraArgs({});
    std::string error;
    ASSERT_TRUE(server_.start(kServer, 20s, &error)) << error;
    auto res = request(server_.port(), http::verb::get, "/api/meetings", "");
    EXPECT_EQ(res.result(), http::status::service_unavailable) << res.body();
    EXPECT_EQ(member(res, "code"), "no_database");
}

TEST_F(MeetingsAppTest, AnAcknowledgedMeetingSurvivesKill9) {
    ASSERT_NO_FATAL_FAILURE(startServer(server_));
    auto created =
        request(server_.port(), http::verb::post, "/api/meetings", admin(), meetingJson("hop-6"));
    ASSERT_EQ(created.result(), http::status::created) << created.body();
    // No graceful anything: SIGKILL right after the 201.
    ASSERT_EQ(::kill(server_.pid(), SIGKILL), 0);
    auto status = server_.stop();
    ASSERT_TRUE(status.has_value());
    EXPECT_NE(status->find("signal 9"), std::string::npos) << *status;

    ServerProcess again;
    ASSERT_NO_FATAL_FAILURE(startServer(again));
    auto got = request(again.port(), http::verb::get, "/api/meetings/hop-6", admin());
    ASSERT_EQ(got.result(), http::status::ok) << got.body();
    EXPECT_EQ(member(got, "title"), "Họp giao ban tháng 12");
    auto list = request(again.port(), http::verb::get, "/api/meetings", admin());
    EXPECT_NE(list.body().find("\"hop-6\""), std::string::npos) << list.body();
    EXPECT_FALSE(again.stop().has_value()) << again.outputTail();
}

}  // namespace
}  // namespace vcb::integration
