#pragma once
#include <cstddef>
#include <cstdint>

namespace vcb::sfu {

// Where producers and consumers send their packets: the transport in the server, a recorder in
// unit tests. buf is plaintext and may be encrypted in place up to capacity.
class PacketSink {
  public:
    virtual ~PacketSink() = default;
    virtual bool sendRtp(uint8_t* buf, size_t len, size_t capacity) = 0;
    virtual bool sendRtcp(uint8_t* buf, size_t len, size_t capacity) = 0;
    // Transport-wide sequence number for the next packet on this connection
    // (draft-holmer-rmcat-transport-wide-cc-extensions).
    virtual uint16_t nextTransportSequence() = 0;
    // Our SSRC for RTCP feedback we originate.
    virtual uint32_t rtcpSsrc() const = 0;
    // False until the peer can decrypt what we send (DTLS done): packets sent before are lost.
    virtual bool connected() const { return true; }
};

}  // namespace vcb::sfu
