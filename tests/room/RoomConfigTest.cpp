#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "clients/room/RoomConfig.hpp"

namespace vcb::room {
namespace {

TEST(RoomConfig, ParsesEverySettingAndKeepsUtf8) {
    auto r = parseRoomConfig(
        "# hall of Phú Lộc\n"
        "server = ws://10.0.0.1:8080/ws\n"
        "meeting = giao-ban\n"
        "display_name = Hội trường xã Phú Lộc\n"
        "token_file = /etc/vcb-room/token\n"
        "camera = /dev/video0\nmicrophone = hw:1\ndisplay = kms\nspeaker = fakesink\n"
        "codec = vp8\nwidth = 640\nheight = 360\nframerate = 15\nvideo_bitrate_kbps = 600\n"
        "echo_cancel = off\ncontrol = 127.0.0.1:9000\nbackoff_min_ms = 250\n"
        "backoff_max_ms = 4000\nreplaced_holdoff_s = 60\nlink_timeout_s = 6\n",
        "hall.conf");
    ASSERT_TRUE(r.config) << r.error->message;
    const RoomConfig& c = *r.config;
    EXPECT_EQ(c.server, "ws://10.0.0.1:8080/ws");
    EXPECT_EQ(c.displayName, "Hội trường xã Phú Lộc");
    EXPECT_EQ(c.tokenFile, "/etc/vcb-room/token");
    EXPECT_EQ(c.camera, "/dev/video0");
    EXPECT_EQ(c.codec, CodecPreference::Vp8);
    EXPECT_EQ(c.width, 640);
    EXPECT_FALSE(c.echoCancel);
    EXPECT_EQ(c.backoffMin.count(), 250);
    EXPECT_EQ(c.replacedHoldoff.count(), 60);
    EXPECT_EQ(c.linkTimeout.count(), 6);
}

TEST(RoomConfig, ErrorsNameFileAndLine) {
    const std::string head = "server = ws://h:1/ws\nmeeting = m\n";
    auto error = [&](const std::string& text) {
        auto r = parseRoomConfig(text, "f.conf");
        EXPECT_FALSE(r.config);
        return r.error ? r.error->message : std::string();
    };
    EXPECT_EQ(error(head + "token = t\nwidth = wide\n"),
              "f.conf:4: width: expected an integer from 160 to 3840, got 'wide'");
    EXPECT_EQ(error(head + "token = t\ncolour = red\n"), "f.conf:4: unknown key 'colour'");
    EXPECT_EQ(error(head + "token = t\nmeeting = n\n"),
              "f.conf:4: 'meeting' repeated (first on line 2)");
    EXPECT_EQ(error(head + "token t\n"), "f.conf:3: expected 'key = value'");
    EXPECT_EQ(error(head), "f.conf: exactly one of 'token' and 'token_file' is required");
    EXPECT_EQ(error(head + "token = a\ntoken_file = b\n"),
              "f.conf: exactly one of 'token' and 'token_file' is required");
    EXPECT_EQ(error("meeting = m\ntoken = t\n"),
              "f.conf: 'server' is required (ws://host:port/ws or wss://host:port/ws)");
    EXPECT_EQ(error("server = http://h/ws\n"),
              "f.conf:1: server: expected ws://host:port/ws or wss://host:port/ws, got "
              "'http://h/ws'");
    EXPECT_EQ(error(head + "token = t\ncodec = av1\n"),
              "f.conf:4: codec: expected auto, h264 or vp8, got 'av1'");
    EXPECT_EQ(error(head + "token = t\necho_cancel = maybe\n"),
              "f.conf:4: echo_cancel: expected true or false, got 'maybe'");
}

TEST(RoomConfig, WssWithACaFileThatMustBeAReadablePemCertificate) {
    const std::string dir = "/tmp/vcb-room-ca-" + std::to_string(::getpid());
    const std::string pem = dir + ".pem", notPem = dir + ".txt", missing = dir + ".missing";
    std::ofstream(pem) << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    std::ofstream(notPem) << "not a certificate\n";
    const std::string head = "server = wss://hall.gov.vn:8443/ws\nmeeting = m\ntoken = t\n";

    auto r = parseRoomConfig(head + "ca_file = " + pem + "\n", "f.conf");
    ASSERT_TRUE(r.config) << r.error->message;
    EXPECT_EQ(r.config->server, "wss://hall.gov.vn:8443/ws");
    EXPECT_EQ(r.config->caFile, pem);
    r = parseRoomConfig(head, "f.conf");  // no ca_file: the system's trust store
    ASSERT_TRUE(r.config) << r.error->message;
    EXPECT_TRUE(r.config->caFile.empty());

    auto error = [&](const std::string& text) {
        auto bad = parseRoomConfig(head + text, "f.conf");
        EXPECT_FALSE(bad.config);
        return bad.error ? bad.error->message : std::string();
    };
    EXPECT_EQ(error("ca_file = " + missing + "\n"), "f.conf:4: ca_file: cannot read " + missing);
    EXPECT_EQ(
        error("ca_file = " + notPem + "\n"),
        "f.conf:4: ca_file: " + notPem + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    EXPECT_EQ(error("ca_file =\n"), "f.conf:4: ca_file: expected the path of a PEM file");

    // loadRoomConfig (start-up and reload) checks the file as it is now.
    const std::string conf = dir + ".conf";
    std::ofstream(conf) << head << "ca_file = " << pem << "\n";
    EXPECT_TRUE(loadRoomConfig(conf).config);
    std::remove(pem.c_str());
    auto reloaded = loadRoomConfig(conf);
    ASSERT_FALSE(reloaded.config);
    EXPECT_EQ(reloaded.error->message, conf + ":4: ca_file: cannot read " + pem);
    std::remove(notPem.c_str());
    std::remove(conf.c_str());
}

TEST(RoomConfig, RaiseHandKeyByNameOrNumberWithItsDevice) {
    const std::string head = "server = ws://h:1/ws\nmeeting = m\ntoken = t\n";
    auto r = parseRoomConfig(head +
                                 "raise_hand_key_device = /dev/input/by-id/usb-Remote-event-kbd\n"
                                 "raise_hand_key = KEY_F5\n",
                             "f.conf");
    ASSERT_TRUE(r.config) << r.error->message;
    EXPECT_EQ(r.config->raiseHandKeyDevice, "/dev/input/by-id/usb-Remote-event-kbd");
    EXPECT_EQ(r.config->raiseHandKey, 63);
    r = parseRoomConfig(head + "raise_hand_key_device = /dev/input/event3\nraise_hand_key = 352\n",
                        "f.conf");
    ASSERT_TRUE(r.config) << r.error->message;
    EXPECT_EQ(r.config->raiseHandKey, 352);  // KEY_OK
    auto error = [&](const std::string& text) {
        auto r = parseRoomConfig(head + text, "f.conf");
        EXPECT_FALSE(r.config);
        return r.error ? r.error->message : std::string();
    };
    EXPECT_EQ(error("raise_hand_key_device = /dev/input/event3\nraise_hand_key = KEY_F55\n"),
              "f.conf:5: raise_hand_key: expected a key name such as KEY_F5 or KEY_OK, or a key "
              "code from 1 to 767, got 'KEY_F55'");
    EXPECT_EQ(error("raise_hand_key = 0\n"),
              "f.conf:4: raise_hand_key: expected a key name such as KEY_F5 or KEY_OK, or a key "
              "code from 1 to 767, got '0'");
    EXPECT_EQ(error("raise_hand_key_device = event3\nraise_hand_key = KEY_F5\n"),
              "f.conf:4: raise_hand_key_device: expected a path such as "
              "/dev/input/by-id/usb-...-event-kbd, got 'event3'");
    EXPECT_EQ(error("raise_hand_key = KEY_F5\n"),
              "f.conf: raise_hand_key_device and raise_hand_key go together");
    EXPECT_EQ(error("raise_hand_key_device = /dev/input/event3\n"),
              "f.conf: raise_hand_key_device and raise_hand_key go together");
}

TEST(RoomConfig, DefaultsAreSensible) {
    auto r = parseRoomConfig("server = ws://h:1/ws\nmeeting = m\ntoken = t\n", "f");
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->camera, "auto");
    EXPECT_EQ(r.config->codec, CodecPreference::Auto);
    EXPECT_EQ(r.config->control, "127.0.0.1:8088");
    EXPECT_TRUE(r.config->echoCancel);
    EXPECT_EQ(r.config->backoffMax.count(), 8000);
    EXPECT_TRUE(r.config->raiseHandKeyDevice.empty());
}

TEST(RoomConfig, WithoutAMeetingTheHallLooksUpItsUnitsNextOne) {
    auto r = parseRoomConfig("server = ws://h:1/ws\ntoken = t\n", "f");
    ASSERT_TRUE(r.config) << r.error->message;
    EXPECT_EQ(r.config->meeting, "");
}

TEST(RoomConfig, TokenFileIsReadTrimmedAndErrorsAreClear) {
    const std::string path = "/tmp/vcb-room-token-" + std::to_string(::getpid());
    std::ofstream(path) << "\n  abc.def.ghi  \n";
    std::string error;
    EXPECT_EQ(readTokenFile(path, &error).value_or(""), "abc.def.ghi");
    std::ofstream(path) << "\n\n";
    EXPECT_FALSE(readTokenFile(path, &error));
    EXPECT_EQ(error, path + ": the token file is empty");
    std::remove(path.c_str());
    EXPECT_FALSE(readTokenFile(path, &error));
    EXPECT_EQ(error, path + ": cannot read the token file");
}

TEST(RoomConfig, TokenClaimReadsThePayload) {
    // {"unit":"thanh-son.x-phu-loc","role":"room"} in base64url, no padding
    const std::string token =
        "eyJhbGciOiJIUzI1NiJ9.eyJ1bml0IjoidGhhbmgtc29uLngtcGh1LWxvYyIsInJvbGUiOiJyb29tIn0.sig";
    EXPECT_EQ(tokenClaim(token, "unit").value_or(""), "thanh-son.x-phu-loc");
    EXPECT_EQ(tokenClaim(token, "role").value_or(""), "room");
    EXPECT_FALSE(tokenClaim(token, "sub"));
    EXPECT_FALSE(tokenClaim("garbage", "unit"));
}

}  // namespace
}  // namespace vcb::room
