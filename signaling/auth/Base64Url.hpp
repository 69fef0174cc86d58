#pragma once
// base64url without padding (RFC 4648 §5, as used by JWS, RFC 7515 §2).
#include <optional>
#include <string>
#include <string_view>

namespace vcb::auth {

std::string base64UrlEncode(std::string_view bytes);
// Strict: only A-Z a-z 0-9 - _, no padding, no whitespace, and the unused low bits of the last
// character must be zero, so every byte string has exactly one accepted encoding.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace vcb::auth
