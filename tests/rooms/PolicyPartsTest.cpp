// The meeting policy's parts on their own: roles, event log, floor, attendance, roll call and
// active speaker.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rooms/policy/ActiveSpeaker.hpp"
#include "rooms/policy/Attendance.hpp"
#include "rooms/policy/EventLog.hpp"
#include "rooms/policy/FloorControl.hpp"
#include "rooms/policy/PolicyError.hpp"
#include "rooms/policy/Roles.hpp"
#include "rooms/policy/RollCall.hpp"

namespace vcb::rooms::policy {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::seconds(1'800'000'000);

TimePoint at(std::chrono::milliseconds offset) { return kT0 + offset; }

std::vector<std::string> types(const Outcome& o) {
    std::vector<std::string> out;
    for (const Event& e : o.events) out.push_back(e.type);
    return out;
}

const MeetingUnit kHaNoi{"hn", "Hà Nội", 1};
const MeetingUnit kBaDinh{"hn-bd", "Ba Đình", 2};
const MeetingUnit kPhucXa{"hn-bd-px", "Phúc Xá", 3};

TEST(RolesTest, NamesRoundTrip) {
    for (Role r : kAllRoles) EXPECT_EQ(parseRole(roleName(r)), r) << roleName(r);
    EXPECT_EQ(roleName(Role::Technician), "technician");
    EXPECT_FALSE(parseRole("Chair").has_value());
    EXPECT_FALSE(parseRole("").has_value());
    EXPECT_FALSE(parseRole("participant").has_value());
    EXPECT_EQ(actionName(Action::ManageFloor), "manage_floor");
}

TEST(RolesTest, PermissionMatrix) {
    // The full matrix, written out: one row per role, the actions it may take.
    const std::map<Role, std::set<Action>> allowed{
        {Role::Chair,
         {Action::Watch, Action::PublishAudio, Action::PublishVideo, Action::RaiseHand,
          Action::ConfirmRollCall, Action::StartSession, Action::EndMeeting, Action::HandOverChair,
          Action::LockMeeting, Action::ManageFloor, Action::Unmute, Action::Mute, Action::Spotlight,
          Action::RemoveParticipant, Action::ManageRollCall, Action::ViewStats,
          Action::ControlRecording}},
        {Role::Delegate,
         {Action::Watch, Action::PublishAudio, Action::PublishVideo, Action::RaiseHand,
          Action::ConfirmRollCall}},
        {Role::Room,
         {Action::Watch, Action::PublishAudio, Action::PublishVideo, Action::RaiseHand,
          Action::ReportEndpoint}},
        {Role::Observer, {Action::Watch}},
        {Role::Technician,
         {Action::Watch, Action::ViewStats, Action::ControlRecording, Action::ControlEndpoints}},
        {Role::Recorder, {Action::Watch, Action::Record}},
    };
    for (Role r : kAllRoles) {
        for (Action a : kAllActions) {
            EXPECT_EQ(may(r, a), allowed.at(r).count(a) != 0)
                << roleName(r) << " / " << actionName(a);
        }
    }
    for (Action a : kAllActions) {
        if (isChairAction(a)) {
            for (Role r : kAllRoles) {
                if (r != Role::Chair) {
                    EXPECT_FALSE(may(r, a)) << roleName(r) << actionName(a);
                }
            }
        }
    }
}

TEST(PolicyErrorTest, StableCodes) {
    EXPECT_EQ(policyErrorCode(PolicyError::None), "ok");
    EXPECT_EQ(policyErrorCode(PolicyError::NotInvited), "not_invited");
    EXPECT_EQ(policyErrorCode(PolicyError::RoomEndpointTaken), "room_endpoint_taken");
    EXPECT_EQ(policyErrorCode(PolicyError::Removed), "removed");
    EXPECT_EQ(policyErrorCode(PolicyError::MeetingLocked), "meeting_locked");
    EXPECT_EQ(policyErrorCode(PolicyError::NotChair), "not_chair");
    EXPECT_EQ(policyErrorCode(PolicyError::ForbiddenForRole), "forbidden_for_role");
    EXPECT_EQ(policyErrorCode(PolicyError::WrongState), "wrong_state");
    EXPECT_EQ(policyErrorCode(PolicyError::NoSuchUnit), "no_such_unit");
    EXPECT_EQ(policyErrorCode(PolicyError::HandNotRaised), "hand_not_raised");
}

TEST(EventLogTest, AppendAssignsSequenceInOrder) {
    EventLog log;
    EXPECT_EQ(log.lastSeq(), 0u);
    log.append(makeEvent(at(0ms), "a"));
    log.append(makeEvent(at(5ms), "b", "hn", "alice", {{"k", "v"}}));
    const Event& c = log.append(makeEvent(at(9ms), "c"));
    EXPECT_EQ(c.seq, 3u);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log.events()[1].seq, 2u);
    EXPECT_EQ(log.events()[1].timeMs, toEpochMs(kT0) + 5);
    EXPECT_EQ(log.events()[1].get("k"), "v");
    EXPECT_EQ(log.events()[1].get("missing"), "");
    auto later = log.since(1);
    ASSERT_EQ(later.size(), 2u);
    EXPECT_EQ(later[0].type, "b");
    EXPECT_EQ(later[1].type, "c");
}

TEST(FloorControlTest, QueueInOrderGrantDenyLower) {
    FloorControl f;
    EXPECT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(1s)).ok());
    EXPECT_TRUE(f.raiseHand(kPhucXa, "px-1", at(2s)).ok());
    EXPECT_TRUE(f.raiseHand(kHaNoi, "hn-1", at(3s)).ok());
    EXPECT_EQ(f.raiseHand(kBaDinh, "bd-2", at(4s)).error, PolicyError::HandAlreadyRaised);
    ASSERT_EQ(f.queue().size(), 3u);
    EXPECT_EQ(f.queue()[0].unit.id, "hn-bd");
    EXPECT_EQ(f.queue()[0].unit.tier, 2u);
    EXPECT_EQ(f.queue()[0].subject, "bd-1");
    EXPECT_EQ(f.queue()[0].raisedAt, at(1s));
    EXPECT_EQ(f.queue()[1].unit.id, "hn-bd-px");
    EXPECT_EQ(f.queue()[2].unit.id, "hn");

    auto g = f.grant("hn-bd-px", "chair", at(5s));
    ASSERT_TRUE(g.ok());
    EXPECT_TRUE(g.mediaChanged);
    EXPECT_EQ(types(g), (std::vector<std::string>{"floor_granted"}));
    ASSERT_TRUE(f.holder().has_value());
    EXPECT_EQ(f.holder()->unit, "hn-bd-px");
    EXPECT_EQ(f.holder()->subject, "px-1");
    EXPECT_EQ(f.queue().size(), 2u);
    EXPECT_EQ(f.raiseHand(kPhucXa, "px-1", at(6s)).error, PolicyError::HandAlreadyRaised)
        << "the holder cannot queue again";

    auto d = f.deny("hn", "chair", at(6s));
    EXPECT_EQ(types(d), (std::vector<std::string>{"floor_denied"}));
    EXPECT_EQ(f.deny("hn", "chair", at(6s)).error, PolicyError::HandNotRaised);
    EXPECT_EQ(f.grant("hn", "chair", at(6s)).error, PolicyError::HandNotRaised);

    // Granting the next unit takes the floor from the previous holder.
    auto g2 = f.grant("hn-bd", "chair", at(7s));
    EXPECT_EQ(types(g2), (std::vector<std::string>{"floor_revoked", "floor_granted"}));
    EXPECT_EQ(g2.events[0].get("reason"), "granted_to_other");
    EXPECT_EQ(f.holder()->unit, "hn-bd");
    EXPECT_TRUE(f.queue().empty());

    // The holder lowering its hand gives the floor back.
    auto l = f.lowerHand("hn-bd", "bd-1", at(8s));
    EXPECT_EQ(types(l), (std::vector<std::string>{"floor_revoked"}));
    EXPECT_EQ(l.events[0].get("reason"), "lowered");
    EXPECT_FALSE(f.holder().has_value());
    EXPECT_EQ(f.revoke("chair", at(9s)).error, PolicyError::NoFloor);
    EXPECT_EQ(f.lowerHand("hn-bd", "bd-1", at(9s)).error, PolicyError::HandNotRaised);

    // A queued hand lowered leaves the queue.
    ASSERT_TRUE(f.raiseHand(kHaNoi, "hn-1", at(10s)).ok());
    EXPECT_EQ(types(f.lowerHand("hn", "hn-1", at(11s))),
              (std::vector<std::string>{"hand_lowered"}));
    EXPECT_TRUE(f.queue().empty());
}

TEST(FloorControlTest, TimeLimitWarnsThenRevokes) {
    FloorControl f;
    f.setTimeLimit(60s, 10s);
    ASSERT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(0s)).ok());
    ASSERT_TRUE(f.grant("hn-bd", "chair", at(100s)).ok());
    EXPECT_TRUE(f.tick(at(149s)).events.empty());
    auto w = f.tick(at(150s));
    EXPECT_EQ(types(w), (std::vector<std::string>{"floor_warning"}));
    EXPECT_EQ(w.events[0].get("remaining_ms"), "10000");
    EXPECT_FALSE(w.mediaChanged);
    EXPECT_TRUE(f.tick(at(155s)).events.empty()) << "one warning";
    auto r = f.tick(at(160s));
    EXPECT_EQ(types(r), (std::vector<std::string>{"floor_revoked"}));
    EXPECT_EQ(r.events[0].get("reason"), "time_limit");
    EXPECT_TRUE(r.mediaChanged);
    EXPECT_FALSE(f.holder().has_value());
    EXPECT_TRUE(f.tick(at(200s)).events.empty());
}

TEST(FloorControlTest, NoLimitNeverRevokes) {
    FloorControl f;
    ASSERT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(0s)).ok());
    ASSERT_TRUE(f.grant("hn-bd", "chair", at(0s)).ok());
    EXPECT_TRUE(f.tick(at(10h)).events.empty());
    EXPECT_TRUE(f.holder().has_value());
}

TEST(FloorControlTest, SpotlightOverridesProgrammeAndGrantClearsIt) {
    FloorControl f;
    EXPECT_FALSE(f.programmeUnit().has_value());
    ASSERT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(0s)).ok());
    ASSERT_TRUE(f.grant("hn-bd", "chair", at(1s)).ok());
    EXPECT_EQ(f.programmeUnit().value_or(""), "hn-bd");
    EXPECT_EQ(types(f.spotlight("hn-bd-px", "chair", at(2s))),
              (std::vector<std::string>{"spotlight_set"}));
    EXPECT_EQ(f.programmeUnit().value_or(""), "hn-bd-px");
    EXPECT_TRUE(f.spotlight("hn-bd-px", "chair", at(2s)).events.empty()) << "no change";
    EXPECT_EQ(types(f.spotlight(std::nullopt, "chair", at(3s))),
              (std::vector<std::string>{"spotlight_cleared"}));
    EXPECT_EQ(f.programmeUnit().value_or(""), "hn-bd");
}

TEST(FloorControlTest, MutesAndDiscussion) {
    FloorControl f;
    EXPECT_TRUE(f.unmuteUnit("hn", "chair", at(0s)).mediaChanged);
    EXPECT_EQ(f.discussion(), (std::set<std::string>{"hn"}));
    f.muteSession("s1", "hn", "hn-1", "chair", at(1s));
    EXPECT_TRUE(f.isMuted("s1"));
    EXPECT_TRUE(f.muteSession("s1", "hn", "hn-1", "chair", at(1s)).events.empty());
    f.unmuteUnit("hn", "chair", at(2s));
    EXPECT_FALSE(f.isMuted("s1")) << "unmuting a unit unmutes its sessions";
    EXPECT_EQ(types(f.muteUnit("hn", "chair", at(3s))), (std::vector<std::string>{"unit_muted"}));
    EXPECT_TRUE(f.discussion().empty());
    f.unmuteUnit("hn", "chair", at(4s));
    f.muteSession("s2", "hn-bd", "bd-1", "chair", at(4s));
    f.sessionGone("s2");
    EXPECT_FALSE(f.isMuted("s2"));
    ASSERT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(5s)).ok());
    ASSERT_TRUE(f.grant("hn-bd", "chair", at(5s)).ok());
    auto all = f.muteAll("chair", at(6s));
    EXPECT_EQ(types(all), (std::vector<std::string>{"floor_revoked", "muted_all"}));
    EXPECT_FALSE(f.holder().has_value());
    EXPECT_TRUE(f.discussion().empty());
}

TEST(FloorControlTest, UnitGoneDropsItsHandFloorAndSpotlight) {
    FloorControl f;
    ASSERT_TRUE(f.raiseHand(kBaDinh, "bd-1", at(0s)).ok());
    ASSERT_TRUE(f.raiseHand(kPhucXa, "px-1", at(0s)).ok());
    ASSERT_TRUE(f.grant("hn-bd", "chair", at(1s)).ok());
    f.spotlight("hn-bd", "chair", at(2s));
    auto o = f.unitGone("hn-bd", at(3s));
    EXPECT_EQ(types(o), (std::vector<std::string>{"floor_revoked", "spotlight_cleared"}));
    EXPECT_FALSE(f.programmeUnit().has_value());
    auto o2 = f.unitGone("hn-bd-px", at(4s));
    EXPECT_EQ(types(o2), (std::vector<std::string>{"hand_lowered"}));
    EXPECT_TRUE(f.queue().empty());
}

TEST(AttendanceTest, JoinsLeavesAndReconnectsSumTimePresent) {
    Attendance a({kHaNoi, kBaDinh, kPhucXa});
    a.joined("hn-bd", "bd-1", at(0s));
    a.joined("hn-bd", "bd-room", at(10s));  // overlapping: counted once
    a.left("hn-bd", at(20s));
    EXPECT_TRUE(a.present("hn-bd"));
    a.left("hn-bd", at(30s));  // absent from 30 s
    EXPECT_FALSE(a.present("hn-bd"));
    a.joined("hn-bd", "bd-1", at(50s));  // back: a reconnect
    a.reconnected("hn-bd", at(55s));     // the same identity replaced its session
    a.joined("nowhere", "x", at(0s));    // not a unit of the meeting: ignored

    auto rows = a.rows(at(70s));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].unit.id, "hn");
    EXPECT_FALSE(rows[0].present);
    EXPECT_FALSE(rows[0].firstJoin.has_value());
    EXPECT_EQ(rows[0].timePresentMs, 0);

    const AttendanceRow& bd = rows[1];
    EXPECT_EQ(bd.unit.name, "Ba Đình");
    EXPECT_EQ(bd.unit.tier, 2u);
    EXPECT_TRUE(bd.present);
    EXPECT_EQ(bd.firstJoin, at(0s));
    EXPECT_EQ(bd.lastLeave, at(30s));
    EXPECT_EQ(bd.timePresentMs, 30'000 + 20'000) << "0-30 s and 50-70 s (still present)";
    EXPECT_EQ(bd.representedBy, (std::vector<std::string>{"bd-1", "bd-room"}));
    EXPECT_EQ(bd.reconnects, 2u);

    a.left("hn-bd", at(80s));
    EXPECT_EQ(a.row("hn-bd", at(1000s))->timePresentMs, 60'000) << "frozen after leaving";
    a.left("hn-bd", at(90s));  // an extra leave changes nothing
    EXPECT_EQ(a.row("hn-bd", at(1000s))->lastLeave, at(80s));
    EXPECT_FALSE(a.row("nowhere", at(0s)).has_value());
}

TEST(RollCallTest, AskedConfirmedAndKept) {
    RollCall rc({kHaNoi, kBaDinh, kPhucXa});
    EXPECT_FALSE(rc.active());
    EXPECT_EQ(rc.confirm("hn", "hn-1", at(0s)).error, PolicyError::NoRollCall);
    EXPECT_EQ(rc.end("chair", at(0s)).error, PolicyError::NoRollCall);

    auto s = rc.start("chair", {"hn", "hn-bd"}, at(1s));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s.events[0].get("asked"), "2");
    EXPECT_EQ(rc.start("chair", {}, at(1s)).error, PolicyError::RollCallActive);
    EXPECT_TRUE(rc.confirm("hn-bd", "bd-1", at(2s)).ok());
    EXPECT_TRUE(rc.confirm("hn-bd", "bd-2", at(3s)).events.empty()) << "first confirmation counts";
    EXPECT_EQ(types(rc.ask("hn-bd-px", at(4s))), (std::vector<std::string>{"roll_call_asked"}));
    auto e = rc.end("chair", at(10s));
    EXPECT_EQ(e.events[0].get("confirmed"), "1");
    EXPECT_EQ(e.events[0].get("unconfirmed"), "2");
    EXPECT_FALSE(rc.active());

    ASSERT_EQ(rc.records().size(), 1u);
    const RollCallRecord& r = rc.records()[0];
    EXPECT_EQ(r.id, 1u);
    EXPECT_EQ(r.startedBy, "chair");
    EXPECT_EQ(r.startedAt, at(1s));
    EXPECT_EQ(r.endedAt, at(10s));
    EXPECT_EQ(r.confirmed(), (std::vector<std::string>{"hn-bd"}));
    EXPECT_EQ(r.unconfirmed(), (std::vector<std::string>{"hn", "hn-bd-px"}));
    EXPECT_EQ(r.units[1].confirmedBy, "bd-1");
    EXPECT_EQ(r.units[1].confirmedAt, at(2s));

    ASSERT_TRUE(rc.start("chair", {}, at(20s)).ok());
    EXPECT_EQ(rc.current()->id, 2u);
    EXPECT_EQ(rc.records().size(), 2u);
}

TEST(ActiveSpeakerTest, HysteresisAndAllowedSet) {
    ActiveSpeakerConfig cfg;  // -50 dBov threshold, 6 dB margin, 800 ms hold, 500 ms window
    ActiveSpeaker sp(cfg);
    std::set<std::string> allowed{"a", "b", "c"};
    std::vector<std::pair<std::chrono::milliseconds, std::string>> changes;
    // Levels every 20 ms over [from, to), the speaker re-evaluated every 100 ms.
    auto run = [&](std::chrono::milliseconds from, std::chrono::milliseconds to,
                   std::map<std::string, double> levels) {
        for (auto t = from; t < to; t += 20ms) {
            for (const auto& [s, l] : levels) sp.level(s, l, at(t));
            if (t.count() % 100 == 0 && sp.update(allowed, at(t))) {
                changes.emplace_back(t, sp.current().value_or(""));
            }
        }
    };
    run(0ms, 1000ms, {{"a", -70}});
    EXPECT_TRUE(changes.empty()) << "below the threshold";

    run(1000ms, 2000ms, {{"a", -30}});
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].second, "a");
    EXPECT_LE(changes[0].first, 1000ms + cfg.window) << "no hold for the first speaker";

    run(2000ms, 5000ms, {{"a", -30}, {"b", -27}});
    EXPECT_EQ(changes.size(), 1u) << "3 dB louder is not enough to take over";

    run(5000ms, 8000ms, {{"a", -45}, {"b", -20}});
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[1].second, "b");
    // b is ahead by the margin once the window holds enough of the new levels, then holds 800 ms.
    EXPECT_GE(changes[1].first, 5000ms + cfg.hold);
    EXPECT_LE(changes[1].first, 5000ms + cfg.window + cfg.hold + 100ms);

    // A short burst from c does not take over.
    run(8000ms, 8400ms, {{"b", -30}, {"c", -5}});
    run(8400ms, 9000ms, {{"b", -30}});
    EXPECT_EQ(changes.size(), 2u);

    // b falls silent: stays active until someone else speaks.
    run(9000ms, 12000ms, {});
    EXPECT_EQ(sp.current().value_or(""), "b");

    // b no longer allowed to be heard: not the active speaker any more, and a loud session
    // outside the allowed set never becomes it.
    allowed = {"a"};
    run(12000ms, 14000ms, {{"b", -5}, {"c", -5}});
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[2], std::make_pair(12000ms, std::string("")));
    EXPECT_FALSE(sp.current().has_value());
    EXPECT_DOUBLE_EQ(sp.loudness("b", at(13980ms)), -5.0);
    EXPECT_DOUBLE_EQ(sp.loudness("nobody", at(13980ms)), -127.0);
}

}  // namespace
}  // namespace vcb::rooms::policy
