#include "signaling/http/BeastResponse.hpp"

#include <algorithm>

#include "signaling/http/FailLog.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

namespace {

bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
    return kExtra.find(c) != std::string_view::npos;
}

bool isSafeName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), isTokenChar);
}

bool isSafeValue(std::string_view value) {
    return std::none_of(value.begin(), value.end(),
                        [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

void setDefault(http::fields& fields, std::string_view name, std::string_view value) {
    if (fields.find(name) == fields.end()) fields.set(name, value);
}

bool mustNotHaveBody(http::status status) {
    return http::to_status_class(status) == http::status_class::informational ||
           status == http::status::no_content || status == http::status::not_modified;
}

}  // namespace

http::response<http::string_body> toBeastResponse(HttpResponse&& response, unsigned version,
                                                  bool keepAlive, bool headRequest,
                                                  std::string_view serverName) {
    http::response<http::string_body> res{response.status, version};
    for (auto& [name, value] : response.headers) {
        if (!isSafeName(name) || !isSafeValue(value)) {
            fail(make_error_code(boost::system::errc::invalid_argument),
                 "dropping unsafe response header");
            continue;
        }
        // The server owns message framing.
        const auto field = http::string_to_field(name);
        if (field == http::field::content_length || field == http::field::transfer_encoding ||
            field == http::field::connection) {
            continue;
        }
        res.insert(name, value);
    }
    if (!response.contentType.empty() && isSafeValue(response.contentType)) {
        res.set(http::field::content_type, response.contentType);
    }
    setDefault(res, "Access-Control-Allow-Origin", "*");
    setDefault(res, "Access-Control-Expose-Headers", "Location, ETag, Link, Retry-After");
    if (!serverName.empty()) res.set(http::field::server, serverName);

    if (mustNotHaveBody(response.status)) {
        response.body.clear();
    }
    if (mustNotHaveBody(response.status)) response.file.reset();
    const auto length = response.file ? response.file->length() : response.body.size();
    if (!headRequest) res.body() = std::move(response.body);
    res.keep_alive(keepAlive);
    if (mustNotHaveBody(response.status)) {
        res.erase(http::field::content_length);
    } else {
        res.content_length(length);
    }
    return res;
}

}  // namespace vcb::signaling
