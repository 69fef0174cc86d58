#include "signaling/auth/JwtToken.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include "signaling/auth/Base64Url.hpp"

namespace vcb::auth {

Expected<JwtToken, JwtError> JwtToken::parse(std::string_view token) {
    if (token.size() > kMaxBytes) return JwtError::TooLarge;
    const size_t dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return JwtError::Malformed;
    const size_t dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return JwtError::Malformed;  // JWE (five parts) and stray dots alike
    const std::string_view headerPart = token.substr(0, dot1);
    const std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signaturePart = token.substr(dot2 + 1);
    // An empty signature is what "alg":"none" tokens carry; no supported algorithm produces one.
    if (headerPart.empty() || payloadPart.empty() || signaturePart.empty())
        return JwtError::Malformed;

    auto headerText = base64UrlDecode(headerPart);
    auto payload = base64UrlDecode(payloadPart);
    auto signature = base64UrlDecode(signaturePart);
    if (!headerText || !payload || !signature) return JwtError::Malformed;

    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 8;
    boost::json::value header = boost::json::parse(*headerText, ec, {}, options);
    if (ec || !header.is_object()) return JwtError::Malformed;

    JwtToken t;
    t.header_ = std::move(header.as_object());
    const auto* alg = t.header_.if_contains("alg");
    if (alg == nullptr || !alg->is_string()) return JwtError::Malformed;
    t.algorithm_ = std::string(alg->as_string());
    // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; vcbridge knows none.
    if (t.header_.contains("crit")) return JwtError::Malformed;
    if (const auto* typ = t.header_.if_contains("typ"); typ != nullptr && !typ->is_string())
        return JwtError::Malformed;
    t.payload_ = std::move(*payload);
    t.signature_ = std::move(*signature);
    t.signingInput_ = token.substr(0, dot2);
    return t;
}

}  // namespace vcb::auth
