// Who may read recordings, against the real vcbridge binary in auth mode jwt: the list and the
// files take a technician token for exactly that meeting (or an admin one); a browser's plain link
// carries a download ticket from POST .../{file}/link instead of a token, valid for that file of
// that meeting only and unforgeable. The recording directory holds a sidecar and a file written
// here (what vcb-recorder leaves), so no recording has to run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>

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
constexpr const char* kFile = "hop-1-20261205t080000z-programme.webm";
constexpr const char* kOtherFile = "hop-1-20261205t080000z-p-abc.webm";

class RecordingsAccessAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(cfg_.ok());
        secret_ = cfg_.writeSecret();
        recDir_ = cfg_.path() + "/rec";
        ASSERT_EQ(::mkdir(recDir_.c_str(), 0700), 0);
        content_.resize(300000);
        for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>(i * 7 + 3);
        cfg_.write(std::string("rec/") + kFile, content_);
        cfg_.write(std::string("rec/") + kOtherFile, "other");
        cfg_.write(
            "rec/hop-1-20261205t080000z.json",
            std::string(R"({"meeting":"hop-1","state":"complete","files":[{"name":")") + kFile +
                R"(","bytes":300000},{"name":")" + kOtherFile + R"(","bytes":5}]})");
        // The directory from the command line (--recording-dir), as deploy/quickstart.sh gives it.
        cfg_.write("vcbridge.yaml",
                   jwtAuthYaml(secret_, kIssuer) + "meetings: [hop-1, hop-2]\n");
        server_.setExtraArgs(
            {"--config", cfg_.path() + "/vcbridge.yaml", "--recording-dir", recDir_});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    }
    void TearDown() override {
        if (server_.pid() > 0) {
            auto status = server_.stop();
            EXPECT_FALSE(status.has_value()) << *status << "\n" << server_.outputTail();
        }
    }
    std::string mint(const std::string& args) {
        int status = -1;
        std::string out = mintToken(VCB_TOKEN_BIN, secret_, kIssuer,
                                    "--subject ky-thuat --ttl 600 " + args, &status);
        EXPECT_EQ(status, 0) << out;
        return out;
    }
    HttpResponse get(const std::string& target, const std::string& token = "") {
        return httpRequest(server_.port(), http::verb::get, target, "", "",
                           token.empty() ? "" : "Bearer " + token);
    }
    HttpResponse post(const std::string& target, const std::string& token = "") {
        return httpRequest(server_.port(), http::verb::post, target, "", "",
                           token.empty() ? "" : "Bearer " + token);
    }
    static std::string code(const HttpResponse& r) {
        boost::system::error_code ec;
        auto v = json::parse(r.body(), ec);
        const auto* c = !ec && v.is_object() ? v.as_object().if_contains("code") : nullptr;
        return c && c->is_string() ? std::string(c->as_string()) : "<none>";
    }
    // The address POST .../link answers (empty on failure).
    std::string link(const std::string& file, const std::string& token) {
        const auto r = post("/api/meetings/hop-1/recordings/" + file + "/link", token);
        EXPECT_EQ(r.result(), http::status::ok) << r.body();
        boost::system::error_code ec;
        auto v = json::parse(r.body(), ec);
        const auto* u = !ec && v.is_object() ? v.as_object().if_contains("url") : nullptr;
        return u && u->is_string() ? std::string(u->as_string()) : "";
    }

    TestConfigDir cfg_{"recaccess"};
    std::string secret_, recDir_, content_;
    ServerProcess server_;
};

TEST_F(RecordingsAccessAppTest, OnlyThisMeetingsTechnicianOrAnAdminReadsRecordings) {
    const std::string list = "/api/meetings/hop-1/recordings";
    const std::string file = list + "/" + kFile;
    const std::string tech = mint("--meeting hop-1 --unit gov --role technician");
    EXPECT_EQ(get(list).result(), http::status::unauthorized);
    EXPECT_EQ(get(file).result(), http::status::unauthorized);
    EXPECT_EQ(post(file + "/link").result(), http::status::unauthorized);
    for (const std::string& who : {mint("--meeting hop-1 --unit gov --role chair"),
                                   mint("--meeting hop-1 --unit gov --role delegate"),
                                   mint("--meeting hop-2 --unit gov --role technician")}) {
        EXPECT_EQ(get(list, who).result(), http::status::forbidden);
        EXPECT_EQ(get(file, who).result(), http::status::forbidden);
        EXPECT_EQ(post(file + "/link", who).result(), http::status::forbidden);
    }
    const auto listed = get(list, tech);
    ASSERT_EQ(listed.result(), http::status::ok) << listed.body();
    EXPECT_NE(listed.body().find(kFile), std::string::npos) << listed.body();
    const auto whole = get(file, tech);
    ASSERT_EQ(whole.result(), http::status::ok);
    EXPECT_TRUE(whole.body() == content_) << "the file's bytes differ";
    EXPECT_EQ(get(file, mint("--admin")).result(), http::status::ok);
    // A file no sidecar lists is not served, nor offered a link.
    EXPECT_EQ(post(list + "/hop-1-other.webm/link", tech).result(), http::status::not_found);
}

TEST_F(RecordingsAccessAppTest, ADownloadTicketOpensOneFileWithoutAToken) {
    const std::string tech = mint("--meeting hop-1 --unit gov --role technician");
    const std::string url = link(kFile, tech);
    ASSERT_EQ(url.rfind(std::string("/api/meetings/hop-1/recordings/") + kFile + "?ticket=", 0),
              0u)
        << url;
    // The browser follows the address with no Authorization header.
    const auto byTicket = get(url);
    ASSERT_EQ(byTicket.result(), http::status::ok) << byTicket.body();
    EXPECT_TRUE(byTicket.body() == content_) << "the file's bytes differ";
    EXPECT_EQ(byTicket[http::field::content_disposition],
              std::string("attachment; filename=\"") + kFile + "\"");
    // One ticket, one file: not another file of the meeting, not the same name elsewhere.
    const std::string ticket = url.substr(url.find("?ticket="));
    EXPECT_EQ(code(get(std::string("/api/meetings/hop-1/recordings/") + kOtherFile + ticket)),
              "bad_ticket");
    EXPECT_EQ(code(get(std::string("/api/meetings/hop-2/recordings/") + kFile + ticket)),
              "bad_ticket");
    // Forged: one hex digit changed, or a later expiry with the old signature.
    std::string forged = url;
    forged.back() = forged.back() == '0' ? '1' : '0';
    EXPECT_EQ(get(forged).result(), http::status::forbidden);
    const auto dot = ticket.find('.');
    const std::string later = std::string("/api/meetings/hop-1/recordings/") + kFile +
                              "?ticket=" +
                              std::to_string(std::stoll(ticket.substr(8, dot - 8)) + 3600000) +
                              ticket.substr(dot);
    EXPECT_EQ(code(get(later)), "bad_ticket");
    EXPECT_EQ(code(get(std::string("/api/meetings/hop-1/recordings/") + kFile + "?ticket=")),
              "bad_ticket");
    // Tickets die with the process that signed them.
    ASSERT_FALSE(server_.stop().has_value());
    std::string error;
    ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    EXPECT_EQ(code(get(url)), "bad_ticket");
}

}  // namespace
}  // namespace vcb::integration
