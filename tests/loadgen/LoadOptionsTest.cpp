#include <gtest/gtest.h>

#include <vector>

#include "clients/loadgen/LoadOptions.hpp"
#include "clients/loadgen/LoadSummary.hpp"

namespace vcb::loadgen {
namespace {

LoadOptions::ParseOutcome parse(std::vector<const char*> args, LoadOptions& out,
                                std::string& message) {
    args.insert(args.begin(), "vcb-loadgen");
    return LoadOptions::parse(static_cast<int>(args.size()), args.data(), out, message);
}

TEST(LoadOptionsTest, ParsesEverything) {
    LoadOptions o;
    std::string msg;
    ASSERT_EQ(parse({"--server", "http://10.0.0.1:9000", "--meeting", "bench", "--publishers", "3",
                     "--subscribers-per-publisher", "7", "--video-bitrate", "1500", "--duration",
                     "20", "--ramp-up", "5", "--threads", "2"},
                    o, msg),
              LoadOptions::ParseOutcome::Run)
        << msg;
    EXPECT_EQ(o.server, "http://10.0.0.1:9000");
    EXPECT_EQ(o.publishers, 3u);
    EXPECT_EQ(o.subscribersPerPublisher, 7u);
    EXPECT_DOUBLE_EQ(o.videoBitrateKbps, 1500);
    EXPECT_DOUBLE_EQ(o.durationS, 20);
    EXPECT_DOUBLE_EQ(o.rampUpS, 5);
    EXPECT_EQ(o.threads, 2u);
    EXPECT_EQ(o.meetingFor(0), "bench-0");
    EXPECT_EQ(o.meetingFor(2), "bench-2");
}

TEST(LoadOptionsTest, SinglePublisherUsesTheMeetingItself) {
    LoadOptions o;
    std::string msg;
    ASSERT_EQ(parse({"--meeting", "m1"}, o, msg), LoadOptions::ParseOutcome::Run);
    EXPECT_EQ(o.meetingFor(0), "m1");
}

TEST(LoadOptionsTest, MeshPutsEveryoneInOneMeeting) {
    LoadOptions o;
    std::string msg;
    ASSERT_EQ(
        parse({"--protocol", "janus", "--mesh", "--publishers", "20", "--meeting", "m"}, o, msg),
        LoadOptions::ParseOutcome::Run)
        << msg;
    EXPECT_EQ(o.protocol, "janus");
    EXPECT_TRUE(o.mesh);
    EXPECT_EQ(o.meetingFor(7), "m");
    EXPECT_EQ(o.totalSubscribers(), 380u);
    ASSERT_EQ(parse({"--publishers", "3", "--subscribers-per-publisher", "4"}, o, msg),
              LoadOptions::ParseOutcome::Run);
    EXPECT_FALSE(o.mesh);
    EXPECT_EQ(o.totalSubscribers(), 12u);
}

TEST(LoadOptionsTest, RejectsBadValues) {
    LoadOptions o;
    std::string msg;
    EXPECT_EQ(parse({"--publishers", "0"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--duration", "0"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--threads", "0"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--video-bitrate", "900", "--packet-rate", "100"}, o, msg),
              LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--meeting", "bad/name"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--protocol", "websocket"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--mesh", "--publishers", "1"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--no-such-option"}, o, msg), LoadOptions::ParseOutcome::Error);
    EXPECT_EQ(parse({"--help"}, o, msg), LoadOptions::ParseOutcome::Help);
    EXPECT_NE(msg.find("--subscribers-per-publisher"), std::string::npos);
}

TEST(LoadSummaryTest, LossPercentAndJson) {
    LoadSummary s;
    s.expectedPackets = 2000;
    s.lostPackets = 5;
    s.latencyUs.record(300);
    s.joinTimeUs.record(250000);
    s.connectFailures = 1;
    s.addMessage("x");
    s.addMessage("x");
    EXPECT_DOUBLE_EQ(s.lossPercent(), 0.25);
    EXPECT_EQ(s.failures(), 1u);
    EXPECT_EQ(s.messages.size(), 1u);
    std::string json = s.toJson();
    EXPECT_NE(json.find(R"("lossPercent":0.25)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("p50":300)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("joinTimeMs":{"p50":250,)"), std::string::npos) << json;
}

}  // namespace
}  // namespace vcb::loadgen
