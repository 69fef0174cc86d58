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
// WebRtcServer idea). Incoming STUN is routed by the USERNAME's ufrag to its IceServer; everything
// else by the source address, and only addresses a connectivity check with the right password
// validated are routed at all, which keeps DTLS and SRTP restricted to ICE-validated addresses.
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
    // Routes non-STUN datagrams from address to server. Returns the server that had the address
    // before (a peer that moved its session to a new transport), or nullptr.
    IceServer* bindAddress(const SocketAddress& address, IceServer& server);
    void unbindAddress(const SocketAddress& address, const IceServer& server);

    // Sends now, or queues while a Batch is alive. Errors are counted, not returned later.
    bool send(const SocketAddress& to, const uint8_t* data, size_t len);

    // Reads what the socket has (bounded per call); exposed for tests driving the loop by hand.
    void drain();

  private:
    static constexpr size_t kBatchSize = 32;
    static constexpr size_t kSlotSize = 1500;  // largest datagram we send (SRTP under the MTU)
    static constexpr size_t kRecvSlotSize = 2048;

    IcePort() = default;
    static gboolean onReadable(gint fd, GIOCondition condition, gpointer self);
    void handleDatagram(const SocketAddress& from, const uint8_t* data, size_t len);
    void handleStun(const SocketAddress& from, const uint8_t* data, size_t len);
    void flush();

    int fd_ = -1;
    GSource* source_ = nullptr;
    IceCandidate candidate_;
    std::unordered_map<std::string, IceServer*> servers_;
    std::unordered_map<SocketAddress, IceServer*, SocketAddressHash> routes_;

    int batchDepth_ = 0;
    size_t queued_ = 0;
    struct SendSlots;
    struct RecvSlots;
    std::unique_ptr<SendSlots> send_;
    std::unique_ptr<RecvSlots> recv_;
};

}  // namespace vcb::sfu
