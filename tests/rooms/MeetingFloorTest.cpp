// The glue between a government meeting's policy and its media: MeetingFloor (admission,
// commands, the view clients get) and MediaGate (which producer gates open).
#include <gtest/gtest.h>

#include "rooms/MediaGate.hpp"
#include "rooms/MeetingFloor.hpp"

namespace vcb::rooms {
namespace {

using policy::PolicyError;
using T = FloorCommand::Type;

policy::MeetingInfo info() {
    policy::MeetingInfo i;
    i.id = "council";
    i.title = "Council";
    i.convening = {"gov", "Chính phủ", 0};
    i.invited = {{"hn", "Hà Nội", 1}, {"hn.bd", "Ba Đình", 2}};
    i.chairSubject = "chair";
    return i;
}

Participant person(std::string id, std::string name, std::string unit, policy::Role role,
                   std::string subject = {}) {
    Participant p;
    p.id = std::move(id);
    p.displayName = std::move(name);
    p.unit = std::move(unit);
    p.role = role;
    p.subject = std::move(subject);
    return p;
}

TEST(MeetingFloorTest, DevModeSubjectIsTheDisplayNameAndTokensWin) {
    EXPECT_EQ(MeetingFloor::identityOf(person("p1", "chair", "gov", policy::Role::Chair)).subject,
              "chair");
    EXPECT_EQ(
        MeetingFloor::identityOf(person("p1", "x", "gov", policy::Role::Chair, "sub-1")).subject,
        "sub-1");
    EXPECT_EQ(MeetingFloor::identityOf(person("p1", "", "gov", policy::Role::Chair)).subject, "p1");
}

// A WHEP viewer joins the policy as an observer whatever its token's role: it does not mark its
// unit present nor take the unit's hall endpoint.
TEST(MeetingFloorTest, AWhepViewerIsAnObserver) {
    Participant viewer = person("pv", "wall", "hn", policy::Role::Room, "hn-hall");
    viewer.kind = ClientKind::WhepViewer;
    EXPECT_EQ(MeetingFloor::identityOf(viewer).role, policy::Role::Observer);
    MeetingFloor floor(info());
    const auto now = policy::Clock::now();
    ASSERT_TRUE(floor.join(viewer, now).ok());
    ASSERT_TRUE(floor.join(person("ph", "hall", "hn", policy::Role::Room, "hn-hall-2"), now).ok())
        << "the viewer does not hold the unit's hall endpoint";
    Participant stranger = person("px", "x", "elsewhere", policy::Role::Observer, "x");
    stranger.kind = ClientKind::WhepViewer;
    EXPECT_EQ(floor.join(stranger, now).error, PolicyError::NotInvited);
    MeetingFloor alone(info());
    ASSERT_TRUE(alone.join(viewer, now).ok());
    for (const auto& row : alone.policy().attendance(now))
        EXPECT_FALSE(row.present) << row.unit.id << ": a viewer does not make its unit present";
}

TEST(MeetingFloorTest, LobbyForwardsNothingAndTheFloorDecidesWhoIsHeard) {
    MeetingFloor floor(info());
    const auto now = policy::Clock::now();
    ASSERT_TRUE(floor.join(person("pc", "chair", "gov", policy::Role::Chair), now).ok());
    ASSERT_TRUE(floor.join(person("p1", "hanoi", "hn", policy::Role::Delegate), now).ok());
    ASSERT_TRUE(floor.join(person("p2", "badinh", "hn.bd", policy::Role::Delegate), now).ok());
    EXPECT_EQ(floor.join(person("px", "x", "elsewhere", policy::Role::Delegate), now).error,
              PolicyError::NotInvited);

    // Lobby: nothing forwarded, video included.
    auto perms = floor.permissions();
    EXPECT_FALSE(MediaGate::open(perms, "pc", MediaSource::Microphone));
    EXPECT_FALSE(MediaGate::open(perms, "p1", MediaSource::Camera));
    EXPECT_FALSE(MediaGate::open(perms, "p1", MediaSource::Screen)) << "a shared screen too";
    EXPECT_EQ(floor.view({}).state, "open");

    const PolicyError refused = floor.handle("p1", {T::StartSession, {}, {}}, now).error;
    EXPECT_TRUE(refused == PolicyError::NotChair || refused == PolicyError::ForbiddenForRole);
    ASSERT_TRUE(floor.handle("pc", {T::StartSession, {}, {}}, now).ok());
    perms = floor.permissions();
    EXPECT_TRUE(MediaGate::open(perms, "pc", MediaSource::Microphone)) << "the chair is heard";
    EXPECT_FALSE(MediaGate::open(perms, "p1", MediaSource::Microphone)) << "no floor, not heard";
    EXPECT_TRUE(MediaGate::open(perms, "p1", MediaSource::Camera));
    EXPECT_TRUE(MediaGate::open(perms, "p1", MediaSource::Screen)) << "gated like the camera";

    ASSERT_TRUE(floor.handle("p2", {T::RaiseHand, {}, {}}, now).ok());
    auto view = floor.view({});
    ASSERT_EQ(view.queue.size(), 1u);
    EXPECT_EQ(view.queue[0].unit, "hn.bd");
    EXPECT_EQ(view.queue[0].tier, 2u);
    EXPECT_EQ(view.queue[0].subject, "badinh");

    EXPECT_NE(floor.handle("p1", {T::GrantFloor, "hn.bd", {}}, now).error, PolicyError::None);
    auto granted = floor.handle("pc", {T::GrantFloor, "hn.bd", {}}, now);
    ASSERT_TRUE(granted.ok());
    EXPECT_TRUE(granted.mediaChanged);
    perms = floor.permissions();
    EXPECT_TRUE(MediaGate::open(perms, "p2", MediaSource::Microphone));
    EXPECT_FALSE(MediaGate::open(perms, "p1", MediaSource::Microphone));
    view = floor.view(granted.events);
    EXPECT_EQ(view.floorUnit, "hn.bd");
    EXPECT_EQ(view.programmeParticipant, "p2");
    EXPECT_FALSE(view.events.empty());

    ASSERT_TRUE(floor.handle("pc", {T::RevokeFloor, {}, {}}, now).ok());
    EXPECT_FALSE(MediaGate::open(floor.permissions(), "p2", MediaSource::Microphone));
    EXPECT_TRUE(floor.leave("p2", now).ok());
    EXPECT_TRUE(floor.leave("p2", now).ok()) << "leaving twice is harmless";
}

TEST(MeetingFloorTest, SpotlightLockRemoveAndRollCall) {
    MeetingFloor floor(info());
    const auto now = policy::Clock::now();
    ASSERT_TRUE(floor.join(person("pc", "chair", "gov", policy::Role::Chair), now).ok());
    ASSERT_TRUE(floor.join(person("p1", "hanoi", "hn", policy::Role::Delegate), now).ok());
    ASSERT_TRUE(floor.handle("pc", {T::StartSession, {}, {}}, now).ok());

    ASSERT_TRUE(floor.handle("pc", {T::Spotlight, "hn", {}}, now).ok());
    auto perms = floor.permissions();
    EXPECT_EQ(perms.programmeSession, "p1") << "the spotlighted unit is the programme";
    EXPECT_FALSE(MediaGate::open(perms, "p1", MediaSource::Microphone)) << "without its audio";
    ASSERT_TRUE(floor.handle("pc", {T::Spotlight, "", {}}, now).ok());
    EXPECT_EQ(floor.permissions().programmeSession, "pc") << "cleared: the chair again";

    EXPECT_NE(floor.handle("p1", {T::LockMeeting, {}, {}}, now).error, PolicyError::None);
    ASSERT_TRUE(floor.handle("pc", {T::LockMeeting, {}, {}}, now).ok());
    EXPECT_EQ(floor.join(person("p2", "badinh", "hn.bd", policy::Role::Delegate), now).error,
              PolicyError::MeetingLocked);
    ASSERT_TRUE(floor.handle("pc", {T::UnlockMeeting, {}, {}}, now).ok());

    ASSERT_TRUE(floor.handle("pc", {T::StartRollCall, {}, {}}, now).ok());
    EXPECT_TRUE(floor.handle("p1", {T::ConfirmRollCall, {}, {}}, now).ok());
    EXPECT_TRUE(floor.handle("pc", {T::EndRollCall, {}, {}}, now).ok());

    auto removed = floor.handle("pc", {T::RemoveParticipant, {}, "p1"}, now);
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(removed.closeSessions, std::vector<std::string>{"p1"});
    EXPECT_EQ(floor.join(person("p9", "hanoi", "hn", policy::Role::Delegate), now).error,
              PolicyError::Removed);
}

// The commands added for the chair: speaker time limit, hand-over by subject, muting a unit.
TEST(MeetingFloorTest, TimeLimitHandOverAndMuteUnit) {
    MeetingFloor floor(info());
    const auto now = policy::Clock::now();
    ASSERT_TRUE(floor.join(person("pc", "chair", "gov", policy::Role::Chair), now).ok());
    ASSERT_TRUE(floor.join(person("p1", "hanoi", "hn", policy::Role::Delegate), now).ok());
    FloorCommand limit{T::SetSpeakerTimeLimit, {}, {}};
    limit.limitSeconds = 120;
    limit.warningSeconds = 30;
    EXPECT_EQ(floor.handle("p1", limit, now).error, PolicyError::NotChair);
    auto set = floor.handle("pc", limit, now);
    ASSERT_TRUE(set.ok()) << policy::policyErrorCode(set.error);
    ASSERT_EQ(set.events.size(), 1u);
    EXPECT_EQ(set.events[0].get("limit_ms"), "120000");
    EXPECT_EQ(set.events[0].get("warning_ms"), "30000");
    limit.limitSeconds.reset();
    limit.warningSeconds = 0;
    EXPECT_EQ(floor.handle("pc", limit, now).events.at(0).get("limit_ms"), "none");

    ASSERT_TRUE(floor.handle("pc", {T::StartSession, {}, {}}, now).ok());
    ASSERT_TRUE(floor.handle("pc", {T::UnmuteUnit, "hn", {}}, now).ok());
    EXPECT_TRUE(MediaGate::open(floor.permissions(), "p1", MediaSource::Microphone));
    EXPECT_EQ(floor.handle("p1", {T::MuteUnit, "hn", {}}, now).error, PolicyError::NotChair);
    ASSERT_TRUE(floor.handle("pc", {T::MuteUnit, "hn", {}}, now).ok());
    EXPECT_FALSE(MediaGate::open(floor.permissions(), "p1", MediaSource::Microphone));

    FloorCommand hand{T::HandOverChair, {}, {}};
    hand.subject = "hanoi";
    EXPECT_EQ(floor.handle("p1", hand, now).error, PolicyError::NotChair);
    ASSERT_TRUE(floor.handle("pc", hand, now).ok());
    EXPECT_EQ(floor.view({}).chair, "hanoi");
    hand.subject = "nobody";
    EXPECT_EQ(floor.handle("p1", hand, now).error, PolicyError::NotPresent);
}

TEST(MeetingFloorTest, LobbyOpensLobbyOpensBeforeTheScheduledStart) {
    using namespace std::chrono_literals;
    const policy::TimePoint start = policy::Clock::now() + 1h;
    policy::MeetingInfo i = info();
    i.scheduledStart = start;
    MeetingFloor floor(i, 30min, start - 40min);
    EXPECT_EQ(floor.lobbyOpensAt(), start - 30min);
    EXPECT_EQ(floor.view({}).state, "scheduled");
    EXPECT_EQ(floor.join(person("pc", "chair", "gov", policy::Role::Chair), start - 31min).error,
              PolicyError::WrongState)
        << "before the lobby opens";
    EXPECT_TRUE(floor.openLobbyIfDue(start - 30min - 1ms).events.empty()) << "not yet";
    EXPECT_EQ(floor.view({}).state, "scheduled");
    const policy::Outcome opened = floor.openLobbyIfDue(start - 30min);
    ASSERT_TRUE(opened.ok());
    ASSERT_EQ(opened.events.size(), 1u);
    EXPECT_EQ(opened.events[0].type, "meeting_opened");
    EXPECT_EQ(floor.view({}).state, "open");
    EXPECT_TRUE(floor.openLobbyIfDue(start).events.empty()) << "opens once";
    EXPECT_TRUE(floor.join(person("pc", "chair", "gov", policy::Role::Chair), start - 29min).ok());
}

TEST(MeetingFloorTest, ALobbyDueAtConstructionIsOpenAtOnce) {
    using namespace std::chrono_literals;
    policy::MeetingInfo i = info();
    i.scheduledStart = policy::Clock::now() + 10min;
    EXPECT_EQ(MeetingFloor(i, 30min).view({}).state, "open");
    EXPECT_EQ(MeetingFloor(i, 0s).view({}).state, "scheduled");
}

TEST(MeetingFloorTest, ActiveSpeakerIsInTheViewAmongThoseAllowedToSpeak) {
    using namespace std::chrono_literals;
    MeetingFloor floor(info());
    auto now = policy::Clock::now();
    ASSERT_TRUE(floor.join(person("pc", "chair", "gov", policy::Role::Chair), now).ok());
    ASSERT_TRUE(floor.join(person("p1", "hanoi", "hn", policy::Role::Delegate), now).ok());
    ASSERT_TRUE(floor.handle("pc", {T::StartSession, {}, {}}, now).ok());
    EXPECT_FALSE(floor.view({}).activeSpeaker);
    // p1 has no floor: however loud, not the active speaker.
    floor.audioLevel("p1", -10, now);
    EXPECT_FALSE(floor.updateActiveSpeaker(now));
    EXPECT_FALSE(floor.view({}).activeSpeaker);
    now += 250ms;
    floor.audioLevel("pc", -20, now);
    EXPECT_TRUE(floor.updateActiveSpeaker(now));
    EXPECT_EQ(floor.view({}).activeSpeaker, "pc");
}

}  // namespace
}  // namespace vcb::rooms
