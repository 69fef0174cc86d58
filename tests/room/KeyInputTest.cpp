#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "clients/room/KeyInput.hpp"

namespace vcb::room {
namespace {

using Clock = KeyDevice::Clock;
using namespace std::chrono_literals;

std::vector<unsigned char> record(int type, int code, int value) {
    input_event e{};
    e.type = static_cast<decltype(e.type)>(type);
    e.code = static_cast<decltype(e.code)>(code);
    e.value = value;
    const auto* p = reinterpret_cast<const unsigned char*>(&e);
    return {p, p + sizeof e};
}

// A press of `code` as a keyboard sends it: the key down, a sync, auto-repeats, up, sync.
std::vector<unsigned char> pressAndRelease(int code, int repeats = 0) {
    std::vector<unsigned char> out;
    auto add = [&](std::vector<unsigned char> r) { out.insert(out.end(), r.begin(), r.end()); };
    add(record(EV_MSC, MSC_SCAN, 0x7003e));
    add(record(EV_KEY, code, 1));
    add(record(EV_SYN, SYN_REPORT, 0));
    for (int i = 0; i < repeats; ++i) {
        add(record(EV_KEY, code, 2));
        add(record(EV_SYN, SYN_REPORT, 0));
    }
    add(record(EV_KEY, code, 0));
    add(record(EV_SYN, SYN_REPORT, 0));
    return out;
}

TEST(KeyInput, NamesAndNumbers) {
    EXPECT_EQ(keyCodeFromName("KEY_F5"), KEY_F5);
    EXPECT_EQ(keyCodeFromName("KEY_F5"), 63);
    EXPECT_EQ(keyCodeFromName("key_f12"), KEY_F12);
    EXPECT_EQ(keyCodeFromName("F12"), 88);
    EXPECT_EQ(keyCodeFromName("KEY_A"), 30);
    EXPECT_EQ(keyCodeFromName("KEY_Z"), 44);
    EXPECT_EQ(keyCodeFromName("KEY_SPACE"), 57);
    EXPECT_EQ(keyCodeFromName("KEY_ENTER"), 28);
    EXPECT_EQ(keyCodeFromName("KEY_OK"), 0x160);
    EXPECT_EQ(keyCodeFromName("KEY_RED"), 0x18e);
    EXPECT_EQ(keyCodeFromName("KEY_BLUE"), 0x191);
    EXPECT_EQ(keyCodeFromName("KEY_PLAYPAUSE"), 164);
    EXPECT_EQ(keyCodeFromName("63"), 63);
    EXPECT_EQ(keyCodeFromName("767"), 767);
    EXPECT_FALSE(keyCodeFromName("768"));
    EXPECT_FALSE(keyCodeFromName("0"));
    EXPECT_FALSE(keyCodeFromName("-1"));
    EXPECT_FALSE(keyCodeFromName(""));
    EXPECT_FALSE(keyCodeFromName("KEY_"));
    EXPECT_FALSE(keyCodeFromName("KEY_F13x"));
    EXPECT_FALSE(keyCodeFromName("F5 "));
    EXPECT_FALSE(keyCodeFromName("BTN_LEFT"));
    EXPECT_EQ(keyName(KEY_F5), "KEY_F5");
    EXPECT_EQ(keyName(KEY_OK), "KEY_OK");
    EXPECT_EQ(keyName(700), "700");
}

TEST(KeyInput, OnlyThePressOfTheKeyCounts) {
    KeyPressParser parser(KEY_F5);
    auto bytes = pressAndRelease(KEY_F5, 5);  // held: five repeats, still one press
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 1);
    bytes = pressAndRelease(KEY_F6);
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 0);
    bytes = record(EV_KEY, KEY_F5, 2);  // a repeat alone (the press was before the device opened)
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 0);
    bytes = record(EV_KEY, KEY_F5, 0);
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 0);
    bytes = record(EV_REL, KEY_F5, 1);  // same code, another type (a mouse's REL_...)
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 0);
    bytes = pressAndRelease(KEY_F5);
    auto twice = pressAndRelease(KEY_F5, 1);
    bytes.insert(bytes.end(), twice.begin(), twice.end());
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), 2);
}

TEST(KeyInput, ARecordSplitAcrossReadsIsKeptUntilWhole) {
    KeyPressParser parser(KEY_OK);
    const auto bytes = pressAndRelease(KEY_OK, 2);
    int presses = 0;
    for (unsigned char b : bytes) presses += parser.feed(&b, 1);
    EXPECT_EQ(presses, 1);
    // Uneven pieces: 7 bytes, then the rest in 10s.
    presses = parser.feed(bytes.data(), 7);
    for (std::size_t at = 7; at < bytes.size(); at += 10)
        presses += parser.feed(bytes.data() + at, std::min<std::size_t>(10, bytes.size() - at));
    EXPECT_EQ(presses, 1);
    // A reset (the device reopened) drops a half record: what follows is read from its start.
    const auto press = record(EV_KEY, KEY_OK, 1);
    EXPECT_EQ(parser.feed(press.data(), 5), 0);
    parser.reset();
    EXPECT_EQ(parser.feed(press.data(), press.size()), 1);
}

TEST(KeyInput, GarbageNeverCrashesAndAResetRealigns) {
    KeyPressParser parser(KEY_F5);
    std::mt19937 rng(7);
    std::vector<unsigned char> bytes(1 << 16);
    for (auto& b : bytes) b = static_cast<unsigned char>(rng());
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t n = std::min<std::size_t>(rng() % 100, bytes.size() - at);
        parser.feed(bytes.data() + at, n);
        at += n;
    }
    EXPECT_EQ(parser.feed(nullptr, 0), 0);
    // Realigned by the reset the device gets on reopening, it counts again.
    parser.reset();
    const auto press = pressAndRelease(KEY_F5);
    EXPECT_EQ(parser.feed(press.data(), press.size()), 1);
}

class KeyDeviceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vcb-room-key-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = dir_ + "/event-kbd";
    }
    void TearDown() override {
        if (writer_ >= 0) ::close(writer_);
        ::unlink(path_.c_str());
        ::rmdir(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    void plugIn() {
        ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
        // O_RDWR: a FIFO opened so does not wait for a reader.
        writer_ = ::open(path_.c_str(), O_RDWR | O_NONBLOCK);
        ASSERT_GE(writer_, 0);
    }
    void write(const std::vector<unsigned char>& bytes) {
        ASSERT_EQ(::write(writer_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }

    std::string dir_, path_;
    int writer_ = -1;
    std::vector<std::string> logged_;
};

TEST_F(KeyDeviceTest, PluggedInLaterIsFoundAtTheNextRetryAndMissingIsLoggedOnce) {
    KeyDevice device(path_, KEY_F5, [this](const std::string& l) { logged_.push_back(l); });
    const auto t0 = Clock::now();
    EXPECT_EQ(device.poll(t0), 0);
    EXPECT_EQ(device.poll(t0 + 1s), 0);
    EXPECT_EQ(device.poll(t0 + 4s), 0);
    EXPECT_FALSE(device.isOpen());
    ASSERT_EQ(logged_.size(), 1u);
    EXPECT_NE(logged_[0].find("No such file or directory: trying again every 3 s"),
              std::string::npos)
        << logged_[0];

    plugIn();
    write(pressAndRelease(KEY_F5, 2));
    // The last try was at t0 + 4 s: the next is due at t0 + 7 s, not before.
    EXPECT_EQ(device.poll(t0 + 6s), 0);
    EXPECT_FALSE(device.isOpen());
    EXPECT_EQ(device.poll(t0 + 7s), 1);
    EXPECT_TRUE(device.isOpen());
    ASSERT_EQ(logged_.size(), 2u);
    EXPECT_NE(logged_[1].find("open: KEY_F5 raises the hand"), std::string::npos) << logged_[1];

    // Nothing to read: no block, no press.
    EXPECT_EQ(device.poll(t0 + 8s), 0);
    // Half a record now, the rest later.
    const auto press = pressAndRelease(KEY_F5);
    write({press.begin(), press.begin() + 30});
    EXPECT_EQ(device.poll(t0 + 9s), 0);
    write({press.begin() + 30, press.end()});
    EXPECT_EQ(device.poll(t0 + 9s), 1);
    EXPECT_EQ(device.presses(), 2u);
    EXPECT_EQ(logged_.size(), 2u);
}

TEST_F(KeyDeviceTest, APathThatCannotBeReadIsRetriedAndLoggedOnce) {
    ASSERT_EQ(::mkdir(path_.c_str(), 0700), 0);  // opens, but read() fails (EISDIR)
    KeyDevice device(path_, KEY_F5, [this](const std::string& l) { logged_.push_back(l); });
    const auto t0 = Clock::now();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(device.poll(t0 + i * 3s), 0);
    EXPECT_FALSE(device.isOpen());
    ASSERT_EQ(logged_.size(), 1u);
    EXPECT_NE(logged_[0].find("cannot be read"), std::string::npos) << logged_[0];

    // Replaced by a device that works: found at the next retry.
    ASSERT_EQ(::rmdir(path_.c_str()), 0);
    plugIn();
    write(pressAndRelease(KEY_F5));
    EXPECT_EQ(device.poll(t0 + 15s), 1);
    EXPECT_TRUE(device.isOpen());
    EXPECT_EQ(logged_.size(), 2u);
}

TEST_F(KeyDeviceTest, AFloodIsReadInBoundedSteps) {
    plugIn();
    KeyDevice device(path_, KEY_F5, {});
    // More than one poll reads (8 × 64 records): the rest waits for the next poll.
    std::vector<unsigned char> flood;
    for (int i = 0; i < 300; ++i) {
        const auto p = pressAndRelease(KEY_F5);  // 5 records
        flood.insert(flood.end(), p.begin(), p.end());
    }
    write(flood);
    const auto t0 = Clock::now();
    const int first = device.poll(t0);
    EXPECT_GT(first, 0);
    EXPECT_LT(first, 300);
    int total = first;
    for (int i = 0; i < 10 && total < 300; ++i) total += device.poll(t0);
    EXPECT_EQ(total, 300);
}

}  // namespace
}  // namespace vcb::room
