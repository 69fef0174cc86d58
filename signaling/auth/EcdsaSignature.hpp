#pragma once
// JWS ES256 signatures are R||S, 32 bytes each (RFC 7518 §3.4); OpenSSL speaks DER
// (ECDSA-Sig-Value). Conversions both ways.
#include <optional>
#include <string>
#include <string_view>

namespace vcb::auth {

inline constexpr size_t kEs256SignatureBytes = 64;

// nullopt unless `raw` is exactly 64 bytes.
std::optional<std::string> es256RawToDer(std::string_view raw);
// nullopt if `der` is not a signature whose R and S fit 32 bytes.
std::optional<std::string> es256DerToRaw(std::string_view der);

}  // namespace vcb::auth
