#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::gstclient {

// http[s]://host[:port]/path or ws[s]://host[:port]/path (default port 80, or 443 with TLS).
struct Url {
    std::string scheme;  // "http", "https", "ws" or "wss"
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";  // path and query

    static std::optional<Url> parse(std::string_view text);
    // Resolves a Location header: absolute URL or absolute path on the same origin.
    std::optional<Url> resolve(std::string_view location) const;
    std::string hostHeader() const;
    bool tls() const { return scheme == "https" || scheme == "wss"; }
    std::string toString() const;
};

}  // namespace vcb::gstclient
