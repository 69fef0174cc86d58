#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "sfu/dtls/SrtpKeys.hpp"

namespace vcb::dtls {
namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    std::iota(v.begin(), v.end(), uint8_t{0});
    return v;
}

// RFC 5764 §4.2: client_write_SRTP_master_key[16] | server_write_SRTP_master_key[16] |
// client_write_SRTP_master_salt[S] | server_write_SRTP_master_salt[S].
TEST(SrtpKeys, SplitsAesCmMaterialPerRfc5764) {
    const auto material = pattern(60);
    const auto client =
        SrtpKeys::fromKeyingMaterial(SrtpProfile::Aes128CmSha1_80, true, material.data(), 60);
    ASSERT_TRUE(client);
    ASSERT_EQ(client->length, 30u);
    for (size_t i = 0; i < 16; ++i) {
        EXPECT_EQ(client->local[i], i) << i;        // client key
        EXPECT_EQ(client->remote[i], 16 + i) << i;  // server key
    }
    for (size_t i = 0; i < 14; ++i) {
        EXPECT_EQ(client->local[16 + i], 32 + i) << i;   // client salt
        EXPECT_EQ(client->remote[16 + i], 46 + i) << i;  // server salt
    }
    const auto server =
        SrtpKeys::fromKeyingMaterial(SrtpProfile::Aes128CmSha1_80, false, material.data(), 60);
    ASSERT_TRUE(server);
    EXPECT_EQ(server->local, client->remote);
    EXPECT_EQ(server->remote, client->local);
}

TEST(SrtpKeys, SplitsGcmMaterialWith12ByteSalt) {
    const auto material = pattern(56);
    const auto server =
        SrtpKeys::fromKeyingMaterial(SrtpProfile::AeadAes128Gcm, false, material.data(), 56);
    ASSERT_TRUE(server);
    ASSERT_EQ(server->length, 28u);
    EXPECT_EQ(server->profile, SrtpProfile::AeadAes128Gcm);
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(server->local[i], 16 + i);
    for (size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(server->local[16 + i], 32 + 12 + i);  // server salt follows client salt
        EXPECT_EQ(server->remote[16 + i], 32 + i);
    }
}

TEST(SrtpKeys, RejectsWrongLength) {
    const auto material = pattern(60);
    EXPECT_FALSE(
        SrtpKeys::fromKeyingMaterial(SrtpProfile::AeadAes128Gcm, true, material.data(), 60));
    EXPECT_FALSE(
        SrtpKeys::fromKeyingMaterial(SrtpProfile::Aes128CmSha1_80, true, material.data(), 56));
    EXPECT_FALSE(SrtpKeys::fromKeyingMaterial(SrtpProfile::Aes128CmSha1_80, true, nullptr, 60));
}

}  // namespace
}  // namespace vcb::dtls
