#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::gstclient {

// http://host[:port]/path or ws://host[:port]/path (no TLS: the test clients talk to a local
// server).
struct Url {
    std::string scheme;  // "http" or "ws"
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";  // path and query

    static std::optional<Url> parse(std::string_view text);
    // Resolves a Location header: absolute URL or absolute path on the same origin.
    std::optional<Url> resolve(std::string_view location) const;
    std::string hostHeader() const;
    std::string toString() const;
};

}  // namespace vcb::gstclient
