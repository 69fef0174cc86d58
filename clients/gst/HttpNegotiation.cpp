#include "clients/gst/HttpNegotiation.hpp"

#include "clients/gst/SdpUtil.hpp"
#include "clients/gst/Url.hpp"

namespace vcb::gstclient {

HttpSession negotiateOverHttp(WebRtcPeer& peer, const HttpClient& http, const std::string& url,
                              bool corrupt, WebRtcPeer::Clock::time_point deadline,
                              const std::string& bearerToken) {
    HttpSession session;
    auto base = Url::parse(url);
    if (!base || base->scheme != "http") {
        session.error = "bad URL " + url;
        return session;
    }
    auto offer = peer.createOffer(deadline, &session.error);
    if (!offer) return session;
    if (corrupt) {
        bool changed = false;
        *offer = corruptFingerprint(*offer, &changed);
        if (!changed) {
            session.error = "offer has no a=fingerprint to corrupt";
            return session;
        }
    }
    session.offer = *offer;
    std::vector<std::pair<std::string, std::string>> headers;
    if (!bearerToken.empty()) headers.emplace_back("Authorization", "Bearer " + bearerToken);
    HttpResponse res = http.request("POST", url, "application/sdp", *offer, headers);
    session.status = res.status;
    if (res.status != 201) {
        session.error = res.status == 0 ? "POST failed: " + res.error
                                        : "POST returned " + std::to_string(res.status) + ": " +
                                              res.body.substr(0, 300);
        return session;
    }
    const std::string location = res.header("location");
    auto resolved = base->resolve(location);
    if (!resolved) {
        session.error = "201 without a usable Location header ('" + location + "')";
        return session;
    }
    session.location = resolved->toString();
    session.answer = res.body;
    if (!peer.setRemoteAnswer(res.body, deadline, &session.error)) {
        session.error = "cannot apply answer: " + session.error;
    }
    return session;
}

}  // namespace vcb::gstclient
