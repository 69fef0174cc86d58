#include "common/Log.hpp"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace vcb {

namespace {
std::atomic<int> gLevel{static_cast<int>(LogLevel::Info)};
const char* levelName(LogLevel l) {
    switch (l) {
        case LogLevel::Debug:
            return "DEBUG";
        case LogLevel::Info:
            return "INFO";
        case LogLevel::Warn:
            return "WARN";
        case LogLevel::Error:
            return "ERROR";
    }
    return "?";
}
}  // namespace

void setLogLevel(LogLevel level) { gLevel = static_cast<int>(level); }
LogLevel logLevel() { return static_cast<LogLevel>(gLevel.load(std::memory_order_relaxed)); }

void logWrite(LogLevel level, const char* fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    // One fprintf per line: stdio locks the stream, so lines from threads do not interleave.
    std::fprintf(stderr, "%s.%03dZ %-5s %s\n", ts, static_cast<int>(ms), levelName(level), msg);
}

bool LogRateLimiter::allow() {
    return allow(std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::steady_clock::now().time_since_epoch())
                     .count());
}

bool LogRateLimiter::allow(int64_t nowSec) {
    int64_t start = windowStart_.load(std::memory_order_relaxed);
    if (nowSec != start && windowStart_.compare_exchange_strong(start, nowSec)) {
        count_.store(0, std::memory_order_relaxed);
    }
    return count_.fetch_add(1, std::memory_order_relaxed) < perSecond_;
}

}  // namespace vcb
