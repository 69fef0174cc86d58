#pragma once
// Raising the hand from a key: remotes, presenters and button boxes are USB HID keyboards, so the
// kernel gives their keys as evdev events (/dev/input/eventN, stable names under
// /dev/input/by-id/). KeyPressParser turns the bytes read from such a device into presses of one
// key (plain logic, fed bytes by the tests); KeyDevice opens, reads and reopens the device,
// polled from the endpoint's loop, never blocking it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::room {

// A key code from its name in linux/input-event-codes.h as evtest prints it ("KEY_F5", "KEY_OK";
// case does not matter, the KEY_ prefix may be left out) or from its number (1 to KEY_MAX).
// nullopt for anything else.
std::optional<int> keyCodeFromName(std::string_view name);
// The name of a code of the table above ("KEY_F5"), else its number.
std::string keyName(int code);

// Presses of one key in a stream of `struct input_event` records: EV_KEY with the code and value
// 1. A release (0) and the auto-repeat a held key makes (2) are no press. A record split across
// feeds is kept until it is whole; bytes that make no sense are records of other types, skipped.
class KeyPressParser {
  public:
    explicit KeyPressParser(int code) : code_(code) {}
    // The presses in these bytes (with what an earlier feed left over).
    int feed(const void* data, std::size_t size);
    // A new device (or the same one reopened): a partial record belongs to the old one.
    void reset() { held_ = 0; }

  private:
    int code_;
    std::size_t held_ = 0;
    unsigned char partial_[64] = {};  // one record (24 bytes on 64-bit, 16 on 32-bit)
};

class KeyDevice {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kRetry{3};

    // `log` gets one line when the device is opened, and one when it cannot be (or goes away),
    // not one per retry.
    KeyDevice(std::string path, int code, std::function<void(const std::string&)> log);
    ~KeyDevice();
    KeyDevice(const KeyDevice&) = delete;
    KeyDevice& operator=(const KeyDevice&) = delete;

    // Non-blocking: opens the device if it is closed and a retry is due, then reads what is
    // there (at most a few KiB). Returns the presses read.
    int poll(Clock::time_point now);

    const std::string& path() const { return path_; }
    int code() const { return code_; }
    // Open and read without an error (a path that opens but cannot be read is not).
    bool isOpen() const { return fd_ >= 0 && reported_ == Reported::Open; }
    std::uint64_t presses() const { return presses_; }

  private:
    // The device is gone or cannot be opened (`why`): closed if open, tried again kRetry later.
    void close(Clock::time_point now, const std::string& why);
    // Logs `line` when the device's state (open or not) differs from the one last logged.
    void report(bool open, const std::string& line);

    const std::string path_;
    const int code_;
    const std::function<void(const std::string&)> log_;
    KeyPressParser parser_;
    int fd_ = -1;
    Clock::time_point nextOpen_{};
    enum class Reported { Nothing, Open, Missing } reported_ = Reported::Nothing;
    std::uint64_t presses_ = 0;
};

}  // namespace vcb::room
