#pragma once
#include <glib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"

typedef struct _NiceAgent NiceAgent;

namespace vcb::sfu {

struct IceConfig {
    std::string mediaIp = "127.0.0.1";  // address announced in host candidates
    uint16_t portMin = 0;               // 0/0 = any port
    uint16_t portMax = 0;
};

// The ICE side of a transport: a libnice agent in ICE-lite mode (the server answers connectivity
// checks, the client nominates), one stream, one component (BUNDLE + rtcp-mux). libnice only
// delivers data from a remote address that passed a connectivity check, which is what keeps DTLS
// and SRTP restricted to the ICE-validated address.
class IceServer {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onIceConnected(IceServer& ice) = 0;
        virtual void onIceData(IceServer& ice, const uint8_t* data, size_t len) = 0;
        virtual void onIceFailed(IceServer& ice) = 0;
    };

    // Binds the host candidate. Returns nullptr and sets error on failure (e.g. no free port).
    static std::unique_ptr<IceServer> create(GMainContext* context, const IceConfig& config,
                                             Listener& listener, std::string& error);
    ~IceServer();
    IceServer(const IceServer&) = delete;
    IceServer& operator=(const IceServer&) = delete;

    const std::string& localUfrag() const { return ufrag_; }
    const std::string& localPwd() const { return pwd_; }
    const std::vector<IceCandidate>& localCandidates() const { return candidates_; }

    // Remote credentials are needed to validate the peer's checks; candidates are optional for a
    // lite agent (peer-reflexive ones are learned from the checks) but help when present.
    void setRemote(const std::string& ufrag, const std::string& pwd,
                   const std::vector<IceCandidate>& candidates);
    bool send(const uint8_t* data, size_t len);
    bool connected() const { return connected_; }
    std::string selectedRemoteAddress() const;

  private:
    IceServer(Listener& listener) : listener_(listener) {}
    static void onStateChanged(NiceAgent* agent, guint stream, guint component, guint state,
                               gpointer self);
    static void onReceive(NiceAgent* agent, guint stream, guint component, guint len, gchar* buf,
                          gpointer self);

    Listener& listener_;
    NiceAgent* agent_ = nullptr;
    GMainContext* context_ = nullptr;
    guint streamId_ = 0;
    gulong stateHandler_ = 0;
    std::string ufrag_;
    std::string pwd_;
    std::vector<IceCandidate> candidates_;
    bool connected_ = false;
    bool failed_ = false;
};

}  // namespace vcb::sfu
