#pragma once
#include <optional>
#include <string_view>

namespace vcb::auth {

// The JWS algorithms vcbridge accepts (RFC 7518 §3.1). "none" is deliberately absent.
enum class JwtAlgorithm { HS256, ES256, RS256 };

constexpr std::string_view jwtAlgorithmName(JwtAlgorithm a) {
    switch (a) {
        case JwtAlgorithm::HS256:
            return "HS256";
        case JwtAlgorithm::ES256:
            return "ES256";
        case JwtAlgorithm::RS256:
            return "RS256";
    }
    return "HS256";
}

// Exact, case-sensitive match as RFC 7515 requires.
constexpr std::optional<JwtAlgorithm> parseJwtAlgorithm(std::string_view name) {
    for (auto a : {JwtAlgorithm::HS256, JwtAlgorithm::ES256, JwtAlgorithm::RS256}) {
        if (jwtAlgorithmName(a) == name) return a;
    }
    return std::nullopt;
}

}  // namespace vcb::auth
