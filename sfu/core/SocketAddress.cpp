#include "sfu/core/SocketAddress.hpp"

#include <arpa/inet.h>

namespace vcb::sfu {

SocketAddress::SocketAddress(const sockaddr* sa, socklen_t len) {
    if (sa == nullptr) return;
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        auto* out = reinterpret_cast<sockaddr_in*>(&storage_);
        out->sin_family = AF_INET;
        out->sin_port = in->sin_port;
        out->sin_addr = in->sin_addr;
    } else if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        const auto* in = reinterpret_cast<const sockaddr_in6*>(sa);
        auto* out = reinterpret_cast<sockaddr_in6*>(&storage_);
        out->sin6_family = AF_INET6;
        out->sin6_port = in->sin6_port;
        out->sin6_addr = in->sin6_addr;
        out->sin6_scope_id = in->sin6_scope_id;
    }
}

uint16_t SocketAddress::port() const {
    if (family() == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    if (family() == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    return 0;
}

std::string SocketAddress::toString() const {
    char ip[INET6_ADDRSTRLEN] = "";
    if (family() == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, ip,
                  sizeof(ip));
        return std::string(ip) + ":" + std::to_string(port());
    }
    if (family() == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, ip,
                  sizeof(ip));
        return "[" + std::string(ip) + "]:" + std::to_string(port());
    }
    return "invalid";
}

bool SocketAddress::operator==(const SocketAddress& other) const {
    if (family() != other.family()) return false;
    if (family() == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&storage_);
        const auto* b = reinterpret_cast<const sockaddr_in*>(&other.storage_);
        return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
    }
    if (family() == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage_);
        const auto* b = reinterpret_cast<const sockaddr_in6*>(&other.storage_);
        return a->sin6_port == b->sin6_port &&
               std::memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(in6_addr)) == 0 &&
               a->sin6_scope_id == b->sin6_scope_id;
    }
    return true;
}

size_t SocketAddress::hash() const {
    // FNV-1a over port and address: cheap, and the key space is not attacker-chosen beyond what
    // ICE already validated (only validated addresses are inserted).
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
    };
    if (family() == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&storage_);
        mix(&a->sin_port, sizeof(a->sin_port));
        mix(&a->sin_addr, sizeof(a->sin_addr));
    } else if (family() == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage_);
        mix(&a->sin6_port, sizeof(a->sin6_port));
        mix(&a->sin6_addr, sizeof(a->sin6_addr));
    }
    return static_cast<size_t>(h);
}

}  // namespace vcb::sfu
