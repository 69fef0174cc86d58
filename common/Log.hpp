#pragma once
#include <atomic>
#include <cstdint>

namespace vcb {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

void setLogLevel(LogLevel level);
LogLevel logLevel();
void logWrite(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Allows at most `perSecond` lines per call site per second; the packet path logs through this
// so a flood of bad packets cannot turn into a flood of log lines.
class LogRateLimiter {
  public:
    explicit constexpr LogRateLimiter(uint32_t perSecond) : perSecond_(perSecond) {}
    bool allow();
    // The same with the monotonic time in whole seconds given (tests).
    bool allow(int64_t nowSec);

  private:
    uint32_t perSecond_;
    std::atomic<int64_t> windowStart_{0};
    std::atomic<uint32_t> count_{0};
};

}  // namespace vcb

#define VCB_LOG(level, ...)                                                   \
    do {                                                                      \
        if (static_cast<int>(level) >= static_cast<int>(::vcb::logLevel())) { \
            static ::vcb::LogRateLimiter vcbLimiter_(20);                     \
            if (vcbLimiter_.allow()) ::vcb::logWrite(level, __VA_ARGS__);     \
        }                                                                     \
    } while (0)
#define VCB_LOG_DEBUG(...) VCB_LOG(::vcb::LogLevel::Debug, __VA_ARGS__)
#define VCB_LOG_INFO(...) VCB_LOG(::vcb::LogLevel::Info, __VA_ARGS__)
#define VCB_LOG_WARN(...) VCB_LOG(::vcb::LogLevel::Warn, __VA_ARGS__)
#define VCB_LOG_ERROR(...) VCB_LOG(::vcb::LogLevel::Error, __VA_ARGS__)
