#pragma once

#include <cstdint>
#include <memory>

namespace vcb::signaling {

class Closable;
class ConnectionRegistry;

// Move-only ticket for one accepted socket: it keeps the connection counted (and reachable by
// HttpServer::stop()) until destroyed or released. Carried from the HTTP session to the
// WebSocket session on upgrade.
class ConnectionSlot {
  public:
    ConnectionSlot() = default;
    ConnectionSlot(std::shared_ptr<ConnectionRegistry> registry, std::uint64_t id, bool admitted);
    ConnectionSlot(ConnectionSlot&& other) noexcept;
    ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    ~ConnectionSlot();

    bool valid() const { return registry_ != nullptr; }
    // False when the slot only tracks a connection that is being turned away (503).
    bool admitted() const { return admitted_; }
    std::uint64_t id() const { return id_; }

    // Points stop() at the object currently owning the socket. If the server is already
    // stopping, that object is closed right away.
    void bind(const std::weak_ptr<Closable>& owner);
    void release();

  private:
    std::shared_ptr<ConnectionRegistry> registry_;
    std::uint64_t id_ = 0;
    bool admitted_ = false;
};

}  // namespace vcb::signaling
