#include "signaling/sdp/SdpText.hpp"

#include <cstring>

namespace vcb::signaling::sdptext {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string_view trim(std::string_view s) {
    while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string toLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

std::string toUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = upper(c);
    return out;
}

std::vector<std::string_view> splitWords(std::string_view s, size_t maxParts) {
    std::vector<std::string_view> parts;
    s = trim(s);
    while (!s.empty() && maxParts > 0) {
        if (parts.size() + 1 == maxParts) {
            parts.push_back(trim(s));
            break;
        }
        size_t end = 0;
        while (end < s.size() && !isBlank(s[end])) ++end;
        parts.push_back(s.substr(0, end));
        s = trim(s.substr(end));
    }
    return parts;
}

std::optional<uint64_t> parseUint(std::string_view s, uint64_t max) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    if (value > max) return std::nullopt;
    return value;
}

std::optional<std::string_view> fmtpParam(std::string_view fmtp, std::string_view key) {
    // Bounded by the string length: each iteration consumes at least one character.
    while (!fmtp.empty()) {
        const size_t semi = fmtp.find(';');
        std::string_view pair = fmtp.substr(0, semi);
        fmtp = semi == std::string_view::npos ? std::string_view{} : fmtp.substr(semi + 1);
        const size_t eq = pair.find('=');
        const std::string_view k = trim(pair.substr(0, eq));
        if (iequals(k, key)) {
            return eq == std::string_view::npos ? std::string_view{} : trim(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

bool isToken(std::string_view s, size_t maxLen) {
    if (s.empty() || s.size() > maxLen) return false;
    for (char c : s) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c == '\0') return false;
        if (!alnum && std::strchr("!#$%&'*+-.^_`{|}~", c) == nullptr) return false;
    }
    return true;
}

}  // namespace vcb::signaling::sdptext
