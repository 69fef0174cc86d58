// Government meetings defined at run time (the REST API's records): Conference::
// defineGovernmentMeeting / forgetGovernmentMeeting, through real joins on a real worker (one UDP
// media port on 127.0.0.1, no peers).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "rooms/Conference.hpp"

namespace vcb::rooms {
namespace {

using namespace std::chrono_literals;

policy::MeetingInfo council(std::string id, policy::TimePoint start) {
    policy::MeetingInfo i;
    i.id = std::move(id);
    i.title = "Council";
    i.convening = {"gov", "Chính phủ", 0};
    i.invited = {{"hn", "Hà Nội", 1}};
    i.chairSubject = "chair";
    i.scheduledStart = start;
    return i;
}

class ConferenceDefineTest : public ::testing::Test {
  protected:
    ConferenceDefineTest()
        : conference_(config(), nullptr, std::make_shared<AllowAllAuthenticator>()) {}

    static ConferenceConfig config() {
        ConferenceConfig c;
        c.allowAdHocMeetings = false;  // only defined meetings exist
        c.meetings.clear();
        c.lobbyOpensBefore = 10min;
        return c;
    }

    JoinResult join(const std::string& meeting, const std::string& name, const std::string& unit,
                    policy::Role role) {
        JoinCredentials c;
        c.meetingId = meeting;
        c.displayName = name;
        c.requestedUnit = unit;
        c.requestedRole = role;
        std::promise<JoinResult> answer;
        auto future = answer.get_future();
        conference_.join(c, nullptr, [&answer](JoinResult r) { answer.set_value(std::move(r)); });
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    }

    // The meeting is removed on the worker right after the join's answer: wait (bounded).
    bool meetingsBecome(size_t n) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (conference_.meetingCount() != n && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        return conference_.meetingCount() == n;
    }

    Conference conference_;
};

TEST_F(ConferenceDefineTest, ADefinedMeetingIsGovernedAndForgettingLeavesTheLiveOneAlone) {
    ASSERT_TRUE(conference_.startError().empty()) << conference_.startError();
    EXPECT_EQ(join("council", "chair", "gov", policy::Role::Chair).error,
              RoomError::MeetingNotFound)
        << "not defined yet, no ad-hoc meetings";

    conference_.defineGovernmentMeeting(council("council", policy::Clock::now() + 5min));
    EXPECT_TRUE(conference_.governmentMeetingDefined("council"));
    JoinResult chair = join("council", "chair", "gov", policy::Role::Chair);
    ASSERT_EQ(chair.error, RoomError::None);
    ASSERT_TRUE(chair.floor) << "governed: the policy's view comes with the join";
    EXPECT_EQ(chair.floor->state, "open") << "the lobby opened 10 min before the start";
    EXPECT_FALSE(chair.floor->activeSpeaker);
    JoinResult stranger = join("council", "x", "elsewhere", policy::Role::Delegate);
    EXPECT_EQ(stranger.detail, "not_invited") << "the definition's invitations apply";

    conference_.forgetGovernmentMeeting("council");
    EXPECT_FALSE(conference_.governmentMeetingDefined("council"));
    JoinResult delegate = join("council", "hanoi", "hn", policy::Role::Delegate);
    EXPECT_EQ(delegate.error, RoomError::None) << "still live until it empties";
    EXPECT_TRUE(delegate.floor);

    conference_.leave("council", chair.participantId);
    conference_.leave("council", delegate.participantId);
    // The leaves are posted; the meeting closes when it is empty, then it is gone for good.
    EXPECT_TRUE(meetingsBecome(0));
    EXPECT_EQ(join("council", "chair", "gov", policy::Role::Chair).error,
              RoomError::MeetingNotFound);
}

TEST_F(ConferenceDefineTest, AJoinBeforeTheLobbyOpensIsRefusedAndLeavesNoLiveMeeting) {
    ASSERT_TRUE(conference_.startError().empty()) << conference_.startError();
    conference_.defineGovernmentMeeting(council("later", policy::Clock::now() + 1h));
    JoinResult early = join("later", "chair", "gov", policy::Role::Chair);
    EXPECT_EQ(early.error, RoomError::Forbidden);
    EXPECT_EQ(early.detail, "wrong_state");
    EXPECT_NE(early.message.find("lobby opens at"), std::string::npos) << early.message;
    EXPECT_TRUE(meetingsBecome(0)) << "a refused join keeps nothing live";

    // A new definition applies to the next join: the meeting moved to now.
    conference_.defineGovernmentMeeting(council("later", policy::Clock::now()));
    JoinResult now = join("later", "chair", "gov", policy::Role::Chair);
    EXPECT_EQ(now.error, RoomError::None) << now.message;
    ASSERT_TRUE(now.floor);
    EXPECT_EQ(now.floor->state, "open");
}

// A defined meeting that empties goes, and its next join finds the policy where it was: in
// session, the removed identity still refused, the unit's attendance kept (one reconnect more).
TEST_F(ConferenceDefineTest, ADefinedMeetingThatEmptiedCarriesOnFromItsRecord) {
    ASSERT_TRUE(conference_.startError().empty()) << conference_.startError();
    conference_.defineGovernmentMeeting(council("council", policy::Clock::now()));
    JoinResult chair = join("council", "chair", "gov", policy::Role::Chair);
    ASSERT_EQ(chair.error, RoomError::None) << chair.message;
    JoinResult hanoi = join("council", "hanoi", "hn", policy::Role::Delegate);
    ASSERT_EQ(hanoi.error, RoomError::None) << hanoi.message;
    const auto command = [&](const std::string& actor, FloorCommand c) {
        std::promise<policy::PolicyError> answer;
        auto future = answer.get_future();
        conference_.floorCommand("council", actor, std::move(c),
                                   [&answer](policy::PolicyError e) { answer.set_value(e); });
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    };
    ASSERT_EQ(command(chair.participantId, {FloorCommand::Type::StartSession, {}, {}}),
              policy::PolicyError::None);
    FloorCommand remove{FloorCommand::Type::RemoveParticipant, {}, hanoi.participantId};
    ASSERT_EQ(command(chair.participantId, remove), policy::PolicyError::None);
    conference_.leave("council", chair.participantId);
    ASSERT_TRUE(meetingsBecome(0)) << "empty: gone";

    // A PATCH meanwhile (a new definition) keeps the record.
    conference_.defineGovernmentMeeting(council("council", policy::Clock::now() - 1min));
    EXPECT_EQ(join("council", "hanoi", "hn", policy::Role::Delegate).detail, "removed");
    JoinResult back = join("council", "chair", "gov", policy::Role::Chair);
    ASSERT_EQ(back.error, RoomError::None) << back.message;
    ASSERT_TRUE(back.floor);
    EXPECT_EQ(back.floor->state, "in_session") << "not back in the lobby";
}

}  // namespace
}  // namespace vcb::rooms
