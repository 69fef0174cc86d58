// StoreJournal against a real SQLite file: a scripted government meeting writes its record as it
// goes (events in order, state, attendance, roll call, removals), and loadRestoredRecord reads it
// back so that a new policy carries on from it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "rooms/StoreJournal.hpp"
#include "tests/store/TempDir.hpp"

namespace vcb::rooms {
namespace {

using namespace std::chrono_literals;
using policy::Identity;
using policy::Role;
using policy::TimePoint;

const TimePoint kT0 = TimePoint{} + std::chrono::seconds(1'800'000'000);
TimePoint at(std::chrono::milliseconds offset) { return kT0 + offset; }
int64_t ms(std::chrono::milliseconds offset) { return policy::toEpochMs(at(offset)); }

policy::MeetingInfo govMeeting() {
    policy::MeetingInfo m;
    m.id = "hop-1";
    m.title = "Giao ban trực tuyến";
    m.convening = {"ts", "Tỉnh Thanh Sơn", 0};
    m.invited = {{"ts.a", "Huyện Hà Giang", 1}, {"ts.b", "Huyện Bình Đông", 1}};
    m.chairSubject = "chair";
    m.scheduledStart = at(0s);
    return m;
}

class StoreJournalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto w = store::MeetingStoreWriter::start(dir_.file("meetings.db"));
        ASSERT_TRUE(w) << w.error().message;
        writer_ = std::move(w.value());
        store::StoredMeeting m;
        m.id = "hop-1";
        m.title = "Giao ban trực tuyến";
        m.convenedBy = "ts";
        m.chair = "chair";
        ASSERT_TRUE(
            writer_->submit([m](store::MeetingStore& s) { return s.createMeeting(m); }).get());
        journal_ = std::make_unique<StoreJournal>(*writer_, "hop-1", 2s);
    }

    // One policy call and, as LiveMeeting::applyFloor does, its outcome to the journal.
    void apply(policy::Outcome o, TimePoint now) {
        ASSERT_TRUE(o.ok()) << policy::policyErrorCode(o.error);
        if (journalOn_) journal_->record(p_, o.events, now);
    }

    std::unique_ptr<store::MeetingStore> reopen() {
        writer_->stop();  // commits everything queued
        auto s = store::MeetingStore::open(dir_.file("meetings.db"));
        EXPECT_TRUE(s);
        return std::move(s.value());
    }

    // join, start, raise hand, grant, leave, rejoin, roll call, remove.
    void script() {
        apply(p_.open(at(0s)), at(0s));
        apply(p_.join("c", {"chair", "ts", Role::Chair}, at(1s)), at(1s));
        apply(p_.join("a", {"del-a", "ts.a", Role::Delegate}, at(2s)), at(2s));
        apply(p_.join("b", {"del-b", "ts.b", Role::Delegate}, at(3s)), at(3s));
        apply(p_.startSession("c", at(4s)), at(4s));
        apply(p_.raiseHand("a", at(5s)), at(5s));
        apply(p_.grantFloor("c", "ts.a", at(6s)), at(6s));
        apply(p_.leave("a", at(8s)), at(8s));
        apply(p_.join("a2", {"del-a", "ts.a", Role::Delegate}, at(10s)), at(10s));
        apply(p_.startRollCall("c", at(11s)), at(11s));
        apply(p_.confirmRollCall("b", at(12s)), at(12s));
        apply(p_.endRollCall("c", at(13s)), at(13s));
        apply(p_.remove("c", "b", at(14s)), at(14s));
    }

    store::test::TempDir dir_;
    std::unique_ptr<store::MeetingStoreWriter> writer_;
    std::unique_ptr<StoreJournal> journal_;
    policy::MeetingPolicy p_{govMeeting()};
    bool journalOn_ = true;
};

TEST_F(StoreJournalTest, ScriptedMeetingEndsInTheStore) {
    ASSERT_NO_FATAL_FAILURE(script());
    EXPECT_EQ(journal_->dropped(), 0u);
    auto db = reopen();

    auto events = db->listEvents("hop-1");
    ASSERT_TRUE(events);
    std::vector<std::string> types;
    for (const auto& e : events.value()) types.push_back(e.type);
    // Exactly the policy's log, in its order.
    std::vector<std::string> expected;
    for (const auto& e : p_.log().events()) expected.push_back(e.type);
    EXPECT_EQ(types, expected);
    const std::vector<std::string> head = {
        "meeting_opened",  "joined",      "joined",        "joined",
        "session_started", "hand_raised", "floor_granted", "left"};
    ASSERT_GE(types.size(), head.size());
    EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + head.size()), head);
    const auto& granted = events.value()[6];
    EXPECT_EQ(granted.unit, "ts.a");
    EXPECT_EQ(granted.timeMs, ms(6s));
    const auto& left = events.value()[7];
    EXPECT_EQ(left.subject, "del-a");
    EXPECT_EQ(left.detail, R"({"session":"a","reason":"left"})");
    EXPECT_EQ(types.back(), "left");  // the removed delegate's session
    EXPECT_EQ(types[types.size() - 2], "participant_removed");

    auto meeting = db->getMeeting("hop-1");
    ASSERT_TRUE(meeting);
    EXPECT_EQ(meeting.value().state, store::MeetingState::InSession);
    EXPECT_FALSE(meeting.value().locked);

    auto attendance = db->listAttendance("hop-1");
    ASSERT_TRUE(attendance);
    std::map<std::string, store::AttendanceRow> rows;
    for (const auto& r : attendance.value()) rows[r.unit] = r;
    ASSERT_EQ(rows.count("ts.a"), 1u);
    EXPECT_TRUE(rows["ts.a"].present);
    EXPECT_EQ(rows["ts.a"].firstJoinMs, ms(2s));
    EXPECT_EQ(rows["ts.a"].lastLeaveMs, ms(8s));
    EXPECT_EQ(rows["ts.a"].reconnects, 1);
    EXPECT_GE(rows["ts.a"].timePresentMs, 6000);
    EXPECT_EQ(rows["ts.a"].representedBy, std::vector<std::string>{"del-a"});
    ASSERT_EQ(rows.count("ts.b"), 1u);
    EXPECT_FALSE(rows["ts.b"].present);  // removed at 14 s
    EXPECT_EQ(rows["ts.b"].timePresentMs, 11000);
    EXPECT_EQ(rows["ts.b"].lastLeaveMs, ms(14s));
    ASSERT_EQ(rows.count("ts"), 1u);
    EXPECT_TRUE(rows["ts"].present);
    EXPECT_GE(rows["ts"].timePresentMs, 10000);  // refreshed while present (every 2 s here)

    auto rollCalls = db->listRollCalls("hop-1");
    ASSERT_TRUE(rollCalls);
    ASSERT_EQ(rollCalls.value().size(), 1u);
    const auto& rc = rollCalls.value()[0];
    EXPECT_EQ(rc.id, 1);
    EXPECT_EQ(rc.startedAtMs, ms(11s));
    EXPECT_EQ(rc.startedBy, "chair");
    EXPECT_EQ(rc.endedAtMs, ms(13s));
    ASSERT_EQ(rc.units.size(), 3u);  // all three present when it started
    EXPECT_EQ(rc.units[1].unit, "ts.a");
    EXPECT_FALSE(rc.units[1].confirmedAtMs.has_value());
    EXPECT_EQ(rc.units[2].unit, "ts.b");
    EXPECT_EQ(rc.units[2].confirmedAtMs, ms(12s));

    auto removed = db->listRemovedIdentities("hop-1");
    ASSERT_TRUE(removed);
    ASSERT_EQ(removed.value().size(), 1u);
    EXPECT_EQ(removed.value()[0].subject, "del-b");
    EXPECT_EQ(removed.value()[0].removedBy, "chair");
    EXPECT_EQ(removed.value()[0].removedAtMs, ms(14s));
}

TEST_F(StoreJournalTest, RestoredPolicyCarriesOnFromTheRecord) {
    ASSERT_NO_FATAL_FAILURE(script());
    auto db = reopen();
    auto record = loadRestoredRecord(*db, "hop-1");
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->state, policy::MeetingState::InSession);
    EXPECT_EQ(record->removed, std::set<std::string>{"del-b"});
    EXPECT_FALSE(loadRestoredRecord(*db, "nope").has_value());

    policy::MeetingInfo info = govMeeting();
    policy::MeetingPolicy next(info);
    next.restore(*record);
    EXPECT_EQ(next.state(), policy::MeetingState::InSession);
    EXPECT_EQ(next.join("b", {"del-b", "ts.b", Role::Delegate}, at(100s)).error,
              policy::PolicyError::Removed);
    ASSERT_TRUE(next.join("a", {"del-a", "ts.a", Role::Delegate}, at(100s)).ok());
    auto a = next.attendance(at(101s))[1];
    EXPECT_EQ(a.unit.name, "Huyện Hà Giang");
    EXPECT_EQ(a.firstJoin, at(2s));
    EXPECT_EQ(a.reconnects, 2u);  // the rejoin before, and coming back after the restart
    ASSERT_TRUE(next.join("c", {"chair", "ts", Role::Chair}, at(100s)).ok());
    auto rc = next.startRollCall("c", at(102s));
    ASSERT_TRUE(rc.ok());
    EXPECT_EQ(rc.events[0].get("roll_call"), "2");
}

// The chair handed over before a restart is still the chair after it, unless the definition's chair
// changed in the meantime.
TEST_F(StoreJournalTest, AChairHandOverIsKeptAcrossARestart) {
    apply(p_.open(at(0s)), at(0s));
    apply(p_.join("c", {"chair", "ts", Role::Chair}, at(1s)), at(1s));
    apply(p_.join("a", {"del-a", "ts.a", Role::Delegate}, at(2s)), at(2s));
    apply(p_.handOverChair("c", "del-a", at(3s)), at(3s));
    ASSERT_EQ(p_.chairSubject(), "del-a");
    auto db = reopen();
    auto record = loadRestoredRecord(*db, "hop-1");
    ASSERT_TRUE(record.has_value());
    using HandOvers = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(record->chairHandOvers, (HandOvers{{"chair", "del-a"}}));

    policy::MeetingPolicy next(govMeeting());
    next.restore(*record);
    EXPECT_EQ(next.chairSubject(), "del-a");
    ASSERT_TRUE(next.join("a", {"del-a", "ts.a", Role::Delegate}, at(100s)).ok());
    EXPECT_TRUE(next.startSession("a", at(101s)).ok());  // chairs: it may start the session

    policy::MeetingInfo redefined = govMeeting();
    redefined.chairSubject = "new-chair";
    policy::MeetingPolicy other(redefined);
    other.restore(*record);
    EXPECT_EQ(other.chairSubject(), "new-chair");
}

TEST(StoreJournalDetailTest, DetailIsJsonWithEscapes) {
    EXPECT_EQ(eventDetailJson({}), "{}");
    EXPECT_EQ(eventDetailJson({{"title", "Họp \"khẩn\"\n\\"}, {"k", std::string(1, '\x01')}}),
              "{\"title\":\"Họp \\\"khẩn\\\"\\n\\\\\",\"k\":\"\\u0001\"}");
}

}  // namespace
}  // namespace vcb::rooms
