#include "app/ServerConfig.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace vcb::app {

namespace {
bool parsePort(std::string_view s, uint16_t& port) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || value > 65535) return false;
    port = static_cast<uint16_t>(value);
    return true;
}
bool loadRecording(const YAML::Node& node, RecordingSettings& r, std::string& error) {
    if (!node.IsMap()) {
        error = "recording must be a mapping (dir, min_free_mb, recorder)";
        return false;
    }
    static const char* kKnown[] = {"dir", "min_free_mb", "recorder"};
    for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
            error = "unknown setting 'recording." + key + "'";
            return false;
        }
    }
    if (node["dir"]) {
        if (!node["dir"].IsScalar() || node["dir"].Scalar().empty() ||
            !std::filesystem::path(node["dir"].Scalar()).is_absolute()) {
            error = "recording.dir must be an absolute directory path";
            return false;
        }
        r.dir = node["dir"].Scalar();
    }
    if (node["min_free_mb"]) {
        r.minFreeMb = node["min_free_mb"].as<int64_t>();
        if (r.minFreeMb < 0 || r.minFreeMb > 100'000'000) {
            error = "recording.min_free_mb must be 0-100000000";
            return false;
        }
    }
    if (node["recorder"]) {
        if (!node["recorder"].IsScalar() || node["recorder"].Scalar().empty()) {
            error = "recording.recorder must name the vcb-recorder program";
            return false;
        }
        r.recorder = node["recorder"].Scalar();
    }
    return true;
}
bool loadAuth(const YAML::Node& node, AuthSettings& a, std::string& error) {
    if (!node.IsMap()) {
        error =
            "auth must be a mapping (mode, algorithm, key_file, issuer, audience, "
            "leeway_seconds)";
        return false;
    }
    static const char* kKnown[] = {"mode",   "algorithm", "key_file",
                                   "issuer", "audience",  "leeway_seconds"};
    for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
            error = "unknown setting 'auth." + key + "'";
            return false;
        }
    }
    if (node["mode"]) a.mode = node["mode"].as<std::string>();
    if (node["algorithm"]) a.algorithm = node["algorithm"].as<std::string>();
    if (node["key_file"]) a.keyFile = node["key_file"].as<std::string>();
    if (node["issuer"]) a.issuer = node["issuer"].as<std::string>();
    if (node["audience"]) a.audience = node["audience"].as<std::string>();
    if (node["leeway_seconds"]) a.leewaySeconds = node["leeway_seconds"].as<int64_t>();
    if (a.mode == "dev") return true;
    if (a.mode != "jwt") {
        error = "auth.mode must be dev or jwt, not '" + a.mode + "'";
        return false;
    }
    if (a.algorithm != "HS256" && a.algorithm != "ES256" && a.algorithm != "RS256") {
        error = "auth.algorithm must be HS256, ES256 or RS256 with mode jwt";
        return false;
    }
    if (a.keyFile.empty()) {
        error = "auth.key_file is required with mode jwt";
        return false;
    }
    if (a.leewaySeconds < 0 || a.leewaySeconds > 3600) {
        error = "auth.leeway_seconds must be 0-3600";
        return false;
    }
    return true;
}

}  // namespace

bool validateDatabasePath(const std::string& path, std::string& error) {
    if (path.empty() || path.back() == '/') {
        error = "database must be a file path, e.g. /var/lib/vcbridge/meetings.db";
        return false;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        error = "database " + path + " exists and is not a regular file";
        return false;
    }
    // The nearest existing ancestor must be a directory we may create entries in.
    std::string dir = path;
    for (;;) {
        const auto slash = dir.rfind('/');
        dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
        if (::stat(dir.c_str(), &st) == 0) break;
        if (dir == "." || dir == "/") break;
    }
    if (!S_ISDIR(st.st_mode)) {
        error = "database " + path + ": " + dir + " is not a directory";
        return false;
    }
    // Writable even when the file exists: SQLite creates its -wal and -shm files beside it.
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        error = "database " + path + ": " + dir + " is not writable";
        return false;
    }
    return true;
}

bool parseHostPort(const std::string& text, std::string& host, uint16_t& port) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    host = text.substr(0, colon);
    return parsePort(std::string_view(text).substr(colon + 1), port);
}

bool parsePortRange(const std::string& text, uint16_t& min, uint16_t& max) {
    auto dash = text.find('-');
    if (dash == std::string::npos) return false;
    std::string_view s(text);
    return parsePort(s.substr(0, dash), min) && parsePort(s.substr(dash + 1), max) && min > 0 &&
           min <= max;
}

// meetings: a list whose entries are ids ("demo") or mappings with id, title, convening_unit,
// invited ([{unit, subtree}] or [unit id, ...]), chair, scheduled_start.
static bool loadMeetings(const YAML::Node& node, ServerConfig& c, std::string& error) {
    if (!node.IsSequence()) {
        error = "meetings must be a list of meeting ids or definitions";
        return false;
    }
    c.meetings.clear();
    c.meetingDefinitions.clear();
    for (size_t i = 0; i < node.size(); ++i) {
        const YAML::Node m = node[i];
        const std::string where = "meetings[" + std::to_string(i) + "]";
        if (m.IsScalar()) {
            c.meetings.push_back(m.as<std::string>());
            continue;
        }
        if (!m.IsMap()) {
            error = where + " must be an id or a mapping";
            return false;
        }
        ConfiguredMeeting d;
        for (const auto& kv : m) {
            const std::string key = kv.first.as<std::string>();
            if (key == "invited") {
                if (!kv.second.IsSequence()) {
                    error = where + ".invited must be a list";
                    return false;
                }
                std::vector<std::pair<std::string, bool>> invited;
                for (const auto& u : kv.second) {
                    if (u.IsScalar()) {
                        invited.emplace_back(u.as<std::string>(), false);
                    } else if (u.IsMap() && u["unit"] && u.size() <= 2 &&
                               (u.size() == 1 || u["subtree"])) {
                        invited.emplace_back(u["unit"].as<std::string>(),
                                             u["subtree"] ? u["subtree"].as<bool>() : false);
                    } else {
                        error = where + ".invited entries are unit ids or {unit, subtree}";
                        return false;
                    }
                }
                d.invited = std::move(invited);
                continue;
            }
            if (key == "record") {
                const std::string v = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
                if (v != "auto" && v != "manual") {
                    error = where + ".record must be auto or manual";
                    return false;
                }
                d.recordAuto = v == "auto";
                continue;
            }
            std::string* field = key == "id"                ? &d.id
                                 : key == "title"           ? &d.title
                                 : key == "convening_unit"  ? &d.convenedBy
                                 : key == "chair"           ? &d.chair
                                 : key == "scheduled_start" ? &d.scheduledStart
                                                            : nullptr;
            if (field == nullptr) {
                error = where + ": unknown key '" + key + "'";
                return false;
            }
            if (!kv.second.IsScalar()) {
                error = where + "." + key + " must be a string";
                return false;
            }
            *field = kv.second.Scalar();
        }
        if (d.id.empty()) {
            error = where + ".id is required";
            return false;
        }
        c.meetings.push_back(d.id);
        c.meetingDefinitions.push_back(std::move(d));
    }
    return true;
}

bool loadConfigFile(const std::string& path, ServerConfig& c, std::string& error) {
    try {
        YAML::Node root = YAML::LoadFile(path);
        if (!root.IsMap()) {
            error = path + ": expected a mapping at the top level";
            return false;
        }
        static const char* kKnown[] = {"listen",
                                       "media_ip",
                                       "rtc_ports",
                                       "workers",
                                       "io_threads",
                                       "allow_adhoc_meetings",
                                       "programme_audio_mix",
                                       "max_participants_per_meeting",
                                       "max_meetings",
                                       "meetings",
                                       "log_level",
                                       "tls_cert",
                                       "tls_key",
                                       "max_sessions",
                                       "join_rate_per_ip",
                                       "join_burst_per_ip",
                                       "ws_message_rate",
                                       "ws_message_burst",
                                       "auth",
                                       "units_file",
                                       "database",
                                       "lobby_opens_before_seconds",
                                       "recording"};
        for (const auto& kv : root) {
            std::string key = kv.first.as<std::string>();
            if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
                error = path + ": unknown setting '" + key + "'";
                return false;
            }
        }
        if (root["listen"] &&
            !parseHostPort(root["listen"].as<std::string>(), c.listenAddress, c.listenPort)) {
            error = path + ": listen must be HOST:PORT";
            return false;
        }
        if (root["media_ip"]) c.mediaIp = root["media_ip"].as<std::string>();
        if (root["rtc_ports"] &&
            !parsePortRange(root["rtc_ports"].as<std::string>(), c.rtcPortMin, c.rtcPortMax)) {
            error = path + ": rtc_ports must be MIN-MAX";
            return false;
        }
        if (root["workers"]) c.workers = root["workers"].as<size_t>();
        if (root["io_threads"]) c.ioThreads = root["io_threads"].as<size_t>();
        if (root["allow_adhoc_meetings"])
            c.allowAdHocMeetings = root["allow_adhoc_meetings"].as<bool>();
        if (root["programme_audio_mix"])
            c.programmeAudioMix = root["programme_audio_mix"].as<bool>();
        if (root["max_participants_per_meeting"]) {
            c.maxParticipantsPerMeeting = root["max_participants_per_meeting"].as<size_t>();
        }
        if (root["max_meetings"]) c.maxMeetings = root["max_meetings"].as<size_t>();
        if (root["meetings"] && !loadMeetings(root["meetings"], c, error)) {
            error = path + ": " + error;
            return false;
        }
        if (root["log_level"]) c.logLevel = root["log_level"].as<std::string>();
        if (root["tls_cert"]) c.tlsCert = root["tls_cert"].as<std::string>();
        if (root["tls_key"]) c.tlsKey = root["tls_key"].as<std::string>();
        if (root["max_sessions"]) c.maxSessions = root["max_sessions"].as<size_t>();
        if (root["join_rate_per_ip"]) c.joinRatePerIp = root["join_rate_per_ip"].as<double>();
        if (root["join_burst_per_ip"]) c.joinBurstPerIp = root["join_burst_per_ip"].as<double>();
        if (root["ws_message_rate"]) c.wsMessageRate = root["ws_message_rate"].as<double>();
        if (root["ws_message_burst"]) c.wsMessageBurst = root["ws_message_burst"].as<double>();
        if (root["units_file"]) {
            const YAML::Node node = root["units_file"];
            if (!node.IsScalar() || node.Scalar().empty()) {
                error = path + ": units_file must name a file";
                return false;
            }
            const std::filesystem::path units = node.Scalar();
            c.unitsFile = units.is_absolute()
                              ? units.string()
                              : (std::filesystem::path(path).parent_path() / units).string();
        }
        if (root["database"]) {
            c.database = root["database"].as<std::string>();
            if (!validateDatabasePath(c.database, error)) {
                error = path + ": " + error;
                return false;
            }
        }
        if (root["lobby_opens_before_seconds"]) {
            const int64_t v = root["lobby_opens_before_seconds"].as<int64_t>();
            if (v < 0 || v > 86400) {
                error = path + ": lobby_opens_before_seconds must be 0-86400";
                return false;
            }
            c.lobbyOpensBeforeSeconds = v;
        }
        if (root["recording"] && !loadRecording(root["recording"], c.recording, error)) {
            error = path + ": " + error;
            return false;
        }
        if (root["auth"] && !loadAuth(root["auth"], c.auth, error)) {
            error = path + ": " + error;
            return false;
        }
    } catch (const YAML::Exception& e) {
        error = path + ": " + e.what();
        return false;
    }
    return true;
}

}  // namespace vcb::app
