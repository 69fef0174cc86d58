// The government meeting policy end to end: states, admission, floor, programme, mutes, chair,
// roll call, attendance, minutes and the role checks on every privileged call.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "rooms/policy/MeetingPolicy.hpp"

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

MeetingInfo govMeeting() {
    MeetingInfo m;
    m.id = "m-2026-12";
    m.title = "Giao ban trực tuyến";
    m.convening = {"vpcp", "Văn phòng Chính phủ", 0};
    m.invited = {{"hn", "Hà Nội", 1}, {"hn-bd", "Ba Đình", 2}, {"dn", "Đà Nẵng", 1}};
    m.chairSubject = "chair";
    m.scheduledStart = at(0s);
    return m;
}

Identity who(const std::string& subject, const std::string& unit, Role role) {
    return {subject, unit, role};
}

// An open meeting with the chair connected as session "c".
class MeetingPolicyTest : public ::testing::Test {
  protected:
    MeetingPolicyTest() : p(govMeeting()) {
        EXPECT_TRUE(p.open(at(0s)).ok());
        EXPECT_TRUE(p.join("c", who("chair", "vpcp", Role::Chair), at(1s)).ok());
    }
    void joinOk(const std::string& session, Identity id, TimePoint now = at(2s)) {
        auto o = p.join(session, std::move(id), now);
        ASSERT_TRUE(o.ok()) << policyErrorCode(o.error);
    }
    void start() { ASSERT_TRUE(p.startSession("c", at(3s)).ok()); }
    // The usual room: Hà Nội delegate and hall, Ba Đình delegate, an observer.
    void populate() {
        joinOk("hn1", who("hn-delegate", "hn", Role::Delegate));
        joinOk("hnr", who("hn-hall", "hn", Role::Room));
        joinOk("bd1", who("bd-delegate", "hn-bd", Role::Delegate));
        joinOk("obs", who("press", "vpcp", Role::Observer));
    }
    std::set<std::string> audible() const { return p.snapshot().audibleSessions(); }

    MeetingPolicy p;
};

TEST(MeetingPolicyStateTest, TransitionsAndInvalidOnes) {
    MeetingPolicy p(govMeeting());
    EXPECT_EQ(p.state(), MeetingState::Scheduled);
    EXPECT_EQ(p.join("c", who("chair", "vpcp", Role::Chair), at(0s)).error, PolicyError::WrongState)
        << "nobody joins before the meeting opens";
    ASSERT_TRUE(p.open(at(0s)).ok());
    EXPECT_EQ(p.state(), MeetingState::Open);
    EXPECT_EQ(meetingStateName(p.state()), "open");
    EXPECT_EQ(p.open(at(1s)).error, PolicyError::WrongState);

    ASSERT_TRUE(p.join("c", who("chair", "vpcp", Role::Chair), at(1s)).ok());
    ASSERT_TRUE(p.join("d", who("hn-delegate", "hn", Role::Delegate), at(1s)).ok());
    EXPECT_EQ(p.startSession("d", at(2s)).error, PolicyError::NotChair);
    EXPECT_EQ(p.startSession("nobody", at(2s)).error, PolicyError::NotJoined);
    auto s = p.startSession("c", at(2s));
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s.mediaChanged);
    EXPECT_EQ(p.state(), MeetingState::InSession);
    EXPECT_EQ(p.startSession("c", at(3s)).error, PolicyError::WrongState);

    auto e = p.end("c", at(4s));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(p.state(), MeetingState::Ended);
    EXPECT_EQ(meetingStateName(p.state()), "ended");
    EXPECT_EQ(e.closeSessions.size(), 2u) << "everyone is disconnected";
    EXPECT_TRUE(p.sessions().empty());
    EXPECT_FALSE(p.snapshot().forwarding);
    EXPECT_EQ(p.join("c", who("chair", "vpcp", Role::Chair), at(5s)).error,
              PolicyError::WrongState);
    EXPECT_EQ(p.open(at(5s)).error, PolicyError::WrongState);
}

TEST(MeetingPolicyStateTest, TheLobbyCanEndWithoutASession) {
    MeetingPolicy p(govMeeting());
    ASSERT_TRUE(p.open(at(0s)).ok());
    ASSERT_TRUE(p.join("c", who("chair", "vpcp", Role::Chair), at(1s)).ok());
    ASSERT_TRUE(p.end("c", at(2s)).ok());
    EXPECT_EQ(p.state(), MeetingState::Ended);
}

TEST_F(MeetingPolicyTest, AdmissionRefusesUninvitedUnitsAndUnknownSessions) {
    EXPECT_EQ(p.join("x", who("hp-delegate", "hai-phong", Role::Delegate), at(2s)).error,
              PolicyError::NotInvited);
    EXPECT_EQ(p.join("c", who("someone", "hn", Role::Delegate), at(2s)).error,
              PolicyError::AlreadyJoined);
    EXPECT_EQ(p.join("", who("someone", "hn", Role::Delegate), at(2s)).error,
              PolicyError::BadRequest);
    EXPECT_EQ(p.leave("nobody", at(2s)).error, PolicyError::NotJoined);
    joinOk("d", who("dn-delegate", "dn", Role::Delegate));
    EXPECT_EQ(p.sessions().size(), 2u);
}

TEST_F(MeetingPolicyTest, OneRoomEndpointPerUnitAndTheSameIdentityReplacesItsSession) {
    joinOk("hall-1", who("hn-hall", "hn", Role::Room));
    auto taken = p.join("hall-2", who("hn-hall-spare", "hn", Role::Room), at(3s));
    EXPECT_EQ(taken.error, PolicyError::RoomEndpointTaken);
    EXPECT_EQ(policyErrorCode(taken.error), "room_endpoint_taken");
    joinOk("bd-hall", who("bd-hall", "hn-bd", Role::Room));  // another unit's hall is fine

    auto again = p.join("hall-3", who("hn-hall", "hn", Role::Room), at(4s));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.closeSessions, (std::vector<std::string>{"hall-1"}));
    EXPECT_EQ(types(again), (std::vector<std::string>{"session_replaced", "joined"}));
    EXPECT_EQ(p.findSession("hall-1"), nullptr);
    ASSERT_NE(p.findSession("hall-3"), nullptr);
    EXPECT_EQ(p.sessions().size(), 3u);
    auto row = p.attendance(at(5s))[1];
    EXPECT_EQ(row.unit.id, "hn");
    EXPECT_TRUE(row.present);
    EXPECT_EQ(row.reconnects, 1u);
    EXPECT_EQ(row.timePresentMs, 3000) << "present throughout the replacement";
}

TEST_F(MeetingPolicyTest, ARemovedIdentityCannotRejoin) {
    joinOk("d1", who("hn-delegate", "hn", Role::Delegate));
    EXPECT_EQ(p.remove("d1", "c", at(3s)).error, PolicyError::NotChair);
    EXPECT_EQ(p.remove("c", "c", at(3s)).error, PolicyError::BadRequest) << "not the chair";
    EXPECT_EQ(p.remove("c", "ghost", at(3s)).error, PolicyError::NotPresent);
    auto r = p.remove("c", "d1", at(3s));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.closeSessions, (std::vector<std::string>{"d1"}));
    EXPECT_EQ(types(r), (std::vector<std::string>{"participant_removed", "left"}));
    EXPECT_EQ(p.findSession("d1"), nullptr);
    EXPECT_EQ(p.join("d2", who("hn-delegate", "hn", Role::Delegate), at(4s)).error,
              PolicyError::Removed);
    joinOk("d3", who("hn-deputy", "hn", Role::Delegate), at(5s));  // another person of the unit
}

TEST_F(MeetingPolicyTest, ALockedMeetingAdmitsOnlyThoseAlreadyAdmitted) {
    joinOk("d1", who("hn-delegate", "hn", Role::Delegate));
    EXPECT_EQ(p.lock("d1", true, at(3s)).error, PolicyError::NotChair);
    auto l = p.lock("c", true, at(3s));
    EXPECT_EQ(types(l), (std::vector<std::string>{"meeting_locked"}));
    EXPECT_TRUE(p.locked());
    EXPECT_EQ(p.join("n", who("dn-delegate", "dn", Role::Delegate), at(4s)).error,
              PolicyError::MeetingLocked);
    ASSERT_TRUE(p.leave("d1", at(4s)).ok());
    joinOk("d1b", who("hn-delegate", "hn", Role::Delegate), at(5s));  // reconnects
    ASSERT_TRUE(p.leave("c", at(6s)).ok());
    joinOk("c2", who("chair", "vpcp", Role::Chair), at(7s));  // the chair always
    ASSERT_TRUE(p.lock("c2", false, at(8s)).ok());
    joinOk("n", who("dn-delegate", "dn", Role::Delegate), at(9s));
}

TEST_F(MeetingPolicyTest, TheLobbyForwardsNothing) {
    populate();
    ASSERT_TRUE(p.raiseHand("hn1", at(3s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn", at(3s)).ok());  // granted in the lobby...
    MediaPermissions lobby = p.snapshot();
    EXPECT_FALSE(lobby.forwarding);
    EXPECT_EQ(lobby.audio.size(), 5u) << "every connected session is listed";
    for (const auto& [session, ok] : lobby.audio) EXPECT_FALSE(ok) << session;
    EXPECT_FALSE(lobby.audible("c"));
    EXPECT_FALSE(lobby.programmeSession.has_value());
    EXPECT_TRUE(lobby.audibleSessions().empty());

    ASSERT_TRUE(p.startSession("c", at(4s)).ok());  // ...is heard once the session starts
    EXPECT_EQ(audible(), (std::set<std::string>{"c", "hn1", "hnr"}));
}

TEST_F(MeetingPolicyTest, OnlyTheChairAndTheFloorHolderAreHeard) {
    populate();
    start();
    EXPECT_EQ(audible(), (std::set<std::string>{"c"}));

    ASSERT_TRUE(p.raiseHand("bd1", at(4s)).ok());
    ASSERT_TRUE(p.raiseHand("hn1", at(5s)).ok());
    EXPECT_EQ(p.raiseHand("hn1", at(5s)).error, PolicyError::HandAlreadyRaised);
    ASSERT_EQ(p.floor().queue().size(), 2u);
    EXPECT_EQ(p.floor().queue()[0].unit.id, "hn-bd");
    EXPECT_EQ(p.floor().queue()[0].unit.tier, 2u);
    EXPECT_EQ(p.floor().queue()[0].subject, "bd-delegate");
    EXPECT_EQ(p.floor().queue()[0].raisedAt, at(4s));
    EXPECT_EQ(p.floor().queue()[1].unit.id, "hn");

    EXPECT_EQ(p.grantFloor("c", "nowhere", at(6s)).error, PolicyError::NoSuchUnit);
    EXPECT_EQ(p.grantFloor("c", "dn", at(6s)).error, PolicyError::HandNotRaised);
    auto g = p.grantFloor("c", "hn", at(6s));
    ASSERT_TRUE(g.ok());
    EXPECT_TRUE(g.mediaChanged);
    EXPECT_EQ(audible(), (std::set<std::string>{"c", "hn1", "hnr"}));

    ASSERT_TRUE(p.denyFloor("c", "hn-bd", at(7s)).ok());
    EXPECT_TRUE(p.floor().queue().empty());

    // A discussion: Ba Đình heard without the floor.
    EXPECT_EQ(p.unmuteUnit("c", "dn", at(8s)).error, PolicyError::NotPresent);
    ASSERT_TRUE(p.unmuteUnit("c", "hn-bd", at(8s)).ok());
    EXPECT_EQ(audible(), (std::set<std::string>{"c", "hn1", "hnr", "bd1"}));
    ASSERT_TRUE(p.muteUnit("c", "hn-bd", at(9s)).ok());

    // Muting one participant of the floor unit leaves the others heard.
    ASSERT_TRUE(p.mute("c", "hnr", at(10s)).ok());
    EXPECT_EQ(audible(), (std::set<std::string>{"c", "hn1"}));
    ASSERT_TRUE(p.mute("c", "c", at(11s)).ok());  // the chair may mute itself
    EXPECT_EQ(audible(), (std::set<std::string>{"hn1"}));
    ASSERT_TRUE(p.unmuteUnit("c", "vpcp", at(12s)).ok());

    // The floor unit lowers its hand: the floor returns.
    auto l = p.lowerHand("hn1", at(13s));
    EXPECT_EQ(types(l), (std::vector<std::string>{"floor_revoked"}));
    EXPECT_FALSE(p.floor().holder().has_value());
    EXPECT_FALSE(p.snapshot().audible("hn1"));
    EXPECT_FALSE(p.snapshot().audible("obs")) << "an observer is never heard";

    // Revoke by the chair.
    ASSERT_TRUE(p.raiseHand("bd1", at(14s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn-bd", at(15s)).ok());
    EXPECT_TRUE(p.snapshot().audible("bd1"));
    EXPECT_EQ(p.revokeFloor("bd1", at(16s)).error, PolicyError::NotChair);
    ASSERT_TRUE(p.revokeFloor("c", at(16s)).ok());
    EXPECT_FALSE(p.snapshot().audible("bd1"));
    EXPECT_EQ(p.revokeFloor("c", at(17s)).error, PolicyError::NoFloor);
}

TEST_F(MeetingPolicyTest, ProgrammeFollowsGrantAndSpotlight) {
    populate();
    joinOk("dnr", who("dn-hall", "dn", Role::Room));
    start();
    MediaPermissions m = p.snapshot();
    EXPECT_EQ(m.programmeUnit.value_or(""), "vpcp");
    EXPECT_EQ(m.programmeSession.value_or(""), "c") << "the chair without a floor holder";

    ASSERT_TRUE(p.raiseHand("hn1", at(4s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn", at(5s)).ok());
    m = p.snapshot();
    EXPECT_EQ(m.programmeUnit.value_or(""), "hn");
    EXPECT_EQ(m.programmeSession.value_or(""), "hn1") << "the delegate who asked";

    auto s = p.spotlight("c", std::string("dn"), at(6s));
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s.mediaChanged);
    m = p.snapshot();
    EXPECT_EQ(m.programmeUnit.value_or(""), "dn");
    EXPECT_EQ(m.programmeSession.value_or(""), "dnr");
    EXPECT_FALSE(m.audible("dnr")) << "spotlight gives video, not audio";
    EXPECT_TRUE(m.audible("hn1"));

    ASSERT_TRUE(p.spotlight("c", std::nullopt, at(7s)).ok());
    EXPECT_EQ(p.snapshot().programmeSession.value_or(""), "hn1");

    // Spotlight then a new grant: the grant takes the programme.
    ASSERT_TRUE(p.spotlight("c", std::string("dn"), at(8s)).ok());
    ASSERT_TRUE(p.raiseHand("bd1", at(9s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn-bd", at(10s)).ok());
    EXPECT_EQ(p.snapshot().programmeSession.value_or(""), "bd1");
    EXPECT_FALSE(p.snapshot().audible("hn1")) << "the previous holder lost the floor";

    ASSERT_TRUE(p.revokeFloor("c", at(11s)).ok());
    EXPECT_EQ(p.snapshot().programmeSession.value_or(""), "c");
    EXPECT_EQ(p.spotlight("c", std::string("hai-phong"), at(12s)).error, PolicyError::NoSuchUnit);
}

TEST_F(MeetingPolicyTest, TheHolderLeavingReturnsTheFloor) {
    populate();
    start();
    ASSERT_TRUE(p.raiseHand("bd1", at(4s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn-bd", at(5s)).ok());
    auto l = p.leave("bd1", at(6s));
    EXPECT_EQ(types(l), (std::vector<std::string>{"left", "floor_revoked"}));
    EXPECT_EQ(l.events[1].get("reason"), "left");
    EXPECT_FALSE(p.floor().holder().has_value());
    EXPECT_EQ(p.snapshot().programmeSession.value_or(""), "c");
}

TEST_F(MeetingPolicyTest, TimeLimitWarnsThenRevokesOnTick) {
    populate();
    start();
    EXPECT_EQ(p.setSpeakerTimeLimit("c", 10s, 20s, at(3s)).error, PolicyError::BadRequest);
    EXPECT_EQ(p.setSpeakerTimeLimit("hn1", 60s, 10s, at(3s)).error, PolicyError::NotChair);
    ASSERT_TRUE(p.setSpeakerTimeLimit("c", 60s, 10s, at(3s)).ok());
    ASSERT_TRUE(p.raiseHand("hn1", at(4s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn", at(10s)).ok());
    EXPECT_TRUE(p.tick(at(59s)).events.empty());
    auto w = p.tick(at(60s));
    EXPECT_EQ(types(w), (std::vector<std::string>{"floor_warning"}));
    EXPECT_TRUE(p.snapshot().audible("hn1")) << "a warning does not cut the speaker";
    auto r = p.tick(at(70s));
    EXPECT_EQ(types(r), (std::vector<std::string>{"floor_revoked"}));
    EXPECT_EQ(r.events[0].get("reason"), "time_limit");
    EXPECT_TRUE(r.mediaChanged);
    EXPECT_FALSE(p.snapshot().audible("hn1"));
    EXPECT_EQ(p.log().events().back().type, "floor_revoked") << "logged";
}

TEST_F(MeetingPolicyTest, MuteAllLeavesOnlyTheChair) {
    populate();
    start();
    ASSERT_TRUE(p.raiseHand("hn1", at(4s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn", at(5s)).ok());
    ASSERT_TRUE(p.unmuteUnit("c", "hn-bd", at(6s)).ok());
    EXPECT_EQ(audible().size(), 4u);
    EXPECT_EQ(p.muteAll("hn1", at(7s)).error, PolicyError::NotChair);
    auto m = p.muteAll("c", at(7s));
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m.mediaChanged);
    EXPECT_EQ(types(m), (std::vector<std::string>{"floor_revoked", "muted_all"}));
    EXPECT_EQ(audible(), (std::set<std::string>{"c"}));
}

TEST_F(MeetingPolicyTest, ChairHandover) {
    populate();
    joinOk("vice", who("vice-chair", "vpcp", Role::Chair));
    start();
    EXPECT_EQ(audible(), (std::set<std::string>{"c"})) << "a chair-capable identity not chairing";
    EXPECT_EQ(p.handOverChair("c", "nobody", at(4s)).error, PolicyError::NotPresent);
    EXPECT_EQ(p.handOverChair("c", "press", at(4s)).error, PolicyError::ForbiddenForRole);
    EXPECT_EQ(p.handOverChair("vice", "vice-chair", at(4s)).error, PolicyError::NotChair);

    auto h = p.handOverChair("c", "vice-chair", at(5s));
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(h.mediaChanged);
    EXPECT_EQ(types(h), (std::vector<std::string>{"chair_handed_over"}));
    EXPECT_EQ(h.events[0].get("from"), "chair");
    EXPECT_EQ(p.chairSubject(), "vice-chair");
    EXPECT_EQ(audible(), (std::set<std::string>{"vice"}));
    EXPECT_EQ(p.snapshot().programmeSession.value_or(""), "vice");
    EXPECT_EQ(p.muteAll("c", at(6s)).error, PolicyError::NotChair) << "the old chair lost it";
    EXPECT_TRUE(p.muteAll("vice", at(6s)).ok());

    // Handed to a delegate, and back.
    ASSERT_TRUE(p.handOverChair("vice", "hn-delegate", at(7s)).ok());
    EXPECT_TRUE(p.lock("hn1", true, at(8s)).ok());
    ASSERT_TRUE(p.handOverChair("hn1", "chair", at(9s)).ok());
    EXPECT_EQ(p.lock("hn1", false, at(10s)).error, PolicyError::NotChair);
    EXPECT_TRUE(p.end("c", at(11s)).ok());
}

TEST_F(MeetingPolicyTest, RollCallConfirmedAndNot) {
    populate();
    start();
    EXPECT_EQ(p.confirmRollCall("hn1", at(4s)).error, PolicyError::NoRollCall);
    EXPECT_EQ(p.startRollCall("hn1", at(4s)).error, PolicyError::NotChair);
    ASSERT_TRUE(p.startRollCall("c", at(5s)).ok());
    EXPECT_EQ(p.startRollCall("c", at(5s)).error, PolicyError::RollCallActive);
    ASSERT_TRUE(p.confirmRollCall("hn1", at(6s)).ok());
    EXPECT_EQ(p.confirmRollCall("hnr", at(6s)).error, PolicyError::ForbiddenForRole)
        << "a hall endpoint is unattended";
    EXPECT_EQ(p.confirmRollCall("obs", at(6s)).error, PolicyError::ForbiddenForRole);
    auto j = p.join("dn1", who("dn-delegate", "dn", Role::Delegate), at(7s));
    EXPECT_EQ(types(j), (std::vector<std::string>{"joined", "roll_call_asked"}));
    ASSERT_TRUE(p.endRollCall("c", at(8s)).ok());
    EXPECT_EQ(p.endRollCall("c", at(8s)).error, PolicyError::NoRollCall);

    ASSERT_EQ(p.rollCalls().records().size(), 1u);
    const RollCallRecord& r = p.rollCalls().records()[0];
    EXPECT_EQ(r.startedBy, "chair");
    EXPECT_EQ(r.startedAt, at(5s));
    EXPECT_EQ(r.endedAt, at(8s));
    EXPECT_EQ(r.confirmed(), (std::vector<std::string>{"hn"}));
    EXPECT_EQ(r.unconfirmed(), (std::vector<std::string>{"vpcp", "hn-bd", "dn"}));
    EXPECT_EQ(r.units[1].confirmedBy, "hn-delegate");
    EXPECT_EQ(r.units[1].confirmedAt, at(6s));
}

TEST_F(MeetingPolicyTest, AttendanceWithJoinsLeavesAndReconnects) {
    // Chair joined at 1 s. Hà Nội: 2-12 s delegate, hall 5-20 s, back 30-40 s, session replaced.
    joinOk("hn1", who("hn-delegate", "hn", Role::Delegate), at(2s));
    joinOk("hnr", who("hn-hall", "hn", Role::Room), at(5s));
    joinOk("obs", who("press", "dn", Role::Observer), at(5s));  // watches: not Đà Nẵng's attendance
    ASSERT_TRUE(p.leave("hn1", at(12s)).ok());
    ASSERT_TRUE(p.leave("hnr", at(20s)).ok());
    joinOk("hn1b", who("hn-delegate", "hn", Role::Delegate), at(30s));
    joinOk("hn1c", who("hn-delegate", "hn", Role::Delegate), at(35s));  // replaces hn1b
    ASSERT_TRUE(p.leave("hn1c", at(40s)).ok());

    auto rows = p.attendance(at(100s));
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].unit.id, "vpcp");
    EXPECT_TRUE(rows[0].present);
    EXPECT_EQ(rows[0].timePresentMs, 99'000);
    EXPECT_EQ(rows[0].representedBy, (std::vector<std::string>{"chair"}));

    const AttendanceRow& hn = rows[1];
    EXPECT_EQ(hn.unit.name, "Hà Nội");
    EXPECT_FALSE(hn.present);
    EXPECT_EQ(hn.firstJoin, at(2s));
    EXPECT_EQ(hn.lastLeave, at(40s));
    EXPECT_EQ(hn.timePresentMs, 18'000 + 10'000);
    EXPECT_EQ(hn.representedBy, (std::vector<std::string>{"hn-delegate", "hn-hall"}));
    EXPECT_EQ(hn.reconnects, 2u) << "back after absence, and one replaced session";

    EXPECT_FALSE(rows[2].present);
    EXPECT_FALSE(rows[3].present) << "an observer does not represent its unit";
    EXPECT_TRUE(rows[3].representedBy.empty());
}

TEST_F(MeetingPolicyTest, EventLogKeepsTheMinutesInOrder) {
    populate();
    start();
    ASSERT_TRUE(p.raiseHand("bd1", at(4s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn-bd", at(5s)).ok());
    ASSERT_TRUE(p.mute("c", "hnr", at(6s)).ok());
    ASSERT_TRUE(p.startRollCall("c", at(7s)).ok());
    ASSERT_TRUE(p.confirmRollCall("bd1", at(8s)).ok());
    ASSERT_TRUE(p.endRollCall("c", at(9s)).ok());
    ASSERT_TRUE(p.remove("c", "obs", at(10s)).ok());
    EXPECT_EQ(p.grantFloor("hn1", "hn", at(11s)).error, PolicyError::NotChair);  // not logged
    ASSERT_TRUE(p.end("c", at(12s)).ok());

    std::vector<std::string> got;
    for (const Event& e : p.log().events()) got.push_back(e.type);
    EXPECT_EQ(got, (std::vector<std::string>{"meeting_opened",
                                             "joined",
                                             "joined",
                                             "joined",
                                             "joined",
                                             "joined",
                                             "session_started",
                                             "hand_raised",
                                             "floor_granted",
                                             "participant_muted",
                                             "roll_call_started",
                                             "roll_call_confirmed",
                                             "roll_call_ended",
                                             "participant_removed",
                                             "left",
                                             "floor_revoked",
                                             "meeting_ended",
                                             "left",
                                             "left",
                                             "left",
                                             "left"}));
    uint64_t seq = 0;
    int64_t time = 0;
    for (const Event& e : p.log().events()) {
        EXPECT_EQ(e.seq, ++seq);
        EXPECT_GE(e.timeMs, time);
        time = e.timeMs;
    }
    const Event& granted = p.log().events()[8];
    EXPECT_EQ(granted.unit, "hn-bd");
    EXPECT_EQ(granted.subject, "bd-delegate");
    EXPECT_EQ(granted.get("by"), "chair");
    EXPECT_EQ(granted.timeMs, toEpochMs(at(5s)));
    EXPECT_EQ(p.log().events()[1].get("role"), "chair");
    EXPECT_EQ(p.log().events()[15].get("reason"), "ended") << "the floor returns at the end";
    EXPECT_EQ(p.log().events().back().get("reason"), "ended");
}

TEST_F(MeetingPolicyTest, EveryChairActionIsRefusedToEveryOtherRole) {
    populate();
    joinOk("vice", who("vice-chair", "vpcp", Role::Chair));
    joinOk("tech", who("tech", "vpcp", Role::Technician));
    joinOk("rec", who("recorder", "vpcp", Role::Recorder));
    start();
    ASSERT_TRUE(p.raiseHand("bd1", at(4s)).ok());
    const std::map<std::string, PolicyError> actors{
        {"vice", PolicyError::NotChair},          // chair-capable, not holding the chair
        {"hn1", PolicyError::NotChair},           // a delegate could be handed the chair
        {"hnr", PolicyError::ForbiddenForRole},   // room
        {"obs", PolicyError::ForbiddenForRole},   // observer
        {"tech", PolicyError::ForbiddenForRole},  // technician
        {"rec", PolicyError::ForbiddenForRole},   // recorder
    };
    using Call = std::function<Outcome(const std::string&)>;
    const std::vector<std::pair<std::string, Call>> chairActions{
        {"start", [&](const std::string& a) { return p.startSession(a, at(5s)); }},
        {"end", [&](const std::string& a) { return p.end(a, at(5s)); }},
        {"handover",
         [&](const std::string& a) { return p.handOverChair(a, "hn-delegate", at(5s)); }},
        {"lock", [&](const std::string& a) { return p.lock(a, true, at(5s)); }},
        {"grant", [&](const std::string& a) { return p.grantFloor(a, "hn-bd", at(5s)); }},
        {"deny", [&](const std::string& a) { return p.denyFloor(a, "hn-bd", at(5s)); }},
        {"revoke", [&](const std::string& a) { return p.revokeFloor(a, at(5s)); }},
        {"limit", [&](const std::string& a) { return p.setSpeakerTimeLimit(a, 60s, 5s, at(5s)); }},
        {"unmute", [&](const std::string& a) { return p.unmuteUnit(a, "hn", at(5s)); }},
        {"mute_unit", [&](const std::string& a) { return p.muteUnit(a, "hn", at(5s)); }},
        {"mute", [&](const std::string& a) { return p.mute(a, "hn1", at(5s)); }},
        {"mute_all", [&](const std::string& a) { return p.muteAll(a, at(5s)); }},
        {"spotlight",
         [&](const std::string& a) { return p.spotlight(a, std::string("hn"), at(5s)); }},
        {"remove", [&](const std::string& a) { return p.remove(a, "obs", at(5s)); }},
        {"roll_call", [&](const std::string& a) { return p.startRollCall(a, at(5s)); }},
        {"end_roll_call", [&](const std::string& a) { return p.endRollCall(a, at(5s)); }},
    };
    size_t logged = p.log().size();
    for (const auto& [name, call] : chairActions) {
        for (const auto& [actor, expected] : actors) {
            Outcome o = call(actor);
            EXPECT_EQ(o.error, expected)
                << name << " by " << actor << ": " << policyErrorCode(o.error);
            EXPECT_TRUE(o.events.empty());
            EXPECT_TRUE(o.closeSessions.empty());
        }
    }
    EXPECT_EQ(p.log().size(), logged) << "refusals change nothing";
    EXPECT_EQ(p.state(), MeetingState::InSession);
    EXPECT_FALSE(p.locked());

    // Participation rights.
    for (const char* s : {"obs", "tech", "rec"}) {
        EXPECT_EQ(p.raiseHand(s, at(6s)).error, PolicyError::ForbiddenForRole) << s;
        EXPECT_EQ(p.lowerHand(s, at(6s)).error, PolicyError::ForbiddenForRole) << s;
    }
    // The hall endpoint asks for its unit (a button box in the hall), as a delegate does.
    Outcome hallHand = p.raiseHand("hnr", at(6s));
    ASSERT_TRUE(hallHand.ok()) << policyErrorCode(hallHand.error);
    ASSERT_FALSE(hallHand.events.empty());
    EXPECT_EQ(hallHand.events[0].type, "hand_raised");
    EXPECT_EQ(hallHand.events[0].unit, "hn");
    EXPECT_TRUE(p.lowerHand("hnr", at(6s)).ok());
    EXPECT_EQ(p.authorize("tech", Action::ViewStats), PolicyError::None);
    EXPECT_EQ(p.authorize("tech", Action::ControlRecording), PolicyError::None);
    EXPECT_EQ(p.authorize("hn1", Action::ViewStats), PolicyError::ForbiddenForRole);
    EXPECT_EQ(p.authorize("rec", Action::Record), PolicyError::None);
    EXPECT_EQ(p.authorize("c", Action::Record), PolicyError::ForbiddenForRole);
    EXPECT_EQ(p.authorize("ghost", Action::Watch), PolicyError::NotJoined);

    // Technicians and recorders are never heard, whatever the floor says.
    ASSERT_TRUE(p.unmuteUnit("c", "vpcp", at(7s)).ok());
    EXPECT_FALSE(p.snapshot().audible("tech"));
    EXPECT_FALSE(p.snapshot().audible("rec"));
    EXPECT_FALSE(p.snapshot().audible("obs"));
    EXPECT_TRUE(p.snapshot().audible("vice")) << "a chair-capable delegate of an unmuted unit";
}

TEST_F(MeetingPolicyTest, ActiveSpeakerOnlyAmongThoseAllowedToSpeak) {
    populate();
    start();
    std::vector<std::string> changes;
    auto run = [&](std::chrono::milliseconds from, std::chrono::milliseconds to, double chair,
                   double baDinh) {
        for (auto t = from; t < to; t += 20ms) {
            p.audioLevel("c", chair, at(t));
            p.audioLevel("bd1", baDinh, at(t));
            p.audioLevel("ghost", -1, at(t));  // not in the meeting: ignored
            if (t.count() % 100 == 0 && p.updateActiveSpeaker(at(t))) {
                changes.push_back(p.activeSpeaker().value_or(""));
            }
        }
    };
    run(3000ms, 5000ms, -40, -10);  // Ba Đình loud but not allowed to speak
    EXPECT_EQ(changes, (std::vector<std::string>{"c"}));
    ASSERT_TRUE(p.raiseHand("bd1", at(5s)).ok());
    ASSERT_TRUE(p.grantFloor("c", "hn-bd", at(5s)).ok());
    run(5000ms, 8000ms, -60, -10);
    EXPECT_EQ(changes, (std::vector<std::string>{"c", "bd1"}));
    ASSERT_TRUE(p.revokeFloor("c", at(8s)).ok());
    EXPECT_TRUE(p.updateActiveSpeaker(at(8s)));
    EXPECT_FALSE(p.activeSpeaker().has_value()) << "Ba Đình lost the floor";
}

// Each session an outcome closes has its reason, which the closed client is told.
TEST_F(MeetingPolicyTest, CloseReasonPerClosedSession) {
    joinOk("hall-1", who("hn-hall", "hn", Role::Room));
    joinOk("bd1", who("bd-delegate", "hn-bd", Role::Delegate));
    joinOk("dn1", who("dn-delegate", "dn", Role::Delegate));
    // Same unit, same identity: swapped in place (no `left` event), still "replaced".
    auto again = p.join("hall-2", who("hn-hall", "hn", Role::Room), at(3s));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(closeReason(again, "hall-1"), "replaced");
    EXPECT_EQ(closeReason(again, "hall-2"), "") << "the new session is not closed";
    // The same identity under another unit: the old one leaves with reason replaced.
    auto moved = p.join("dn2", who("dn-delegate", "hn", Role::Delegate), at(4s));
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(closeReason(moved, "dn1"), "replaced");
    auto removed = p.remove("c", "bd1", at(5s));
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(closeReason(removed, "bd1"), "removed");
    auto ended = p.end("c", at(6s));
    ASSERT_TRUE(ended.ok());
    ASSERT_EQ(ended.closeSessions.size(), 3u);
    for (const std::string& s : ended.closeSessions)
        EXPECT_EQ(closeReason(ended, s), "meeting_ended") << s;
    EXPECT_EQ(closeReason(Outcome{}, "c"), "");
}

}  // namespace
}  // namespace vcb::rooms::policy
