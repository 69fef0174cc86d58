#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "clients/room/SdNotify.hpp"

namespace vcb::room {
namespace {

// What systemd does: a datagram socket named by NOTIFY_SOCKET; vcb-room's messages arrive on it.
std::string receiveNotification(bool abstract) {
    const std::string name = "/tmp/vcb-room-notify-" + std::to_string(::getpid());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.c_str(), name.size());
    if (abstract) addr.sun_path[0] = '\0';
    ::unlink(name.c_str());
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr),
                     static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())),
              0);
    std::string env = name;
    if (abstract) env[0] = '@';
    ::setenv("NOTIFY_SOCKET", env.c_str(), 1);
    EXPECT_TRUE(sdNotify("READY=1\nSTATUS=waiting_for_chair"));
    char buf[256] = {};
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const auto n = ::recv(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    ::unlink(name.c_str());
    ::unsetenv("NOTIFY_SOCKET");
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

TEST(SdNotify, SendsToAPathSocket) {
    EXPECT_EQ(receiveNotification(false), "READY=1\nSTATUS=waiting_for_chair");
}

TEST(SdNotify, SendsToAnAbstractSocket) {
    EXPECT_EQ(receiveNotification(true), "READY=1\nSTATUS=waiting_for_chair");
}

TEST(SdNotify, WithoutSystemdNothingIsSent) {
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(sdNotify("WATCHDOG=1"));
    ::setenv("WATCHDOG_USEC", "30000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    EXPECT_EQ(sdWatchdogUsec(), 30000000);
    ::setenv("WATCHDOG_PID", "1", 1);
    EXPECT_EQ(sdWatchdogUsec(), 0);  // meant for another process
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

}  // namespace
}  // namespace vcb::room
