#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vcb::app {

// Who may join (docs/operations.md "Authentication"). "dev": anyone; "jwt": a bearer token signed
// with key_file is required for every join.
struct AuthSettings {
    std::string mode = "dev";  // dev | jwt
    std::string algorithm;     // HS256 | ES256 | RS256 (jwt)
    std::string keyFile;       // HS256: the shared secret; ES256/RS256: the PEM public key
    std::string issuer;        // required "iss" when set
    std::string audience;      // required "aud" when set
    int64_t leewaySeconds = 30;
};

// A meeting of `meetings:` given as a mapping (docs/meetings.md "Meetings as records"): its
// record is created or brought up to date at start-up. Validated against the unit tree then.
struct ConfiguredMeeting {
    std::string id;
    std::string title;
    std::string convenedBy;  // convening_unit
    // invited: nullopt = the convening unit's sub-tree; (unit, subtree) pairs otherwise
    std::optional<std::vector<std::pair<std::string, bool>>> invited;
    std::string chair;
    std::string scheduledStart;  // RFC 3339 UTC
    bool recordAuto = false;     // record: auto — recording starts when the session starts
};

// Recording (docs/recording.md, docs/operations.md "Recording"): no dir = recording disabled.
struct RecordingSettings {
    std::string dir;         // absolute; created 0700 by the recorder
    int64_t minFreeMb = 1024;
    std::string recorder;    // the vcb-recorder program; empty = next to vcbridge, else on PATH
};

// Everything an operator can set, from the YAML file and the command line (flags win).
struct ServerConfig {
    std::string listenAddress = "127.0.0.1";
    uint16_t listenPort = 8080;
    std::string mediaIp = "127.0.0.1";
    uint16_t rtcPortMin = 40000;
    uint16_t rtcPortMax = 49999;
    size_t workers = 1;
    size_t ioThreads = 2;
    bool allowAdHocMeetings = true;
    bool programmeAudioMix = true;  // rooms::ConferenceConfig::mixProgrammeAudio
    size_t maxParticipantsPerMeeting = 500;
    size_t maxMeetings = 1000;
    std::vector<std::string> meetings{"demo"};          // every configured meeting id (both forms)
    std::vector<ConfiguredMeeting> meetingDefinitions;  // those given as mappings
    std::string logLevel = "info";
    // HTTPS/WSS on the listen port when both are set (PEM files; docs/operations.md).
    std::string tlsCert;
    std::string tlsKey;
    // Abuse limits (docs/operations.md "Limits").
    size_t maxSessions = 2000;  // media sessions (ICE/DTLS transports) on this server
    double joinRatePerIp = 10;  // WHIP/WHEP POSTs and WebSocket joins per second per IP
    double joinBurstPerIp = 20;
    double wsMessageRate = 50;  // WebSocket messages per second per connection
    double wsMessageBurst = 100;
    AuthSettings auth;
    // The administrative unit tree (docs/meetings.md "The units file"); empty: none is loaded.
    // A relative units_file in the YAML config is resolved against the config file's directory.
    std::string unitsFile;
    // Meeting records (SQLite, docs/operations.md "Meeting records"): the database file. Empty
    // (the default): no records are kept.
    std::string database;
    // A government meeting's lobby opens this long before its scheduled start (docs/meetings.md).
    int64_t lobbyOpensBeforeSeconds = 1800;
    RecordingSettings recording;
};

// Loads a YAML config file over `config`. Returns false and sets error on any problem.
bool loadConfigFile(const std::string& path, ServerConfig& config, std::string& error);
// Checks a `database` path: a file name (not a directory), whose directory exists or can be
// created (the nearest existing ancestor is a writable directory). Creates nothing.
bool validateDatabasePath(const std::string& path, std::string& error);
// Parses "HOST:PORT" and "MIN-MAX".
bool parseHostPort(const std::string& text, std::string& host, uint16_t& port);
bool parsePortRange(const std::string& text, uint16_t& min, uint16_t& max);

}  // namespace vcb::app
