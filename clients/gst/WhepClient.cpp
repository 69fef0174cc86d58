#include "clients/gst/WhepClient.hpp"

namespace vcb::gstclient {

WhepClient::WhepClient(WhepOptions options)
    : options_(std::move(options)),
      http_(options_.timeout),
      peer_(std::make_unique<WebRtcPeer>(
          WebRtcPeerOptions{.mode = PeerMode::ReceiveOffering,
                            .name = "whep",
                            .iceAddress = iceAddressFor(options_.url),
                            .dropVideoModulo = options_.dropVideoModulo,
                            .toneFrequencies = options_.toneFrequencies})) {}

WhepClient::~WhepClient() { stop(); }

bool WhepClient::start(std::string* error) {
    if (!peer_->start(error)) return false;
    session_ = negotiateOverHttp(*peer_, http_, options_.url, options_.corruptFingerprint,
                                 WebRtcPeer::Clock::now() + options_.timeout, options_.token);
    if (!session_.error.empty()) {
        if (error) *error = session_.error;
        return false;
    }
    return true;
}

int WhepClient::stop() {
    int status = 0;
    if (!session_.location.empty() && !deleted_) {
        deleted_ = true;
        status = http_.del(session_.location).status;
    }
    peer_->stop();
    return status;
}

}  // namespace vcb::gstclient
