#include "signaling/auth/JwtClaims.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>

#include "rooms/policy/UnitsFile.hpp"

namespace vcb::auth {
namespace {

namespace json = boost::json;

// Dates far outside any real token are clamped so that the verifier's arithmetic cannot
// overflow; they still compare correctly against any realistic "now".
constexpr int64_t kMaxDate = int64_t{1} << 53;

std::optional<int64_t> numericDate(const json::value& v) {
    if (v.is_int64()) return std::clamp<int64_t>(v.as_int64(), -kMaxDate, kMaxDate);
    if (v.is_uint64()) return kMaxDate;  // only values above INT64_MAX are stored as uint64
    if (v.is_double()) {
        double d = v.as_double();
        if (std::isnan(d)) return std::nullopt;
        d = std::floor(
            std::clamp(d, -static_cast<double>(kMaxDate), static_cast<double>(kMaxDate)));
        return static_cast<int64_t>(d);
    }
    return std::nullopt;
}

// Result of reading an optional claim: absent, present and well-typed, or of the wrong type.
enum class Found { No, Yes, BadType };

Found readDate(const json::object& o, std::string_view key, std::optional<int64_t>& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return Found::No;
    out = numericDate(*v);
    return out ? Found::Yes : Found::BadType;
}

Found readString(const json::object& o, std::string_view key, std::string& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return Found::No;
    if (!v->is_string()) return Found::BadType;
    out = std::string(v->as_string());
    return Found::Yes;
}

// The same rule as client-chosen display names: 1-64 bytes, no control characters. (The JSON
// parser has already refused invalid UTF-8.)
bool isAcceptableName(std::string_view name) {
    if (name.empty() || name.size() > JwtClaims::kMaxNameBytes) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const auto u = static_cast<unsigned char>(name[i]);
        if (u < 0x20 || u == 0x7F) return false;
        if (u == 0xC2 && i + 1 < name.size()) {  // C1 controls U+0080..U+009F
            const auto next = static_cast<unsigned char>(name[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return false;
        }
    }
    return true;
}

}  // namespace

Expected<JwtClaims, JwtError> JwtClaims::fromJson(std::string_view payload) {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    json::value root = json::parse(payload, ec, {}, options);
    if (ec || !root.is_object()) return JwtError::Malformed;
    const json::object& o = root.as_object();

    JwtClaims c;
    std::optional<int64_t> exp;
    switch (readDate(o, "exp", exp)) {
        case Found::No:
            return JwtError::MissingClaim;
        case Found::BadType:
            return JwtError::BadClaim;
        case Found::Yes:
            c.expiresAt = *exp;
            break;
    }
    if (readDate(o, "nbf", c.notBefore) == Found::BadType) return JwtError::BadClaim;
    if (readDate(o, "iat", c.issuedAt) == Found::BadType) return JwtError::BadClaim;
    if (readString(o, "iss", c.issuer) == Found::BadType) return JwtError::BadClaim;
    if (readString(o, "sub", c.subject) == Found::BadType) return JwtError::BadClaim;
    if (const auto* aud = o.if_contains("aud")) {
        if (aud->is_string()) {
            c.audience.emplace_back(aud->as_string());
        } else if (aud->is_array()) {
            for (const auto& a : aud->as_array()) {
                if (!a.is_string()) return JwtError::BadClaim;
                c.audience.emplace_back(a.as_string());
            }
        } else {
            return JwtError::BadClaim;
        }
    }
    if (const auto* admin = o.if_contains("admin")) {
        if (!admin->is_bool()) return JwtError::BadClaim;
        c.admin = admin->as_bool();
    }
    switch (readString(o, "meeting", c.meeting)) {
        case Found::No:
            // An administrator's token may name no meeting: it then admits to none.
            if (!c.admin) return JwtError::MissingClaim;
            break;
        case Found::BadType:
            return JwtError::BadClaim;
        case Found::Yes:
            if (c.meeting.empty()) return JwtError::BadClaim;
            break;
    }
    switch (readString(o, "name", c.displayName)) {
        case Found::No:
            break;
        case Found::BadType:
            return JwtError::BadClaim;
        case Found::Yes:
            if (!isAcceptableName(c.displayName)) return JwtError::BadClaim;
            break;
    }
    std::string role;
    switch (readString(o, "role", role)) {
        case Found::No:
            break;
        case Found::BadType:
            return JwtError::BadClaim;
        case Found::Yes: {
            auto r = parseParticipantRole(role);
            if (!r) return JwtError::BadClaim;
            c.role = *r;
            break;
        }
    }
    switch (readString(o, "unit", c.unit)) {
        case Found::No:
            break;
        case Found::BadType:
            return JwtError::BadClaim;
        case Found::Yes:
            if (!rooms::isValidUnitId(c.unit)) return JwtError::BadClaim;
            break;
    }
    return c;
}

}  // namespace vcb::auth
