#pragma once

#include <boost/beast/http/status.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vcb::signaling {

// What a handler answers. The server adds Content-Length, Server, Connection and the CORS
// headers; `headers` may repeat a name (e.g. several Link headers) and may override CORS ones.
struct HttpResponse {
    boost::beast::http::status status = boost::beast::http::status::ok;
    std::string contentType;  // empty = no Content-Type header
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    HttpResponse& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace vcb::signaling
