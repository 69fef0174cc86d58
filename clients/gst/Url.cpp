#include "clients/gst/Url.hpp"

#include <charconv>

namespace vcb::gstclient {

std::optional<Url> Url::parse(std::string_view text) {
    Url url;
    const std::size_t schemeEnd = text.find("://");
    if (schemeEnd == std::string_view::npos) return std::nullopt;
    url.scheme = std::string(text.substr(0, schemeEnd));
    if (url.scheme != "http" && url.scheme != "ws" && !url.tls()) return std::nullopt;
    if (url.tls()) url.port = 443;
    std::string_view rest = text.substr(schemeEnd + 3);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (authority.empty()) return std::nullopt;
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
        std::string_view portText = authority.substr(colon + 1);
        unsigned value = 0;
        auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
        if (ec != std::errc() || ptr != portText.data() + portText.size() || value == 0 ||
            value > 65535) {
            return std::nullopt;
        }
        url.port = static_cast<std::uint16_t>(value);
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) return std::nullopt;
    url.host = std::string(authority);
    return url;
}

std::optional<Url> Url::resolve(std::string_view location) const {
    if (location.find("://") != std::string_view::npos) return parse(location);
    if (!location.starts_with("/")) return std::nullopt;
    Url out = *this;
    out.target = std::string(location);
    return out;
}

std::string Url::hostHeader() const { return host + ":" + std::to_string(port); }

std::string Url::toString() const { return scheme + "://" + hostHeader() + target; }

}  // namespace vcb::gstclient
