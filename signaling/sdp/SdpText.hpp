#pragma once
// Small string helpers for attribute values that GstSDP hands over as plain text (it splits
// lines and "key:value", but not the values themselves).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vcb::signaling::sdptext {

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);

// Splits on runs of spaces/tabs; at most maxParts parts, the last one keeps the remainder
// (trimmed). Empty input gives no parts.
std::vector<std::string_view> splitWords(std::string_view s, size_t maxParts = 64);

// Strict decimal: digits only, no sign, no overflow, value <= max.
std::optional<uint64_t> parseUint(std::string_view s, uint64_t max);

// Value of key in "k1=v1;k2=v2" (keys case-insensitive, whitespace trimmed). A key without '='
// yields an empty value.
std::optional<std::string_view> fmtpParam(std::string_view fmtp, std::string_view key);

// RFC 4566 token characters, 1..maxLen long.
bool isToken(std::string_view s, size_t maxLen);

}  // namespace vcb::signaling::sdptext
