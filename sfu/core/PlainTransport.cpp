#include "sfu/core/PlainTransport.hpp"

#include <arpa/inet.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/Log.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/rtp/PacketClassifier.hpp"

namespace vcb::sfu {

namespace {
constexpr size_t kMaxDatagram = 1500;
constexpr int kMaxReadsPerWakeup = 64;  // bounded: other sources on the worker get their turn
thread_local std::array<uint8_t, kMaxDatagram + 64> tPlainReceiveBuffer;

sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}
}  // namespace

PlainTransport::PlainTransport(std::string id, Options options, Listener& listener)
    : id_(std::move(id)), options_(options), listener_(listener) {
    RAND_bytes(reinterpret_cast<unsigned char*>(&rtcpSsrc_), sizeof rtcpSsrc_);
}

std::unique_ptr<PlainTransport> PlainTransport::create(GMainContext* context, std::string id,
                                                       Options options, Listener& listener,
                                                       std::string& error) {
    std::unique_ptr<PlainTransport> t(new PlainTransport(std::move(id), options, listener));
    t->fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->fd_ < 0) {
        error = std::string("plain transport socket: ") + std::strerror(errno);
        return nullptr;
    }
    sockaddr_in local = loopback(0);
    if (::bind(t->fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        error = std::string("plain transport bind: ") + std::strerror(errno);
        return nullptr;
    }
    socklen_t len = sizeof local;
    if (::getsockname(t->fd_, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        error = std::string("plain transport getsockname: ") + std::strerror(errno);
        return nullptr;
    }
    t->localPort_ = ntohs(local.sin_port);
    if (options.remotePort != 0) t->setRemotePort(options.remotePort);
    if (options.remoteRtcpPort != 0) {
        sockaddr_in a = loopback(options.remoteRtcpPort);
        t->remoteRtcp_ = SocketAddress(reinterpret_cast<const sockaddr*>(&a), sizeof a);
    }
    t->source_ = g_unix_fd_source_new(t->fd_, G_IO_IN);
    g_source_set_callback(t->source_, reinterpret_cast<GSourceFunc>(&PlainTransport::onReadable),
                          t.get(), nullptr);
    g_source_attach(t->source_, context);
    return t;
}

PlainTransport::~PlainTransport() {
    if (source_ != nullptr) {
        g_source_destroy(source_);
        g_source_unref(source_);
    }
    if (fd_ >= 0) ::close(fd_);
}

void PlainTransport::setRemotePort(uint16_t port) {
    sockaddr_in a = loopback(port);
    remote_ = SocketAddress(reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

gboolean PlainTransport::onReadable(gint, GIOCondition, gpointer self) {
    static_cast<PlainTransport*>(self)->drain();
    return G_SOURCE_CONTINUE;
}

void PlainTransport::drain() {
    Metrics& m = Metrics::instance();
    for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
        sockaddr_storage from{};
        socklen_t fromLen = sizeof from;
        uint8_t* buf = tPlainReceiveBuffer.data();
        ssize_t n = ::recvfrom(fd_, buf, tPlainReceiveBuffer.size(), MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &fromLen);
        if (n < 0) return;  // EAGAIN: all read (other errors: the next wakeup retries)
        if (static_cast<size_t>(n) > kMaxDatagram) {
            count(m.droppedMalformed);
            continue;
        }
        handleDatagram(SocketAddress(reinterpret_cast<const sockaddr*>(&from), fromLen), buf,
                       static_cast<size_t>(n), monotonicUs());
    }
}

void PlainTransport::handleDatagram(const SocketAddress& from, uint8_t* data, size_t len,
                                    int64_t nowUs) {
    Metrics& m = Metrics::instance();
    if (!remote_.valid() || !(from == remote_)) {
        ++droppedForeign_;
        count(m.droppedPlainForeign);
        return;
    }
    count(m.bytesReceived, len);
    switch (rtp::classifyPacket(data, len)) {
        case rtp::PacketType::Rtp: {
            rtp::RtpPacket packet;
            if (!rtp::RtpPacket::parse(data, len, packet)) {
                count(m.droppedMalformed);
                return;
            }
            count(m.rtpReceived);
            listener_.onPlainRtp(*this, packet, nowUs);
            return;
        }
        case rtp::PacketType::Rtcp:
            if (!options_.rtcp) return;
            count(m.rtcpReceived);
            listener_.onPlainRtcp(*this, data, len, nowUs);
            return;
        default:
            count(m.droppedUnknownType);
            return;
    }
}

bool PlainTransport::send(const uint8_t* data, size_t len, const SocketAddress& to) {
    Metrics& m = Metrics::instance();
    if (!remote_.valid() || !to.valid()) return false;
    ssize_t n = ::sendto(fd_, data, len, 0, to.sockaddrPtr(), to.length());
    if (n != static_cast<ssize_t>(len)) {
        count(m.sendFailures);
        return false;
    }
    count(m.bytesSent, len);
    return true;
}

bool PlainTransport::sendRtp(uint8_t* buf, size_t len, size_t) {
    return send(buf, len, remote_);
}

bool PlainTransport::sendRtcp(uint8_t* buf, size_t len, size_t) {
    if (!options_.rtcp) return false;
    if (!send(buf, len, remoteRtcp_.valid() ? remoteRtcp_ : remote_)) return false;
    count(Metrics::instance().rtcpSent);
    return true;
}

}  // namespace vcb::sfu
