#include <gtest/gtest.h>

#include <string>

#include "protocol/Validation.hpp"

namespace vcb::protocol {
namespace {

TEST(ValidationTest, MeetingIdCharsetAndLength) {
    EXPECT_TRUE(isValidMeetingId("a"));
    EXPECT_TRUE(isValidMeetingId("Board_Meeting-2024"));
    EXPECT_TRUE(isValidMeetingId(std::string(64, 'x')));
    EXPECT_FALSE(isValidMeetingId(std::string(65, 'x')));
    EXPECT_FALSE(isValidMeetingId(""));
    EXPECT_FALSE(isValidMeetingId("room 1"));
    EXPECT_FALSE(isValidMeetingId("../etc"));
    EXPECT_FALSE(isValidMeetingId("r\xC3\xA9union"));
}

TEST(ValidationTest, DisplayNameAllowsUtf8UpTo64Bytes) {
    EXPECT_TRUE(isValidDisplayName("red"));
    EXPECT_TRUE(isValidDisplayName("Ren\xC3\xA9 M\xC3\xBCller"));
    // 32 two-byte characters = 64 bytes: allowed; one more byte is not.
    std::string name;
    for (int i = 0; i < 32; ++i) name += "\xC3\xA9";
    EXPECT_TRUE(isValidDisplayName(name));
    EXPECT_FALSE(isValidDisplayName(name + "a"));
    EXPECT_FALSE(isValidDisplayName(""));
    EXPECT_FALSE(isValidDisplayName("tab\there"));
    EXPECT_FALSE(isValidDisplayName("del\x7F"));
    EXPECT_FALSE(isValidDisplayName("c1\xC2\x85"));
}

TEST(ValidationTest, Utf8RejectsMalformedSequences) {
    EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));   // U+1F600
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xE2\x82"));          // truncated
    EXPECT_FALSE(isValidUtf8("\x80"));              // lone continuation
}

TEST(ValidationTest, Ids) {
    EXPECT_TRUE(isValidId("p1a2b-0"));
    EXPECT_TRUE(isValidId("p1-audio.0"));
    EXPECT_FALSE(isValidId(""));
    EXPECT_FALSE(isValidId("a b"));
    EXPECT_FALSE(isValidId("a\"b"));
    EXPECT_FALSE(isValidId(std::string(129, 'a')));
}

}  // namespace
}  // namespace vcb::protocol
