#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::signaling {

// A fully read request as handed to a route handler.
struct HttpRequest {
    boost::beast::http::verb method = boost::beast::http::verb::unknown;
    std::string target;  // as received, e.g. "/whip/m%201?x=1"
    std::string path;    // target without the query, still percent-encoded
    std::string query;   // after '?', without it; empty if none
    std::map<std::string, std::string, std::less<>> params;  // {name} captures, percent-decoded
    boost::beast::http::fields headers;
    std::string body;
    std::string remoteAddress;  // peer IP
    std::uint16_t remotePort = 0;

    // Empty view when absent.
    std::string_view header(std::string_view name) const;
    std::string_view param(std::string_view name) const;
    // First `name=value` of the query, '+' and %XX decoded; nullopt if absent or malformed.
    std::optional<std::string> queryParameter(std::string_view name) const;
};

}  // namespace vcb::signaling
