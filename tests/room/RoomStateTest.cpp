#include <gtest/gtest.h>

#include "clients/room/RoomState.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;
using Clock = RoomState::Clock;

constexpr const char* kUnit = "thanh-son.x-phu-loc";

RoomState joinedRoom(Clock::time_point t0) {
    RoomState s(RoomStateOptions{
        .backoffMin = 500ms, .backoffMax = 8000ms, .replacedHoldoff = 600s, .seed = 7});
    s.setUnit(kUnit);
    EXPECT_TRUE(s.shouldConnect(t0));
    s.connecting(t0);
    EXPECT_FALSE(s.shouldConnect(t0));
    s.joined(t0, "p1");
    return s;
}

MeetingView inSession() {
    MeetingView v;
    v.state = "in_session";
    return v;
}

TEST(RoomState, FollowsTheMeeting) {
    const auto t0 = Clock::time_point{} + 1h;
    RoomState s = joinedRoom(t0);
    EXPECT_EQ(s.phase(), Phase::WaitingForChair);
    EXPECT_EQ(s.overlay(t0, 0), "Đang chờ chủ tọa khai mạc cuộc họp");

    MeetingView v = inSession();
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::InSession);

    v.queueUnits = {"other", kUnit};
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::HandRaised);
    EXPECT_EQ(s.overlay(t0, 0), "Đã giơ tay xin phát biểu");

    v.queueUnits.clear();
    v.floor = kUnit;
    v.speakers = {"chair", "p1"};
    v.floorEndsAtMs = 100'000;
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::Floor);
    EXPECT_EQ(s.overlay(t0, 100'000 - 83'500), "Mời đơn vị phát biểu — còn 1:24");

    v.speakers = {"chair"};  // the chair muted the hall, the floor stays
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::Muted);
    EXPECT_EQ(s.overlay(t0, 0), "Chủ tọa đã tắt tiếng");

    v.floor = "other";  // someone else speaks; we are not heard
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::InSession);
    v.speakers = {"chair", "p1"};  // a discussion: the chair unmuted the unit
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::Floor);
    EXPECT_EQ(s.overlay(t0, 0), "Mời đơn vị phát biểu");

    v.state = "ended";
    s.meetingState(v, t0);
    EXPECT_EQ(s.phase(), Phase::Ended);
}

TEST(RoomState, ReconnectsWithBoundedJitteredBackoff) {
    const auto t0 = Clock::time_point{} + 1h;
    RoomState s = joinedRoom(t0);
    auto t = t0;
    std::vector<long long> delays;
    for (int i = 0; i < 8; ++i) {
        s.lost(t, "WebSocket closed");
        EXPECT_EQ(s.phase(), Phase::Reconnecting);
        EXPECT_FALSE(s.shouldConnect(t));
        const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(s.nextAttempt() - t);
        delays.push_back(d.count());
        EXPECT_TRUE(s.shouldConnect(s.nextAttempt()));
        t = s.nextAttempt();
        s.connecting(t);
    }
    // d doubles from 0.5 s to 8 s; each drawn in [d/2, d]
    const long long bound[] = {500, 1000, 2000, 4000, 8000, 8000, 8000, 8000};
    for (std::size_t i = 0; i < delays.size(); ++i) {
        EXPECT_GE(delays[i], bound[i] / 2) << i;
        EXPECT_LE(delays[i], bound[i]) << i;
    }
    EXPECT_EQ(s.reconnects(), 8);
    EXPECT_EQ(s.overlay(t, 0), "Đang kết nối tới máy chủ…");
    // A session that lasts 10 s resets the backoff.
    s.joined(t, "p2");
    s.tick(t + 11s);
    s.lost(t + 11s, "server restart");
    EXPECT_LE(s.nextAttempt() - (t + 11s), 500ms);
    EXPECT_EQ(s.overlay(t + 11s, 0).rfind("Mất kết nối — đang kết nối lại sau ", 0), 0u);
}

TEST(RoomState, ReplacedHoldsOffInsteadOfFighting) {
    const auto t0 = Clock::time_point{} + 1h;
    RoomState s = joinedRoom(t0);
    s.sessionClosed(t0, "replaced");
    EXPECT_EQ(s.phase(), Phase::Replaced);
    EXPECT_FALSE(s.shouldConnect(t0 + 599s));
    EXPECT_TRUE(s.shouldConnect(t0 + 600s));
    // the connection closing after sessionClosed does not turn it into a quick reconnect
    s.lost(t0 + 1s, "WebSocket closed");
    EXPECT_EQ(s.phase(), Phase::Replaced);
    EXPECT_FALSE(s.shouldConnect(t0 + 10s));
    // replaced again right away: twice as long
    const auto t1 = t0 + 600s;
    s.connecting(t1);
    s.joined(t1, "p3");
    s.sessionClosed(t1 + 5s, "replaced");
    EXPECT_FALSE(s.shouldConnect(t1 + 5s + 1199s));
    EXPECT_TRUE(s.shouldConnect(t1 + 5s + 1200s));
    // a new token ends the hold-off
    s.retryNow(t1 + 10s);
    EXPECT_TRUE(s.shouldConnect(t1 + 10s));
}

TEST(RoomState, RefusalsRetrySlowly) {
    const auto t0 = Clock::time_point{} + 1h;
    RoomState s(RoomStateOptions{});
    s.connecting(t0);
    s.refused(t0, "not_invited");
    EXPECT_EQ(s.phase(), Phase::Refused);
    EXPECT_EQ(s.overlay(t0, 0), "Máy chủ từ chối: not_invited");
    EXPECT_FALSE(s.shouldConnect(t0 + 31s));
    EXPECT_TRUE(s.shouldConnect(t0 + 32s));
    s.connecting(t0 + 32s);
    s.refused(t0 + 32s, "rate_limited");  // transient: the normal backoff
    EXPECT_EQ(s.phase(), Phase::Reconnecting);
    EXPECT_TRUE(s.shouldConnect(t0 + 33s));
}

// wss:// with a certificate the hall does not trust: the TV says so (waiting will not fix it),
// still counting down to the next attempt; any other problem is "reconnecting" again.
TEST(RoomState, ARefusedCertificateIsNamedOnTheScreen) {
    const auto t0 = Clock::time_point{} + 1h;
    RoomState s(RoomStateOptions{});
    s.connecting(t0);
    s.lost(t0,
           "WebSocket connect to wss://10.0.0.5:8443/ws failed: TLS handshake failed: "
           "certificate verify failed (SSL routines): self-signed certificate");
    EXPECT_EQ(s.phase(), Phase::Reconnecting);
    const auto secondsLeft =
        std::to_string(std::chrono::ceil<std::chrono::seconds>(s.nextAttempt() - t0).count());
    EXPECT_EQ(s.overlay(t0, 0), message(MessageId::CertificateRefused, {}, secondsLeft));
    EXPECT_EQ(s.overlay(t0, 0).rfind("Chứng chỉ bảo mật của máy chủ không hợp lệ", 0), 0u);
    s.connecting(s.nextAttempt());
    s.lost(s.nextAttempt(),
           "WebSocket connect to wss://10.0.0.5:8443/ws failed: Connection refused");
    EXPECT_EQ(s.overlay(s.nextAttempt(), 0).rfind("Mất kết nối — đang kết nối lại sau ", 0), 0u);
    EXPECT_TRUE(isRefusedCertificate(
        "TLS handshake failed: certificate verify failed: IP address mismatch"));
    EXPECT_FALSE(isRefusedCertificate("TLS handshake failed: wrong version number"));
}

TEST(RoomState, EveryMessageHasText) {
    for (int i = 0; i <= static_cast<int>(MessageId::CertificateRefused); ++i)
        EXPECT_FALSE(catalogueText(static_cast<MessageId>(i)).empty()) << i;
    EXPECT_EQ(minutesSeconds(125), "2:05");
    EXPECT_EQ(minutesSeconds(-3), "0:00");
}

}  // namespace
}  // namespace vcb::room
