#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>

namespace vcb::sfu {

// A remote UDP endpoint (IPv4 or IPv6), usable as a hash key: one per validated ICE address.
// Plain bytes, so building one from recvmmsg's output allocates nothing.
class SocketAddress {
  public:
    SocketAddress() = default;
    // Copies an AF_INET/AF_INET6 address; anything else leaves an invalid (family 0) address.
    SocketAddress(const sockaddr* sa, socklen_t len);

    bool valid() const { return storage_.ss_family == AF_INET || storage_.ss_family == AF_INET6; }
    int family() const { return storage_.ss_family; }
    const sockaddr* sockaddrPtr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
    socklen_t length() const {
        return family() == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    }
    uint16_t port() const;  // host order
    // The IP address in network order: 4 bytes (IPv4), 16 (IPv6), none if invalid.
    std::span<const uint8_t> ipBytes() const;
    std::string toString() const;

    bool operator==(const SocketAddress& other) const;
    size_t hash() const;

  private:
    sockaddr_storage storage_{};
};

struct SocketAddressHash {
    size_t operator()(const SocketAddress& a) const { return a.hash(); }
};

}  // namespace vcb::sfu
