#pragma once

#include <functional>
#include <memory>

#include "signaling/http/HttpResponse.hpp"

namespace vcb::signaling {

// The way back to the client for one request. Copyable and thread-safe: all copies share one
// state, the first respond() wins and later calls are ignored. When the last copy is destroyed
// without a response, a 500 problem is sent, so a lost callback never leaves a client hanging.
class HttpResponder {
  public:
    using Sink = std::function<void(HttpResponse)>;

    // The server passes a sink that posts to the session's strand; tests of handlers may pass
    // their own sink to capture the response.
    explicit HttpResponder(Sink sink);

    void respond(HttpResponse response) const;
    bool responded() const;

  private:
    class State;
    std::shared_ptr<State> state_;
};

}  // namespace vcb::signaling
