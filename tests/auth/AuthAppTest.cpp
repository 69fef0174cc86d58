// The vcbridge binary in auth mode jwt: WHIP/WHEP and WebSocket joins need a token minted by
// vcb-token for the right meeting; configuration errors stop the start-up with a clear message.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestConfigDir.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"
#include "tests/integration/WsConn.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::integration {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kServer = VCB_SERVER_BIN;
constexpr const char* kTokenTool = VCB_TOKEN_BIN;
constexpr const char* kIssuer = "vcb-test-issuer";

// WHIP/WHEP requests: an SDP body, the Authorization header as given (to test its parsing).
HttpResponse request(uint16_t port, http::verb method, const std::string& target,
                     const std::string& body, const std::string& authorization) {
    return httpRequest(port, method, target, body, "application/sdp", authorization);
}

boost::json::object joinMessage(const std::string& meeting, const std::string& token) {
    boost::json::object join{{"type", "join"}, {"meeting", meeting}, {"displayName", "ws user"}};
    if (!token.empty()) join["token"] = token;
    return join;
}

// Sends one join over GET /ws and returns the server's first reply.
boost::json::object wsJoin(uint16_t port, const std::string& meeting, const std::string& token) {
    WsConn ws(port);
    ws.send(joinMessage(meeting, token));
    return ws.read();
}

std::string problemCode(const HttpResponse& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("code")) return "<no code>";
    return std::string(v.as_object().at("code").as_string());
}

class AuthAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(cfg_.ok());
        dir_ = cfg_.path();
        secret_ = cfg_.writeSecret();
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            auto status = server_.stop();
            EXPECT_FALSE(status.has_value()) << *status << "\n" << server_.outputTail();
        }
    }

    std::string writeConfig(const std::string& keyFile) {
        return cfg_.write("vcbridge.yaml", jwtAuthYaml(keyFile, kIssuer));
    }

    // Starts vcbridge through a wrapper that sends its log (stderr) to the captured stdout, so
    // tests can read what it logged.
    void startServer() {
        const std::string wrapper = dir_ + "/vcbridge-with-log";
        std::ofstream(wrapper) << "#!/bin/sh\nexec " << kServer << " \"$@\" 2>&1\n";
        ::chmod(wrapper.c_str(), 0700);
        server_.setExtraArgs({"--config", writeConfig(secret_)});
        std::string error;
        ASSERT_TRUE(server_.start(wrapper, 20s, &error)) << error;
    }

    // A token from the operator tool.
    std::string mint(const std::string& meeting, const std::string& role = "participant") {
        int status = -1;
        std::string out = mintToken(kTokenTool, secret_, kIssuer,
                                    "--meeting '" + meeting + "' --role " + role +
                                        " --name 'Tỉnh Hà Giang' --subject test-unit --ttl 600",
                                    &status);
        EXPECT_EQ(status, 0) << out;
        return out;
    }

    TestConfigDir cfg_{"authapp"};
    std::string dir_;
    std::string secret_;
    ServerProcess server_;
};

TEST_F(AuthAppTest, WhipNeedsATokenForItsMeeting) {
    ASSERT_NO_FATAL_FAILURE(startServer());
    const std::string& offer = signaling::testsdp::kChromeOffer;
    const uint16_t port = server_.port();

    auto none = request(port, http::verb::post, "/whip/m1", offer, "");
    EXPECT_EQ(none.result(), http::status::unauthorized) << none.body();
    EXPECT_EQ(none[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(problemCode(none), "unauthorized");

    auto garbage = request(port, http::verb::post, "/whip/m1", offer, "Bearer not.a.token");
    EXPECT_EQ(garbage.result(), http::status::unauthorized);
    EXPECT_EQ(garbage[http::field::www_authenticate], "Bearer");

    auto other = request(port, http::verb::post, "/whip/m1", offer, "Bearer " + mint("m2"));
    EXPECT_EQ(other.result(), http::status::forbidden) << other.body();
    EXPECT_EQ(problemCode(other), "forbidden");

    auto viewer =
        request(port, http::verb::post, "/whip/m1", offer, "Bearer " + mint("m1", "viewer"));
    EXPECT_EQ(viewer.result(), http::status::forbidden) << viewer.body();

    // The scheme is case-insensitive; extra spaces are tolerated.
    auto ok = request(port, http::verb::post, "/whip/m1", offer, "bearer  " + mint("m1", "chair"));
    ASSERT_EQ(ok.result(), http::status::created) << ok.body();
    const std::string location(ok[http::field::location]);
    ASSERT_EQ(location.rfind("/whip/m1/session/", 0), 0u) << location;
    EXPECT_EQ(request(port, http::verb::delete_, location, "", "").result(), http::status::ok);

    auto any = request(port, http::verb::post, "/whep/m1", signaling::testsdp::kChromeViewerOffer,
                       "Bearer " + mint("*", "viewer"));
    ASSERT_EQ(any.result(), http::status::created) << any.body();
    EXPECT_EQ(request(port, http::verb::delete_, std::string(any[http::field::location]), "", "")
                  .result(),
              http::status::ok);

    // Refusals are logged with their reason and subject, the tokens themselves never.
    const std::string fresh = mint("m1");
    const std::string tampered = fresh.substr(0, fresh.size() - 4) + "AAAA";
    EXPECT_EQ(request(port, http::verb::post, "/whip/m1", offer, "Bearer " + tampered).result(),
              http::status::unauthorized);
    ASSERT_FALSE(server_.stop().has_value());
    const std::string log = server_.outputTail();
    EXPECT_NE(log.find("refused: no token"), std::string::npos) << log;
    EXPECT_NE(log.find("refused: malformed"), std::string::npos) << log;
    EXPECT_NE(log.find("refused: bad_signature"), std::string::npos) << log;
    EXPECT_NE(log.find("refused: wrong_meeting (sub test-unit)"), std::string::npos) << log;
    EXPECT_EQ(log.find("eyJ"), std::string::npos) << log;  // base64url of '{"': any JWT part
    EXPECT_EQ(log.find(tampered.substr(tampered.rfind('.') + 1)), std::string::npos) << log;
}

TEST_F(AuthAppTest, WebSocketJoinNeedsAToken) {
    ASSERT_NO_FATAL_FAILURE(startServer());
    auto none = wsJoin(server_.port(), "m1", "");
    EXPECT_EQ(none.at("type").as_string(), "error") << none;
    EXPECT_EQ(none.at("code").as_string(), "unauthorized") << none;

    auto other = wsJoin(server_.port(), "m1", mint("m2"));
    EXPECT_EQ(other.at("code").as_string(), "forbidden") << other;

    auto joined = wsJoin(server_.port(), "m1", mint("m1"));
    EXPECT_EQ(joined.at("type").as_string(), "joined") << joined;
}

TEST_F(AuthAppTest, WebSocketViewerMayNotPublish) {
    ASSERT_NO_FATAL_FAILURE(startServer());
    WsConn ws(server_.port());
    ws.send(joinMessage("m1", mint("m1", "viewer")));
    auto joined = ws.read();
    ASSERT_EQ(joined.at("type").as_string(), "joined") << joined;
    ws.send({{"type", "publish"}, {"sdp", signaling::testsdp::kChromeOffer}, {"requestId", 7}});
    auto reply = ws.read();
    EXPECT_EQ(reply.at("type").as_string(), "error") << reply;
    EXPECT_EQ(reply.at("code").as_string(), "forbidden") << reply;
}

TEST_F(AuthAppTest, BadKeyFileStopsStartUp) {
    int status = 0;
    std::string out = runCommand(std::string(kServer) + " --listen 127.0.0.1:0 --config " +
                                     writeConfig(dir_ + "/missing-secret"),
                                 &status);
    EXPECT_EQ(status, 2) << out;
    EXPECT_NE(out.find("auth:"), std::string::npos) << out;
    EXPECT_NE(out.find("missing-secret"), std::string::npos) << out;

    std::ofstream(dir_ + "/short") << "tooshort\n";
    out = runCommand(
        std::string(kServer) + " --listen 127.0.0.1:0 --config " + writeConfig(dir_ + "/short"),
        &status);
    EXPECT_EQ(status, 2) << out;
    EXPECT_NE(out.find("32 bytes"), std::string::npos) << out;
}

}  // namespace
}  // namespace vcb::integration
