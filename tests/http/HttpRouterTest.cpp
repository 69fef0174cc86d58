#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <thread>
#include <vector>

#include "signaling/http/HttpResponder.hpp"
#include "signaling/http/HttpRouter.hpp"
#include "signaling/http/PercentDecoding.hpp"
#include "signaling/http/Problem.hpp"

namespace vcb::signaling {
namespace {

namespace http = boost::beast::http;
using Kind = HttpRouter::Match::Kind;

HttpRequest makeRequest(http::verb method, std::string target) {
    HttpRequest r;
    r.method = method;
    r.target = std::move(target);
    return r;
}

std::string headerOf(const HttpResponse& res, std::string_view name) {
    for (const auto& [n, v] : res.headers) {
        if (n == name) return v;
    }
    return {};
}

const HttpRouter::Handler kNoop = [](HttpRequest, HttpResponder r) { r.respond({}); };

TEST(PercentDecoding, DecodesAndRejectsMalformed) {
    EXPECT_EQ(percentDecode("a%20b%2Fc"), "a b/c");
    EXPECT_EQ(percentDecode("%e2%9c%93"), "\xe2\x9c\x93");
    EXPECT_EQ(percentDecode("a+b"), "a+b");
    EXPECT_EQ(percentDecode("a+b", true), "a b");
    EXPECT_FALSE(percentDecode("%"));
    EXPECT_FALSE(percentDecode("%4"));
    EXPECT_FALSE(percentDecode("%zz"));
    EXPECT_FALSE(percentDecode("a%00b"));
    EXPECT_FALSE(percentDecode(std::string_view("a\0b", 3)));
}

TEST(HttpRequest, QueryParameter) {
    HttpRequest r;
    r.query = "a=1&token=x%2By+z&empty&b=";
    EXPECT_EQ(r.queryParameter("a"), "1");
    EXPECT_EQ(r.queryParameter("token"), "x+y z");
    EXPECT_EQ(r.queryParameter("empty"), "");
    EXPECT_EQ(r.queryParameter("b"), "");
    EXPECT_FALSE(r.queryParameter("missing"));
}

TEST(Problem, ProducesProblemJson) {
    const auto res = problem(http::status::not_found, "meeting_not_found", "no \"such\" meeting");
    EXPECT_EQ(res.status, http::status::not_found);
    EXPECT_EQ(res.contentType, "application/problem+json");
    const auto v = boost::json::parse(res.body).as_object();
    EXPECT_EQ(v.at("type").as_string(), "about:blank");
    EXPECT_EQ(v.at("title").as_string(), "Not Found");
    EXPECT_EQ(v.at("status").as_int64(), 404);
    EXPECT_EQ(v.at("code").as_string(), "meeting_not_found");
    EXPECT_EQ(v.at("detail").as_string(), "no \"such\" meeting");
}

TEST(HttpResponder, FirstResponseWinsAndDropSends500) {
    std::vector<HttpResponse> got;
    {
        HttpResponder r([&](HttpResponse res) { got.push_back(std::move(res)); });
        HttpResponder copy = r;
        HttpResponse first;
        first.status = http::status::created;
        copy.respond(first);
        r.respond(HttpResponse{});
        EXPECT_TRUE(r.responded());
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, http::status::created);

    got.clear();
    {
        HttpResponder r([&](HttpResponse res) { got.push_back(std::move(res)); });
        HttpResponder copy = r;
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, http::status::internal_server_error);
    EXPECT_EQ(got[0].contentType, "application/problem+json");
}

TEST(HttpResponder, ConcurrentRespondDeliversOnce) {
    std::atomic<int> delivered{0};
    HttpResponder r([&](HttpResponse) { ++delivered; });
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([r] {
            for (int k = 0; k < 100; ++k) r.respond({});
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(delivered.load(), 1);
}

TEST(HttpRouter, CapturesDecodedSegmentsAndQuery) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::post}, "/whep/{meeting}/{participant}", kNoop));
    auto req = makeRequest(http::verb::post, "/whep/m%20one/p%2F1?x=1&y=2");
    const auto m = router.resolve(req, false);
    ASSERT_EQ(m.kind, Kind::handler);
    EXPECT_EQ(req.param("meeting"), "m one");
    EXPECT_EQ(req.param("participant"), "p/1");
    EXPECT_EQ(req.path, "/whep/m%20one/p%2F1");
    EXPECT_EQ(req.query, "x=1&y=2");
}

TEST(HttpRouter, CaptureNeedsNonEmptySegmentAndExactLength) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::get}, "/a/{x}", kNoop));
    auto empty = makeRequest(http::verb::get, "/a/");
    EXPECT_EQ(router.resolve(empty, false).response.status, http::status::not_found);
    auto longer = makeRequest(http::verb::get, "/a/b/c");
    EXPECT_EQ(router.resolve(longer, false).response.status, http::status::not_found);
    auto root = makeRequest(http::verb::get, "/");
    EXPECT_EQ(router.resolve(root, false).response.status, http::status::not_found);
}

TEST(HttpRouter, RejectsDotSegmentsNulAndBadEscapes) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::get}, "/f/{name}", kNoop));
    for (const char* target : {"/f/..", "/f/%2e%2E", "/f/.", "/f/a%00", "/f/%zz", "/f/%4"}) {
        auto req = makeRequest(http::verb::get, target);
        const auto m = router.resolve(req, false);
        EXPECT_EQ(m.kind, Kind::response) << target;
        EXPECT_EQ(m.response.status, http::status::bad_request) << target;
    }
    auto abs = makeRequest(http::verb::get, "http://example.com/f/x");
    EXPECT_EQ(router.resolve(abs, false).response.status, http::status::bad_request);
}

TEST(HttpRouter, LiteralBeatsCapture) {
    HttpRouter router;
    int which = 0;
    ASSERT_TRUE(
        router.add({http::verb::get}, "/a/{x}", [&](HttpRequest, HttpResponder) { which = 1; }));
    ASSERT_TRUE(
        router.add({http::verb::get}, "/a/b", [&](HttpRequest, HttpResponder) { which = 2; }));
    auto req = makeRequest(http::verb::get, "/a/b");
    auto m = router.resolve(req, false);
    ASSERT_EQ(m.kind, Kind::handler);
    (*m.handler)(req, HttpResponder([](HttpResponse) {}));
    EXPECT_EQ(which, 2);
    auto other = makeRequest(http::verb::get, "/a/c");
    m = router.resolve(other, false);
    ASSERT_EQ(m.kind, Kind::handler);
    (*m.handler)(other, HttpResponder([](HttpResponse) {}));
    EXPECT_EQ(which, 1);
}

TEST(HttpRouter, MethodNotAllowedListsAllow) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::delete_, http::verb::patch}, "/s/{id}", kNoop));
    auto req = makeRequest(http::verb::get, "/s/1");
    const auto m = router.resolve(req, false);
    ASSERT_EQ(m.kind, Kind::response);
    EXPECT_EQ(m.response.status, http::status::method_not_allowed);
    EXPECT_EQ(headerOf(m.response, "Allow"), "DELETE, PATCH, OPTIONS");
}

TEST(HttpRouter, OptionsPreflight) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::post}, "/whip/{m}", kNoop));
    auto req = makeRequest(http::verb::options, "/whip/x");
    const auto m = router.resolve(req, false);
    ASSERT_EQ(m.kind, Kind::response);
    EXPECT_EQ(m.response.status, http::status::no_content);
    EXPECT_EQ(headerOf(m.response, "Access-Control-Allow-Methods"), "POST, OPTIONS");
    EXPECT_EQ(headerOf(m.response, "Access-Control-Allow-Headers"),
              "Content-Type, Authorization, If-Match");
    EXPECT_EQ(headerOf(m.response, "Accept-Post"), "application/sdp");

    ASSERT_TRUE(router.add({http::verb::get}, "/healthz", kNoop));
    auto health = makeRequest(http::verb::options, "/healthz");
    const auto h = router.resolve(health, false);
    EXPECT_EQ(h.response.status, http::status::no_content);
    EXPECT_EQ(headerOf(h.response, "Accept-Post"), "");
}

TEST(HttpRouter, ExplicitOptionsRouteOverridesPreflight) {
    HttpRouter router;
    ASSERT_TRUE(router.add({http::verb::post, http::verb::options}, "/whip/{m}", kNoop));
    auto req = makeRequest(http::verb::options, "/whip/x");
    EXPECT_EQ(router.resolve(req, false).kind, Kind::handler);
}

TEST(HttpRouter, RegistrationValidation) {
    HttpRouter router;
    EXPECT_FALSE(router.add({http::verb::get}, "no-slash", kNoop));
    EXPECT_FALSE(router.add({http::verb::get}, "/a/{", kNoop));
    EXPECT_FALSE(router.add({http::verb::get}, "/a/{b c}", kNoop));
    EXPECT_FALSE(router.add({}, "/a", kNoop));
    EXPECT_FALSE(router.add({http::verb::get}, "/a", nullptr));
    EXPECT_TRUE(router.add({http::verb::get}, "/a/{x}", kNoop));
    EXPECT_FALSE(router.add({http::verb::get}, "/a/{y}", kNoop));  // same shape and verb
    EXPECT_TRUE(router.add({http::verb::post}, "/a/{y}", kNoop));
    router.freeze();
    EXPECT_FALSE(router.add({http::verb::put}, "/b", kNoop));
}

TEST(HttpRouter, StaticAndWebSocketRoutes) {
    class NullWs : public WsHandler {
        void onOpen(std::shared_ptr<WsConnection>) override {}
        void onMessage(const std::shared_ptr<WsConnection>&, std::string) override {}
        void onClose(const std::shared_ptr<WsConnection>&) override {}
    };
    HttpRouter router;
    ASSERT_TRUE(router.addStatic("/demo", "text/html; charset=utf-8", "<html></html>"));
    ASSERT_TRUE(router.addWebSocket("/ws", std::make_shared<NullWs>()));

    auto demo = makeRequest(http::verb::head, "/demo");
    auto m = router.resolve(demo, false);
    ASSERT_EQ(m.kind, Kind::response);
    EXPECT_EQ(m.response.body, "<html></html>");
    EXPECT_EQ(m.response.contentType, "text/html; charset=utf-8");

    auto upgrade = makeRequest(http::verb::get, "/ws?token=1");
    EXPECT_EQ(router.resolve(upgrade, true).kind, Kind::webSocket);
    auto plain = makeRequest(http::verb::get, "/ws");
    m = router.resolve(plain, false);
    EXPECT_EQ(m.response.status, http::status::upgrade_required);
    auto upgradeElsewhere = makeRequest(http::verb::get, "/nows");
    EXPECT_EQ(router.resolve(upgradeElsewhere, true).response.status, http::status::not_found);
}

}  // namespace
}  // namespace vcb::signaling
