#include "sfu/core/IcePort.hpp"

#include <arpa/inet.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/Log.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/IceServer.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/rtp/PacketClassifier.hpp"
#include "sfu/rtp/StunMessage.hpp"

namespace vcb::sfu {

namespace {
constexpr int kSocketBuffer = 4 * 1024 * 1024;  // absorbs a key frame fanned out to hundreds
constexpr int kMaxRecvRounds = 16;              // then let timers and other sources run

void setBuffer(int fd, int option, int forceOption) {
    // The FORCE variants ignore net.core.[rw]mem_max but need CAP_NET_ADMIN; fall back quietly.
    if (::setsockopt(fd, SOL_SOCKET, forceOption, &kSocketBuffer, sizeof(kSocketBuffer)) != 0)
        ::setsockopt(fd, SOL_SOCKET, option, &kSocketBuffer, sizeof(kSocketBuffer));
}
}  // namespace

struct IcePort::SendSlots {
    std::array<std::array<uint8_t, kSlotSize>, kBatchSize> data;
    std::array<SocketAddress, kBatchSize> to;
    std::array<iovec, kBatchSize> iov;
    std::array<mmsghdr, kBatchSize> msgs;
};

struct IcePort::RecvSlots {
    std::array<std::array<uint8_t, kRecvSlotSize>, kBatchSize> data;
    std::array<sockaddr_storage, kBatchSize> from;
    std::array<iovec, kBatchSize> iov;
    std::array<mmsghdr, kBatchSize> msgs;
};

std::unique_ptr<IcePort> IcePort::create(GMainContext* context, const IceConfig& config,
                                         std::string& error) {
    sockaddr_storage addr{};
    socklen_t addrLen = 0;
    auto* in4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (inet_pton(AF_INET, config.mediaIp.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        addrLen = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, config.mediaIp.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        addrLen = sizeof(sockaddr_in6);
    } else {
        error = "invalid media address " + config.mediaIp;
        return nullptr;
    }
    std::unique_ptr<IcePort> port(new IcePort());
    port->fd_ = ::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (port->fd_ < 0) {
        error = std::string("cannot create UDP socket: ") + std::strerror(errno);
        return nullptr;
    }
    const bool ranged = config.portMin != 0 || config.portMax != 0;
    const unsigned first = ranged ? config.portMin : 0;
    const unsigned last = ranged ? config.portMax : 0;
    bool bound = false;
    for (unsigned p = first; p <= last && !bound; ++p) {
        const uint16_t netPort = htons(static_cast<uint16_t>(p));
        if (addr.ss_family == AF_INET)
            in4->sin_port = netPort;
        else
            in6->sin6_port = netPort;
        bound = ::bind(port->fd_, reinterpret_cast<sockaddr*>(&addr), addrLen) == 0;
    }
    if (!bound) {
        error = ranged ? "no free UDP port on " + config.mediaIp + " in " + std::to_string(first) +
                             "-" + std::to_string(last)
                       : "cannot bind UDP on " + config.mediaIp + ": " + std::strerror(errno);
        return nullptr;
    }
    setBuffer(port->fd_, SO_RCVBUF, SO_RCVBUFFORCE);
    setBuffer(port->fd_, SO_SNDBUF, SO_SNDBUFFORCE);
    socklen_t len = sizeof(addr);
    ::getsockname(port->fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    const SocketAddress local(reinterpret_cast<sockaddr*>(&addr), len);

    // RFC 8445 §5.1.2.1: host type preference 126, one local address, component 1.
    port->candidate_.foundation = "1";
    port->candidate_.component = 1;
    port->candidate_.priority = (126u << 24) | (65535u << 8) | 255u;
    port->candidate_.address = config.mediaIp;
    port->candidate_.port = local.port();
    port->candidate_.type = "host";

    port->send_ = std::make_unique<SendSlots>();
    port->recv_ = std::make_unique<RecvSlots>();
    for (size_t i = 0; i < kBatchSize; ++i) {
        auto& r = *port->recv_;
        r.iov[i] = {r.data[i].data(), kRecvSlotSize};
        r.msgs[i] = {};
        r.msgs[i].msg_hdr.msg_iov = &r.iov[i];
        r.msgs[i].msg_hdr.msg_iovlen = 1;
    }
    port->source_ = g_unix_fd_source_new(port->fd_, G_IO_IN);
    g_source_set_callback(port->source_, G_SOURCE_FUNC(&IcePort::onReadable),
                          port.get(), nullptr);
    g_source_attach(port->source_, context);
    return port;
}

IcePort::~IcePort() {
    if (source_ != nullptr) {
        g_source_destroy(source_);
        g_source_unref(source_);
    }
    if (fd_ >= 0) ::close(fd_);
}

bool IcePort::addServer(const std::string& ufrag, IceServer& server) {
    return servers_.emplace(ufrag, &server).second;
}

void IcePort::removeServer(const std::string& ufrag) { servers_.erase(ufrag); }

bool IcePort::claimAddress(const SocketAddress& address, IceServer& server, int64_t nowUs) {
    auto [it, inserted] = routes_.try_emplace(address, Route{&server, nowUs});
    if (inserted) return true;
    Route& route = it->second;
    if (route.server != &server) {
        // A NAT may give a departed client's public address to another one behind it; the new
        // transport gets it only once the old holder has stopped using it.
        if (route.server->holdsAddress(address, route.aliveUs, nowUs)) return false;
        IceServer* previous = route.server;
        route.server = &server;
        previous->forgetAddress(address);
    }
    route.aliveUs = nowUs;
    return true;
}

void IcePort::unbindAddress(const SocketAddress& address, const IceServer& server) {
    auto it = routes_.find(address);
    if (it != routes_.end() && it->second.server == &server) routes_.erase(it);
}

int64_t IcePort::aliveUs(const SocketAddress& address, const IceServer& server) const {
    auto it = routes_.find(address);
    return it != routes_.end() && it->second.server == &server ? it->second.aliveUs : 0;
}

bool IcePort::send(const SocketAddress& to, const uint8_t* data, size_t len) {
    if (batchDepth_ > 0 && len <= kSlotSize) {
        auto& s = *send_;
        std::memcpy(s.data[queued_].data(), data, len);
        s.to[queued_] = to;
        s.iov[queued_] = {s.data[queued_].data(), len};
        if (++queued_ == kBatchSize) flush();
        return true;
    }
    auto& m = Metrics::instance();
    count(m.sendSyscalls);
    if (::sendto(fd_, data, len, 0, to.sockaddrPtr(), to.length()) != static_cast<ssize_t>(len)) {
        count(m.sendFailures);
        return false;
    }
    return true;
}

void IcePort::flush() {
    auto& s = *send_;
    auto& m = Metrics::instance();
    for (size_t i = 0; i < queued_; ++i) {
        s.msgs[i] = {};
        s.msgs[i].msg_hdr.msg_name = const_cast<sockaddr*>(s.to[i].sockaddrPtr());
        s.msgs[i].msg_hdr.msg_namelen = s.to[i].length();
        s.msgs[i].msg_hdr.msg_iov = &s.iov[i];
        s.msgs[i].msg_hdr.msg_iovlen = 1;
    }
    size_t done = 0;
    // Each round sends at least one message or skips the one that failed: at most queued_ rounds.
    while (done < queued_) {
        count(m.sendSyscalls);
        const int n = ::sendmmsg(fd_, &s.msgs[done], static_cast<unsigned>(queued_ - done), 0);
        if (n > 0) {
            done += static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            count(m.sendFailures);  // full socket buffer or a bad address: drop that one
            ++done;
        }
    }
    queued_ = 0;
}

gboolean IcePort::onReadable(gint, GIOCondition, gpointer self) {
    static_cast<IcePort*>(self)->drain();
    return G_SOURCE_CONTINUE;
}

void IcePort::drain() {
    Batch batch(*this);
    auto& r = *recv_;
    for (int round = 0; round < kMaxRecvRounds; ++round) {
        const int64_t now = monotonicUs();
        for (size_t i = 0; i < kBatchSize; ++i) {
            r.msgs[i].msg_hdr.msg_name = &r.from[i];
            r.msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            r.msgs[i].msg_hdr.msg_flags = 0;
        }
        const int n = ::recvmmsg(fd_, r.msgs.data(), kBatchSize, MSG_DONTWAIT, nullptr);
        if (n <= 0) return;  // EAGAIN: drained (errors such as ICMP reports are not ours to act on)
        for (int i = 0; i < n; ++i) {
            const auto& hdr = r.msgs[i].msg_hdr;
            if ((hdr.msg_flags & MSG_TRUNC) != 0) {
                count(Metrics::instance().droppedMalformed);
                continue;
            }
            handleDatagram(
                SocketAddress(reinterpret_cast<const sockaddr*>(&r.from[i]), hdr.msg_namelen),
                r.data[i].data(), r.msgs[i].msg_len, now);
        }
        if (static_cast<size_t>(n) < kBatchSize) return;
    }
}

void IcePort::handleDatagram(const SocketAddress& from, const uint8_t* data, size_t len,
                             int64_t nowUs) {
    if (len == 0 || !from.valid()) return;
    if (rtp::classifyPacket(data, len) == rtp::PacketType::Stun) {
        handleStun(from, data, len, nowUs);
        return;
    }
    auto it = routes_.find(from);
    if (it == routes_.end()) {
        count(Metrics::instance().droppedUnvalidated);
        return;
    }
    // The handler may close its transport, but the route outlives the call: its IceServer is
    // destroyed by the transport's owner afterwards, not from inside it.
    Route& route = it->second;
    if (route.server->handleData(data, len)) route.aliveUs = nowUs;
}

void IcePort::handleStun(const SocketAddress& from, const uint8_t* data, size_t len,
                         int64_t nowUs) {
    rtp::StunMessage msg;
    if (!rtp::StunMessage::parse(data, len, msg) ||
        msg.method() != rtp::StunMessage::kBindingMethod) {
        count(Metrics::instance().droppedMalformed);
        return;
    }
    if (msg.messageClass() != rtp::StunClass::Request) {
        // A lite agent sends no requests, so responses are stray; indications need no answer.
        count(Metrics::instance().droppedStun);
        return;
    }
    // RFC 8445 §7.3 / RFC 8489 §14.7: a check without a correct FINGERPRINT is not ICE's.
    if (!verifyFingerprint(msg)) {
        count(Metrics::instance().droppedStunFingerprint);
        return;
    }
    const auto username = msg.username();
    const size_t colon = username ? username->find(':') : std::string_view::npos;
    if (colon == std::string_view::npos) {
        count(Metrics::instance().droppedStun);
        return;
    }
    auto it = servers_.find(std::string(username->substr(0, colon)));
    if (it == servers_.end()) {
        count(Metrics::instance().droppedStun);
        return;
    }
    it->second->handleBindingRequest(msg, username->substr(colon + 1), from, nowUs);
}

}  // namespace vcb::sfu
