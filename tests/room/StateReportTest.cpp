#include "clients/room/StateReport.hpp"

#include <gtest/gtest.h>

#include "protocol/Codec.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;
using Clock = ReportPacer::Clock;

TEST(StateReportTest, TextIsClippedToWhatTheServerAccepts) {
    EXPECT_EQ(reportText(""), std::nullopt);
    EXPECT_EQ(reportText("/dev/video0"), "/dev/video0");
    EXPECT_EQ(reportText("a\tb\nc"), "a b c");
    EXPECT_EQ(reportText(std::string(300, 'x'))->size(), 200u);
    // "ộ" is 3 bytes: 199 ASCII + it would split at 200, so it goes whole.
    const std::string split = std::string(199, 'x') + "ộ";
    EXPECT_EQ(*reportText(split), std::string(199, 'x'));
    const std::string fits = std::string(197, 'x') + "ộ" + "tail";
    EXPECT_EQ(*reportText(fits), std::string(197, 'x') + "ộ");
}

TEST(StateReportTest, ReportFromConfigPassesTheServersValidation) {
    RoomConfig c;
    c.camera = "pipeline:" + std::string(400, 'v') + "\n";
    c.microphone = "hw:1";
    c.width = 1280;
    c.height = 720;
    c.framerate = 25;
    ReportInputs in{"0.2.0", false, EncoderChoice{"vah264enc", "H264", true, "", "bitrate", 1000}, 2, 90s};
    const auto f = makeReport(c, in);
    EXPECT_EQ(f.encoder, "vah264enc (H264, hardware)");
    EXPECT_EQ(f.cameraAvailable, false);
    EXPECT_EQ(f.restarts, 2);
    EXPECT_EQ(f.uptimeS, 90);
    EXPECT_EQ(f.videoWidth, 1280);
    EXPECT_EQ(f.fps, 25);
    // What the hall sends is what the server takes.
    auto parsed = protocol::parseClientMessage(
        protocol::serialize(protocol::ClientMessage{protocol::EndpointReport{f, 1}}));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(std::get<protocol::EndpointReport>(parsed.value()).fields, f);

    c.camera = "test";
    c.testPattern = "green";
    EXPECT_EQ(makeReport(c, in).camera, "test:green");

    // The link made the picture smaller: the report says what is sent.
    in.sending = VideoSize{640, 360};
    EXPECT_EQ(makeReport(c, in).videoWidth, 640);
    EXPECT_EQ(makeReport(c, in).videoHeight, 360);
}

TEST(StateReportTest, PacerSendsOnJoinOnChangeAtMostEveryThreeSecondsAndRefreshes) {
    ReportPacer pacer;
    protocol::EndpointReportFields f;
    f.cameraAvailable = true;
    f.uptimeS = 1;
    const auto t0 = Clock::time_point{} + 1000s;
    EXPECT_TRUE(pacer.due(f, t0));
    pacer.sent(f, t0);
    f.uptimeS = 2;  // the uptime alone is no news
    EXPECT_FALSE(pacer.due(f, t0 + 5s));
    f.cameraAvailable = false;  // the camera is lost: news, but not within 3 s of the last
    EXPECT_FALSE(pacer.due(f, t0 + 2s));
    EXPECT_TRUE(pacer.due(f, t0 + 3s));
    pacer.sent(f, t0 + 3s);
    EXPECT_FALSE(pacer.due(f, t0 + 20s));
    EXPECT_TRUE(pacer.due(f, t0 + 33s));  // the refresh
    // A new session's first report goes at once, unchanged or not.
    pacer.joined();
    EXPECT_TRUE(pacer.due(f, t0 + 4s));
}

}  // namespace
}  // namespace vcb::room
