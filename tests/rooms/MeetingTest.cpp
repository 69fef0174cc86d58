// Meeting membership and the programme (most recent publisher still publishing).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rooms/Meeting.hpp"

namespace vcb::rooms {
namespace {

Participant person(const std::string& id, ClientKind kind = ClientKind::WebSocket) {
    Participant p;
    p.id = id;
    p.displayName = "Name of " + id;
    p.kind = kind;
    return p;
}

std::vector<TrackInfo> tracksOf(const std::string& id) {
    return {{id + "-0", sfu::MediaKind::Audio}, {id + "-1", sfu::MediaKind::Video}};
}

std::vector<std::string> ids(const Meeting& m) {
    std::vector<std::string> out;
    for (const Participant* p : m.participants()) out.push_back(p->id);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(MeetingTest, Basics) {
    Meeting m("room-1", true, 10);
    EXPECT_EQ(m.id(), "room-1");
    EXPECT_TRUE(m.adHoc());
    EXPECT_TRUE(m.empty());
    EXPECT_EQ(m.size(), 0u);
    EXPECT_FALSE(m.programmeParticipant().has_value());
    EXPECT_FALSE(Meeting("room-2", false, 10).adHoc());
}

TEST(MeetingTest, JoinAndLeave) {
    Meeting m("room", false, 10);
    EXPECT_EQ(m.join(person("alice")), RoomError::None);
    EXPECT_EQ(m.join(person("bob", ClientKind::WhepViewer)), RoomError::None);
    EXPECT_EQ(m.size(), 2u);
    EXPECT_FALSE(m.empty());
    EXPECT_EQ(ids(m), (std::vector<std::string>{"alice", "bob"}));

    const Participant* bob = m.find("bob");
    ASSERT_NE(bob, nullptr);
    EXPECT_EQ(bob->displayName, "Name of bob");
    EXPECT_EQ(bob->kind, ClientKind::WhepViewer);
    EXPECT_EQ(m.find("carol"), nullptr);

    auto left = m.leave("alice");
    ASSERT_TRUE(left.has_value());
    EXPECT_EQ(left->id, "alice");
    EXPECT_EQ(left->displayName, "Name of alice");
    EXPECT_EQ(m.find("alice"), nullptr);
    EXPECT_EQ(m.size(), 1u);
    EXPECT_FALSE(m.leave("alice").has_value()) << "leaving twice";
    EXPECT_FALSE(m.leave("nobody").has_value());
    ASSERT_TRUE(m.leave("bob").has_value());
    EXPECT_TRUE(m.empty());
}

TEST(MeetingTest, DuplicateJoinIsRejectedAndKeepsTheFirst) {
    Meeting m("room", false, 10);
    ASSERT_EQ(m.join(person("alice")), RoomError::None);
    ASSERT_EQ(m.publish("alice", tracksOf("alice")), RoomError::None);
    Participant impostor = person("alice", ClientKind::WhipPublisher);
    impostor.displayName = "impostor";
    EXPECT_EQ(m.join(impostor), RoomError::AlreadyJoined);
    EXPECT_EQ(m.size(), 1u);
    EXPECT_EQ(m.find("alice")->displayName, "Name of alice");
    EXPECT_EQ(m.find("alice")->tracks.size(), 2u) << "a rejected join changes nothing";
    EXPECT_EQ(m.programmeParticipant().value_or(""), "alice");
}

TEST(MeetingTest, FullMeetingRejectsJoinsUntilSomeoneLeaves) {
    Meeting m("room", false, 2);
    EXPECT_EQ(m.join(person("a")), RoomError::None);
    EXPECT_EQ(m.join(person("b")), RoomError::None);
    EXPECT_EQ(m.join(person("c")), RoomError::MeetingFull);
    EXPECT_EQ(m.size(), 2u);
    EXPECT_EQ(m.find("c"), nullptr);
    EXPECT_EQ(m.join(person("a")), RoomError::AlreadyJoined) << "duplicate reported before full";
    ASSERT_TRUE(m.leave("a").has_value());
    EXPECT_EQ(m.join(person("c")), RoomError::None);
    EXPECT_EQ(ids(m), (std::vector<std::string>{"b", "c"}));

    Meeting none("closed", false, 0);
    EXPECT_EQ(none.join(person("a")), RoomError::MeetingFull);
}

TEST(MeetingTest, JoinIgnoresClientSuppliedPublishState) {
    Meeting m("room", false, 10);
    Participant p = person("alice");
    p.tracks = tracksOf("alice");
    p.publishedAt = 12345;
    ASSERT_EQ(m.join(p), RoomError::None);
    EXPECT_TRUE(m.find("alice")->tracks.empty());
    EXPECT_EQ(m.find("alice")->publishedAt, 0u);
    EXPECT_FALSE(m.programmeParticipant().has_value()) << "joining is not publishing";
}

TEST(MeetingTest, PublishAndUnpublish) {
    Meeting m("room", false, 10);
    EXPECT_EQ(m.publish("ghost", tracksOf("ghost")), RoomError::NotJoined);
    ASSERT_EQ(m.join(person("alice")), RoomError::None);
    EXPECT_EQ(m.publish("alice", {}), RoomError::BadRequest);
    EXPECT_FALSE(m.programmeParticipant().has_value());

    ASSERT_EQ(m.publish("alice", tracksOf("alice")), RoomError::None);
    const Participant* a = m.find("alice");
    ASSERT_EQ(a->tracks.size(), 2u);
    EXPECT_EQ(a->tracks[0].id, "alice-0");
    EXPECT_EQ(a->tracks[0].kind, sfu::MediaKind::Audio);
    EXPECT_EQ(a->tracks[1].kind, sfu::MediaKind::Video);
    EXPECT_NE(a->publishedAt, 0u);

    // Publishing again replaces the tracks.
    ASSERT_EQ(m.publish("alice", {{"alice-9", sfu::MediaKind::Video}}), RoomError::None);
    ASSERT_EQ(m.find("alice")->tracks.size(), 1u);
    EXPECT_EQ(m.find("alice")->tracks[0].id, "alice-9");

    std::vector<TrackInfo> removed = m.unpublish("alice");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].id, "alice-9");
    EXPECT_TRUE(m.find("alice")->tracks.empty());
    EXPECT_EQ(m.find("alice")->publishedAt, 0u);
    EXPECT_TRUE(m.unpublish("alice").empty()) << "nothing left to unpublish";
    EXPECT_TRUE(m.unpublish("ghost").empty());
    EXPECT_FALSE(m.programmeParticipant().has_value());
    EXPECT_EQ(m.size(), 1u) << "unpublishing is not leaving";
}

TEST(MeetingTest, ProgrammeIsTheMostRecentPublisher) {
    Meeting m("room", false, 10);
    for (const char* id : {"alice", "bob", "carol", "dave"})
        ASSERT_EQ(m.join(person(id)), RoomError::None);

    ASSERT_EQ(m.publish("carol", tracksOf("carol")), RoomError::None);
    EXPECT_EQ(m.programmeParticipant().value_or(""), "carol");
    ASSERT_EQ(m.publish("alice", tracksOf("alice")), RoomError::None);
    EXPECT_EQ(m.programmeParticipant().value_or(""), "alice") << "not alphabetical: most recent";
    ASSERT_EQ(m.publish("bob", tracksOf("bob")), RoomError::None);
    EXPECT_EQ(m.programmeParticipant().value_or(""), "bob");

    // Republishing makes a participant the most recent again.
    ASSERT_EQ(m.publish("carol", tracksOf("carol")), RoomError::None);
    EXPECT_EQ(m.programmeParticipant().value_or(""), "carol");

    // The latest unpublishes → the previous one (bob); bob leaves → alice.
    m.unpublish("carol");
    EXPECT_EQ(m.programmeParticipant().value_or(""), "bob");
    ASSERT_TRUE(m.leave("bob").has_value());
    EXPECT_EQ(m.programmeParticipant().value_or(""), "alice");

    // Someone who never published does not become the programme.
    m.unpublish("alice");
    EXPECT_FALSE(m.programmeParticipant().has_value());

    // A participant that leaves and rejoins starts unpublished.
    ASSERT_EQ(m.publish("dave", tracksOf("dave")), RoomError::None);
    ASSERT_TRUE(m.leave("dave").has_value());
    ASSERT_EQ(m.join(person("dave")), RoomError::None);
    EXPECT_FALSE(m.programmeParticipant().has_value());
    ASSERT_EQ(m.publish("carol", tracksOf("carol")), RoomError::None);
    EXPECT_EQ(m.programmeParticipant().value_or(""), "carol");
}

TEST(MeetingTest, ErrorCodesAreStable) {
    EXPECT_EQ(roomErrorCode(RoomError::None), "ok");
    EXPECT_EQ(roomErrorCode(RoomError::MeetingFull), "meeting_full");
    EXPECT_EQ(roomErrorCode(RoomError::AlreadyJoined), "already_joined");
    EXPECT_EQ(roomErrorCode(RoomError::NotJoined), "not_joined");
    EXPECT_EQ(roomErrorCode(RoomError::BadRequest), "bad_request");
}

}  // namespace
}  // namespace vcb::rooms
