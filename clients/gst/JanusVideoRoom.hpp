#pragma once
// Janus VideoRoom signalling for the webrtcbin test clients, so that the same WebRtcPeer (same
// pipelines, same NACK/RTX settings, same decoding statistics) can be measured against Janus as
// against vcbridge's WHIP/WHEP. Janus's plain HTTP API (janus.transport.http, json = "plain"):
//
//   JanusSession      create a session, attach janus.plugin.videoroom, send requests, long-poll
//                     for asynchronous events, keep the session alive, destroy it.
//   JanusPublisher    a send-mode peer: creates the room if needed, "joinandconfigure" with the
//                     peer's offer, applies Janus's answer.
//   JanusSubscriber   a ReceiveAnswering peer: waits for a publisher in the room, "join" as a
//                     subscriber to its feed, answers Janus's offer with "start".
//
// No trickle: offers and answers carry all candidates (jsep "trickle": false), as WHIP/WHEP do.
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WebRtcPeer.hpp"

namespace vcb::gstclient {

class JanusSession {
  public:
    using Clock = std::chrono::steady_clock;

    // baseUrl: http://host:port/janus
    JanusSession(std::string baseUrl, std::chrono::milliseconds timeout);
    ~JanusSession();  // close()
    JanusSession(const JanusSession&) = delete;
    JanusSession& operator=(const JanusSession&) = delete;

    // Creates the session, attaches janus.plugin.videoroom and starts the keepalive thread.
    bool open(std::string* error);
    // Stops the keepalives and destroys the session (Janus then hangs up its PeerConnections).
    void close();

    // A synchronous VideoRoom request ("create", "listparticipants", ...): the plugin's data.
    std::optional<boost::json::object> request(const boost::json::object& body, std::string* error);
    // An asynchronous request ("joinandconfigure", "join", "start"), optionally with a JSEP,
    // then long-polls until the handle's event arrives: the whole event (plugindata, jsep).
    // A VideoRoom error in the event is returned as false with *error.
    std::optional<boost::json::object> requestAsync(const boost::json::object& body,
                                                    const boost::json::object* jsep,
                                                    Clock::time_point deadline, std::string* error);

    bool isOpen() const { return sessionId_ != 0; }

  private:
    std::optional<boost::json::object> post(const std::string& url, boost::json::object message,
                                            std::string* error);
    std::string nextTransaction();
    std::string sessionUrl() const;
    std::string handleUrl() const;
    void keepaliveLoop();

    const std::string baseUrl_;
    HttpClient http_;
    HttpClient poll_;  // longer timeout: Janus holds a long poll up to 30 s
    std::uint64_t sessionId_ = 0;
    std::uint64_t handleId_ = 0;
    std::uint64_t transactions_ = 0;

    std::mutex mutex_;
    std::condition_variable stopKeepalive_;
    bool stopping_ = false;
    std::thread keepalive_;
};

struct JanusOptions {
    std::string url{};       // http://host:port/janus
    std::uint64_t room = 1;  // created by the publisher if it does not exist
    std::string pattern = "smpte";
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

class JanusPublisher {
  public:
    explicit JanusPublisher(JanusOptions options);
    ~JanusPublisher();  // stop()
    JanusPublisher(const JanusPublisher&) = delete;
    JanusPublisher& operator=(const JanusPublisher&) = delete;

    bool start(std::string* error);
    void stop();

    WebRtcPeer& peer() { return *peer_; }
    std::uint64_t feedId() const { return feedId_; }

  private:
    JanusOptions options_;
    JanusSession session_;
    std::unique_ptr<WebRtcPeer> peer_;
    std::uint64_t feedId_ = 0;
};

class JanusSubscriber {
  public:
    explicit JanusSubscriber(JanusOptions options);
    ~JanusSubscriber();  // stop()
    JanusSubscriber(const JanusSubscriber&) = delete;
    JanusSubscriber& operator=(const JanusSubscriber&) = delete;

    // Waits (within the timeout) for a publisher in the room, then subscribes to the first one.
    bool start(std::string* error);
    void stop();

    WebRtcPeer& peer() { return *peer_; }

  private:
    JanusOptions options_;
    JanusSession session_;
    std::unique_ptr<WebRtcPeer> peer_;
};

}  // namespace vcb::gstclient
