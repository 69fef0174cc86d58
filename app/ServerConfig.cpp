#include "app/ServerConfig.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

namespace vcb::app {

namespace {
bool parsePort(std::string_view s, uint16_t& port) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || value > 65535) return false;
    port = static_cast<uint16_t>(value);
    return true;
}
}  // namespace

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
                                       "ws_message_burst"};
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
        if (root["max_participants_per_meeting"]) {
            c.maxParticipantsPerMeeting = root["max_participants_per_meeting"].as<size_t>();
        }
        if (root["max_meetings"]) c.maxMeetings = root["max_meetings"].as<size_t>();
        if (root["meetings"]) c.meetings = root["meetings"].as<std::vector<std::string>>();
        if (root["log_level"]) c.logLevel = root["log_level"].as<std::string>();
        if (root["tls_cert"]) c.tlsCert = root["tls_cert"].as<std::string>();
        if (root["tls_key"]) c.tlsKey = root["tls_key"].as<std::string>();
        if (root["max_sessions"]) c.maxSessions = root["max_sessions"].as<size_t>();
        if (root["join_rate_per_ip"]) c.joinRatePerIp = root["join_rate_per_ip"].as<double>();
        if (root["join_burst_per_ip"]) c.joinBurstPerIp = root["join_burst_per_ip"].as<double>();
        if (root["ws_message_rate"]) c.wsMessageRate = root["ws_message_rate"].as<double>();
        if (root["ws_message_burst"]) c.wsMessageBurst = root["ws_message_burst"].as<double>();
    } catch (const YAML::Exception& e) {
        error = path + ": " + e.what();
        return false;
    }
    return true;
}

}  // namespace vcb::app
