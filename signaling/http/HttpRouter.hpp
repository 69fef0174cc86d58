#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/http/HttpRequest.hpp"
#include "signaling/http/HttpResponder.hpp"
#include "signaling/http/HttpResponse.hpp"
#include "signaling/http/WsHandler.hpp"

namespace vcb::signaling {

// Maps method + path to handlers. Patterns are absolute paths whose segments are literals or
// `{name}` captures of exactly one non-empty segment ("/whep/{meeting}/{participant}"). When
// several patterns match, the one with a literal at the first differing segment wins.
// Routes are registered before HttpServer::start(); the server then freezes the router and
// later registrations fail.
class HttpRouter {
  public:
    // Runs on the connection's strand; may answer now or later from any thread.
    using Handler = std::function<void(HttpRequest, HttpResponder)>;

    // The outcome of resolve(): an immediate response, a handler to run, or a WebSocket.
    struct Match {
        enum class Kind { response, handler, webSocket };
        Kind kind = Kind::response;
        HttpResponse response;
        const Handler* handler = nullptr;  // valid while the router lives
        std::shared_ptr<WsHandler> webSocket;
    };

    // False for a malformed pattern, an empty verb list or handler, a method already routed
    // for an equivalent pattern, or a frozen router.
    bool add(std::initializer_list<boost::beast::http::verb> verbs, std::string pattern,
             Handler handler);
    // GET with Upgrade: websocket. A plain GET on the path gets 426.
    bool addWebSocket(std::string path, std::shared_ptr<WsHandler> handler);
    // Embedded content served for GET and HEAD.
    bool addStatic(std::string path, std::string contentType, std::string body);

    // Decodes request.target into path/query/params and picks the route. Produces 400 for
    // a malformed target, 404, 405 (with Allow), 426 and the automatic OPTIONS preflight.
    Match resolve(HttpRequest& request, bool webSocketUpgrade) const;

    void freeze() { frozen_ = true; }

  private:
    struct Segment {
        std::string text;  // literal (decoded) or capture name
        bool capture = false;
    };
    enum class RouteKind { handler, staticContent, webSocket };
    struct Route {
        RouteKind kind = RouteKind::handler;
        std::vector<Segment> segments;
        std::vector<boost::beast::http::verb> verbs;
        Handler handler;
        std::string contentType;
        std::string body;
        std::shared_ptr<WsHandler> webSocket;
    };

    bool addRoute(Route route, const std::string& pattern);
    static bool parsePattern(std::string_view pattern, std::vector<Segment>& out);
    static bool sameShape(const std::vector<Segment>& a, const std::vector<Segment>& b);
    static bool moreSpecific(const Route& a, const Route& b);
    static bool matches(const Route& route, const std::vector<std::string>& segments,
                        HttpRequest* captureInto);

    std::vector<Route> routes_;
    bool frozen_ = false;
};

}  // namespace vcb::signaling
