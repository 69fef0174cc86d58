#include "signaling/http/HttpResponder.hpp"

#include <atomic>

#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

class HttpResponder::State {
  public:
    explicit State(Sink sink) : sink_(std::move(sink)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    ~State() {
        if (!done_.exchange(true)) {
            deliver(problem(boost::beast::http::status::internal_server_error, "internal",
                            "the request handler did not produce a response"));
        }
    }

    void respond(HttpResponse response) {
        if (!done_.exchange(true)) deliver(std::move(response));
    }

    bool responded() const { return done_.load(); }

  private:
    void deliver(HttpResponse response) noexcept {
        try {
            if (sink_) sink_(std::move(response));
        } catch (...) {
            // Posting can only fail on allocation; the session's handler timeout still ends
            // the request, so there is nothing better to do here.
        }
    }

    Sink sink_;
    std::atomic<bool> done_{false};
};

HttpResponder::HttpResponder(Sink sink) : state_(std::make_shared<State>(std::move(sink))) {}

void HttpResponder::respond(HttpResponse response) const { state_->respond(std::move(response)); }

bool HttpResponder::responded() const { return state_->responded(); }

}  // namespace vcb::signaling
