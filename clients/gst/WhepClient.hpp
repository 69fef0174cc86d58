#pragma once
// WHEP viewer: a WebRtcPeer with recvonly audio+video transceivers negotiated with POST
// /whep/{meeting}[/{participant}]. The peer's incoming stream stats tell what was decoded.
#include <chrono>
#include <memory>
#include <string>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/HttpNegotiation.hpp"
#include "clients/gst/WebRtcPeer.hpp"

namespace vcb::gstclient {

struct WhepOptions {
    std::string url{};  // http://host:port/whep/{meeting}
    bool corruptFingerprint = false;
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    int dropVideoModulo = 0;  // WebRtcPeerOptions::dropVideoModulo (loss-repair tests)
    std::vector<int> toneFrequencies{};  // WebRtcPeerOptions::toneFrequencies
    std::string token{};  // sent as Authorization: Bearer (a server in auth mode jwt)
};

class WhepClient {
  public:
    explicit WhepClient(WhepOptions options);
    ~WhepClient();  // stop()
    WhepClient(const WhepClient&) = delete;
    WhepClient& operator=(const WhepClient&) = delete;

    // Starts media, POSTs the offer and applies the answer. true on 201 + valid answer.
    bool start(std::string* error);
    // DELETEs the session (if any) and stops media. Returns the DELETE status (0 if none sent).
    int stop();

    const HttpSession& session() const { return session_; }
    WebRtcPeer& peer() { return *peer_; }

  private:
    WhepOptions options_;
    HttpClient http_;
    std::unique_ptr<WebRtcPeer> peer_;
    HttpSession session_;
    bool deleted_ = false;
};

}  // namespace vcb::gstclient
