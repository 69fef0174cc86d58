#include "signaling/http/FailLog.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace vcb::signaling {

namespace {

struct FailLogState {
    std::mutex mutex;
    FailLogSink sink;
    unsigned linesPerSecond = 20;
    std::chrono::steady_clock::time_point windowStart{};
    unsigned linesInWindow = 0;
    unsigned long long suppressed = 0;
};

FailLogState& state() {
    static FailLogState s;
    return s;
}

void emit(FailLogState& s, const std::string& line) {
    if (s.sink) {
        s.sink(line);
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

}  // namespace

void setFailLogSink(FailLogSink sink) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.sink = std::move(sink);
}

void setFailLogRate(unsigned linesPerSecond) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.linesPerSecond = linesPerSecond;
}

bool isBenignError(const boost::system::error_code& ec) {
    namespace net = boost::asio;
    namespace beast = boost::beast;
    return ec == net::error::operation_aborted || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::bad_descriptor || ec == net::error::not_connected ||
           ec == beast::error::timeout || ec == beast::http::error::end_of_stream ||
           ec == beast::websocket::error::closed ||
           // A TLS peer that closes without close_notify: what browsers and curl do.
           ec == net::ssl::error::stream_truncated;
}

void fail(const boost::system::error_code& ec, std::string_view what) {
    if (isBenignError(ec)) return;
    auto& s = state();
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(s.mutex);
    if (now - s.windowStart >= std::chrono::seconds(1)) {
        if (s.suppressed > 0) {
            emit(s, "vcb_http: " + std::to_string(s.suppressed) + " error lines suppressed");
            s.suppressed = 0;
        }
        s.windowStart = now;
        s.linesInWindow = 0;
    }
    if (s.linesInWindow >= s.linesPerSecond) {
        ++s.suppressed;
        return;
    }
    ++s.linesInWindow;
    emit(s, "vcb_http: " + std::string(what) + ": " + ec.message());
}

}  // namespace vcb::signaling
