#pragma once
// SignalingDriver for vcbridge's WHIP/WHEP: POST /whip/{meeting} to publish, POST
// /whep/{meeting}[/{participant}] to watch, application/sdp offer -> 201 + Location + answer,
// DELETE Location to leave.
#include <chrono>
#include <memory>
#include <string>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/Url.hpp"
#include "clients/loadgen/SignalingDriver.hpp"

namespace vcb::loadgen {

class WhipWhepDriver : public SignalingDriver {
  public:
    // server: "http://host:port" (a trailing path is ignored). nullptr and error set if it does
    // not parse.
    static std::unique_ptr<WhipWhepDriver> create(
        const std::string& server, std::string& error,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));

    SignalingResult publish(const std::string& meeting, SdpNegotiation& peer) override;
    SignalingResult subscribe(const std::string& meeting, const std::string& participant,
                              SdpNegotiation& peer) override;
    std::string close(const SignalingSession& session) override;

  private:
    WhipWhepDriver(gstclient::Url base, std::chrono::milliseconds timeout)
        : base_(std::move(base)), http_(timeout) {}
    SignalingResult exchange(const std::string& path, SdpNegotiation& peer);

    gstclient::Url base_;
    gstclient::HttpClient http_;  // stateless: one connection per request, safe to share
};

}  // namespace vcb::loadgen
