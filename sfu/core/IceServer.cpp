#include "sfu/core/IceServer.hpp"

#include <sys/socket.h>

#include "common/Log.hpp"
#include "common/RandomId.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"

namespace vcb::sfu {

std::unique_ptr<IceServer> IceServer::create(IcePort& port, Listener& listener,
                                             std::string& error) {
    std::unique_ptr<IceServer> ice(new IceServer(port, listener));
    if (!ice->drawCredentials()) {
        error = "cannot draw a unique ICE ufrag";
        return nullptr;
    }
    return ice;
}

bool IceServer::drawCredentials() {
    // 48 random bits: a collision among a worker's sessions is unlikely, and retried if it occurs.
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::string ufrag = randomToken(8);
        if (port_.addServer(ufrag, *this)) {
            ufrag_ = std::move(ufrag);
            pwd_ = randomToken(24);
            return true;
        }
    }
    return false;
}

bool IceServer::restart(std::string remoteUfrag) {
    const std::string old = ufrag_;
    if (!drawCredentials()) return false;
    port_.removeServer(old);
    remoteUfrag_ = std::move(remoteUfrag);
    count(Metrics::instance().iceRestarts);
    VCB_LOG_INFO("ICE %s: restarted as %s", old.c_str(), ufrag_.c_str());
    return true;
}

IceServer::~IceServer() {
    if (!ufrag_.empty()) port_.removeServer(ufrag_);
    for (const SocketAddress& a : validated_)
        if (a.valid()) port_.unbindAddress(a, *this);
}

bool IceServer::send(const uint8_t* data, size_t len) {
    // Before the nomination arrives a controlling peer may already start DTLS on a pair that
    // passed its check (RFC 8445 §7.2.5.3.4 lets it): answer on the last validated address.
    const SocketAddress& to = selected_.valid() ? selected_ : lastValidated_;
    if (!to.valid()) return false;
    return port_.send(to, data, len);
}

void IceServer::handleBindingRequest(const rtp::StunMessage& request, std::string_view remoteUfrag,
                                     const SocketAddress& from, int64_t nowUs) {
    auto& m = Metrics::instance();
    // IcePort checked FINGERPRINT; attributes after MESSAGE-INTEGRITY are invisible here.
    if (!verifyMessageIntegrity(request, pwd_) ||
        (!remoteUfrag_.empty() && remoteUfrag != remoteUfrag_)) {
        count(m.droppedStun);
        return;
    }
    // Silence of the media address is judged before this check refreshes anything.
    const bool selectedSilent =
        selected_.valid() && nowUs - port_.aliveUs(selected_, *this) >= kSwitchSilenceUs;
    if (!addValidated(from, nowUs)) {
        // Another live transport's address: answering would let this one take its media.
        count(m.iceAddressConflicts);
        VCB_LOG_WARN("ICE %s: check from %s refused, address held by another transport",
                     ufrag_.c_str(), from.toString().c_str());
        return;
    }
    // Binding success response (RFC 8445 §7.3.1.4): the source address as XOR-MAPPED-ADDRESS,
    // signed with our password, so the client learns its (peer-)reflexive address.
    uint8_t buf[128];
    rtp::StunMessageWriter writer(buf, sizeof(buf));
    writer.begin(rtp::StunMessageWriter::bindingSuccessType(), request.transactionId());
    const uint8_t family = from.family() == AF_INET ? 0x01 : 0x02;  // RFC 5389 §15.1
    if (!writer.addXorMappedAddress(family, from.port(), from.ipBytes()) ||
        !signStunMessage(writer, pwd_))
        return;
    port_.send(from, buf, writer.size());

    lastValidated_ = from;
    if (selected_ == from) return;
    const bool nominated = request.hasAttribute(rtp::StunMessage::kAttrUseCandidate);
    if (!selected_.valid()) {
        if (!nominated) return;
        selected_ = from;
        listener_.onIceConnected(*this);
        return;
    }
    if (nominated || selectedSilent) {
        VCB_LOG_INFO("ICE %s: peer moved from %s to %s (%s)", ufrag_.c_str(),
                     selected_.toString().c_str(), from.toString().c_str(),
                     nominated ? "nomination" : "check after silence");
        selected_ = from;
        count(m.iceAddressSwitches);
    }
}

bool IceServer::addValidated(const SocketAddress& address, int64_t nowUs) {
    if (!port_.claimAddress(address, *this, nowUs)) return false;
    size_t slot = kMaxAddresses;
    for (size_t i = 0; i < kMaxAddresses; ++i) {
        if (validated_[i] == address) return true;
        if (slot == kMaxAddresses && !validated_[i].valid()) slot = i;
    }
    if (slot == kMaxAddresses) {
        // Full: evict round-robin (roughly the oldest), never the nominated address.
        slot = nextSlot_;
        if (validated_[slot] == selected_) slot = (slot + 1) % kMaxAddresses;
        nextSlot_ = (slot + 1) % kMaxAddresses;
        port_.unbindAddress(validated_[slot], *this);
    }
    validated_[slot] = address;
    return true;
}

void IceServer::forgetAddress(const SocketAddress& address) {
    for (SocketAddress& a : validated_)
        if (a == address) a = SocketAddress();
    if (selected_ == address) selected_ = SocketAddress();
    if (lastValidated_ == address) lastValidated_ = SocketAddress();
}

}  // namespace vcb::sfu
