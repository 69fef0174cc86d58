#pragma once
// SignalingDriver for Janus's VideoRoom plugin over Janus's HTTP API, so the same endpoints and
// packets can load Janus and vcbridge. Each endpoint gets its own Janus session and plugin handle,
// like a browser tab:
//   publisher:  create session, attach, [create the meeting's room once], join ptype=publisher
//               -> "joined" (feed id), configure + our offer -> "event" + Janus's answer, then
//               wait for "webrtcup" (Janus refuses subscribers to a feed whose PeerConnection
//               is not up yet: 428 no such feed)
//   subscriber: create session, attach, join ptype=subscriber streams=[feed] -> "attached" +
//               Janus's offer, createAnswer(), start + our answer -> "started"
// Asynchronous replies are fetched by long-polling the session (GET ?maxev). A background thread
// sends a keepalive for every open session every 25 s (Janus drops sessions idle for 60 s).
// Candidates: ours are in the SDP (trickle false); Janus's are in its SDP too, as it sends it
// only after gathering when the peer does not trickle.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/Url.hpp"
#include "clients/loadgen/JanusMessages.hpp"
#include "clients/loadgen/SignalingDriver.hpp"

namespace vcb::loadgen {

class JanusVideoRoomDriver : public SignalingDriver {
  public:
    static constexpr std::chrono::seconds kKeepaliveInterval{25};

    // server: "http://host:port" of Janus's HTTP transport (base path /janus). nullptr and error
    // set if it does not parse.
    static std::unique_ptr<JanusVideoRoomDriver> create(
        const std::string& server, std::string& error,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~JanusVideoRoomDriver() override;

    // meeting -> a room created on first use (JanusMessages::roomFor).
    SignalingResult publish(const std::string& meeting, SdpNegotiation& peer) override;
    // participant: a feed id from publish(); empty: the room's most recent publisher.
    SignalingResult subscribe(const std::string& meeting, const std::string& participant,
                              SdpNegotiation& peer) override;
    // Destroys the session (and with it the handle and its PeerConnection on Janus).
    std::string close(const SignalingSession& session) override;

  private:
    struct Handle {
        std::string sessionUrl;  // .../janus/<session>
        std::string handleUrl;   // .../janus/<session>/<handle>
    };
    struct Room {
        uint64_t id = 0;
        bool created = false;
        std::string lastFeed;
    };

    JanusVideoRoomDriver(gstclient::Url base, std::chrono::milliseconds timeout);
    std::string nextTransaction();
    std::optional<Handle> open(std::string& error);
    // POSTs a request; the response body on HTTP 200, else nullopt and `what` in the error.
    std::optional<std::string> postJson(const std::string& url, const std::string& body,
                                        const std::string& what, std::string& error);
    // Long-polls the session's events until match(body, error) is true (true), it sets an
    // error or a GET fails (false, error set), or the reply deadline passes (false, no error).
    bool pollEvents(const Handle& h,
                    const std::function<bool(const std::string&, std::string&)>& match,
                    std::string& error);
    // A plugin request with a synchronous reply.
    std::optional<JanusReply> requestSync(const Handle& h, const std::string& body,
                                          const std::string& transaction, std::string& error);
    // A plugin request answered with an ack, then an event fetched by long-polling the session.
    std::optional<JanusReply> requestAsync(const Handle& h, const std::string& body,
                                           const std::string& transaction, std::string& error);
    // Long-polls the session until Janus reports the PeerConnection up ("webrtcup").
    bool waitWebrtcUp(const Handle& h, std::string& error);
    std::optional<uint64_t> ensureRoom(const std::string& meeting, const Handle& h,
                                       std::string& error);
    void keepaliveLoop();

    gstclient::Url base_;
    std::chrono::milliseconds timeout_;
    gstclient::HttpClient http_;
    gstclient::HttpClient poll_;  // longer timeout: Janus holds a poll up to 30 s
    std::string transactionPrefix_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    uint64_t transactions_ = 0;
    std::map<std::string, Room> rooms_;
    std::set<std::string> sessions_;  // open session URLs, for the keepalives
    std::mutex roomCreation_;         // one room creation at a time (they are rare)
    std::thread keepalive_;
};

}  // namespace vcb::loadgen
