#pragma once
// The WHIP/WHEP exchange shared by WhipClient and WhepClient: POST the peer's offer, expect
// 201 + Location + SDP answer, apply the answer.
#include <chrono>
#include <string>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WebRtcPeer.hpp"

namespace vcb::gstclient {

struct HttpSession {
    int status = 0;        // status of the POST (0 if it was not sent)
    std::string location;  // absolute URL of the session resource
    std::string error;
    std::string offer;  // exactly what was POSTed
    std::string answer;
};

// corruptFingerprint alters a=fingerprint in the POSTed offer (the peer keeps its real
// certificate), which a correct server must refuse at the DTLS handshake. A non-empty
// bearerToken goes with the POST as `Authorization: Bearer` (a server in auth mode jwt).
HttpSession negotiateOverHttp(WebRtcPeer& peer, const HttpClient& http, const std::string& url,
                              bool corruptFingerprint, WebRtcPeer::Clock::time_point deadline,
                              const std::string& bearerToken = {});

}  // namespace vcb::gstclient
