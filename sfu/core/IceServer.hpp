#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/IcePort.hpp"
#include "sfu/core/SocketAddress.hpp"
#include "sfu/rtp/StunMessage.hpp"

namespace vcb::sfu {

// The ICE side of one transport, as an ICE-lite agent (RFC 8445 §2.5): the client is
// controlling, sends connectivity checks to the worker's shared IcePort, and nominates a pair
// with USE-CANDIDATE; the server answers checks that carry its ufrag and pass MESSAGE-INTEGRITY
// with its password, and from then on accepts data from those addresses only. Media goes to
// the nominated address; a later nomination from a new address (the client's network changed)
// moves it there.
class IceServer {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onIceConnected(IceServer& ice) = 0;
        virtual void onIceData(IceServer& ice, const uint8_t* data, size_t len) = 0;
    };

    static std::unique_ptr<IceServer> create(IcePort& port, Listener& listener, std::string& error);
    ~IceServer();
    IceServer(const IceServer&) = delete;
    IceServer& operator=(const IceServer&) = delete;

    const std::string& localUfrag() const { return ufrag_; }
    const std::string& localPwd() const { return pwd_; }
    std::vector<IceCandidate> localCandidates() const { return {port_.candidate()}; }

    // Checks must then name this remote ufrag. Remote candidates are not needed by a lite agent:
    // the addresses come from the checks themselves.
    void setRemoteUfrag(std::string ufrag) { remoteUfrag_ = std::move(ufrag); }
    bool send(const uint8_t* data, size_t len);
    bool connected() const { return selected_.valid(); }
    std::string selectedRemoteAddress() const { return selected_.toString(); }

    // From IcePort.
    void handleBindingRequest(const rtp::StunMessage& request, std::string_view remoteUfrag,
                              const SocketAddress& from);
    void handleData(const uint8_t* data, size_t len) { listener_.onIceData(*this, data, len); }
    void forgetAddress(const SocketAddress& address);

  private:
    // A peer has a handful of candidates; more validated addresses than this only happen when it
    // keeps moving, and then the oldest are the stale ones.
    static constexpr size_t kMaxAddresses = 4;

    IceServer(IcePort& port, Listener& listener) : port_(port), listener_(listener) {}
    void addValidated(const SocketAddress& address);

    IcePort& port_;
    Listener& listener_;
    std::string ufrag_;
    std::string pwd_;
    std::string remoteUfrag_;
    std::array<SocketAddress, kMaxAddresses> validated_{};
    size_t nextSlot_ = 0;
    SocketAddress selected_;
    SocketAddress lastValidated_;  // reply address until a pair is nominated
};

}  // namespace vcb::sfu
