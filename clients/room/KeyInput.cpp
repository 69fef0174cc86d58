#include "clients/room/KeyInput.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace vcb::room {
namespace {

static_assert(sizeof(input_event) <= 64, "KeyPressParser::partial_ holds one record");

struct NamedKey {
    const char* name;
    int code;
};

// The keys a keyboard, a presenter or a TV remote is likely to have. The macros themselves, so
// that no number can be mistyped.
// clang-format off
#define VCB_KEY(k) {#k, k}
constexpr NamedKey kKeys[] = {
    VCB_KEY(KEY_A), VCB_KEY(KEY_B), VCB_KEY(KEY_C), VCB_KEY(KEY_D), VCB_KEY(KEY_E), VCB_KEY(KEY_F),
    VCB_KEY(KEY_G), VCB_KEY(KEY_H), VCB_KEY(KEY_I), VCB_KEY(KEY_J), VCB_KEY(KEY_K), VCB_KEY(KEY_L),
    VCB_KEY(KEY_M), VCB_KEY(KEY_N), VCB_KEY(KEY_O), VCB_KEY(KEY_P), VCB_KEY(KEY_Q), VCB_KEY(KEY_R),
    VCB_KEY(KEY_S), VCB_KEY(KEY_T), VCB_KEY(KEY_U), VCB_KEY(KEY_V), VCB_KEY(KEY_W), VCB_KEY(KEY_X),
    VCB_KEY(KEY_Y), VCB_KEY(KEY_Z), VCB_KEY(KEY_0), VCB_KEY(KEY_1), VCB_KEY(KEY_2), VCB_KEY(KEY_3),
    VCB_KEY(KEY_4), VCB_KEY(KEY_5), VCB_KEY(KEY_6), VCB_KEY(KEY_7), VCB_KEY(KEY_8), VCB_KEY(KEY_9),
    VCB_KEY(KEY_F1), VCB_KEY(KEY_F2), VCB_KEY(KEY_F3), VCB_KEY(KEY_F4), VCB_KEY(KEY_F5),
    VCB_KEY(KEY_F6), VCB_KEY(KEY_F7), VCB_KEY(KEY_F8), VCB_KEY(KEY_F9), VCB_KEY(KEY_F10),
    VCB_KEY(KEY_F11), VCB_KEY(KEY_F12), VCB_KEY(KEY_SPACE), VCB_KEY(KEY_ENTER), VCB_KEY(KEY_ESC),
    VCB_KEY(KEY_TAB), VCB_KEY(KEY_BACKSPACE), VCB_KEY(KEY_UP), VCB_KEY(KEY_DOWN), VCB_KEY(KEY_LEFT),
    VCB_KEY(KEY_RIGHT), VCB_KEY(KEY_PAGEUP), VCB_KEY(KEY_PAGEDOWN), VCB_KEY(KEY_HOME),
    VCB_KEY(KEY_END), VCB_KEY(KEY_INSERT), VCB_KEY(KEY_DELETE), VCB_KEY(KEY_KP0), VCB_KEY(KEY_KP1),
    VCB_KEY(KEY_KP2), VCB_KEY(KEY_KP3), VCB_KEY(KEY_KP4), VCB_KEY(KEY_KP5), VCB_KEY(KEY_KP6),
    VCB_KEY(KEY_KP7), VCB_KEY(KEY_KP8), VCB_KEY(KEY_KP9), VCB_KEY(KEY_KPENTER),
    // Remotes and presenters.
    VCB_KEY(KEY_OK), VCB_KEY(KEY_SELECT), VCB_KEY(KEY_MENU), VCB_KEY(KEY_BACK), VCB_KEY(KEY_INFO),
    VCB_KEY(KEY_RED), VCB_KEY(KEY_GREEN), VCB_KEY(KEY_YELLOW), VCB_KEY(KEY_BLUE),
    VCB_KEY(KEY_PLAYPAUSE), VCB_KEY(KEY_PLAY), VCB_KEY(KEY_PAUSE), VCB_KEY(KEY_STOP),
    VCB_KEY(KEY_RECORD), VCB_KEY(KEY_NEXTSONG), VCB_KEY(KEY_PREVIOUSSONG), VCB_KEY(KEY_CHANNELUP),
    VCB_KEY(KEY_CHANNELDOWN), VCB_KEY(KEY_VOLUMEUP), VCB_KEY(KEY_VOLUMEDOWN), VCB_KEY(KEY_MUTE),
    VCB_KEY(KEY_MICMUTE), VCB_KEY(KEY_PHONE),
};
#undef VCB_KEY
// clang-format on

bool sameIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<int> keyCodeFromName(std::string_view name) {
    int number = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (!name.empty() && ec == std::errc() && p == name.data() + name.size())
        return number >= 1 && number <= KEY_MAX ? std::optional<int>(number) : std::nullopt;
    for (const auto& k : kKeys) {
        const std::string_view full(k.name);
        if (sameIgnoringCase(name, full) || sameIgnoringCase(name, full.substr(4))) return k.code;
    }
    return std::nullopt;
}

std::string keyName(int code) {
    for (const auto& k : kKeys)
        if (k.code == code) return k.name;
    return std::to_string(code);
}

int KeyPressParser::feed(const void* data, std::size_t size) {
    constexpr std::size_t kRecord = sizeof(input_event);
    const auto* bytes = static_cast<const unsigned char*>(data);
    int presses = 0;
    if (bytes == nullptr || size == 0) return presses;  // nothing read (memcpy wants a pointer)
    auto consider = [&](const unsigned char* record) {
        input_event e;
        std::memcpy(&e, record, kRecord);  // the bytes need not be aligned
        if (e.type == EV_KEY && e.code == code_ && e.value == 1) ++presses;
    };
    if (held_ > 0) {
        const std::size_t take = std::min(kRecord - held_, size);
        std::memcpy(partial_ + held_, bytes, take);
        held_ += take;
        bytes += take;
        size -= take;
        if (held_ < kRecord) return presses;
        consider(partial_);
        held_ = 0;
    }
    for (; size >= kRecord; bytes += kRecord, size -= kRecord) consider(bytes);
    std::memcpy(partial_, bytes, size);
    held_ = size;
    return presses;
}

KeyDevice::KeyDevice(std::string path, int code, std::function<void(const std::string&)> log)
    : path_(std::move(path)), code_(code), log_(std::move(log)), parser_(code) {}

KeyDevice::~KeyDevice() {
    if (fd_ >= 0) ::close(fd_);
}

void KeyDevice::report(bool open, const std::string& line) {
    if (reported_ == (open ? Reported::Open : Reported::Missing)) return;
    reported_ = open ? Reported::Open : Reported::Missing;
    if (log_) log_(line);
}

void KeyDevice::close(Clock::time_point now, const std::string& why) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    parser_.reset();
    nextOpen_ = now + kRetry;
    report(false, "key device " + path_ + ": " + why + ": trying again every " +
                      std::to_string(kRetry.count()) + " s");
}

int KeyDevice::poll(Clock::time_point now) {
    if (fd_ < 0) {
        if (now < nextOpen_) return 0;
        fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) {
            close(now, std::strerror(errno));
            return 0;
        }
        parser_.reset();
    }
    // Bounded: a device (or a writer) that never stops cannot hold the loop.
    constexpr int kMaxReads = 8;
    unsigned char buffer[64 * sizeof(input_event)];
    int presses = 0;
    for (int i = 0; i < kMaxReads; ++i) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        const int e = errno;
        if (n < 0 && e == EINTR) continue;
        if (n < 0 && e != EAGAIN && e != EWOULDBLOCK) {
            // ENODEV: unplugged. Also a path that opens but is no device (EISDIR): logged once,
            // not at each retry, since "open" is only said once a read worked.
            close(now, std::string("cannot be read (") + std::strerror(e) + ")");
            break;
        }
        report(true, "key device " + path_ + " open: " + keyName(code_) + " raises the hand");
        // 0: a pipe whose writer went away; kept open, so that the next writer is read.
        if (n <= 0) break;
        presses += parser_.feed(buffer, static_cast<std::size_t>(n));
    }
    presses_ += static_cast<std::uint64_t>(presses);
    return presses;
}

}  // namespace vcb::room
