#include "sfu/core/IceServer.hpp"

#include <nice/agent.h>
#include <openssl/rand.h>

#include "sfu/core/NiceCandidates.hpp"

namespace vcb::sfu {

namespace {
// ICE credentials from the CSPRNG: they authenticate connectivity checks (RFC 8445 §5.3).
std::string randomToken(size_t length) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out(length, 'A');
    unsigned char bytes[64];
    RAND_bytes(bytes, static_cast<int>(length));
    for (size_t i = 0; i < length; ++i) out[i] = kAlphabet[bytes[i] & 63];
    return out;
}
}  // namespace

std::unique_ptr<IceServer> IceServer::create(GMainContext* context, const IceConfig& config,
                                             Listener& listener, std::string& error) {
    std::unique_ptr<IceServer> ice(new IceServer(listener));
    ice->context_ = context;
    ice->agent_ = nice_agent_new_full(
        context, NICE_COMPATIBILITY_RFC5245,
        static_cast<NiceAgentOption>(NICE_AGENT_OPTION_LITE_MODE | NICE_AGENT_OPTION_ICE_TRICKLE));
    if (ice->agent_ == nullptr) {
        error = "cannot create ICE agent";
        return nullptr;
    }
    g_object_set(ice->agent_, "upnp", FALSE, "controlling-mode", FALSE, "ice-tcp", FALSE, nullptr);

    NiceAddress addr;
    nice_address_init(&addr);
    if (!nice_address_set_from_string(&addr, config.mediaIp.c_str())) {
        error = "invalid media address " + config.mediaIp;
        return nullptr;
    }
    nice_agent_add_local_address(ice->agent_, &addr);

    ice->streamId_ = nice_agent_add_stream(ice->agent_, 1);
    if (ice->streamId_ == 0) {
        error = "cannot add ICE stream";
        return nullptr;
    }
    if (config.portMin != 0 || config.portMax != 0) {
        nice_agent_set_port_range(ice->agent_, ice->streamId_, 1, config.portMin, config.portMax);
    }
    ice->ufrag_ = randomToken(8);
    ice->pwd_ = randomToken(24);
    nice_agent_set_local_credentials(ice->agent_, ice->streamId_, ice->ufrag_.c_str(),
                                     ice->pwd_.c_str());
    ice->stateHandler_ = g_signal_connect(ice->agent_, "component-state-changed",
                                          G_CALLBACK(&IceServer::onStateChanged), ice.get());
    if (!nice_agent_attach_recv(ice->agent_, ice->streamId_, 1, context, &IceServer::onReceive,
                                ice.get())) {
        error = "cannot attach ICE receive callback";
        return nullptr;
    }
    if (!nice_agent_gather_candidates(ice->agent_, ice->streamId_)) {
        error = "no free UDP port for ICE in the configured range";
        return nullptr;
    }
    GSList* local = nice_agent_get_local_candidates(ice->agent_, ice->streamId_, 1);
    for (GSList* item = local; item != nullptr; item = item->next) {
        auto* cand = static_cast<NiceCandidate*>(item->data);
        if (cand->transport != NICE_CANDIDATE_TRANSPORT_UDP) continue;
        char ip[NICE_ADDRESS_STRING_LEN];
        nice_address_to_string(&cand->addr, ip);
        IceCandidate c;
        c.foundation = cand->foundation;
        c.component = cand->component_id;
        c.priority = cand->priority;
        c.address = ip;
        c.port = static_cast<uint16_t>(nice_address_get_port(&cand->addr));
        c.type = "host";
        ice->candidates_.push_back(std::move(c));
    }
    g_slist_free_full(local, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    if (ice->candidates_.empty()) {
        error = "ICE gathered no host candidate on " + config.mediaIp;
        return nullptr;
    }
    return ice;
}

IceServer::~IceServer() {
    if (agent_ == nullptr) return;
    if (streamId_ != 0) {
        nice_agent_attach_recv(agent_, streamId_, 1, context_, nullptr, nullptr);
    }
    if (stateHandler_ != 0) g_signal_handler_disconnect(agent_, stateHandler_);
    if (streamId_ != 0) nice_agent_remove_stream(agent_, streamId_);
    // nice_agent_close_async releases the sockets without waiting for pending TURN refreshes.
    nice_agent_close_async(agent_, nullptr, nullptr);
    g_object_unref(agent_);
}

void IceServer::setRemote(const std::string& ufrag, const std::string& pwd,
                          const std::vector<IceCandidate>& candidates) {
    nice_agent_set_remote_credentials(agent_, streamId_, ufrag.c_str(), pwd.c_str());
    setNiceRemoteCandidates(agent_, streamId_, candidates);
}

bool IceServer::send(const uint8_t* data, size_t len) {
    if (!connected_) return false;
    return nice_agent_send(agent_, streamId_, 1, static_cast<guint>(len),
                           reinterpret_cast<const gchar*>(data)) == static_cast<gint>(len);
}

std::string IceServer::selectedRemoteAddress() const {
    NiceCandidate* local = nullptr;
    NiceCandidate* remote = nullptr;
    if (!nice_agent_get_selected_pair(agent_, streamId_, 1, &local, &remote) || remote == nullptr) {
        return {};
    }
    char ip[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&remote->addr, ip);
    return std::string(ip) + ":" + std::to_string(nice_address_get_port(&remote->addr));
}

void IceServer::onStateChanged(NiceAgent*, guint stream, guint, guint state, gpointer self) {
    auto* ice = static_cast<IceServer*>(self);
    if (stream != ice->streamId_ || ice->failed_) return;
    if (state == NICE_COMPONENT_STATE_CONNECTED || state == NICE_COMPONENT_STATE_READY) {
        if (!ice->connected_) {
            ice->connected_ = true;
            ice->listener_.onIceConnected(*ice);
        }
    } else if (state == NICE_COMPONENT_STATE_FAILED) {
        ice->failed_ = true;
        ice->connected_ = false;
        ice->listener_.onIceFailed(*ice);
    }
}

void IceServer::onReceive(NiceAgent*, guint, guint, guint len, gchar* buf, gpointer self) {
    auto* ice = static_cast<IceServer*>(self);
    if (len == 0 || ice->failed_) return;
    ice->listener_.onIceData(*ice, reinterpret_cast<const uint8_t*>(buf), len);
}

}  // namespace vcb::sfu
