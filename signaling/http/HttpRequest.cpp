#include "signaling/http/HttpRequest.hpp"

#include "signaling/http/PercentDecoding.hpp"

namespace vcb::signaling {

std::string_view HttpRequest::header(std::string_view name) const {
    const auto it = headers.find(name);
    if (it == headers.end()) return {};
    return {it->value().data(), it->value().size()};
}

std::string_view HttpRequest::param(std::string_view name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view{it->second};
}

std::optional<std::string> HttpRequest::queryParameter(std::string_view name) const {
    std::string_view rest = query;
    // Each iteration consumes one '&'-separated pair, so the loop ends after at most
    // query.size() + 1 iterations.
    while (true) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        const auto key = percentDecode(pair.substr(0, eq), true);
        if (key && *key == name) {
            if (eq == std::string_view::npos) return std::string{};
            return percentDecode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(amp + 1);
    }
}

}  // namespace vcb::signaling
