#include <gtest/gtest.h>

#include <set>

#include "clients/room/MediaChoice.hpp"

namespace vcb::room {
namespace {

HasElement registry(std::set<std::string> names) {
    return [names](const std::string& n) { return names.count(n) > 0; };
}

std::string chosen(CodecPreference p, std::set<std::string> names) {
    std::string error;
    auto c = chooseEncoder(p, 1000, registry(std::move(names)), &error);
    return c ? c->element : "none: " + error;
}

TEST(MediaChoice, HardwareH264First) {
    const std::set<std::string> all{"vp8enc",      "openh264enc",  "x264enc",
                                    "v4l2h264enc", "vaapih264enc", "vah264enc"};
    EXPECT_EQ(chosen(CodecPreference::Auto, all), "vah264enc");
    EXPECT_EQ(chosen(CodecPreference::Auto, {"vp8enc", "x264enc", "vaapih264enc"}), "vaapih264enc");
    EXPECT_EQ(chosen(CodecPreference::Auto, {"vp8enc", "openh264enc", "v4l2h264enc"}),
              "v4l2h264enc");
    EXPECT_EQ(chosen(CodecPreference::Auto, {"vp8enc", "openh264enc", "x264enc"}), "x264enc");
    EXPECT_EQ(chosen(CodecPreference::Auto, {"vp8enc", "openh264enc"}), "openh264enc");
    EXPECT_EQ(chosen(CodecPreference::Auto, {"vp8enc"}), "vp8enc");
    EXPECT_EQ(chosen(CodecPreference::Vp8, all), "vp8enc");
    EXPECT_EQ(chosen(CodecPreference::H264, {"vp8enc"}),
              "none: codec h264: no H.264 encoder (vah264enc, vaapih264enc, v4l2h264enc, "
              "x264enc, openh264enc) in the GStreamer registry");
    EXPECT_EQ(chosen(CodecPreference::Auto, {}),
              "none: no video encoder: neither an H.264 encoder nor vp8enc is installed");
}

TEST(MediaChoice, EncoderFragmentsCarryTheCodecAndBitrate) {
    std::string error;
    auto h = chooseEncoder(CodecPreference::Auto, 800, registry({"vah264enc"}), &error);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->hardware);
    EXPECT_EQ(h->codec, "H264");
    EXPECT_NE(h->launch.find("bitrate=800"), std::string::npos);
    EXPECT_NE(h->launch.find("encoding-name=H264,payload=102"), std::string::npos);
    EXPECT_NE(h->launch.find("packetization-mode=(string)1"), std::string::npos);
    auto v = chooseEncoder(CodecPreference::Vp8, 800, registry({"vp8enc"}), &error);
    ASSERT_TRUE(v);
    EXPECT_FALSE(v->hardware);
    EXPECT_NE(v->launch.find("target-bitrate=800000"), std::string::npos);
    EXPECT_NE(v->launch.find("encoding-name=VP8,payload=96"), std::string::npos);
}

// RateControl sets the rate of the element named kEncoderName while it plays: every choice names
// its encoder so, and says which property holds the rate and in what unit (none for V4L2 M2M,
// whose rate is an extra-control fixed at start).
TEST(MediaChoice, EveryEncoderIsNamedAndSaysHowItsRateChanges) {
    const std::pair<const char*, std::pair<const char*, int>> expected[] = {
        {"vah264enc", {"bitrate", 1000}},   {"vaapih264enc", {"bitrate", 1000}},
        {"v4l2h264enc", {"", 1000}},        {"x264enc", {"bitrate", 1000}},
        {"openh264enc", {"bitrate", 1}},    {"vp8enc", {"target-bitrate", 1}},
    };
    for (const auto& [element, property] : expected) {
        std::string error;
        auto c = chooseEncoder(CodecPreference::Auto, 700, registry({element}), &error);
        ASSERT_TRUE(c) << element;
        EXPECT_EQ(c->element, element);
        EXPECT_NE(c->launch.find(std::string(element) + " name=" + kEncoderName),
                  std::string::npos)
            << c->launch;
        EXPECT_EQ(c->bitrateProperty, property.first) << element;
        if (!c->bitrateProperty.empty()) {
            EXPECT_EQ(c->bitsPerUnit, property.second) << element;
            // The rate in the launch line, in the property's unit.
            EXPECT_NE(c->launch.find(c->bitrateProperty + "=" +
                                     std::to_string(700 * 1000 / c->bitsPerUnit)),
                      std::string::npos)
                << c->launch;
        }
    }
}

TEST(MediaChoice, DevicesMapToElements) {
    RoomConfig c;
    c.width = 320;
    c.height = 240;
    c.framerate = 15;
    c.camera = "test";
    c.testPattern = "green";
    EXPECT_EQ(cameraLaunch(c).rfind("videotestsrc is-live=true pattern=solid-color", 0), 0u);
    EXPECT_NE(cameraLaunch(c).find("width=320,height=240,framerate=15/1"), std::string::npos);
    c.camera = "/dev/video2";
    EXPECT_EQ(cameraLaunch(c).rfind("v4l2src device=/dev/video2 ! ", 0), 0u);
    c.camera = "pipeline:libcamerasrc ! videoconvert";
    EXPECT_EQ(cameraLaunch(c), "libcamerasrc ! videoconvert");
    c.microphone = "hw:1";
    EXPECT_EQ(microphoneLaunch(c), "alsasrc device=hw:1");
    c.microphone = "test";
    EXPECT_EQ(microphoneLaunch(c).rfind("audiotestsrc", 0), 0u);
    c.display = "fakesink";
    EXPECT_EQ(displaySinkLaunch(c), "fakesink sync=false");
    c.display = "kms";
    EXPECT_EQ(displaySinkLaunch(c), "kmssink sync=false");
    c.speaker = "plughw:0";
    EXPECT_EQ(speakerSinkLaunch(c), "alsasink sync=false device=plughw:0");
}

}  // namespace
}  // namespace vcb::room
