#include "signaling/http/ConnectionSlot.hpp"

#include <utility>

#include "signaling/http/ConnectionRegistry.hpp"

namespace vcb::signaling {

ConnectionSlot::ConnectionSlot(std::shared_ptr<ConnectionRegistry> registry, std::uint64_t id,
                               bool admitted)
    : registry_(std::move(registry)), id_(id), admitted_(admitted) {}

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : registry_(std::move(other.registry_)), id_(other.id_), admitted_(other.admitted_) {
    other.registry_.reset();
}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
        release();
        registry_ = std::move(other.registry_);
        other.registry_.reset();
        id_ = other.id_;
        admitted_ = other.admitted_;
    }
    return *this;
}

ConnectionSlot::~ConnectionSlot() { release(); }

void ConnectionSlot::bind(const std::weak_ptr<Closable>& owner) {
    if (registry_) registry_->bind(id_, owner);
}

void ConnectionSlot::release() {
    if (registry_) {
        registry_->release(id_);
        registry_.reset();
    }
}

}  // namespace vcb::signaling
