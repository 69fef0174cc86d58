#include "clients/room/RoomConfig.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "clients/room/KeyInput.hpp"

namespace vcb::room {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;
constexpr std::size_t kMaxTokenBytes = 8 * 1024;
constexpr std::size_t kMaxCaFileBytes = 1024 * 1024;

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

std::optional<long> toInt(const std::string& v) {
    long out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
    return out;
}

// A CA file must be readable and hold a PEM certificate; the TLS library reads it at connect.
std::optional<std::string> checkCaFile(const std::string& path) {
    if (path.empty()) return "ca_file: expected the path of a PEM file";
    std::ifstream f(path, std::ios::binary);
    if (!f) return "ca_file: cannot read " + path;
    std::string text(kMaxCaFileBytes + 1, '\0');
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(f.gcount()));
    if (text.size() > kMaxCaFileBytes) return "ca_file: " + path + " is larger than 1 MiB";
    if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return "ca_file: " + path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
    return std::nullopt;
}

}  // namespace

ConfigResult parseRoomConfig(const std::string& text, const std::string& origin) {
    RoomConfig c;
    auto fail = [&](int line, const std::string& what) {
        return ConfigResult{
            std::nullopt,
            ConfigError{origin + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what}};
    };
    if (text.size() > kMaxConfigBytes) return fail(0, "file larger than 64 KiB");
    std::map<std::string, int> seen;
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    while (std::getline(in, raw)) {
        ++lineNo;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) return fail(lineNo, "expected 'key = value'");
        const std::string key = trim(std::string_view(line).substr(0, eq));
        const std::string value = trim(std::string_view(line).substr(eq + 1));
        if (key.empty()) return fail(lineNo, "missing key before '='");
        if (auto it = seen.find(key); it != seen.end()) {
            return fail(lineNo, "'" + key + "' repeated (first on line " +
                                    std::to_string(it->second) + ")");
        }
        seen[key] = lineNo;
        auto integer = [&](int* out, long lo, long hi) -> std::optional<std::string> {
            auto v = toInt(value);
            if (!v || *v < lo || *v > hi) {
                return key + ": expected an integer from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ", got '" + value + "'";
            }
            *out = static_cast<int>(*v);
            return std::nullopt;
        };
        auto boolean = [&](bool* out) -> std::optional<std::string> {
            if (value == "true" || value == "yes" || value == "on")
                *out = true;
            else if (value == "false" || value == "no" || value == "off")
                *out = false;
            else
                return key + ": expected true or false, got '" + value + "'";
            return std::nullopt;
        };
        std::optional<std::string> problem;
        int n = 0;
        if (key == "server") {
            if (!value.starts_with("ws://") && !value.starts_with("wss://"))
                problem =
                    "server: expected ws://host:port/ws or wss://host:port/ws, got '" + value + "'";
            c.server = value;
        } else if (key == "ca_file") {
            problem = checkCaFile(value);
            c.caFile = value;
        } else if (key == "meeting") {
            c.meeting = value;
        } else if (key == "display_name") {
            c.displayName = value;
        } else if (key == "token") {
            c.token = value;
        } else if (key == "token_file") {
            c.tokenFile = value;
        } else if (key == "camera") {
            c.camera = value;
        } else if (key == "test_pattern") {
            c.testPattern = value;
        } else if (key == "microphone") {
            c.microphone = value;
        } else if (key == "display") {
            c.display = value;
        } else if (key == "speaker") {
            c.speaker = value;
        } else if (key == "echo_cancel") {
            problem = boolean(&c.echoCancel);
        } else if (key == "codec") {
            if (value == "auto")
                c.codec = CodecPreference::Auto;
            else if (value == "h264")
                c.codec = CodecPreference::H264;
            else if (value == "vp8")
                c.codec = CodecPreference::Vp8;
            else
                problem = "codec: expected auto, h264 or vp8, got '" + value + "'";
        } else if (key == "width") {
            problem = integer(&c.width, 160, 3840);
        } else if (key == "height") {
            problem = integer(&c.height, 120, 2160);
        } else if (key == "framerate") {
            problem = integer(&c.framerate, 1, 60);
        } else if (key == "video_bitrate_kbps") {
            problem = integer(&c.videoBitrateKbps, 100, 20000);
        } else if (key == "display_width") {
            problem = integer(&c.displayWidth, 160, 7680);
        } else if (key == "display_height") {
            problem = integer(&c.displayHeight, 120, 4320);
        } else if (key == "control") {
            c.control = value;
        } else if (key == "raise_hand_key_device") {
            if (!value.starts_with("/"))
                problem =
                    "raise_hand_key_device: expected a path such as "
                    "/dev/input/by-id/usb-...-event-kbd, got '" +
                    value + "'";
            c.raiseHandKeyDevice = value;
        } else if (key == "raise_hand_key") {
            if (auto code = keyCodeFromName(value))
                c.raiseHandKey = *code;
            else
                problem =
                    "raise_hand_key: expected a key name such as KEY_F5 or KEY_OK, or a "
                    "key code from 1 to 767, got '" +
                    value + "'";
        } else if (key == "backoff_min_ms") {
            if (!(problem = integer(&n, 50, 60000))) c.backoffMin = std::chrono::milliseconds(n);
        } else if (key == "backoff_max_ms") {
            if (!(problem = integer(&n, 100, 600000))) c.backoffMax = std::chrono::milliseconds(n);
        } else if (key == "replaced_holdoff_s") {
            if (!(problem = integer(&n, 1, 86400))) c.replacedHoldoff = std::chrono::seconds(n);
        } else if (key == "link_timeout_s") {
            if (!(problem = integer(&n, 2, 600))) c.linkTimeout = std::chrono::seconds(n);
        } else {
            problem = "unknown key '" + key + "'";
        }
        if (problem) return fail(lineNo, *problem);
    }
    if (c.server.empty())
        return fail(0, "'server' is required (ws://host:port/ws or wss://host:port/ws)");
    if (c.token.empty() == c.tokenFile.empty())
        return fail(0, "exactly one of 'token' and 'token_file' is required");
    if (c.raiseHandKeyDevice.empty() != (c.raiseHandKey == 0))
        return fail(0, "raise_hand_key_device and raise_hand_key go together");
    if (c.backoffMin > c.backoffMax) return fail(0, "backoff_min_ms is above backoff_max_ms");
    for (const std::string* device : {&c.camera, &c.microphone, &c.display, &c.speaker}) {
        if (device->empty()) return fail(0, "a device setting is empty");
    }
    return ConfigResult{c, std::nullopt};
}

ConfigResult loadRoomConfig(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return ConfigResult{std::nullopt, ConfigError{path + ": cannot read the file"}};
    std::string text;
    text.resize(kMaxConfigBytes + 1);
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(f.gcount()));
    return parseRoomConfig(text, path);
}

std::optional<std::string> readTokenFile(const std::string& path, std::string* error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        if (error) *error = path + ": cannot read the token file";
        return std::nullopt;
    }
    std::string text(kMaxTokenBytes + 1, '\0');
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(f.gcount()));
    if (text.size() > kMaxTokenBytes) {
        if (error) *error = path + ": token file larger than 8 KiB";
        return std::nullopt;
    }
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (!line.empty()) return line;
    }
    if (error) *error = path + ": the token file is empty";
    return std::nullopt;
}

std::optional<std::string> tokenClaim(const std::string& token, const std::string& claim) {
    const auto a = token.find('.');
    const auto b = a == std::string::npos ? a : token.find('.', a + 1);
    if (b == std::string::npos || b - a - 1 > 8192) return std::nullopt;
    std::string payload;
    unsigned bits = 0;
    int count = 0;
    for (char ch : token.substr(a + 1, b - a - 1)) {
        int v = -1;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '-' || ch == '+')
            v = 62;
        else if (ch == '_' || ch == '/')
            v = 63;
        else if (ch == '=')
            break;
        else
            return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            payload.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    boost::system::error_code ec;
    auto value = boost::json::parse(payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto* v = value.as_object().if_contains(claim);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
}

std::optional<std::string> currentToken(const RoomConfig& config, std::string* error) {
    if (!config.token.empty()) return config.token;
    return readTokenFile(config.tokenFile, error);
}

}  // namespace vcb::room
