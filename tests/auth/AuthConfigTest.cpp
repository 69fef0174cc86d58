// The auth: section of the YAML config (app/ServerConfig.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "app/ServerConfig.hpp"

namespace vcb::app {
namespace {

class AuthConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vcb-authcfg-XXXXXX";
        const int fd = ::mkstemp(tmpl);
        ASSERT_GE(fd, 0);
        ::close(fd);
        path_ = tmpl;
    }
    void TearDown() override { std::remove(path_.c_str()); }

    bool load(const std::string& yaml) {
        std::ofstream(path_) << yaml;
        config_ = ServerConfig{};
        error_.clear();
        return loadConfigFile(path_, config_, error_);
    }

    std::string path_;
    ServerConfig config_;
    std::string error_;
};

TEST_F(AuthConfigTest, DevIsTheDefault) {
    ASSERT_TRUE(load("listen: 127.0.0.1:8080\n")) << error_;
    EXPECT_EQ(config_.auth.mode, "dev");
    ASSERT_TRUE(load("auth:\n  mode: dev\n")) << error_;
    EXPECT_EQ(config_.auth.mode, "dev");
}

TEST_F(AuthConfigTest, JwtSettings) {
    ASSERT_TRUE(
        load("auth:\n  mode: jwt\n  algorithm: ES256\n  key_file: /etc/vcb/pub.pem\n"
             "  issuer: gov\n  audience: vcbridge\n  leeway_seconds: 10\n"))
        << error_;
    EXPECT_EQ(config_.auth.mode, "jwt");
    EXPECT_EQ(config_.auth.algorithm, "ES256");
    EXPECT_EQ(config_.auth.keyFile, "/etc/vcb/pub.pem");
    EXPECT_EQ(config_.auth.issuer, "gov");
    EXPECT_EQ(config_.auth.audience, "vcbridge");
    EXPECT_EQ(config_.auth.leewaySeconds, 10);
    ASSERT_TRUE(load("auth: {mode: jwt, algorithm: HS256, key_file: /s}\n")) << error_;
    EXPECT_EQ(config_.auth.leewaySeconds, 30);
}

TEST_F(AuthConfigTest, BadSettingsGiveClearErrors) {
    struct Case {
        const char* yaml;
        const char* mentions;
    };
    for (const Case& c : {
             Case{"auth: jwt\n", "auth must be a mapping"},
             Case{"auth: {mode: oauth}\n", "auth.mode"},
             Case{"auth: {mode: jwt, key_file: /k}\n", "auth.algorithm"},
             Case{"auth: {mode: jwt, algorithm: none, key_file: /k}\n", "auth.algorithm"},
             Case{"auth: {mode: jwt, algorithm: HS256}\n", "auth.key_file"},
             Case{"auth: {mode: jwt, algorithm: HS256, key_file: /k, leeway_seconds: -1}\n",
                  "leeway_seconds"},
             Case{"auth: {mode: jwt, algorithm: HS256, key_file: /k, secret: x}\n", "auth.secret"},
         }) {
        SCOPED_TRACE(c.yaml);
        EXPECT_FALSE(load(c.yaml));
        EXPECT_NE(error_.find(c.mentions), std::string::npos) << error_;
        EXPECT_NE(error_.find(path_), std::string::npos) << error_;
    }
}

}  // namespace
}  // namespace vcb::app
