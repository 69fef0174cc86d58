#pragma once
#include <glib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "sfu/core/PacketSink.hpp"
#include "sfu/core/SocketAddress.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu {

// An unencrypted RTP/RTCP transport on a UDP socket of its own, bound to 127.0.0.1 on a port the
// kernel picks, exchanging packets with one fixed peer on 127.0.0.1 (mediasoup's PlainTransport,
// loopback only): how the media plane hands streams to a local process or thread that speaks
// plain RTP (the programme mixer) and takes its output back. RTP and RTCP share the socket
// (rtcp-mux, RFC 7983 demux by the first bytes). Datagrams from any address other than the peer
// are dropped and counted (vcb_dropped_plain_foreign_total); what does not parse is dropped as
// malformed. Consumers on it send plain RTP, producers on it receive it, through the same Router
// code as a WebRtcTransport. Worker thread only; no lock and no allocation per packet.
class PlainTransport final : public PacketSink {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        // The packet lives in the transport's receive buffer and may be modified in place.
        virtual void onPlainRtp(PlainTransport& transport, rtp::RtpPacket& packet,
                                int64_t nowUs) = 0;
        virtual void onPlainRtcp(PlainTransport& transport, const uint8_t* data, size_t len,
                                 int64_t nowUs) = 0;
    };

    struct Options {
        uint16_t remotePort = 0;  // the peer, on 127.0.0.1; 0 = set later with setRemotePort()
        bool rtcp = true;         // false: RTCP is neither sent nor handed up (a peer without it)
        // Non-zero: RTCP is sent to this port of 127.0.0.1 instead of remotePort (a peer without
        // rtcp-mux, such as vcb-recorder); what comes back is still read on the one socket.
        uint16_t remoteRtcpPort = 0;
    };

    // Binds 127.0.0.1:0 and starts reading on context. Null (error set) if the socket fails.
    static std::unique_ptr<PlainTransport> create(GMainContext* context, std::string id,
                                                  Options options, Listener& listener,
                                                  std::string& error);
    ~PlainTransport() override;
    PlainTransport(const PlainTransport&) = delete;
    PlainTransport& operator=(const PlainTransport&) = delete;

    const std::string& id() const { return id_; }
    uint16_t localPort() const { return localPort_; }
    uint16_t remotePort() const { return remote_.port(); }
    void setRemotePort(uint16_t port);

    bool sendRtp(uint8_t* buf, size_t len, size_t capacity) override;
    bool sendRtcp(uint8_t* buf, size_t len, size_t capacity) override;
    uint16_t nextTransportSequence() override { return ++transportSequence_; }
    uint32_t rtcpSsrc() const override { return rtcpSsrc_; }
    bool connected() const override { return remote_.valid(); }

    // Reads what the socket has (bounded per call); the read source calls it.
    void drain();
    uint64_t droppedForeign() const { return droppedForeign_; }

  private:
    PlainTransport(std::string id, Options options, Listener& listener);
    static gboolean onReadable(gint fd, GIOCondition condition, gpointer self);
    bool send(const uint8_t* data, size_t len, const SocketAddress& to);
    void handleDatagram(const SocketAddress& from, uint8_t* data, size_t len, int64_t nowUs);

    std::string id_;
    Options options_;
    Listener& listener_;
    int fd_ = -1;
    GSource* source_ = nullptr;
    uint16_t localPort_ = 0;
    SocketAddress remote_;
    SocketAddress remoteRtcp_;  // valid only with options_.remoteRtcpPort
    uint32_t rtcpSsrc_ = 0;
    uint16_t transportSequence_ = 0;
    uint64_t droppedForeign_ = 0;
};

}  // namespace vcb::sfu
