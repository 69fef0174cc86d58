// The database: setting of the YAML config (app/ServerConfig.cpp): parsed and validated, nothing
// created.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "app/ServerConfig.hpp"
#include "tests/store/TempDir.hpp"

namespace vcb::app {
namespace {

class DatabaseConfigTest : public ::testing::Test {
  protected:
    bool load(const std::string& yaml) {
        std::ofstream(dir_.file("vcbridge.yaml")) << yaml;
        config_ = ServerConfig{};
        error_.clear();
        return loadConfigFile(dir_.file("vcbridge.yaml"), config_, error_);
    }

    store::test::TempDir dir_;
    ServerConfig config_;
    std::string error_;
};

TEST_F(DatabaseConfigTest, NoneByDefault) {
    ASSERT_TRUE(load("listen: 127.0.0.1:8080\n")) << error_;
    EXPECT_TRUE(config_.database.empty());
}

TEST_F(DatabaseConfigTest, PathInAnExistingOrCreatableDirectory) {
    ASSERT_TRUE(load("database: " + dir_.file("meetings.db") + "\n")) << error_;
    EXPECT_EQ(config_.database, dir_.file("meetings.db"));
    ASSERT_TRUE(load("database: " + dir_.path() + "/lib/vcbridge/meetings.db\n")) << error_;
    EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/lib"));  // validation creates nothing
}

TEST_F(DatabaseConfigTest, Refusals) {
    EXPECT_FALSE(load("database: \"\"\n"));
    EXPECT_NE(error_.find("file path"), std::string::npos) << error_;
    EXPECT_FALSE(load("database: " + dir_.path() + "/\n"));
    EXPECT_FALSE(load("database: " + dir_.path() + "\n"));  // a directory
    EXPECT_NE(error_.find("not a regular file"), std::string::npos) << error_;
    std::ofstream(dir_.file("plain")) << "x";
    EXPECT_FALSE(load("database: " + dir_.file("plain") + "/meetings.db\n"));
    EXPECT_NE(error_.find("not a directory"), std::string::npos) << error_;
    if (::geteuid() != 0) {  // root may write anywhere
        ASSERT_EQ(::mkdir(dir_.file("ro").c_str(), 0500), 0);
        EXPECT_FALSE(load("database: " + dir_.file("ro") + "/meetings.db\n"));
        EXPECT_NE(error_.find("not writable"), std::string::npos) << error_;
    }
}

}  // namespace
}  // namespace vcb::app
