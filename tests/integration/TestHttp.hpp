#pragma once
// One plain HTTP/1.1 request to a vcbridge (on 127.0.0.1 unless told), for the app tests (auth, meetings) that
// each had their own copy. Every step is bounded by 10 s; errors throw (the test fails).
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>

namespace vcb::integration {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Sends `body` (with `contentType`, only when the body is not empty) and the Authorization and
// Accept headers when they are not empty; returns the whole response.
HttpResponse httpRequest(std::uint16_t port, boost::beast::http::verb method,
                         const std::string& target, const std::string& body,
                         const std::string& contentType, const std::string& authorization,
                         const std::string& accept = "");
// The same to `host` (an IPv4 address the server listens on).
HttpResponse httpRequestTo(const std::string& host, std::uint16_t port,
                           boost::beast::http::verb method, const std::string& target,
                           const std::string& authorization = "");

}  // namespace vcb::integration
