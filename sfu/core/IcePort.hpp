#pragma once
#include <glib.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/SocketAddress.hpp"

namespace vcb::sfu {

class IceServer;

struct IceConfig {
    std::string mediaIp = "127.0.0.1";  // address bound and announced in the host candidate
    uint16_t portMin = 0;               // 0/0 = any port
    uint16_t portMax = 0;
};

// One UDP socket per media worker, shared by every ICE-lite transport on that worker (mediasoup's
// WebRtcServer idea). Incoming STUN requests must carry a valid FINGERPRINT and are routed by the
// USERNAME's ufrag to its IceServer; everything else by the source address, and only addresses a
// connectivity check with the right password validated are routed at all, which keeps DTLS and
// SRTP restricted to ICE-validated addresses. Each route remembers when its address last showed
// it is alive (an authenticated check, or a datagram the transport authenticated: DTLS or valid
// SRTP/SRTCP); IceServer uses that to decide when a client has moved, and a live route is never
// handed to another transport.
//
// One socket lets the forwarding path send a whole fan-out with a few sendmmsg() calls: while a
// Batch is alive (the receive loop holds one), send() queues into preallocated slots and the
// batch is flushed when full or when the outermost Batch ends. Worker thread only.
class IcePort {
  public:
    class Batch {
      public:
        explicit Batch(IcePort& port) : port_(port) { ++port_.batchDepth_; }
        ~Batch() {
            if (--port_.batchDepth_ == 0) port_.flush();
        }
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

      private:
        IcePort& port_;
    };

    // Binds the first free port of the range on config.mediaIp and starts reading on context.
    static std::unique_ptr<IcePort> create(GMainContext* context, const IceConfig& config,
                                           std::string& error);
    ~IcePort();
    IcePort(const IcePort&) = delete;
    IcePort& operator=(const IcePort&) = delete;

    const IceCandidate& candidate() const { return candidate_; }
    uint16_t port() const { return candidate_.port; }

    // False if the ufrag is taken (the caller draws another).
    bool addServer(const std::string& ufrag, IceServer& server);
    void removeServer(const std::string& ufrag);
    // Routes non-STUN datagrams from address to server and marks the address alive at nowUs.
    // Refused (false) while another transport holds the address and it is still live there
    // (IceServer::holdsAddress); a stale holder is told to forget it.
    bool claimAddress(const SocketAddress& address, IceServer& server, int64_t nowUs);
    void unbindAddress(const SocketAddress& address, const IceServer& server);
    // When address last proved alive for server (0 if it is not routed to server).
    int64_t aliveUs(const SocketAddress& address, const IceServer& server) const;

    // Sends now, or queues while a Batch is alive. Errors are counted, not returned later.
    bool send(const SocketAddress& to, const uint8_t* data, size_t len);

    // Reads what the socket has (bounded per call); exposed for tests driving the loop by hand.
    void drain();
    // One received datagram; drain() calls it, tests feed crafted ones with their own clock.
    void handleDatagram(const SocketAddress& from, const uint8_t* data, size_t len, int64_t nowUs);

  private:
    static constexpr size_t kBatchSize = 32;
    static constexpr size_t kSlotSize = 1500;  // largest datagram we send (SRTP under the MTU)
    static constexpr size_t kRecvSlotSize = 2048;

    IcePort() = default;
    static gboolean onReadable(gint fd, GIOCondition condition, gpointer self);
    void handleStun(const SocketAddress& from, const uint8_t* data, size_t len, int64_t nowUs);
    void flush();

    int fd_ = -1;
    GSource* source_ = nullptr;
    IceCandidate candidate_;
    std::unordered_map<std::string, IceServer*> servers_;
    struct Route {
        IceServer* server = nullptr;
        int64_t aliveUs = 0;
    };
    std::unordered_map<SocketAddress, Route, SocketAddressHash> routes_;

    int batchDepth_ = 0;
    size_t queued_ = 0;
    struct SendSlots;
    struct RecvSlots;
    std::unique_ptr<SendSlots> send_;
    std::unique_ptr<RecvSlots> recv_;
};

}  // namespace vcb::sfu
