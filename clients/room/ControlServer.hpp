#pragma once
// The hall's local control HTTP, on 127.0.0.1 only, so a button box or a script can raise the
// hand: POST /raise-hand, POST /lower-hand, POST /reload (rejoin now, re-reading the token),
// GET /status (JSON). Boost.Beast, one thread, one request per connection, bounded: headers and
// body at most 4 KiB, 5 s to send the request, 32 connections at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace vcb::room {

struct ControlHandlers {
    std::function<void()> raiseHand, lowerHand, reload;
    std::function<std::string()> status;  // JSON
};

class ControlServer {
  public:
    ControlServer();
    ~ControlServer();  // stop()
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Listens on host:port (host must be a loopback address; port 0 = any free port).
    bool start(const std::string& hostPort, ControlHandlers handlers, std::string* error);
    void stop();
    std::uint16_t port() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vcb::room
