// MeetingPolicy::restore: a meeting carries on after a restart from its stored record (state,
// lock, removed identities, attendance, roll calls). Plain logic, `now` passed in.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "rooms/policy/MeetingPolicy.hpp"

namespace vcb::rooms::policy {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::seconds(1'800'000'000);
TimePoint at(std::chrono::milliseconds offset) { return kT0 + offset; }

MeetingInfo govMeeting() {
    MeetingInfo m;
    m.id = "m-restore";
    m.title = "Giao ban trực tuyến";
    m.convening = {"vpcp", "Văn phòng Chính phủ", 0};
    m.invited = {{"hn", "Hà Nội", 1}, {"dn", "Đà Nẵng", 1}};
    m.chairSubject = "chair";
    m.scheduledStart = at(0s);
    return m;
}

AttendanceRow row(const std::string& unit, int64_t firstJoinS, int64_t timePresentMs,
                  std::vector<std::string> by, uint32_t reconnects) {
    AttendanceRow r;
    r.unit.id = unit;
    r.present = true;  // as stored at a crash: restore must clear it
    r.firstJoin = at(std::chrono::seconds(firstJoinS));
    r.lastLeave = at(std::chrono::seconds(firstJoinS + 5));
    r.timePresentMs = timePresentMs;
    r.representedBy = std::move(by);
    r.reconnects = reconnects;
    return r;
}

RestoredRecord inSession() {
    RestoredRecord r;
    r.state = MeetingState::InSession;
    r.removed = {"troublemaker"};
    r.attendance = {row("hn", 10, 5000, {"hn-delegate"}, 1), row("ghost", 1, 1, {"x"}, 0)};
    RollCallRecord rc;
    rc.id = 1;
    rc.startedAt = at(20s);
    rc.startedBy = "chair";
    rc.endedAt = at(30s);
    RollCallEntry e;
    e.unit.id = "hn";
    e.asked = true;
    e.confirmedAt = at(25s);
    rc.units.push_back(e);
    r.rollCalls.push_back(rc);
    return r;
}

TEST(PolicyRestoreTest, InSessionCarriesOnWithAttendanceRemovalsAndRollCalls) {
    MeetingPolicy p(govMeeting());
    p.restore(inSession());
    EXPECT_EQ(p.state(), MeetingState::InSession);
    EXPECT_FALSE(p.locked());
    EXPECT_TRUE(p.log().events().empty());  // restoring is not an event

    // Nobody is present until someone joins; names stay the meeting's; unknown units ignored.
    auto rows = p.attendance(at(100s));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].unit.id, "hn");
    EXPECT_EQ(rows[1].unit.name, "Hà Nội");
    EXPECT_FALSE(rows[1].present);
    EXPECT_EQ(rows[1].timePresentMs, 5000);  // not growing while absent
    EXPECT_EQ(rows[1].reconnects, 1u);
    EXPECT_EQ(rows[1].firstJoin, at(10s));
    EXPECT_FALSE(rows[2].firstJoin.has_value());

    // The chair rejoins an in-session meeting; the unit coming back is one more reconnect and
    // keeps its first join, and its time present continues.
    ASSERT_TRUE(p.join("c", {"chair", "vpcp", Role::Chair}, at(100s)).ok());
    ASSERT_TRUE(p.join("h", {"hn-delegate", "hn", Role::Delegate}, at(101s)).ok());
    auto hn = p.attendance(at(103s))[1];
    EXPECT_TRUE(hn.present);
    EXPECT_EQ(hn.firstJoin, at(10s));
    EXPECT_EQ(hn.reconnects, 2u);
    EXPECT_EQ(hn.timePresentMs, 7000);
    EXPECT_EQ(hn.representedBy, std::vector<std::string>{"hn-delegate"});
    EXPECT_TRUE(p.snapshot().forwarding);  // in session: media flows without a new start

    // The removed identity still cannot rejoin.
    EXPECT_EQ(p.join("t", {"troublemaker", "dn", Role::Delegate}, at(104s)).error,
              PolicyError::Removed);

    // Roll call ids continue after the restored one.
    ASSERT_EQ(p.rollCalls().records().size(), 1u);
    EXPECT_EQ(p.rollCalls().records()[0].confirmed(), std::vector<std::string>{"hn"});
    auto started = p.startRollCall("c", at(110s));
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(started.events[0].get("roll_call"), "2");
    EXPECT_EQ(p.rollCalls().records().back().id, 2u);
}

TEST(PolicyRestoreTest, ChairHandOversAreFollowedFromTheDefinitionsChair) {
    MeetingPolicy p(govMeeting());
    RestoredRecord r;
    r.state = MeetingState::InSession;
    // chair -> hn-delegate -> dn-delegate; a hand-over from someone who was not chairing then
    // (a stale chain) is skipped.
    r.chairHandOvers = {{"chair", "hn-delegate"}, {"someone", "press"},
                        {"hn-delegate", "dn-delegate"}};
    p.restore(r);
    EXPECT_EQ(p.chairSubject(), "dn-delegate");
    // An emptied meeting's own record gives the same chair back.
    MeetingPolicy again(govMeeting());
    again.restore(p.record(at(10s)));
    EXPECT_EQ(again.chairSubject(), "dn-delegate");
}

TEST(PolicyRestoreTest, EndedStaysEndedAndRefusesJoins) {
    MeetingPolicy p(govMeeting());
    RestoredRecord r;
    r.state = MeetingState::Ended;
    p.restore(r);
    EXPECT_EQ(p.state(), MeetingState::Ended);
    EXPECT_EQ(p.join("c", {"chair", "vpcp", Role::Chair}, at(1s)).error, PolicyError::WrongState);
    EXPECT_EQ(p.open(at(1s)).error, PolicyError::WrongState);
}

TEST(PolicyRestoreTest, LockedStaysLockedButWhoAttendedMayRejoin) {
    MeetingPolicy p(govMeeting());
    RestoredRecord r;
    r.state = MeetingState::Open;
    r.locked = true;
    r.attendance = {row("hn", 10, 1000, {"hn-delegate"}, 0)};
    p.restore(r);
    EXPECT_EQ(p.state(), MeetingState::Open);
    EXPECT_TRUE(p.locked());
    EXPECT_FALSE(p.snapshot().forwarding);  // the lobby
    EXPECT_TRUE(p.join("h", {"hn-delegate", "hn", Role::Delegate}, at(50s)).ok());
    EXPECT_EQ(p.join("d", {"dn-delegate", "dn", Role::Delegate}, at(51s)).error,
              PolicyError::MeetingLocked);
}

}  // namespace
}  // namespace vcb::rooms::policy
