#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "rooms/Conference.hpp"
#include "signaling/api/ApiLimits.hpp"
#include "signaling/api/RateLimiter.hpp"
#include "signaling/api/TokenBucket.hpp"
#include "signaling/http/WsHandler.hpp"

namespace vcb::signaling {

// The JSON protocol of docs/protocol.md over WebSocket: join, publish (client offers), a
// server-offered subscribe peer connection renegotiated as tracks come and go, leave.
// Also enforces the per-connection message rate and the per-IP join rate, and tells every
// participant when the server shuts down.
class WsService final : public WsHandler {
  public:
    WsService(rooms::Conference& conference, ApiLimits limits = {},
              std::shared_ptr<RateLimiter> joinLimiter = nullptr)
        : conference_(conference), limits_(limits), joinLimiter_(std::move(joinLimiter)) {}

    void onOpen(std::shared_ptr<WsConnection> connection) override;
    void onMessage(const std::shared_ptr<WsConnection>& connection, std::string message) override;
    void onClose(const std::shared_ptr<WsConnection>& connection) override;

    // Sends {"type":"error","code":"server_shutdown"} to every participant and closes their
    // sockets (1001) once it is written; later connections get the same and are closed.
    void drain();
    size_t connectionCount() const;

  private:
    struct Entry {
        std::weak_ptr<WsConnection> connection;
        TokenBucket messages;
        TokenBucket abuse;  // drops tolerated before the connection is closed
        bool warned = false;
    };
    enum class Admission { Accept, Drop, DropAndWarn, Close };
    Admission admit(uint64_t connectionId);
    void sendShutdown(WsConnection& connection);

    rooms::Conference& conference_;
    const ApiLimits limits_;
    std::shared_ptr<RateLimiter> joinLimiter_;
    std::atomic<bool> draining_{false};
    mutable std::mutex mutex_;
    std::map<uint64_t, Entry> connections_;
};

}  // namespace vcb::signaling
