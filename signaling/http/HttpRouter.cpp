#include "signaling/http/HttpRouter.hpp"

#include <algorithm>

#include "signaling/http/PercentDecoding.hpp"
#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

namespace {

// Bounds the work a single request can cause in the matcher.
constexpr std::size_t kMaxSegments = 64;

bool isValidCaptureName(std::string_view name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

// Splits "/a/b" into {"a","b"}; "/" into {}. `path` starts with '/'.
std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.size() <= 1) return out;
    path.remove_prefix(1);
    while (out.size() <= kMaxSegments) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

void appendVerb(std::vector<http::verb>& verbs, http::verb v) {
    if (std::find(verbs.begin(), verbs.end(), v) == verbs.end()) verbs.push_back(v);
}

std::string joinVerbs(const std::vector<http::verb>& verbs) {
    std::string out;
    for (const auto v : verbs) {
        if (!out.empty()) out += ", ";
        out += http::to_string(v);
    }
    return out;
}

HttpRouter::Match respondWith(HttpResponse response) {
    HttpRouter::Match m;
    m.kind = HttpRouter::Match::Kind::response;
    m.response = std::move(response);
    return m;
}

}  // namespace

bool HttpRouter::parsePattern(std::string_view pattern, std::vector<Segment>& out) {
    if (pattern.empty() || pattern.front() != '/') return false;
    const auto parts = splitPath(pattern);
    if (parts.size() > kMaxSegments) return false;
    out.clear();
    for (const auto part : parts) {
        Segment seg;
        if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
            seg.capture = true;
            seg.text = std::string(part.substr(1, part.size() - 2));
            if (!isValidCaptureName(seg.text)) return false;
        } else {
            if (part.find_first_of("{}") != std::string_view::npos) return false;
            auto decoded = percentDecode(part);
            if (!decoded) return false;
            seg.text = std::move(*decoded);
        }
        out.push_back(std::move(seg));
    }
    return true;
}

bool HttpRouter::sameShape(const std::vector<Segment>& a, const std::vector<Segment>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].capture != b[i].capture) return false;
        if (!a[i].capture && a[i].text != b[i].text) return false;
    }
    return true;
}

bool HttpRouter::moreSpecific(const Route& a, const Route& b) {
    const auto n = std::min(a.segments.size(), b.segments.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (a.segments[i].capture != b.segments[i].capture) return !a.segments[i].capture;
    }
    return false;
}

bool HttpRouter::matches(const Route& route, const std::vector<std::string>& segments,
                         HttpRequest* captureInto) {
    if (route.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& seg = route.segments[i];
        if (seg.capture ? segments[i].empty() : seg.text != segments[i]) return false;
    }
    if (captureInto) {
        captureInto->params.clear();
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (route.segments[i].capture) {
                captureInto->params[route.segments[i].text] = segments[i];
            }
        }
    }
    return true;
}

bool HttpRouter::addRoute(Route route, const std::string& pattern) {
    if (frozen_ || route.verbs.empty()) return false;
    if (!parsePattern(pattern, route.segments)) return false;
    for (const auto& existing : routes_) {
        if (!sameShape(existing.segments, route.segments)) continue;
        // A WebSocket route and a plain GET route may share a path: upgrades go to the former.
        if ((existing.kind == RouteKind::webSocket) != (route.kind == RouteKind::webSocket)) {
            continue;
        }
        for (const auto v : route.verbs) {
            if (std::find(existing.verbs.begin(), existing.verbs.end(), v) !=
                existing.verbs.end()) {
                return false;
            }
        }
    }
    routes_.push_back(std::move(route));
    return true;
}

bool HttpRouter::add(std::initializer_list<http::verb> verbs, std::string pattern,
                     Handler handler) {
    if (!handler) return false;
    Route route;
    route.kind = RouteKind::handler;
    for (const auto v : verbs) {
        if (v == http::verb::unknown) return false;
        appendVerb(route.verbs, v);
    }
    route.handler = std::move(handler);
    return addRoute(std::move(route), pattern);
}

bool HttpRouter::addWebSocket(std::string path, std::shared_ptr<WsHandler> handler) {
    if (!handler) return false;
    Route route;
    route.kind = RouteKind::webSocket;
    route.verbs = {http::verb::get};
    route.webSocket = std::move(handler);
    return addRoute(std::move(route), path);
}

bool HttpRouter::addStatic(std::string path, std::string contentType, std::string body) {
    Route route;
    route.kind = RouteKind::staticContent;
    route.verbs = {http::verb::get, http::verb::head};
    route.contentType = std::move(contentType);
    route.body = std::move(body);
    return addRoute(std::move(route), path);
}

HttpRouter::Match HttpRouter::resolve(HttpRequest& request, bool webSocketUpgrade) const {
    const std::string_view target = request.target;
    if (target.empty() || target.front() != '/') {
        return respondWith(problem(http::status::bad_request, "bad_request",
                                   "request target must be an absolute path"));
    }
    const auto qmark = target.find('?');
    request.path = std::string(target.substr(0, qmark));
    request.query =
        qmark == std::string_view::npos ? std::string{} : std::string(target.substr(qmark + 1));

    const auto raw = splitPath(request.path);
    if (raw.size() > kMaxSegments) {
        return respondWith(problem(http::status::not_found, "not_found", "no such resource"));
    }
    std::vector<std::string> segments;
    segments.reserve(raw.size());
    for (const auto part : raw) {
        auto decoded = percentDecode(part);
        if (!decoded || *decoded == "." || *decoded == "..") {
            return respondWith(
                problem(http::status::bad_request, "bad_request", "malformed request path"));
        }
        segments.push_back(std::move(*decoded));
    }

    const Route* best = nullptr;
    const Route* webSocket = nullptr;
    bool anyMatch = false;
    bool explicitOptions = false;
    std::vector<http::verb> allowed;
    for (const auto& route : routes_) {
        if (!matches(route, segments, nullptr)) continue;
        anyMatch = true;
        if (route.kind == RouteKind::webSocket) {
            if (!webSocket || moreSpecific(route, *webSocket)) webSocket = &route;
            continue;
        }
        for (const auto v : route.verbs) {
            appendVerb(allowed, v);
            if (v == http::verb::options) explicitOptions = true;
        }
        if (std::find(route.verbs.begin(), route.verbs.end(), request.method) !=
                route.verbs.end() &&
            (!best || moreSpecific(route, *best))) {
            best = &route;
        }
    }
    if (!anyMatch) {
        return respondWith(problem(http::status::not_found, "not_found", "no such resource"));
    }

    if (webSocketUpgrade && webSocket) {
        matches(*webSocket, segments, &request);
        Match m;
        m.kind = Match::Kind::webSocket;
        m.webSocket = webSocket->webSocket;
        return m;
    }
    if (webSocket) appendVerb(allowed, http::verb::get);
    appendVerb(allowed, http::verb::options);

    if (best) {
        matches(*best, segments, &request);
        if (best->kind == RouteKind::staticContent) {
            HttpResponse res;
            res.contentType = best->contentType;
            res.body = best->body;
            // Embedded pages and scripts change with the binary: revalidate rather than keep a
            // stale script after an upgrade, and never let a browser guess another type.
            res.header("Cache-Control", "no-cache");
            res.header("X-Content-Type-Options", "nosniff");
            return respondWith(std::move(res));
        }
        Match m;
        m.kind = Match::Kind::handler;
        m.handler = &best->handler;
        return m;
    }

    if (request.method == http::verb::options && !explicitOptions) {
        HttpResponse res;
        res.status = http::status::no_content;
        const auto verbs = joinVerbs(allowed);
        res.header("Allow", verbs);
        res.header("Access-Control-Allow-Methods", verbs);
        res.header("Access-Control-Allow-Headers", "Content-Type, Authorization, If-Match");
        res.header("Access-Control-Max-Age", "86400");
        if (std::find(allowed.begin(), allowed.end(), http::verb::post) != allowed.end()) {
            res.header("Accept-Post", "application/sdp");
        }
        return respondWith(std::move(res));
    }

    if (webSocket && request.method == http::verb::get) {
        auto res = problem(http::status::upgrade_required, "upgrade_required",
                           "this resource is a WebSocket endpoint");
        res.header("Upgrade", "websocket");
        return respondWith(std::move(res));
    }

    auto res = problem(http::status::method_not_allowed, "method_not_allowed",
                       "the request method is not allowed for this resource");
    res.header("Allow", joinVerbs(allowed));
    return respondWith(std::move(res));
}

}  // namespace vcb::signaling
