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
                     "    convening_unit: gov\n"
                     "    chair: chair-1\n"
                     "    invited: [hn, {unit: hn.bd, subtree: true}]\n"))
        << error_;
    EXPECT_EQ(config_.meetings, (std::vector<std::string>{"demo", "council"}));
    ASSERT_EQ(config_.meetingDefinitions.size(), 1u);
    const auto& g = config_.meetingDefinitions[0];
    EXPECT_EQ(g.id, "council");
    EXPECT_EQ(g.title, "Giao ban");
    EXPECT_EQ(g.convenedBy, "gov");
    EXPECT_EQ(g.chair, "chair-1");
    ASSERT_TRUE(g.invited.has_value());
    ASSERT_EQ(g.invited->size(), 2u);
    EXPECT_EQ((*g.invited)[0], (std::pair<std::string, bool>{"hn", false}));
    EXPECT_EQ((*g.invited)[1], (std::pair<std::string, bool>{"hn.bd", true}));
    EXPECT_FALSE(load("meetings:\n  - {id: c, convening_unit: gov, chair: c, invited: [{units: x}]}\n"));
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

TEST_F(UnitsConfigTest, RecordingSettings) {
    ASSERT_TRUE(load("listen: 127.0.0.1:8080\n")) << error_;
    EXPECT_EQ(config_.recording.dir, "");  // recording disabled
    ASSERT_TRUE(load("recording: {dir: /var/lib/vcbridge/rec, min_free_mb: 200, "
                     "recorder: /opt/vcb/vcb-recorder}\n"))
        << error_;
    EXPECT_EQ(config_.recording.dir, "/var/lib/vcbridge/rec");
    EXPECT_EQ(config_.recording.minFreeMb, 200);
    EXPECT_EQ(config_.recording.recorder, "/opt/vcb/vcb-recorder");
    EXPECT_FALSE(load("recording: {dir: rec}\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: recording.dir must be an absolute directory path");
    EXPECT_FALSE(load("recording: {dir: /r, min_free_mb: -1}\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: recording.min_free_mb must be 0-100000000");
    EXPECT_FALSE(load("recording: {dir: /r, path: /x}\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: unknown setting 'recording.path'");
    EXPECT_FALSE(load("recording: /r\n"));
    ASSERT_TRUE(load("meetings:\n  - {id: c, convening_unit: gov, chair: c, record: auto}\n"))
        << error_;
    EXPECT_TRUE(config_.meetingDefinitions.at(0).recordAuto);
    EXPECT_FALSE(load("meetings:\n  - {id: c, convening_unit: gov, chair: c, record: yes}\n"));
    EXPECT_EQ(error_, dir_ + "/vcbridge.yaml: meetings[0].record must be auto or manual");
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

// The production sample: no ad-hoc meetings, signed tokens, records kept (issue 10: "the
// production config sample turns them off").
TEST_F(UnitsConfigTest, TheProductionSampleTurnsAdHocMeetingsOff) {
    const std::string path = std::string(VCB_SOURCE_DIR) + "/deploy/vcbridge-production.yaml";
    ServerConfig config;
    std::string error;
    ASSERT_TRUE(loadConfigFile(path, config, error)) << error;
    EXPECT_FALSE(config.allowAdHocMeetings);
    EXPECT_EQ(config.auth.mode, "jwt");
    EXPECT_FALSE(config.database.empty());
    EXPECT_FALSE(config.tlsCert.empty());
    EXPECT_EQ(config.unitsFile, std::string(VCB_SOURCE_DIR) + "/deploy/units.yaml");
    EXPECT_TRUE(config.meetings.empty());
}

// meetings: ids or full definitions (docs/meetings.md "Meetings as records").
TEST_F(UnitsConfigTest, MeetingsAreIdsOrDefinitions) {
    ASSERT_TRUE(load("meetings:\n"
                     "  - demo\n"
                     "  - id: giao-ban\n"
                     "    title: Họp giao ban tháng 12\n"
                     "    convening_unit: ts\n"
                     "    invited: [ts.a, {unit: ts.b, subtree: true}]\n"
                     "    chair: chu-tich-ts\n"
                     "    scheduled_start: 2026-12-05T08:00:00Z\n"))
        << error_;
    EXPECT_EQ(config_.meetings, (std::vector<std::string>{"demo", "giao-ban"}));
    ASSERT_EQ(config_.meetingDefinitions.size(), 1u);
    const auto& d = config_.meetingDefinitions[0];
    EXPECT_EQ(d.title, "Họp giao ban tháng 12");
    EXPECT_EQ(d.convenedBy, "ts");
    ASSERT_TRUE(d.invited.has_value());
    EXPECT_EQ(*d.invited, (std::vector<std::pair<std::string, bool>>{{"ts.a", false},
                                                                      {"ts.b", true}}));
    EXPECT_EQ(d.scheduledStart, "2026-12-05T08:00:00Z");

    EXPECT_FALSE(load("meetings:\n  - id: a\n    colour: red\n"));
    EXPECT_NE(error_.find("meetings[0]: unknown key 'colour'"), std::string::npos) << error_;
    EXPECT_FALSE(load("meetings:\n  - title: no id\n"));
    EXPECT_NE(error_.find("meetings[0].id is required"), std::string::npos) << error_;
    EXPECT_FALSE(load("meetings: demo\n"));
}

// lobby_opens_before_seconds: default 30 minutes, 0-86400.
TEST_F(UnitsConfigTest, LobbyOpensBeforeSeconds) {
    ASSERT_TRUE(load("log_level: info\n")) << error_;
    EXPECT_EQ(config_.lobbyOpensBeforeSeconds, 1800);
    ASSERT_TRUE(load("lobby_opens_before_seconds: 0\n")) << error_;
    EXPECT_EQ(config_.lobbyOpensBeforeSeconds, 0);
    ASSERT_TRUE(load("lobby_opens_before_seconds: 600\n")) << error_;
    EXPECT_EQ(config_.lobbyOpensBeforeSeconds, 600);
    EXPECT_FALSE(load("lobby_opens_before_seconds: -1\n"));
    EXPECT_NE(error_.find("lobby_opens_before_seconds"), std::string::npos) << error_;
    EXPECT_FALSE(load("lobby_opens_before_seconds: 86401\n"));
}

}  // namespace
}  // namespace vcb::app
