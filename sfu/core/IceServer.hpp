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
// the nominated address. A client whose address changes is followed, but only on an
// authenticated check from the new address: a nomination moves media at once; a plain check
// (RFC 7675 consent, which is all a NAT rebinding produces) moves it once the current address
// has been silent — no authenticated check and no DTLS or valid SRTP/SRTCP from it — for
// kSwitchSilenceUs. An address another transport still holds (IcePort::claimAddress) is refused.
// restart() draws new local credentials (ICE restart, RFC 8445 §2.4) and keeps the addresses,
// so media flows on until the client's checks with the new credentials arrive.
class IceServer {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onIceConnected(IceServer& ice) = 0;
        // True if the datagram proved the peer is alive (DTLS, or SRTP/SRTCP that authenticated).
        virtual bool onIceData(IceServer& ice, const uint8_t* data, size_t len) = 0;
    };

    // An authenticated non-nominating check from a new address moves media there once the
    // current address has been silent this long.
    static constexpr int64_t kSwitchSilenceUs = 1'500'000;

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
    const std::string& remoteUfrag() const { return remoteUfrag_; }
    // ICE restart: new local ufrag/pwd (the old ones stop authenticating), checks must then name
    // remoteUfrag. Validated and selected addresses stay. False if no unique ufrag was drawn.
    bool restart(std::string remoteUfrag);
    bool send(const uint8_t* data, size_t len);
    bool connected() const { return selected_.valid(); }
    std::string selectedRemoteAddress() const { return selected_.toString(); }

    // From IcePort.
    void handleBindingRequest(const rtp::StunMessage& request, std::string_view remoteUfrag,
                              const SocketAddress& from, int64_t nowUs);
    bool handleData(const uint8_t* data, size_t len) {
        return listener_.onIceData(*this, data, len);
    }
    void forgetAddress(const SocketAddress& address);
    // Whether this transport still needs address, last alive at aliveUs: it is the media address,
    // or it proved alive within kSwitchSilenceUs.
    bool holdsAddress(const SocketAddress& address, int64_t aliveUs, int64_t nowUs) const {
        return address == selected_ || nowUs - aliveUs < kSwitchSilenceUs;
    }

  private:
    // A peer has a handful of candidates; more validated addresses than this only happen when it
    // keeps moving, and then the oldest are the stale ones.
    static constexpr size_t kMaxAddresses = 4;

    IceServer(IcePort& port, Listener& listener) : port_(port), listener_(listener) {}
    bool addValidated(const SocketAddress& address, int64_t nowUs);
    bool drawCredentials();

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
