#include "sfu/dtls/SrtpSession.hpp"

#include <arpa/inet.h>
#include <srtp2/srtp.h>

#include <climits>
#include <mutex>

namespace vcb::dtls {

namespace {

constexpr size_t kRtpFixedHeader = 12;
constexpr size_t kRtcpFixedHeader = 8;  // header + sender SSRC
constexpr size_t kSrtcpIndexLength = 4;
// RFC 3711 §3.3.2 / §4.3.3: the receiver keeps a window of recent indices; 1024 tolerates the
// reordering seen on real networks and the SFU's own retransmissions.
constexpr unsigned long kReplayWindow = 1024;

srtp_err_status_t initLibsrtpOnce() {
    static std::once_flag once;
    static srtp_err_status_t status = srtp_err_status_ok;
    std::call_once(once, [] {
        status = srtp_init();
        // Another library in this process (GStreamer's srtp elements) may have initialised
        // libsrtp first: srtp_init then finds its debug module loaded and says bad_param, but
        // the crypto kernel is up and self-tested.
        if (status == srtp_err_status_bad_param) status = srtp_err_status_ok;
    });
    return status;
}

// The RTP header, CSRCs and the header extension (RFC 3550 §5.1, §5.3.1) must fit in len.
bool isRtpHeader(const uint8_t* buf, size_t len) {
    if (len < kRtpFixedHeader || (buf[0] >> 6) != 2) return false;
    size_t headerLen = kRtpFixedHeader + 4 * static_cast<size_t>(buf[0] & 0x0f);
    if ((buf[0] & 0x10) != 0) {
        if (len < headerLen + 4) return false;
        const size_t words = (static_cast<size_t>(buf[headerLen + 2]) << 8) | buf[headerLen + 3];
        headerLen += 4 + 4 * words;
    }
    return headerLen <= len;
}

bool isRtcpHeader(const uint8_t* buf, size_t len) {
    return len >= kRtcpFixedHeader && (buf[0] >> 6) == 2;
}

SrtpSession::Status mapStatus(srtp_err_status_t status) {
    switch (status) {
        case srtp_err_status_ok:
            return SrtpSession::Status::Ok;
        case srtp_err_status_auth_fail:
            return SrtpSession::Status::AuthFailed;
        case srtp_err_status_replay_fail:
            return SrtpSession::Status::Replayed;
        case srtp_err_status_replay_old:
            return SrtpSession::Status::ReplayTooOld;
        case srtp_err_status_bad_param:
        case srtp_err_status_parse_err:
            return SrtpSession::Status::Malformed;
        default:
            return SrtpSession::Status::Error;
    }
}

}  // namespace

SrtpSession::SrtpSession(SrtpProfile profile, Direction direction, srtp_ctx_t_* session)
    : profile_(profile), direction_(direction), session_(session) {}

SrtpSession::~SrtpSession() { srtp_dealloc(session_); }

std::unique_ptr<SrtpSession> SrtpSession::create(SrtpProfile profile, Direction direction,
                                                 const uint8_t* keyAndSalt, size_t len,
                                                 std::string* error) {
    auto setError = [error](const char* what) {
        if (error != nullptr) *error = what;
    };
    if (initLibsrtpOnce() != srtp_err_status_ok) {
        setError("srtp_init failed");
        return nullptr;
    }
    if (keyAndSalt == nullptr ||
        len != srtpMasterKeyLength(profile) + srtpMasterSaltLength(profile)) {
        setError("SRTP key and salt length does not match the profile");
        return nullptr;
    }

    srtp_policy_t policy{};
    if (profile == SrtpProfile::AeadAes128Gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.ssrc.value = 0;
    // libsrtp copies the key into its own state during srtp_create.
    policy.key = const_cast<uint8_t*>(keyAndSalt);
    policy.window_size = kReplayWindow;
    // NACK-driven retransmissions reuse the original sequence number, hence the IV: without this
    // libsrtp refuses them (replay_fail). libsrtp does not compare what it seals again, so the
    // caller must repeat the exact bytes (sfu::Consumer does): AES-GCM authenticates the header
    // too, and two tags under one IV over different headers alone give away the GHASH key.
    // Indices behind the window (kReplayWindow) are refused even so (replay_old).
    policy.allow_repeat_tx = 1;
    policy.next = nullptr;

    srtp_t session = nullptr;
    if (srtp_create(&session, &policy) != srtp_err_status_ok || session == nullptr) {
        setError("srtp_create failed");
        return nullptr;
    }
    return std::unique_ptr<SrtpSession>(new SrtpSession(profile, direction, session));
}

SrtpSession::Status SrtpSession::protectRtp(uint8_t* buf, size_t& len, size_t capacity) {
    if (direction_ != Direction::Outbound) return Status::WrongDirection;
    if (buf == nullptr || !isRtpHeader(buf, len)) return Status::Malformed;
    // libsrtp writes the trailer without knowing the buffer size.
    if (capacity < len || capacity - len < maxRtpOverhead(profile_)) return Status::BufferTooSmall;
    if (len + maxRtpOverhead(profile_) > static_cast<size_t>(INT_MAX)) return Status::Malformed;
    int n = static_cast<int>(len);
    const Status status = mapStatus(srtp_protect(session_, buf, &n));
    if (status == Status::Ok) len = static_cast<size_t>(n);
    return status;
}

SrtpSession::Status SrtpSession::unprotectRtp(uint8_t* buf, size_t& len) {
    if (direction_ != Direction::Inbound) return Status::WrongDirection;
    if (buf == nullptr || len > static_cast<size_t>(INT_MAX) || !isRtpHeader(buf, len)) {
        return Status::Malformed;
    }
    int n = static_cast<int>(len);
    const Status status = mapStatus(srtp_unprotect(session_, buf, &n));
    if (status == Status::Ok) len = static_cast<size_t>(n);
    return status;
}

SrtpSession::Status SrtpSession::protectRtcp(uint8_t* buf, size_t& len, size_t capacity) {
    if (direction_ != Direction::Outbound) return Status::WrongDirection;
    if (buf == nullptr || !isRtcpHeader(buf, len)) return Status::Malformed;
    if (capacity < len || capacity - len < maxRtcpOverhead(profile_)) {
        return Status::BufferTooSmall;
    }
    if (len + maxRtcpOverhead(profile_) > static_cast<size_t>(INT_MAX)) return Status::Malformed;
    int n = static_cast<int>(len);
    const Status status = mapStatus(srtp_protect_rtcp(session_, buf, &n));
    if (status == Status::Ok) len = static_cast<size_t>(n);
    return status;
}

SrtpSession::Status SrtpSession::unprotectRtcp(uint8_t* buf, size_t& len) {
    if (direction_ != Direction::Inbound) return Status::WrongDirection;
    if (buf == nullptr || len > static_cast<size_t>(INT_MAX) || !isRtcpHeader(buf, len) ||
        len < kRtcpFixedHeader + kSrtcpIndexLength + maxRtpOverhead(profile_)) {
        return Status::Malformed;
    }
    int n = static_cast<int>(len);
    const Status status = mapStatus(srtp_unprotect_rtcp(session_, buf, &n));
    if (status == Status::Ok) len = static_cast<size_t>(n);
    return status;
}

bool SrtpSession::removeStream(uint32_t ssrc) {
    // srtp_remove_stream compares against the SSRC as it appears on the wire.
    return srtp_remove_stream(session_, htonl(ssrc)) == srtp_err_status_ok;
}

bool SrtpSession::hasStream(uint32_t ssrc) const {
    uint32_t roc = 0;
    // srtp_get_stream_roc takes the SSRC in host byte order and fails when there is no stream.
    return srtp_get_stream_roc(session_, ssrc, &roc) == srtp_err_status_ok;
}

std::string_view SrtpSession::toString(Status status) {
    switch (status) {
        case Status::Ok:
            return "ok";
        case Status::AuthFailed:
            return "authentication failed";
        case Status::Replayed:
            return "replayed packet";
        case Status::ReplayTooOld:
            return "packet older than replay window";
        case Status::BufferTooSmall:
            return "buffer too small";
        case Status::Malformed:
            return "malformed packet";
        case Status::WrongDirection:
            return "wrong direction";
        case Status::Error:
            return "SRTP error";
    }
    return "unknown";
}

}  // namespace vcb::dtls
