#pragma once
// The compact serialization of a JWS (RFC 7515 §7.1): BASE64URL(header).BASE64URL(payload).
// BASE64URL(signature). Parsing checks the structure and the header only; the payload is decoded
// but interpreted (JwtClaims) only after its signature has been verified.
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/Expected.hpp"
#include "signaling/auth/JwtError.hpp"

namespace vcb::auth {

class JwtToken {
  public:
    static constexpr size_t kMaxBytes = 8 * 1024;

    // `token` must outlive the result: signingInput() points into it.
    static Expected<JwtToken, JwtError> parse(std::string_view token);

    // The "alg" header parameter, as written.
    const std::string& algorithm() const { return algorithm_; }
    const boost::json::object& header() const { return header_; }
    // The decoded payload bytes (JSON text, not yet trusted).
    const std::string& payload() const { return payload_; }
    const std::string& signature() const { return signature_; }
    // "header.payload" as received: the bytes the signature covers.
    std::string_view signingInput() const { return signingInput_; }

  private:
    JwtToken() = default;

    std::string algorithm_;
    boost::json::object header_;
    std::string payload_;
    std::string signature_;
    std::string_view signingInput_;
};

}  // namespace vcb::auth
