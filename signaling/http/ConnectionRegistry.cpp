#include "signaling/http/ConnectionRegistry.hpp"

#include <vector>

#include "signaling/http/Closable.hpp"

namespace vcb::signaling {

ConnectionRegistry::ConnectionRegistry(std::size_t maxConnections, std::size_t maxRejecting)
    : maxConnections_(maxConnections), maxRejecting_(maxRejecting) {}

ConnectionSlot ConnectionRegistry::acquire() {
    std::lock_guard lock(mutex_);
    if (closed_) return {};
    const bool admitted = admitted_ < maxConnections_;
    if (!admitted && entries_.size() - admitted_ >= maxRejecting_) return {};
    const auto id = nextId_++;
    entries_.emplace(id, Entry{{}, admitted});
    if (admitted) ++admitted_;
    return ConnectionSlot(shared_from_this(), id, admitted);
}

void ConnectionRegistry::closeAll() {
    std::vector<std::weak_ptr<Closable>> owners;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        owners.reserve(entries_.size());
        for (const auto& [id, entry] : entries_) owners.push_back(entry.owner);
    }
    // Outside the lock: forceClose() posts work and a session may release its slot meanwhile.
    for (const auto& weak : owners) {
        if (auto owner = weak.lock()) owner->forceClose();
    }
}

std::size_t ConnectionRegistry::admittedCount() const {
    std::lock_guard lock(mutex_);
    return admitted_;
}

void ConnectionRegistry::bind(std::uint64_t id, const std::weak_ptr<Closable>& owner) {
    bool closeNow = false;
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end()) return;
        it->second.owner = owner;
        closeNow = closed_;
    }
    if (closeNow) {
        if (auto o = owner.lock()) o->forceClose();
    }
}

void ConnectionRegistry::release(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (it->second.admitted) --admitted_;
    entries_.erase(it);
}

}  // namespace vcb::signaling
