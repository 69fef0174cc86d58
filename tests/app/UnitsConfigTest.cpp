// units_file in the YAML config (app/ServerConfig.cpp): a relative path is resolved against the
// config file's directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/ServerConfig.hpp"

namespace vcb::app {
namespace {

class UnitsConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vcb-unitscfg-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    bool load(const std::string& yaml) {
        const std::string path = dir_ + "/vcbridge.yaml";
        std::ofstream(path) << yaml;
        config_ = ServerConfig{};
        error_.clear();
        return loadConfigFile(path, config_, error_);
    }

    std::string dir_;
    ServerConfig config_;
    std::string error_;
};

// meetings: plain ids and government meetings (mappings) side by side.
TEST_F(UnitsConfigTest, GovernmentMeetingsAreMappingsInMeetings) {
    ASSERT_TRUE(load("meetings:\n"
                     "  - demo\n"
                     "  - id: council\n"
                     "    title: Giao ban\n"
                     "    convening: gov\n"
                     "    chair: chair-1\n"
                     "    invited: [{unit: hn}, {subtree: hn.bd}]\n"))
        << error_;
    EXPECT_EQ(config_.meetings, std::vector<std::string>{"demo"});
    ASSERT_EQ(config_.governmentMeetings.size(), 1u);
    const auto& g = config_.governmentMeetings[0];
    EXPECT_EQ(g.id, "council");
    EXPECT_EQ(g.title, "Giao ban");
    EXPECT_EQ(g.convening, "gov");
    EXPECT_EQ(g.chair, "chair-1");
    ASSERT_EQ(g.invited.size(), 2u);
    EXPECT_FALSE(g.invited[0].subtree);
    EXPECT_EQ(g.invited[0].unit, "hn");
    EXPECT_TRUE(g.invited[1].subtree);
    EXPECT_EQ(g.invited[1].unit, "hn.bd");
    EXPECT_FALSE(load("meetings:\n  - id: council\n    chair: c\n")) << "no convening unit";
    EXPECT_FALSE(load("meetings:\n  - {id: c, convening: gov, chair: c, invited: [{units: x}]}\n"));
}

TEST_F(UnitsConfigTest, NoUnitsFileByDefault) {
    ASSERT_TRUE(load("listen: 127.0.0.1:8080\n")) << error_;
    EXPECT_EQ(config_.unitsFile, "");
}

TEST_F(UnitsConfigTest, RelativePathsResolveAgainstTheConfigDirectory) {
    ASSERT_TRUE(load("units_file: units.yaml\n")) << error_;
    EXPECT_EQ(config_.unitsFile, dir_ + "/units.yaml");
    ASSERT_TRUE(load("units_file: data/đơn-vị.yaml\n")) << error_;
    EXPECT_EQ(config_.unitsFile, dir_ + "/data/đơn-vị.yaml");
    ASSERT_TRUE(load("units_file: /etc/vcbridge/units.yaml\n")) << error_;
    EXPECT_EQ(config_.unitsFile, "/etc/vcbridge/units.yaml");
}

TEST_F(UnitsConfigTest, AnEmptyUnitsFileIsAnError) {
    EXPECT_FALSE(load("units_file:\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: units_file must name a file");
    EXPECT_FALSE(load("units_file: [a, b]\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: units_file must name a file");
}

TEST_F(UnitsConfigTest, TheShippedConfigNamesTheSample) {
    const std::string path = std::string(VCB_SOURCE_DIR) + "/deploy/vcbridge.yaml";
    ServerConfig config;
    std::string error;
    ASSERT_TRUE(loadConfigFile(path, config, error)) << error;
    EXPECT_EQ(config.unitsFile, std::string(VCB_SOURCE_DIR) + "/deploy/units.yaml");
    EXPECT_TRUE(std::filesystem::exists(config.unitsFile));
}

}  // namespace
}  // namespace vcb::app
