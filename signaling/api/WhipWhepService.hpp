#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "rooms/Conference.hpp"
#include "signaling/api/RateLimiter.hpp"
#include "signaling/api/SessionRegistry.hpp"
#include "signaling/http/HttpRequest.hpp"
#include "signaling/http/HttpResponder.hpp"
#include "signaling/http/HttpRouter.hpp"

namespace vcb::signaling {

// WHIP (RFC 9725) ingest and WHEP egress over the conference:
//   POST /whip/{meeting}                 publish into a meeting
//   POST /whep/{meeting}                 watch the meeting's programme
//   POST /whep/{meeting}/{participant}   watch one participant
//   DELETE / PATCH {Location}            end the session / trickle ICE
class WhipWhepService {
  public:
    // joinLimiter: per-IP budget of joins shared with the WebSocket API (may be null).
    WhipWhepService(rooms::Conference& conference, std::shared_ptr<SessionRegistry> sessions,
                    std::shared_ptr<RateLimiter> joinLimiter = nullptr);
    void registerRoutes(HttpRouter& router);
    // From now on new sessions are refused with 503 server_shutdown.
    void drain() { draining_ = true; }

  private:
    enum class Mode { Publish, View };
    void post(Mode mode, HttpRequest request, HttpResponder responder);
    void remove(Mode mode, const HttpRequest& request, const HttpResponder& responder);
    void patch(Mode mode, const HttpRequest& request, const HttpResponder& responder);

    rooms::Conference& conference_;
    std::shared_ptr<SessionRegistry> sessions_;
    std::shared_ptr<RateLimiter> joinLimiter_;
    std::atomic<bool> draining_{false};
};

}  // namespace vcb::signaling
