#pragma once
// WHIP publisher: a send-mode WebRtcPeer negotiated with POST /whip/{meeting}.
#include <chrono>
#include <memory>
#include <string>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/HttpNegotiation.hpp"
#include "clients/gst/WebRtcPeer.hpp"

namespace vcb::gstclient {

struct WhipOptions {
    std::string url{};              // http://host:port/whip/{meeting}
    std::string pattern = "smpte";  // or a solid colour name
    bool corruptFingerprint = false;
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

class WhipClient {
  public:
    explicit WhipClient(WhipOptions options);
    ~WhipClient();  // stop()
    WhipClient(const WhipClient&) = delete;
    WhipClient& operator=(const WhipClient&) = delete;

    // Starts media, POSTs the offer and applies the answer. true on 201 + valid answer.
    bool start(std::string* error);
    // DELETEs the session (if any) and stops media. Returns the DELETE status (0 if none sent).
    int stop();

    const HttpSession& session() const { return session_; }
    WebRtcPeer& peer() { return *peer_; }

  private:
    WhipOptions options_;
    HttpClient http_;
    std::unique_ptr<WebRtcPeer> peer_;
    HttpSession session_;
    bool deleted_ = false;
};

}  // namespace vcb::gstclient
