#pragma once
// Why an SDP was refused: a stable machine-readable code (sent to clients as the "code" of an
// error / problem+json) plus a human-readable message for logs and "detail".
#include <string>
#include <string_view>

namespace vcb::signaling {

class SdpError {
  public:
    enum class Code {
        BadSdp,                  // "bad_sdp": malformed or contradictory
        TooLarge,                // "too_large": text, codec or attribute limits exceeded
        TooManyMedia,            // "too_many_media": more than SdpParser::kMaxMedia m-lines
        MissingIce,              // "missing_ice": no a=ice-ufrag / a=ice-pwd
        MissingFingerprint,      // "missing_fingerprint": no a=fingerprint
        UnsupportedFingerprint,  // "unsupported_fingerprint": no sha-256 fingerprint
        NoBundle,                // "no_bundle": used m-lines not all in one BUNDLE group
        NoRtcpMux,               // "no_rtcp_mux": a used m-line lacks a=rtcp-mux
        UnsupportedMedia,        // "unsupported_media": nothing usable
    };

    SdpError(Code code, std::string message) : code_(code), message_(std::move(message)) {}

    Code code() const { return code_; }
    // Stable snake_case code, e.g. "bad_sdp".
    std::string_view codeString() const { return toString(code_); }
    const std::string& message() const { return message_; }

    static std::string_view toString(Code code);

  private:
    Code code_;
    std::string message_;
};

}  // namespace vcb::signaling
