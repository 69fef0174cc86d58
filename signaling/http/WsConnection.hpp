#pragma once

#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "signaling/http/HttpRequest.hpp"

namespace vcb::signaling {

// One accepted WebSocket as seen by the application. All methods are thread-safe.
class WsConnection {
  public:
    virtual ~WsConnection() = default;
    WsConnection(const WsConnection&) = delete;
    WsConnection& operator=(const WsConnection&) = delete;

    // Queues one text message. When the queue limits of HttpServerConfig::ws are exceeded the
    // connection is closed with 1008 (policy violation) instead. Ignored once closing.
    virtual void send(std::string message) = 0;

    // Starts the closing handshake after already queued messages are sent.
    virtual void close(
        boost::beast::websocket::close_code code = boost::beast::websocket::close_code::normal,
        std::string reason = {}) = 0;

    std::uint64_t id() const { return id_; }
    const std::string& remoteAddress() const { return request_.remoteAddress; }
    // The upgrade request (path, query, params, headers such as Authorization).
    const HttpRequest& request() const { return request_; }

    // Application state attached to this connection, e.g. the participant it belongs to.
    void setUserData(std::shared_ptr<void> data) {
        std::lock_guard lock(userMutex_);
        userData_ = std::move(data);
    }
    std::shared_ptr<void> userData() const {
        std::lock_guard lock(userMutex_);
        return userData_;
    }
    template <class T>
    std::shared_ptr<T> userDataAs() const {
        return std::static_pointer_cast<T>(userData());
    }

  protected:
    WsConnection(std::uint64_t id, HttpRequest request) : id_(id), request_(std::move(request)) {}

  private:
    const std::uint64_t id_;
    const HttpRequest request_;
    mutable std::mutex userMutex_;
    std::shared_ptr<void> userData_;
};

}  // namespace vcb::signaling
