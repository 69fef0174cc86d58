#include "sfu/core/SocketAddress.hpp"

#include <arpa/inet.h>

#include <algorithm>

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

std::span<const uint8_t> SocketAddress::ipBytes() const {
    if (family() == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr;
        return {reinterpret_cast<const uint8_t*>(&a), sizeof(a)};
    }
    if (family() == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
        return {reinterpret_cast<const uint8_t*>(&a), sizeof(a)};
    }
    return {};
}

std::string SocketAddress::toString() const {
    char ip[INET6_ADDRSTRLEN] = "";
    if (!valid() || inet_ntop(family(), ipBytes().data(), ip, sizeof(ip)) == nullptr)
        return "invalid";
    if (family() == AF_INET6) return "[" + std::string(ip) + "]:" + std::to_string(port());
    return std::string(ip) + ":" + std::to_string(port());
}

bool SocketAddress::operator==(const SocketAddress& other) const {
    const auto a = ipBytes();
    const auto b = other.ipBytes();
    return family() == other.family() && port() == other.port() &&
           std::equal(a.begin(), a.end(), b.begin(), b.end()) &&
           (family() != AF_INET6 ||
            reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_scope_id ==
                reinterpret_cast<const sockaddr_in6*>(&other.storage_)->sin6_scope_id);
}

size_t SocketAddress::hash() const {
    // FNV-1a over port and address: cheap, and the key space is not attacker-chosen beyond what
    // ICE already validated (only validated addresses are inserted).
    uint64_t h = 1469598103934665603ULL;
    const uint16_t p = port();
    h = (h ^ (p >> 8)) * 1099511628211ULL;
    h = (h ^ (p & 0xFF)) * 1099511628211ULL;
    for (uint8_t byte : ipBytes()) h = (h ^ byte) * 1099511628211ULL;
    return static_cast<size_t>(h);
}

}  // namespace vcb::sfu
