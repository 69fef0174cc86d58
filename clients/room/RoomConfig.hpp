#pragma once
// vcb-room's configuration: a plain `key = value` file (one setting a line, `#` comments, UTF-8
// values kept byte for byte). Every error names the file and line. See deploy/vcb-room.conf.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vcb::room {

enum class CodecPreference { Auto, H264, Vp8 };

struct RoomConfig {
    std::string server;  // ws://host:port/ws or wss://host:port/ws (TLS, certificate verified)
    // wss (and the next-meeting lookup over https): PEM file of the CA certificate(s) (or the
    // server's self-signed certificate) to trust instead of the system's store; read again at
    // every connection.
    std::string caFile;
    // The meeting id; "" = the one the unit is invited to next (asked of the server with a
    // token whose "meeting" claim is "*", GET /api/next-meeting).
    std::string meeting;
    std::string displayName = "Phòng họp";
    std::string token;      // the unit's room token, or
    std::string tokenFile;  // a file holding it (re-read when it changes)

    // Devices. "test" = videotestsrc/audiotestsrc (headless tests), "auto" = autovideosrc /
    // autoaudiosrc, "/dev/videoN" = v4l2src, "hw:..." / "plughw:..." = alsasrc,
    // "pipeline:<gst-launch fragment>" = anything else.
    std::string camera = "auto";
    std::string testPattern = "smpte";  // camera = test: smpte or a colour (PictureClassifier)
    std::string microphone = "auto";
    // Outputs. "auto" = autovideosink/autoaudiosink, "kms" = kmssink (console TV, no desktop),
    // "fakesink" = discard (counted), "pipeline:<fragment>" = anything else.
    std::string display = "auto";
    std::string speaker = "auto";
    bool echoCancel = true;  // webrtcdsp on the microphone, webrtcechoprobe on the sound

    CodecPreference codec = CodecPreference::Auto;
    int width = 1280;
    int height = 720;
    int framerate = 25;
    int videoBitrateKbps = 1200;
    int displayWidth = 1920;  // the programme is scaled to this for the TV
    int displayHeight = 1080;

    std::string control = "127.0.0.1:8088";  // local control HTTP; "off" disables it
    // A key that raises the hand, and lowers it when pressed again (KeyInput.hpp): the evdev
    // device of a keyboard, remote or button box ("" = none) and the key's code.
    std::string raiseHandKeyDevice;
    int raiseHandKey = 0;

    std::chrono::milliseconds backoffMin{500};
    std::chrono::milliseconds backoffMax{8000};
    std::chrono::seconds replacedHoldoff{600};  // see RoomState: sessionClosed{replaced}
    std::chrono::seconds linkTimeout{10};       // no server message for this long: reconnect
};

struct ConfigError {
    std::string message;  // "file:line: what"
};

// Parses the text of a config file; `origin` names it in errors. Either a config or an error.
struct ConfigResult {
    std::optional<RoomConfig> config;
    std::optional<ConfigError> error;
};
ConfigResult parseRoomConfig(const std::string& text, const std::string& origin);
ConfigResult loadRoomConfig(const std::string& path);

// Reads a token file: the first non-empty line, trimmed. nullopt with *error when unreadable,
// empty or larger than 8 KiB.
std::optional<std::string> readTokenFile(const std::string& path, std::string* error);

// A claim of a JWT's payload (not verified: the server does that), e.g. the token's "unit".
std::optional<std::string> tokenClaim(const std::string& token, const std::string& claim);

// The current token: `token`, else the token file's content.
std::optional<std::string> currentToken(const RoomConfig& config, std::string* error);

}  // namespace vcb::room
