#include "sfu/core/Metrics.hpp"

#include <utility>

namespace vcb::sfu {

Metrics& Metrics::instance() {
    static Metrics metrics;
    return metrics;
}

namespace {
template <typename T>
void line(std::string& out, const char* name, const char* type, const char* help,
          const std::atomic<T>& v) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += ' ';
    out += std::to_string(v.load(std::memory_order_relaxed));
    out += '\n';
}
}  // namespace

std::string Metrics::toPrometheus() const {
    std::string out;
    out.reserve(4096);
    line(out, "vcb_rtp_packets_received_total", "counter", "RTP packets received from publishers",
         rtpReceived);
    line(out, "vcb_rtp_packets_forwarded_total", "counter", "RTP packets sent to subscribers",
         rtpForwarded);
    line(out, "vcb_rtp_packets_withheld_total", "counter",
         "RTP packets not forwarded because the producer's gate was closed (meeting policy)",
         rtpWithheld);
    line(out, "vcb_rtp_packets_retransmitted_total", "counter", "RTP packets resent on NACK",
         rtpRetransmitted);
    line(out, "vcb_rtp_packets_retransmitted_rtx_total", "counter",
         "RTP packets resent on NACK as RTX (RFC 4588), included in "
         "vcb_rtp_packets_retransmitted_total",
         rtpRetransmittedRtx);
    line(out, "vcb_rtp_bytes_retransmitted_total", "counter",
         "RTP bytes (before SRTP) resent on NACK", rtpRetransmittedBytes);
    line(out, "vcb_rtcp_packets_received_total", "counter", "RTCP compound packets received",
         rtcpReceived);
    line(out, "vcb_rtcp_packets_sent_total", "counter", "RTCP compound packets sent", rtcpSent);
    line(out, "vcb_media_bytes_received_total", "counter", "UDP payload bytes received",
         bytesReceived);
    line(out, "vcb_media_bytes_sent_total", "counter", "UDP payload bytes sent", bytesSent);
    line(out, "vcb_dropped_malformed_total", "counter", "Packets dropped as malformed",
         droppedMalformed);
    line(out, "vcb_dropped_srtp_auth_total", "counter", "Packets failing SRTP authentication",
         droppedSrtpAuth);
    line(out, "vcb_dropped_srtp_replay_total", "counter", "Packets rejected as SRTP replays",
         droppedSrtpReplay);
    line(out, "vcb_dropped_unknown_ssrc_total", "counter", "RTP packets with no matching producer",
         droppedUnknownSsrc);
    line(out, "vcb_dropped_before_connect_total", "counter", "Media packets before DTLS completed",
         droppedBeforeConnect);
    line(out, "vcb_dropped_unknown_type_total", "counter", "Datagrams of no known protocol",
         droppedUnknownType);
    line(out, "vcb_dropped_unvalidated_total", "counter",
         "Datagrams from an address no ICE check validated", droppedUnvalidated);
    line(out, "vcb_dropped_plain_foreign_total", "counter",
         "Datagrams at a loopback plain RTP transport not from its peer", droppedPlainForeign);
    line(out, "vcb_dropped_stun_total", "counter",
         "STUN not answered (not a binding request, unknown ufrag, bad integrity)", droppedStun);
    line(out, "vcb_dropped_stun_fingerprint_total", "counter",
         "STUN requests without a valid FINGERPRINT", droppedStunFingerprint);
    line(out, "vcb_ice_address_switches_total", "counter",
         "Media moved to a client's new address (nomination or rebinding)", iceAddressSwitches);
    line(out, "vcb_ice_address_conflicts_total", "counter",
         "Checks refused because another live transport holds the address", iceAddressConflicts);
    line(out, "vcb_ice_restarts_total", "counter", "ICE restarts (new local credentials)",
         iceRestarts);
    line(out, "vcb_ice_connected_total", "counter",
         "Transports whose peer completed a nominated ICE connectivity check", iceConnected);
    line(out, "vcb_send_failures_total", "counter", "Datagrams the socket refused", sendFailures);
    line(out, "vcb_send_syscalls_total", "counter", "sendto/sendmmsg calls on media sockets",
         sendSyscalls);
    line(out, "vcb_nacks_received_total", "counter", "Sequence numbers NACKed by subscribers",
         nacksReceived);
    line(out, "vcb_nacks_unanswered_total", "counter", "NACKed packets no longer buffered",
         nacksUnanswered);
    out +=
        "# HELP vcb_nacks_refused_total NACKed packets not resent: to bound retransmission cost, "
        "or nack not negotiated for the stream\n"
        "# TYPE vcb_nacks_refused_total counter\n";
    const std::pair<const char*, const std::atomic<uint64_t>*> refused[] = {
        {"duplicate", &nacksRefusedDuplicate},
        {"recent", &nacksRefusedRecent},
        {"budget", &nacksRefusedBudget},
        {"cap", &nacksRefusedCap},
        {"not_negotiated", &nacksRefusedNotNegotiated}};
    for (const auto& [reason, counter] : refused) {
        out += "vcb_nacks_refused_total{reason=\"";
        out += reason;
        out += "\"} ";
        out += std::to_string(counter->load(std::memory_order_relaxed));
        out += '\n';
    }
    line(out, "vcb_rtp_repeats_dropped_total", "counter",
         "Packets not forwarded because their outgoing sequence number was already used",
         rtpRepeatsDropped);
    line(out, "vcb_keyframe_requests_sent_total", "counter", "PLI/FIR sent to publishers",
         keyFrameRequestsSent);
    line(out, "vcb_nacks_sent_total", "counter",
         "Sequence numbers NACKed to publishers (retries included)", nacksSent);
    line(out, "vcb_packets_repaired_total", "counter",
         "Packets lost on a publisher's uplink that arrived after a NACK", packetsRepaired);
    line(out, "vcb_packets_given_up_total", "counter",
         "Packets lost on a publisher's uplink no longer NACKed (too old, too many tries)",
         packetsGivenUp);
    line(out, "vcb_dtls_failures_total", "counter", "DTLS handshakes failed or refused",
         dtlsFailures);
    line(out, "vcb_dtls_fingerprint_mismatches_total", "counter",
         "DTLS handshakes refused: the peer certificate is not the one signaled",
         dtlsFingerprintMismatches);
    line(out, "vcb_dtls_connected_total", "counter", "DTLS handshakes completed", dtlsConnected);
    line(out, "vcb_dtls_early_kept_total", "counter",
         "DTLS datagrams received before the remote parameters, handled once they arrived",
         dtlsEarlyKept);
    line(out, "vcb_dtls_early_dropped_total", "counter",
         "DTLS datagrams received before the remote parameters that did not fit the queue",
         dtlsEarlyDropped);
    line(out, "vcb_srtp_streams_removed_total", "counter",
         "Per-SSRC SRTP streams freed when their producer or consumer closed", srtpStreamsRemoved);
    line(out, "vcb_transports_timed_out_total", "counter", "Transports closed for silence",
         transportsTimedOut);
    line(out, "vcb_transports_connect_timeouts_total", "counter",
         "Transports closed because ICE+DTLS did not complete in time", transportsConnectTimeouts);
    line(out, "vcb_transports_consent_expired_total", "counter",
         "Connected transports closed when consent expired (no authenticated packet for 30 s)",
         transportsConsentExpired);
    line(out, "vcb_transports_open", "gauge", "WebRTC transports open", transportsOpen);
    line(out, "vcb_producers_open", "gauge", "Incoming media streams", producersOpen);
    line(out, "vcb_consumers_open", "gauge", "Outgoing media streams", consumersOpen);
    return out;
}

}  // namespace vcb::sfu
