// MeetingFinder: a hall with no `meeting` configured asks GET /api/next-meeting and joins an open
// meeting, waits for a scheduled one (asking again every 30 s and at its start), shows "no
// meeting", and looks up the next one when the joined meeting is over. All given `now`.
#include <gtest/gtest.h>

#include <optional>

#include "clients/room/MeetingFinder.hpp"
#include "clients/room/Messages.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;
using Clock = MeetingFinder::Clock;

const Clock::time_point t0 = Clock::time_point{} + 1000h;
constexpr std::int64_t kWall = 1'764'921'600'000;  // 2025-12-05T08:00:00Z
constexpr long kVietnam = 7 * 3600;

// As the server answers: joinable unless scheduled, from its start (no lobby ahead).
std::string meetingBody(const std::string& id, const std::string& state,
                        const std::string& start = "2025-12-05T08:00:00Z",
                        std::optional<bool> joinable = std::nullopt) {
    return R"({"id":")" + id + R"(","title":"Họp giao ban","convening_unit":"ts","state":")" +
           state + R"(","scheduled_start":")" + start + R"(","joinable_from":")" + start +
           R"(","joinable":)" + (joinable.value_or(state != "scheduled") ? "true" : "false") + "}";
}

LookupAnswer meetingAnswer(const std::string& id, const std::string& state,
                           const std::string& start = "2025-12-05T08:00:00Z",
                           std::optional<bool> joinable = std::nullopt) {
    return parseLookupAnswer(200, meetingBody(id, state, start, joinable));
}

TEST(MeetingFinderTest, ParsesTheServersAnswers) {
    auto a = meetingAnswer("hop-1", "in_session", "2025-12-05T08:30:00.250Z");
    ASSERT_EQ(a.kind, LookupAnswer::Kind::Meeting);
    EXPECT_EQ(a.meeting.id, "hop-1");
    EXPECT_EQ(a.meeting.title, "Họp giao ban");
    EXPECT_EQ(a.meeting.state, "in_session");
    EXPECT_EQ(a.meeting.conveningUnit, "ts");
    EXPECT_EQ(a.meeting.scheduledStartMs, kWall + 30 * 60 * 1000 + 250);
    EXPECT_EQ(a.meeting.joinableFromMs, a.meeting.scheduledStartMs);
    EXPECT_TRUE(a.meeting.joinable);
    EXPECT_FALSE(meetingAnswer("hop-1", "scheduled").meeting.joinable);
    // An older server without "joinable": open and in session are.
    EXPECT_TRUE(parseLookupAnswer(200, R"({"id":"x","state":"open",)"
                                       R"("scheduled_start":"2025-12-05T08:00:00Z"})")
                    .meeting.joinable);
    EXPECT_EQ(parseLookupAnswer(404, R"({"code":"no_meeting"})").kind,
              LookupAnswer::Kind::NoMeeting);
    // Another 404 (a server without the route) is a failure, not "no meeting".
    EXPECT_EQ(parseLookupAnswer(404, R"({"code":"not_found"})").kind, LookupAnswer::Kind::Failed);
    EXPECT_EQ(parseLookupAnswer(403, R"({"code":"forbidden"})").problem, "forbidden");
    EXPECT_EQ(parseLookupAnswer(502, "<html>").problem, "HTTP 502");
    EXPECT_EQ(parseLookupAnswer(0, "", "connection refused").problem, "connection refused");
    EXPECT_EQ(parseLookupAnswer(200, R"({"id":"x"})").problem, "malformed answer");
}

TEST(MeetingFinderTest, TheLookupAddressComesFromTheServerAddress) {
    EXPECT_EQ(nextMeetingUrl("ws://10.0.0.5:8080/ws"), "http://10.0.0.5:8080/api/next-meeting");
    EXPECT_EQ(nextMeetingUrl("wss://vcb.tinh.example/ws"),
              "https://vcb.tinh.example/api/next-meeting");
    EXPECT_EQ(nextMeetingUrl("http://h/ws"), std::nullopt);
    EXPECT_EQ(nextMeetingUrl("ws:///ws"), std::nullopt);
}

TEST(MeetingFinderTest, LocalStartTimeWithTheDateWhenNotToday) {
    EXPECT_EQ(localStartText(kWall + 30 * 60 * 1000, kWall, kVietnam), "15:30");
    EXPECT_EQ(localStartText(kWall + 24 * 3600 * 1000, kWall, kVietnam), "15:00 ngày 06/12");
    EXPECT_EQ(localStartText(kWall, kWall, 0), "08:00");
}

TEST(MeetingFinderTest, AnOpenMeetingIsJoinedAtOnce) {
    MeetingFinder f;
    EXPECT_TRUE(f.lookupDue(t0));
    EXPECT_EQ(f.lookupState(), "not_asked");
    f.answer(meetingAnswer("hop-1", "open"), t0, kWall);
    ASSERT_TRUE(f.joinable());
    EXPECT_EQ(f.joinable()->id, "hop-1");
    EXPECT_EQ(f.lookupState(), "joining");
    EXPECT_FALSE(f.lookupDue(t0 + 1h));  // joined: nothing to ask until it is over
}

TEST(MeetingFinderTest, AScheduledMeetingIsShownAndAskedForAgainAtItsStart) {
    MeetingFinder f;
    // Starts in 10 s: asked again then, not in 30 s.
    f.answer(meetingAnswer("hop-2", "scheduled", "2025-12-05T08:00:10Z"), t0, kWall);
    EXPECT_FALSE(f.joinable());
    EXPECT_EQ(f.lookupState(), "scheduled");
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), "Cuộc họp tiếp theo: Họp giao ban — 15:00");
    EXPECT_FALSE(f.lookupDue(t0 + 9s));
    EXPECT_TRUE(f.lookupDue(t0 + 10s));
    // An hour away: every 30 s.
    f.answer(meetingAnswer("hop-2", "scheduled", "2025-12-05T09:00:00Z"), t0, kWall);
    EXPECT_FALSE(f.lookupDue(t0 + 29s));
    EXPECT_TRUE(f.lookupDue(t0 + 30s));
    // Past its start but not opened yet: soon again.
    f.answer(meetingAnswer("hop-2", "scheduled", "2025-12-05T07:59:00Z"), t0, kWall);
    EXPECT_TRUE(f.lookupDue(t0 + MeetingFinder::kRetryAfterFailure));
    // Its lobby due by the server's clock (still scheduled: it opens on the first join): joined.
    f.answer(meetingAnswer("hop-2", "scheduled", "2025-12-05T08:00:10Z", true), t0 + 5s,
             kWall + 5000);
    ASSERT_TRUE(f.joinable());
    EXPECT_EQ(f.joinable()->id, "hop-2");
}

TEST(MeetingFinderTest, NoMeetingAndFailuresAreAskedAgain) {
    MeetingFinder f;
    f.answer(parseLookupAnswer(404, R"({"code":"no_meeting"})"), t0, kWall);
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), message(MessageId::NoMeeting));
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), "Chưa có cuộc họp");
    EXPECT_EQ(f.lookupState(), "no_meeting");
    EXPECT_FALSE(f.lookupDue(t0 + 29s));
    EXPECT_TRUE(f.lookupDue(t0 + 30s));
    f.answer(parseLookupAnswer(0, "", "connection refused"), t0, kWall);
    EXPECT_EQ(f.lookupState(), "failed: connection refused");
    EXPECT_TRUE(f.lookupDue(t0 + 5s));
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), message(MessageId::Reconnecting, {}, "5"));
    // Over https:// with a certificate the hall does not trust: the TV names the certificate.
    f.answer(parseLookupAnswer(0, "",
                               "TLS handshake failed: certificate verify failed: "
                               "self-signed certificate"),
             t0, kWall);
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), message(MessageId::CertificateRefused, {}, "5"));
    f.answer(parseLookupAnswer(403, R"({"code":"forbidden"})"), t0, kWall);
    EXPECT_FALSE(f.lookupDue(t0 + 29s));
    EXPECT_EQ(f.overlay(t0, kWall, kVietnam), message(MessageId::Refused, {}, {}, "forbidden"));
}

TEST(MeetingFinderTest, AfterTheMeetingEndsTheNextOneIsLookedUpNotTheEndedOne) {
    MeetingFinder f;
    f.answer(meetingAnswer("hop-1", "in_session"), t0, kWall);
    ASSERT_TRUE(f.joinable());
    f.meetingGone(t0 + 1min);
    EXPECT_FALSE(f.joinable());
    EXPECT_TRUE(f.lookupDue(t0 + 1min));
    // The server has not written the end yet and still names it: not joined again.
    f.answer(meetingAnswer("hop-1", "in_session"), t0 + 1min, kWall);
    EXPECT_FALSE(f.joinable());
    EXPECT_EQ(f.lookupState(), "ended");
    EXPECT_EQ(f.overlay(t0 + 1min, kWall, kVietnam), message(MessageId::Ended));
    EXPECT_TRUE(f.lookupDue(t0 + 1min + MeetingFinder::kRetryAfterFailure));
    f.answer(meetingAnswer("hop-2", "open"), t0 + 2min, kWall);
    ASSERT_TRUE(f.joinable());
    EXPECT_EQ(f.joinable()->id, "hop-2");
}

TEST(MeetingFinderTest, TheEndedMeetingIsHeldOffForTwoMinutesOnly) {
    // A server that keeps naming it (its record never written) is believed again after that.
    MeetingFinder f;
    f.answer(meetingAnswer("hop-1", "open"), t0, kWall);
    f.meetingGone(t0);
    f.answer(meetingAnswer("hop-1", "open"), t0 + MeetingFinder::kGoneHoldoff - 1s, kWall);
    EXPECT_FALSE(f.joinable());
    f.answer(meetingAnswer("hop-1", "open"), t0 + MeetingFinder::kGoneHoldoff, kWall);
    ASSERT_TRUE(f.joinable());
    // A scheduled meeting not yet joinable is no reason to hold off.
    f.meetingGone(t0);
    f.answer(meetingAnswer("hop-1", "scheduled", "2025-12-05T09:00:00Z"), t0 + 1s, kWall);
    EXPECT_EQ(f.lookupState(), "scheduled");
}

}  // namespace
}  // namespace vcb::room
