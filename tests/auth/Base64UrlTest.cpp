#include <gtest/gtest.h>

#include "signaling/auth/Base64Url.hpp"

namespace vcb::auth {
namespace {

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        const std::string encoded = base64UrlEncode(bytes);
        EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
        auto decoded = base64UrlDecode(encoded);
        ASSERT_TRUE(decoded.has_value()) << encoded;
        EXPECT_EQ(*decoded, bytes);
        bytes += static_cast<char>(i * 7 + 3);
    }
}

TEST(Base64UrlTest, KnownVectors) {
    EXPECT_EQ(base64UrlEncode("f"), "Zg");
    EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
    EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
    EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64UrlDecode("-_8"), std::string("\xfb\xff"));
    EXPECT_EQ(base64UrlDecode(""), std::string());
}

TEST(Base64UrlTest, RejectsPaddingOtherAlphabetsAndWhitespace) {
    EXPECT_FALSE(base64UrlDecode("Zg=="));
    EXPECT_FALSE(base64UrlDecode("Zm8="));
    EXPECT_FALSE(base64UrlDecode("+/8"));
    EXPECT_FALSE(base64UrlDecode("Zm 9v"));
    EXPECT_FALSE(base64UrlDecode("Zm9v\n"));
    EXPECT_FALSE(base64UrlDecode(std::string("Zm\0v", 4)));
}

TEST(Base64UrlTest, RejectsImpossibleLengthAndNonCanonicalBits) {
    EXPECT_FALSE(base64UrlDecode("Z"));
    EXPECT_FALSE(base64UrlDecode("Zm9vY"));
    // "Zh" decodes to "f" too if the unused low bits were ignored.
    EXPECT_FALSE(base64UrlDecode("Zh"));
    EXPECT_FALSE(base64UrlDecode("Zm9"));
    EXPECT_TRUE(base64UrlDecode("Zm8"));
}

}  // namespace
}  // namespace vcb::auth
