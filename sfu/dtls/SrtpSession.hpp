#pragma once
// One direction of SRTP/SRTCP protection (libsrtp2) for a peer connection. Not thread-safe: one
// media worker owns it. A session covers every SSRC of its direction (ssrc_any_*): libsrtp adds a
// stream per SSRC on its first packet and walks those streams on every packet, so the owner
// removes a stream when its SSRC goes away (removeStream).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sfu/dtls/SrtpProfile.hpp"

struct srtp_ctx_t_;

namespace vcb::dtls {

class SrtpSession {
  public:
    enum class Direction { Inbound, Outbound };

    enum class Status {
        Ok,
        AuthFailed,      // tag check failed: tampered, wrong key or not SRTP at all
        Replayed,        // index already seen inside the replay window
        ReplayTooOld,    // index older than the replay window
        BufferTooSmall,  // capacity cannot hold the SRTP trailer
        Malformed,       // too short / not an RTP or RTCP header
        WrongDirection,  // protect on an inbound session or vice versa
        Error,           // any other libsrtp failure
    };

    // Bytes protect adds at most, for sizing buffers.
    static constexpr size_t maxRtpOverhead(SrtpProfile profile) {
        return profile == SrtpProfile::AeadAes128Gcm ? 16 : 10;
    }
    // SRTCP also appends the 4-byte E flag + index.
    static constexpr size_t maxRtcpOverhead(SrtpProfile profile) {
        return maxRtpOverhead(profile) + 4;
    }

    // keyAndSalt is master key || master salt (SrtpKeys::local for Outbound, ::remote for
    // Inbound); len must match the profile. nullptr and *error set on failure.
    static std::unique_ptr<SrtpSession> create(SrtpProfile profile, Direction direction,
                                               const uint8_t* keyAndSalt, size_t len,
                                               std::string* error = nullptr);
    ~SrtpSession();
    SrtpSession(const SrtpSession&) = delete;
    SrtpSession& operator=(const SrtpSession&) = delete;

    // In place. len is updated; protect never writes beyond capacity (it fails instead).
    Status protectRtp(uint8_t* buf, size_t& len, size_t capacity);
    Status unprotectRtp(uint8_t* buf, size_t& len);
    Status protectRtcp(uint8_t* buf, size_t& len, size_t capacity);
    Status unprotectRtcp(uint8_t* buf, size_t& len);

    // Frees the state libsrtp keeps for ssrc (host byte order). False if there was none. Control
    // path only: a later packet with this SSRC starts a fresh stream (new replay window, ROC 0).
    bool removeStream(uint32_t ssrc);
    // Whether libsrtp holds a stream for ssrc (it exists once a packet with it was processed).
    bool hasStream(uint32_t ssrc) const;

    SrtpProfile profile() const { return profile_; }
    Direction direction() const { return direction_; }

    static std::string_view toString(Status status);

  private:
    SrtpSession(SrtpProfile profile, Direction direction, srtp_ctx_t_* session);

    SrtpProfile profile_;
    Direction direction_;
    srtp_ctx_t_* session_;
};

}  // namespace vcb::dtls
