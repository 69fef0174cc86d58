#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "signaling/http/ConnectionSlot.hpp"

namespace vcb::signaling {

class Closable;

// Counts live connections against maxConnections and lets stop() reach every one of them.
class ConnectionRegistry : public std::enable_shared_from_this<ConnectionRegistry> {
  public:
    // Connections beyond maxConnections are still tracked while they receive their 503, up to
    // maxRejecting of them; further ones get an invalid slot and are dropped without a reply.
    ConnectionRegistry(std::size_t maxConnections, std::size_t maxRejecting);

    // Invalid slot when stopped or when even the reject allowance is exhausted.
    ConnectionSlot acquire();
    // Marks the registry closed and force-closes every tracked connection.
    void closeAll();

    std::size_t admittedCount() const;

  private:
    friend class ConnectionSlot;
    struct Entry {
        std::weak_ptr<Closable> owner;
        bool admitted = false;
    };

    void bind(std::uint64_t id, const std::weak_ptr<Closable>& owner);
    void release(std::uint64_t id);

    const std::size_t maxConnections_;
    const std::size_t maxRejecting_;
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, Entry> entries_;
    std::size_t admitted_ = 0;
    std::uint64_t nextId_ = 1;
    bool closed_ = false;
};

}  // namespace vcb::signaling
