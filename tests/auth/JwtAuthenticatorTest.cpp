#include <gtest/gtest.h>

#include "common/Log.hpp"
#include "signaling/auth/JwtAuthenticator.hpp"
#include "signaling/auth/JwtSigner.hpp"

namespace vcb::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kSecret = "another-secret-of-at-least-32-bytes!!";

class JwtAuthenticatorTest : public ::testing::Test {
  protected:
    JwtAuthenticatorTest()
        : signer_(*JwtSigner::fromSecret(kSecret, error_)),
          auth_(JwtVerifier(*JwtKey::fromSecret(kSecret, error_), {}), [this] { return now_; }) {}

    rooms::AuthDecision join(std::string token, std::string meeting = "m1",
                             rooms::ClientKind kind = rooms::ClientKind::WebSocket) {
        return auth_.authorize({meeting, "client name", std::move(token), kind, "127.0.0.1"});
    }
    std::string token(std::string_view extra = "", std::string_view meeting = "m1") {
        std::string payload = R"({"meeting":")" + std::string(meeting) + R"(","exp":1800000600)";
        if (!extra.empty()) payload += "," + std::string(extra);
        return signer_.sign(payload + "}");
    }

    std::string error_;
    int64_t now_ = kNow;
    JwtSigner signer_;
    JwtAuthenticator auth_;
};

TEST_F(JwtAuthenticatorTest, MissingOrInvalidTokenIsUnauthorized) {
    EXPECT_EQ(join("").error, rooms::RoomError::Unauthorized);
    EXPECT_EQ(join("garbage").error, rooms::RoomError::Unauthorized);
    EXPECT_EQ(join(token() + "x").error, rooms::RoomError::Unauthorized);
    now_ = kNow + 3600;  // the wall clock moved past exp
    EXPECT_EQ(join(token()).error, rooms::RoomError::Unauthorized);
}

TEST_F(JwtAuthenticatorTest, AnotherMeetingIsForbidden) {
    EXPECT_EQ(join(token(), "m2").error, rooms::RoomError::Forbidden);
    EXPECT_EQ(join(token("", "*"), "m2").error, rooms::RoomError::None);
}

TEST_F(JwtAuthenticatorTest, RoleAndNameComeFromTheToken) {
    auto d = join(token(R"("role":"chair","name":"Bộ trưởng")"));
    EXPECT_EQ(d.error, rooms::RoomError::None);
    EXPECT_EQ(d.role, rooms::ParticipantRole::Chair);
    EXPECT_EQ(d.displayName, "Bộ trưởng");
    auto plain = join(token());
    EXPECT_EQ(plain.role, rooms::ParticipantRole::Delegate);
    EXPECT_TRUE(plain.displayName.empty());  // the client's own name stays
}

TEST_F(JwtAuthenticatorTest, ViewerMayWatchButNotPublishOverWhip) {
    const std::string viewer = token(R"("role":"viewer")");
    EXPECT_EQ(join(viewer, "m1", rooms::ClientKind::WhepViewer).error, rooms::RoomError::None);
    EXPECT_EQ(join(viewer, "m1", rooms::ClientKind::WhipPublisher).error,
              rooms::RoomError::Forbidden);
    EXPECT_EQ(join(token(), "m1", rooms::ClientKind::WhipPublisher).error, rooms::RoomError::None);
}

TEST_F(JwtAuthenticatorTest, OnlyChairDelegateAndRoomMayPublishOverWhip) {
    for (const char* role : {"observer", "technician", "recorder", "viewer"}) {
        const std::string t = token(std::string(R"("role":")") + role + "\"");
        EXPECT_EQ(join(t, "m1", rooms::ClientKind::WhepViewer).error, rooms::RoomError::None)
            << role;
        EXPECT_EQ(join(t, "m1", rooms::ClientKind::WhipPublisher).error,
                  rooms::RoomError::Forbidden)
            << role;
    }
    for (const char* role : {"chair", "delegate", "room", "participant"}) {
        const std::string t = token(std::string(R"("role":")") + role + "\"");
        EXPECT_EQ(join(t, "m1", rooms::ClientKind::WhipPublisher).error, rooms::RoomError::None)
            << role;
    }
}

TEST_F(JwtAuthenticatorTest, UnitAndSubjectComeFromTheToken) {
    auto d = join(token(R"("role":"room","unit":"xa-tan-phu","sub":"room-tan-phu")"));
    EXPECT_EQ(d.error, rooms::RoomError::None);
    EXPECT_EQ(d.role, rooms::ParticipantRole::Room);
    EXPECT_EQ(d.unit, "xa-tan-phu");
    EXPECT_EQ(d.subject, "room-tan-phu");
}

TEST_F(JwtAuthenticatorTest, TheJoinMessageCannotOverrideTheToken) {
    rooms::JoinCredentials c{"m1", "n", token(R"("role":"observer","unit":"a")"),
                             rooms::ClientKind::WebSocket, "1.2.3.4"};
    c.requestedRole = rooms::ParticipantRole::Chair;
    c.requestedUnit = "b";
    auto d = auth_.authorize(c);
    EXPECT_EQ(d.error, rooms::RoomError::None);
    EXPECT_EQ(d.role, rooms::ParticipantRole::Observer);
    EXPECT_EQ(d.unit, "a");
}

TEST_F(JwtAuthenticatorTest, LogsTheErrorCodeAndSubjectButNeverTheToken) {
    const LogLevel before = logLevel();
    setLogLevel(LogLevel::Debug);
    const std::string good = token(R"("sub":"alice@province")");
    const std::string otherMeeting = token(R"("sub":"bob")", "m9");
    const std::string tampered = good.substr(0, good.size() - 2) + "AA";
    ::testing::internal::CaptureStderr();
    join(good);
    join(otherMeeting);
    join(tampered);
    const std::string log = ::testing::internal::GetCapturedStderr();
    setLogLevel(before);
    EXPECT_NE(log.find("alice@province"), std::string::npos) << log;
    EXPECT_NE(log.find("wrong_meeting (sub bob)"), std::string::npos) << log;
    EXPECT_NE(log.find("bad_signature"), std::string::npos) << log;
    for (const std::string& t : {good, otherMeeting, tampered}) {
        EXPECT_EQ(log.find(t.substr(t.rfind('.') + 1)), std::string::npos) << log;
        EXPECT_EQ(log.find(t.substr(0, t.find('.'))), std::string::npos) << log;
    }
}

TEST(AllowAllAuthenticatorTest, StillAdmitsEveryone) {
    rooms::AllowAllAuthenticator auth;
    auto d = auth.authorize({"m1", "n", "", rooms::ClientKind::WebSocket, "1.2.3.4"});
    EXPECT_EQ(d.error, rooms::RoomError::None);
    EXPECT_EQ(d.role, rooms::ParticipantRole::Delegate);
    EXPECT_TRUE(d.unit.empty());
}

TEST(AllowAllAuthenticatorTest, BelievesTheUnitAndRoleTheJoinStates) {
    rooms::AllowAllAuthenticator auth;
    rooms::JoinCredentials c{"m1", "n", "", rooms::ClientKind::WebSocket, "1.2.3.4"};
    c.requestedRole = rooms::ParticipantRole::Technician;
    c.requestedUnit = "tinh-an-hoa";
    auto d = auth.authorize(c);
    EXPECT_EQ(d.error, rooms::RoomError::None);
    EXPECT_EQ(d.role, rooms::ParticipantRole::Technician);
    EXPECT_EQ(d.unit, "tinh-an-hoa");
}

}  // namespace
}  // namespace vcb::auth
