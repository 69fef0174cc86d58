#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace vcb::sfu {

// Process-wide counters of the media plane, exported by /metrics. Relaxed atomics: each increment
// is a single uncontended instruction on the packet path; readers only need eventual values.
struct Metrics {
    std::atomic<uint64_t> rtpReceived{0};
    std::atomic<uint64_t> rtpForwarded{0};
    std::atomic<uint64_t> rtpWithheld{0};  // gate of the producer closed (floor control)
    std::atomic<uint64_t> rtpRetransmitted{0};
    std::atomic<uint64_t> rtpRetransmittedBytes{0};  // plaintext RTP bytes resent on NACK
    std::atomic<uint64_t> rtpRetransmittedRtx{0};    // of rtpRetransmitted: sent as RTX (RFC 4588)
    std::atomic<uint64_t> rtcpReceived{0};
    std::atomic<uint64_t> rtcpSent{0};
    std::atomic<uint64_t> bytesReceived{0};
    std::atomic<uint64_t> bytesSent{0};
    std::atomic<uint64_t> droppedMalformed{0};        // failed RTP/RTCP parsing
    std::atomic<uint64_t> droppedSrtpAuth{0};         // SRTP/SRTCP authentication failure
    std::atomic<uint64_t> droppedSrtpReplay{0};       // SRTP replay
    std::atomic<uint64_t> droppedUnknownSsrc{0};      // RTP with no producer
    std::atomic<uint64_t> droppedBeforeConnect{0};    // media before DTLS completed
    std::atomic<uint64_t> droppedUnknownType{0};      // not STUN/DTLS/RTP/RTCP (RFC 7983)
    std::atomic<uint64_t> droppedUnvalidated{0};      // from an address no ICE check validated
    std::atomic<uint64_t> droppedPlainForeign{0};  // at a PlainTransport, not from its peer
    std::atomic<uint64_t> droppedStun{0};             // STUN not answered (unknown ufrag, bad MAC)
    std::atomic<uint64_t> droppedStunFingerprint{0};  // STUN request without a valid FINGERPRINT
    std::atomic<uint64_t> iceAddressSwitches{0};      // media moved to a client's new address
    std::atomic<uint64_t> iceAddressConflicts{
        0};                                 // check refused: address held by a live transport
    std::atomic<uint64_t> iceRestarts{0};   // ICE restarts (new local credentials)
    std::atomic<uint64_t> iceConnected{0};  // transports whose first nominated check succeeded
    std::atomic<uint64_t> sendFailures{0};
    std::atomic<uint64_t> sendSyscalls{0};  // sendto/sendmmsg calls (packets per call)
    std::atomic<uint64_t> nacksReceived{0};
    std::atomic<uint64_t> nacksUnanswered{0};  // packet no longer in the buffer
    // NACKed sequence numbers refused to bound the cost of retransmission (Consumer):
    std::atomic<uint64_t> nacksRefusedDuplicate{0};  // listed twice in one NACK
    std::atomic<uint64_t> nacksRefusedRecent{0};     // resent less than a resend interval ago
    std::atomic<uint64_t> nacksRefusedBudget{0};     // retransmission budget exhausted
    std::atomic<uint64_t> nacksRefusedCap{0};        // beyond the per-NACK cap
    // NACKs on a stream whose subscriber did not negotiate nack (webrtcbin NACKs Opus anyway):
    std::atomic<uint64_t> nacksRefusedNotNegotiated{0};
    std::atomic<uint64_t> rtpRepeatsDropped{0};     // outgoing seq already used: not sealed twice
    std::atomic<uint64_t> keyFrameRequestsSent{0};  // PLI/FIR sent to publishers
    std::atomic<uint64_t> nacksSent{0};             // sequence numbers NACKed to publishers
    std::atomic<uint64_t> packetsRepaired{0};       // NACKed packets that then arrived
    std::atomic<uint64_t> packetsGivenUp{0};        // lost packets no longer NACKed
    std::atomic<uint64_t> dtlsFailures{0};
    std::atomic<uint64_t> dtlsFingerprintMismatches{0};  // peer certificate not the signaled one
    std::atomic<uint64_t> dtlsConnected{0};
    std::atomic<uint64_t> dtlsEarlyKept{0};       // DTLS before the answer, handled at connect
    std::atomic<uint64_t> dtlsEarlyDropped{0};    // DTLS before the answer beyond the small queue
    std::atomic<uint64_t> srtpStreamsRemoved{0};  // per-SSRC SRTP state freed with its stream
    std::atomic<uint64_t> transportsTimedOut{0};  // both reasons below
    std::atomic<uint64_t> transportsConnectTimeouts{0};  // never connected within the limit
    std::atomic<uint64_t> transportsConsentExpired{0};   // connected, then silent (RFC 7675)
    std::atomic<int64_t> transportsOpen{0};
    std::atomic<int64_t> producersOpen{0};
    std::atomic<int64_t> consumersOpen{0};

    static Metrics& instance();
    // Prometheus text exposition format.
    std::string toPrometheus() const;
};

inline void count(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace vcb::sfu
