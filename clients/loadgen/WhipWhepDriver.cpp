#include "clients/loadgen/WhipWhepDriver.hpp"

#include "clients/loadgen/Clock.hpp"

namespace vcb::loadgen {

std::unique_ptr<WhipWhepDriver> WhipWhepDriver::create(const std::string& server,
                                                       std::string& error,
                                                       std::chrono::milliseconds timeout) {
    auto url = gstclient::Url::parse(server);
    if (!url || url->scheme != "http") {
        error = "--server must be http://host[:port]: " + server;
        return nullptr;
    }
    url->target = "/";
    return std::unique_ptr<WhipWhepDriver>(new WhipWhepDriver(*url, timeout));
}

SignalingResult WhipWhepDriver::publish(const std::string& meeting, SdpNegotiation& peer) {
    return exchange("/whip/" + meeting, peer);
}

SignalingResult WhipWhepDriver::subscribe(const std::string& meeting,
                                          const std::string& participant, SdpNegotiation& peer) {
    std::string path = "/whep/" + meeting;
    if (!participant.empty()) path += "/" + participant;
    return exchange(path, peer);
}

SignalingResult WhipWhepDriver::exchange(const std::string& path, SdpNegotiation& peer) {
    SignalingResult result;
    auto offer = peer.createOffer(result.error);
    if (!offer) return result;
    gstclient::Url url = base_;
    url.target = path;
    result.requestStartUs = nowUs();
    auto response = http_.post(url.toString(), "application/sdp", *offer);
    result.httpStatus = response.status;
    if (response.status != 201) {
        result.error = response.status == 0
                           ? "POST " + path + ": " + response.error
                           : "POST " + path + ": HTTP " + std::to_string(response.status) + " " +
                                 response.body.substr(0, 200);
        return result;
    }
    auto location = base_.resolve(response.header("location"));
    if (!location) {
        result.error = "POST " + path + ": 201 without a usable Location";
        return result;
    }
    result.session.resourceUrl = location->toString();
    result.participant = response.header("x-participant-id");
    if (!peer.applyAnswer(response.body, result.error)) return result;
    result.ok = true;
    return result;
}

std::string WhipWhepDriver::close(const SignalingSession& session) {
    if (session.resourceUrl.empty()) return {};
    auto response = http_.del(session.resourceUrl);
    if (response.status == 200 || response.status == 204) return {};
    return "DELETE " + session.resourceUrl + ": " +
           (response.status == 0 ? response.error : "HTTP " + std::to_string(response.status));
}

}  // namespace vcb::loadgen
