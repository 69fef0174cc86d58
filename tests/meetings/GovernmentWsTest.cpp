// A government meeting's admission and authorization over the WebSocket (and WHEP), against the
// real vcbridge binary in auth mode jwt with tokens from vcb-token: uninvited units, one hall per
// unit and the same hall replacing its session (sessionClosed), every privileged action refused to
// a delegate, forged/expired/other-meeting tokens refused at join, and removal. Plain WebSocket
// signaling clients: no media is needed for any of it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "signaling/auth/JwtSigner.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::integration {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kServer = VCB_SERVER_BIN;
constexpr const char* kTokenTool = VCB_TOKEN_BIN;
constexpr const char* kIssuer = "vcb-test-issuer";
constexpr const char* kSecret = "test-secret-0123456789-0123456789-abcdef";
constexpr const char* kMeeting = "giao-ban";

// Units: kTwoTierUnits (tests/integration/TestConfigDir): ts convenes; ts.a and ts.b are
// invited; hl is not.

// An HTTP request with a bearer token (tests/integration/TestHttp).
HttpResponse request(uint16_t port, http::verb method, const std::string& target,
                     const std::string& token, const std::string& body = "",
                     const std::string& contentType = "application/json") {
    return httpRequest(port, method, target, body, contentType,
                       token.empty() ? std::string() : "Bearer " + token);
}

std::string str(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string("<none>");
}

// A WebSocket signaling client of GET /ws (after tests/auth/AuthAppTest's WsConn), exchanging
// JSON objects. Every read is bounded; reading past the server's close reports it.
class WsConn {
  public:
    explicit WsConn(uint16_t port) : ws_(ioc_) {
        beast::get_lowest_layer(ws_).expires_after(10s);
        beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
        ws_.handshake("127.0.0.1", "/ws");
        beast::get_lowest_layer(ws_).expires_never();
    }
    ~WsConn() {
        // Bounded too: a close the server does not answer must not hang the test.
        if (!closed_) {
            ws_.async_close(websocket::close_code::normal, [](beast::error_code) {});
            run(2s);
        }
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().close(ec);
    }
    void send(const json::object& message) {
        beast::get_lowest_layer(ws_).expires_after(10s);
        ws_.write(net::buffer(json::serialize(message)));
        beast::get_lowest_layer(ws_).expires_never();
    }
    // The next message within `wait`; nullopt on timeout or once the connection closed. (Reads
    // are asynchronous because a socket's timeout does not bound a synchronous read.)
    std::optional<json::object> read(std::chrono::milliseconds wait = 10s) {
        if (closed_) return std::nullopt;
        beast::flat_buffer buffer;
        beast::error_code ec;
        bool done = false;
        ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run(wait)) {
            closed_ = true;  // a timed-out read leaves the stream unusable
            return std::nullopt;
        }
        if (ec) {
            closed_ = true;
            if (ec == websocket::error::closed)
                closeCode_ = static_cast<websocket::close_code>(ws_.reason().code);
            return std::nullopt;
        }
        return json::parse(beast::buffers_to_string(buffer.data())).as_object();
    }
    // The next message of `type` within `wait`, skipping others (kept in `seen`).
    std::optional<json::object> next(const std::string& type,
                                     std::chrono::milliseconds wait = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            auto m = read(left);
            if (!m) return std::nullopt;
            seen.push_back(*m);
            if (str(*m, "type") == type) return m;
        }
    }
    bool closed() const { return closed_; }
    std::optional<websocket::close_code> closeCode() const { return closeCode_; }

    std::vector<json::object> seen;

  private:
    // Runs the pending operation for at most `wait`; false (and the operation cancelled) if it
    // did not finish in time.
    bool run(std::chrono::milliseconds wait) {
        ioc_.restart();
        ioc_.run_for(wait);
        if (!ioc_.stopped()) {
            beast::get_lowest_layer(ws_).cancel();
            ioc_.restart();
            ioc_.run_for(1s);
            return false;
        }
        return true;
    }

    net::io_context ioc_;
    websocket::stream<beast::tcp_stream> ws_;
    bool closed_ = false;
    std::optional<websocket::close_code> closeCode_;
};

json::object joinMessage(const std::string& token, const std::string& name = "ws user") {
    return {{"type", "join"}, {"meeting", kMeeting},    {"displayName", name},
            {"token", token}, {"autoSubscribe", false}, {"requestId", 1}};
}

class GovernmentWsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(cfg_.ok());
        dir_ = cfg_.path();
        secret_ = cfg_.writeSecret("secret", kSecret);
        cfg_.write("units.yaml", kTwoTierUnits);
        // scheduled_start in the past: the lobby is open from the start.
        cfg_.write("vcbridge.yaml", jwtAuthYaml(secret_, kIssuer) +
                                        "units_file: units.yaml\ndatabase: " + dir_ +
                                        "/meetings.db\nmeetings:\n"
                                        "  - id: " + kMeeting + "\n"
                                        "    title: Họp giao ban\n"
                                        "    convening_unit: ts\n"
                                        "    invited: [ts.a, ts.b]\n"
                                        "    chair: chu-tich\n"
                                        "    scheduled_start: 2026-01-01T08:00:00Z\n"
                                        "  - khac\n");
        server_.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server_.start(kServer, 20s, &error)) << error;
        port_ = server_.port();
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            auto status = server_.stop();
            EXPECT_FALSE(status.has_value()) << *status << "\n" << server_.outputTail();
        }
    }

    std::string mint(const std::string& subject, const std::string& unit, const std::string& role,
                     const std::string& meeting = kMeeting) {
        int status = -1;
        std::string out = mintToken(kTokenTool, secret_, kIssuer,
                                    "--ttl 600 --subject " + subject + " --unit " + unit +
                                        " --role " + role + " --meeting " + meeting,
                                    &status);
        EXPECT_EQ(status, 0) << out;
        return out;
    }
    // Signed with the right key, expired two minutes ago (beyond the 30 s leeway).
    std::string expired(const std::string& subject, const std::string& unit,
                        const std::string& role) {
        std::string error;
        auto signer = auth::JwtSigner::fromSecret(kSecret, error);
        EXPECT_TRUE(signer) << error;
        if (!signer) return {};
        const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        json::object claims{{"meeting", kMeeting}, {"role", role},   {"unit", unit},
                            {"sub", subject},      {"iss", kIssuer}, {"iat", now - 900},
                            {"exp", now - 120}};
        return signer->sign(json::serialize(claims));
    }

    // Joins over a new WebSocket; returns it with the `joined` reply checked.
    std::unique_ptr<WsConn> joinOk(const std::string& token, const std::string& name,
                                   std::string* participantId = nullptr) {
        auto ws = std::make_unique<WsConn>(port_);
        ws->send(joinMessage(token, name));
        auto joined = ws->next("joined");
        EXPECT_TRUE(joined) << name << " did not join";
        if (joined && participantId) *participantId = str(*joined, "participantId");
        return ws;
    }
    // The error code a join with `token` gets.
    std::string joinRefused(const std::string& token) {
        WsConn ws(port_);
        ws.send(joinMessage(token));
        auto reply = ws.read();
        if (!reply) return "<no reply>";
        return str(*reply, "type") == "error" ? str(*reply, "code")
                                              : "<" + str(*reply, "type") + ">";
    }

    TestConfigDir cfg_{"govws"};
    std::string dir_, secret_;
    ServerProcess server_;
    uint16_t port_ = 0;
};

TEST_F(GovernmentWsTest, UninvitedUnitsAndBadTokensAreRefusedAtJoin) {
    EXPECT_EQ(joinRefused(mint("hl-delegate", "hl", "delegate")), "not_invited");
    const std::string fresh = mint("a-delegate", "ts.a", "delegate");
    EXPECT_EQ(joinRefused(fresh.substr(0, fresh.size() - 4) + "AAAA"), "unauthorized")
        << "a forged signature";
    EXPECT_EQ(joinRefused(expired("a-delegate", "ts.a", "delegate")), "unauthorized");
    EXPECT_EQ(joinRefused(expired("chu-tich", "ts", "chair")), "unauthorized");
    EXPECT_EQ(joinRefused(mint("a-delegate", "ts.a", "delegate", "khac")), "forbidden")
        << "a token for another meeting";
    EXPECT_EQ(joinRefused(mint("chu-tich", "ts", "chair", "khac")), "forbidden");
    // The good token of the same identity does join: the refusals were the tokens'.
    auto ws = joinOk(fresh, "Hà Giang");
    auto state = ws->next("meetingState");
    ASSERT_TRUE(state);
    EXPECT_EQ(str(*state, "state"), "open") << "the lobby of a meeting scheduled in the past";

    // REST: an expired admin token is refused like a forged one (forged and non-admin tokens:
    // tests/meetings/MeetingsAppTest.cpp).
    std::string error;
    auto signer = auth::JwtSigner::fromSecret(kSecret, error);
    ASSERT_TRUE(signer) << error;
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::string oldAdmin = signer->sign(json::serialize(json::object{{"admin", true},
                                                                           {"role", "chair"},
                                                                           {"iss", kIssuer},
                                                                           {"iat", now - 900},
                                                                           {"exp", now - 120}}));
    auto res = request(port_, http::verb::get, "/api/meetings", oldAdmin);
    EXPECT_EQ(res.result(), http::status::unauthorized) << res.body();
    EXPECT_EQ(res[http::field::content_type], "application/problem+json");
    EXPECT_NE(res.body().find(R"("code":"unauthorized")"), std::string::npos) << res.body();
    const std::string freshAdmin = signer->sign(json::serialize(json::object{
        {"admin", true}, {"role", "chair"}, {"iss", kIssuer}, {"iat", now}, {"exp", now + 600}}));
    EXPECT_EQ(request(port_, http::verb::get, "/api/meetings", freshAdmin).result(),
              http::status::ok)
        << "the same claims, not expired";
}

// What a client needs to draw the meeting: `joined` lists the meeting's units (convening first,
// names as in the units file, tier, tier name, parent) and each participant's subject (the
// identity handOverChair names); `meetingState` has floorEndsAt (null without a time limit).
TEST_F(GovernmentWsTest, JoinedCarriesTheMeetingsUnitsAndSubjects) {
    auto chair = joinOk(mint("chu-tich", "ts", "chair"), "Chủ tịch");
    auto ws = std::make_unique<WsConn>(port_);
    ws->send(joinMessage(mint("a-delegate", "ts.a", "delegate"), "Hà Giang"));
    auto joined = ws->next("joined");
    ASSERT_TRUE(joined);
    const json::array& units = joined->at("units").as_array();
    ASSERT_EQ(units.size(), 3u) << json::serialize(*joined);
    EXPECT_EQ(json::serialize(units[0]),
              R"({"id":"ts","name":"Tỉnh Thanh Sơn","tier":0,"parent":"","tierName":"province"})");
    EXPECT_EQ(json::serialize(units[1]),
              R"({"id":"ts.a","name":"Huyện Hà Giang","tier":1,"parent":"ts",)"
              R"("tierName":"district"})");
    EXPECT_EQ(units[2].at("id"), "ts.b");
    const json::array& others = joined->at("participants").as_array();
    ASSERT_EQ(others.size(), 1u);
    EXPECT_EQ(others[0].at("subject"), "chu-tich");
    EXPECT_EQ(others[0].at("unit"), "ts");
    auto state = ws->next("meetingState");
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->at("floorEndsAt").is_null());
}

TEST_F(GovernmentWsTest, OneHallPerUnitAndTheSameHallReplacesItsSession) {
    auto chair = joinOk(mint("chu-tich", "ts", "chair"), "Chủ tịch");
    const std::string hallToken = mint("ts-a-hall", "ts.a", "room");
    std::string oldId;
    auto hall = joinOk(hallToken, "Hội trường Hà Giang", &oldId);
    ASSERT_TRUE(chair->next("participantJoined"));

    EXPECT_EQ(joinRefused(mint("ts-a-hall-2", "ts.a", "room")), "room_endpoint_taken")
        << "a second hall identity for the same unit";

    // The same hall identity again: the new session is in at once, the old one is told and closed.
    std::string newId;
    auto again = joinOk(hallToken, "Hội trường Hà Giang", &newId);
    ASSERT_NE(newId, oldId);
    const auto t0 = std::chrono::steady_clock::now();
    auto closed = hall->next("sessionClosed", 1s);
    ASSERT_TRUE(closed) << "the old session was not told within 1 s";
    EXPECT_EQ(str(*closed, "reason"), "replaced");
    EXPECT_FALSE(hall->read(1s)) << "nothing after sessionClosed but the close";
    EXPECT_TRUE(hall->closed());
    EXPECT_EQ(hall->closeCode(), websocket::close_code::normal);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << "closed within 1 s";

    // The others see the old session leave (not after a timeout: it is at once).
    bool left = false;
    for (int i = 0; i < 50 && !left; ++i) {
        auto m = chair->next("participantLeft", 1s);
        if (!m) break;
        left = str(*m, "participantId") == oldId;
    }
    EXPECT_TRUE(left) << "the chair did not see the replaced session leave";
    // A newcomer is shown one participant for ts.a: the new session.
    auto b = std::make_unique<WsConn>(port_);
    b->send(joinMessage(mint("b-delegate", "ts.b", "delegate"), "Bình Đông"));
    auto joined = b->next("joined");
    ASSERT_TRUE(joined);
    std::vector<std::string> tsA;
    for (const json::value& p : joined->at("participants").as_array()) {
        if (str(p.as_object(), "unit") == "ts.a") tsA.push_back(str(p.as_object(), "id"));
    }
    EXPECT_EQ(tsA, std::vector<std::string>{newId});
    // The replacing session is the policy's: its commands are checked against its role (a hall
    // does not answer a roll call) instead of being refused as not_joined.
    again->send({{"type", "confirmRollCall"}, {"requestId", 7}});
    auto reply = again->next("error", 5s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(str(*reply, "code"), "forbidden_for_role") << json::serialize(*reply);
}

// Every privileged action a delegate sends is refused by the policy's role check (the session's
// role, fixed at join from the token).
TEST_F(GovernmentWsTest, EveryPrivilegedActionIsRefusedToADelegate) {
    auto chair = joinOk(mint("chu-tich", "ts", "chair"), "Chủ tịch");
    std::string delegateId;
    auto delegate = joinOk(mint("b-delegate", "ts.b", "delegate"), "Bình Đông", &delegateId);
    const std::vector<json::object> actions = {
        {{"type", "startSession"}},
        {{"type", "grantFloor"}, {"unit", "ts.b"}},
        {{"type", "denyFloor"}, {"unit", "ts.b"}},
        {{"type", "revokeFloor"}},
        {{"type", "mute"}, {"participantId", delegateId}},
        {{"type", "muteUnit"}, {"unit", "ts.b"}},
        {{"type", "unmuteUnit"}, {"unit", "ts.b"}},
        {{"type", "muteAll"}},
        {{"type", "spotlight"}, {"unit", "ts.b"}},
        {{"type", "lockMeeting"}},
        {{"type", "unlockMeeting"}},
        {{"type", "removeParticipant"}, {"participantId", delegateId}},
        {{"type", "startRollCall"}},
        {{"type", "endRollCall"}},
        {{"type", "setSpeakerTimeLimit"}, {"limitSeconds", 120}, {"warningSeconds", 30}},
        {{"type", "handOverChair"}, {"subject", "b-delegate"}},
        {{"type", "endMeeting"}},
    };
    int64_t requestId = 100;
    for (json::object action : actions) {
        const std::string type = str(action, "type");
        action["requestId"] = ++requestId;
        delegate->send(action);
        auto reply = delegate->next("error", 5s);
        ASSERT_TRUE(reply) << type << ": no refusal";
        EXPECT_EQ(reply->at("requestId").as_int64(), requestId) << type;
        const std::string code = str(*reply, "code");
        EXPECT_TRUE(code == "not_chair" || code == "forbidden_for_role")
            << type << " -> " << json::serialize(*reply);
    }
    // Nothing changed: the meeting is still open, unlocked, chaired by the chair, and the
    // delegate is still in it (the chair can start the session and sees it there).
    chair->send({{"type", "startSession"}, {"requestId", 1}});
    std::optional<json::object> state;
    for (int i = 0; i < 50; ++i) {
        state = chair->next("meetingState", 5s);
        if (!state || str(*state, "state") == "in_session") break;
    }
    ASSERT_TRUE(state);
    EXPECT_EQ(str(*state, "state"), "in_session");
    EXPECT_EQ(str(*state, "chair"), "chu-tich");
    delegate->send({{"type", "raiseHand"}, {"requestId", 2}});
    std::optional<json::object> queued;
    for (int i = 0; i < 50; ++i) {
        queued = chair->next("meetingState", 5s);
        if (!queued || !queued->at("queue").as_array().empty()) break;
    }
    ASSERT_TRUE(queued) << "the delegate's hand did not reach the chair";
    EXPECT_EQ(str(queued->at("queue").as_array()[0].as_object(), "unit"), "ts.b");
}

TEST_F(GovernmentWsTest, ARemovedSessionIsToldAndCannotRejoin) {
    auto chair = joinOk(mint("chu-tich", "ts", "chair"), "Chủ tịch");
    const std::string token = mint("b-delegate", "ts.b", "delegate");
    std::string delegateId;
    auto delegate = joinOk(token, "Bình Đông", &delegateId);
    chair->send({{"type", "removeParticipant"}, {"participantId", delegateId}, {"requestId", 3}});
    auto closed = delegate->next("sessionClosed", 5s);
    ASSERT_TRUE(closed) << "the removed session was not told";
    EXPECT_EQ(str(*closed, "reason"), "removed");
    EXPECT_FALSE(delegate->read(2s));
    EXPECT_TRUE(delegate->closed());
    EXPECT_EQ(delegate->closeCode(), websocket::close_code::normal);
    EXPECT_EQ(joinRefused(token), "removed") << "the same identity cannot rejoin";
    // Another identity of the same unit still may.
    auto deputy = joinOk(mint("b-deputy", "ts.b", "delegate"), "Phó Bình Đông");
    (void)deputy;
}

// WHEP viewers of a government meeting (auth: jwt) are admitted by the policy like WebSocket
// participants: an uninvited unit's viewer is refused, a removed identity's too.
TEST_F(GovernmentWsTest, WhepViewersNeedAnAdmittedUnit) {
    const std::string& offer = signaling::testsdp::kChromeViewerOffer;
    auto refused = request(port_, http::verb::post, std::string("/whep/") + kMeeting,
                           mint("hl-wall", "hl", "observer"), offer, "application/sdp");
    EXPECT_EQ(refused.result(), http::status::forbidden) << refused.body();
    EXPECT_NE(refused.body().find("not_invited"), std::string::npos) << refused.body();

    auto chair = joinOk(mint("chu-tich", "ts", "chair"), "Chủ tịch");
    auto viewer = request(port_, http::verb::post, std::string("/whep/") + kMeeting,
                          mint("a-wall", "ts.a", "delegate"), offer, "application/sdp");
    ASSERT_EQ(viewer.result(), http::status::created) << viewer.body();
    // The viewer is in the policy (its `joined` event) as an observer: no presence for ts.a.
    std::optional<json::object> ev;
    for (int i = 0; i < 50; ++i) {
        ev = chair->next("meetingEvent", 5s);
        if (!ev || (str(*ev, "event") == "joined" && str(*ev, "subject") == "a-wall")) break;
    }
    ASSERT_TRUE(ev) << "the WHEP viewer did not join the policy";
    EXPECT_EQ(str(ev->at("detail").as_object(), "role"), "observer");
    // A hall of the same unit is still admitted: the viewer does not hold it.
    auto hall = joinOk(mint("ts-a-hall", "ts.a", "room"), "Hội trường Hà Giang");
    (void)hall;
    EXPECT_EQ(request(port_, http::verb::delete_, std::string(viewer[http::field::location]), "")
                  .result(),
              http::status::ok);
}

}  // namespace
}  // namespace vcb::integration
