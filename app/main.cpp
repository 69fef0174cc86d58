// vcbridge: a WebRTC selective forwarding unit for multi-tier government meetings.
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "app/ServerConfig.hpp"
#include "common/Log.hpp"
#include "rooms/Conference.hpp"
#include "rooms/MeetingDirectory.hpp"
#include "rooms/StoreJournal.hpp"
#include "rooms/policy/UnitsFile.hpp"
#include "rooms/store/MeetingStoreWriter.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "signaling/api/SignalingServer.hpp"
#include "signaling/auth/JwtAuthenticator.hpp"
#include "signaling/auth/KeyFile.hpp"
#include "signaling/http/SelfSignedCertificate.hpp"
#include "signaling/http/TlsError.hpp"

namespace po = boost::program_options;

namespace {

bool parseLogLevel(const std::string& s, vcb::LogLevel& level) {
    if (s == "debug")
        level = vcb::LogLevel::Debug;
    else if (s == "info")
        level = vcb::LogLevel::Info;
    else if (s == "warn")
        level = vcb::LogLevel::Warn;
    else if (s == "error")
        level = vcb::LogLevel::Error;
    else
        return false;
    return true;
}

// The join authenticator of `settings` (validated by loadConfigFile); reads the key file once.
std::shared_ptr<const vcb::rooms::Authenticator> makeAuthenticator(
    const vcb::app::AuthSettings& settings, std::string& error) {
    if (settings.mode != "jwt") {
        VCB_LOG_WARN("auth: dev mode, anyone may join any meeting (set auth.mode: jwt)");
        return std::make_shared<vcb::rooms::AllowAllAuthenticator>();
    }
    auto algorithm = vcb::auth::parseJwtAlgorithm(settings.algorithm);
    if (!algorithm) {
        error = "auth.algorithm must be HS256, ES256 or RS256";
        return nullptr;
    }
    auto key = vcb::auth::JwtKey::fromFile(*algorithm, settings.keyFile, error);
    if (!key) return nullptr;
    if (*algorithm == vcb::auth::JwtAlgorithm::HS256 &&
        vcb::auth::isReadableByOthers(settings.keyFile)) {
        VCB_LOG_WARN("auth: the HS256 secret %s is readable by other users; chmod 600 it",
                     settings.keyFile.c_str());
    }
    VCB_LOG_INFO("auth: jwt %s, key %s%s%s%s%s", settings.algorithm.c_str(),
                 settings.keyFile.c_str(), settings.issuer.empty() ? "" : ", issuer ",
                 settings.issuer.c_str(), settings.audience.empty() ? "" : ", audience ",
                 settings.audience.c_str());
    vcb::auth::JwtVerifierConfig vc{settings.issuer, settings.audience, settings.leewaySeconds};
    return std::make_shared<vcb::auth::JwtAuthenticator>(
        vcb::auth::JwtVerifier(std::move(*key), std::move(vc)));
}

// Who may call the REST API /api/meetings (docs/operations.md "Admin tokens"): tokens with the
// admin claim, verified like join tokens; open to all in auth mode dev.
std::optional<vcb::signaling::ApiAuthorizer> makeApiAuthorizer(
    const vcb::app::AuthSettings& settings, std::string& error) {
    if (settings.mode != "jwt") {
        VCB_LOG_WARN(
            "api: auth dev mode, the REST API /api/meetings is open to anyone "
            "(set auth.mode: jwt and use vcb-token --admin)");
        return vcb::signaling::ApiAuthorizer();
    }
    auto algorithm = vcb::auth::parseJwtAlgorithm(settings.algorithm);
    if (!algorithm) {
        error = "auth.algorithm must be HS256, ES256 or RS256";
        return std::nullopt;
    }
    auto key = vcb::auth::JwtKey::fromFile(*algorithm, settings.keyFile, error);
    if (!key) return std::nullopt;
    vcb::auth::JwtVerifierConfig vc{settings.issuer, settings.audience, settings.leewaySeconds};
    return vcb::signaling::ApiAuthorizer(vcb::auth::JwtVerifier(std::move(*key), std::move(vc)));
}

// A meeting of the config's `meetings:` given in full, as the directory takes it.
vcb::rooms::MeetingDefinition toDefinition(const vcb::app::ConfiguredMeeting& c) {
    vcb::rooms::MeetingDefinition d{c.id,         c.title, c.convenedBy,
                                    std::nullopt, c.chair, c.scheduledStart};
    d.record = c.recordAuto ? "auto" : "manual";
    if (c.invited) {
        d.invited.emplace();
        for (const auto& [unit, subtree] : *c.invited) d.invited->push_back({unit, subtree});
    }
    return d;
}

// A configured government meeting with its units resolved in the tree; nullopt and `error` when
// a unit is unknown.
std::optional<vcb::rooms::policy::MeetingInfo> resolveGovernmentMeeting(
    const vcb::app::ConfiguredMeeting& spec, const vcb::rooms::UnitTree& tree, std::string& error) {
    using vcb::rooms::policy::MeetingUnit;
    const auto toMeetingUnit = [&tree](const vcb::rooms::Unit& u) {
        const vcb::rooms::Unit* parent = tree.parent(u);
        return MeetingUnit{u.id, u.name, u.tier, parent ? parent->id : std::string(),
                           u.tier < tree.tiers().size() ? tree.tiers()[u.tier].name : std::string()};
    };
    vcb::rooms::policy::MeetingInfo info;
    info.id = spec.id;
    info.title = spec.title;
    info.chairSubject = spec.chair;
    info.recordAuto = spec.recordAuto;
    info.scheduledStart = vcb::rooms::policy::Clock::now();
    const vcb::rooms::Unit* convening = tree.find(spec.convenedBy);
    if (convening == nullptr) {
        error = "meeting " + spec.id + ": unknown convening unit '" + spec.convenedBy + "'";
        return std::nullopt;
    }
    info.convening = toMeetingUnit(*convening);
    // Not given: the convening unit's whole sub-tree (as the directory's default).
    std::vector<vcb::rooms::Invitation> invitations;
    if (!spec.invited) invitations.push_back(vcb::rooms::Invitation::subtree(convening->id));
    for (const auto& [unit, subtree] :
         spec.invited.value_or(std::vector<std::pair<std::string, bool>>{})) {
        invitations.push_back(subtree ? vcb::rooms::Invitation::subtree(unit)
                                      : vcb::rooms::Invitation::unit(unit));
    }
    auto resolved = tree.resolve(invitations);
    if (!resolved) {
        error = "meeting " + spec.id + ": unknown invited unit '" + resolved.error().unitId + "'";
        return std::nullopt;
    }
    for (const vcb::rooms::Unit* u : resolved.value()) {
        if (u->id != convening->id) info.invited.push_back(toMeetingUnit(*u));
    }
    return info;
}

// A meeting record (REST or config) as a government meeting: units resolved as for the config,
// started at its scheduled time. nullopt and `error` for a record tied to no unit (a plain
// configured id) or whose units the tree no longer has.
std::optional<vcb::rooms::policy::MeetingInfo> resolveStoredMeeting(
    const vcb::store::StoredMeeting& m, const vcb::rooms::UnitTree& tree, std::string& error) {
    if (m.convenedBy.empty()) {
        error = "meeting " + m.id + ": no convening unit";
        return std::nullopt;
    }
    vcb::app::ConfiguredMeeting spec;
    spec.id = m.id;
    spec.title = m.title;
    spec.convenedBy = m.convenedBy;
    spec.chair = m.chair;
    spec.recordAuto = m.recordAuto;
    spec.invited.emplace();
    for (const auto& u : m.invited) spec.invited->emplace_back(u.unit, u.subtree);
    auto info = resolveGovernmentMeeting(spec, tree, error);
    if (info) {
        info->scheduledStart =
            vcb::rooms::policy::TimePoint(std::chrono::milliseconds(m.scheduledStartMs));
    }
    return info;
}

// Defines (or forgets) a record's government meeting in the conference: the store's meetings at
// start-up and every committed change of the REST API after.
// `restored`: the meeting's stored record to carry on from (at start-up).
void defineInConference(vcb::rooms::Conference& conference, const vcb::rooms::UnitTree& tree,
                        const vcb::store::StoredMeeting& m, bool removed,
                        std::optional<vcb::rooms::policy::RestoredRecord> restored = {}) {
    if (removed || m.state == vcb::store::MeetingState::Ended) {
        conference.forgetGovernmentMeeting(m.id);
        return;
    }
    std::string error;
    auto info = resolveStoredMeeting(m, tree, error);
    if (!info) {
        if (!m.convenedBy.empty()) VCB_LOG_WARN("%s: not live", error.c_str());
        conference.forgetGovernmentMeeting(m.id);
        return;
    }
    info->restored = std::move(restored);
    conference.defineGovernmentMeeting(std::move(*info));
}

// The administrative unit tree of `path` (docs/meetings.md "The units file"), an empty tree
// without one; nullptr with "file:line: message" in `error` for a bad file.
std::shared_ptr<const vcb::rooms::UnitTree> loadUnitTree(const std::string& path,
                                                         std::string& error) {
    if (path.empty()) {
        VCB_LOG_INFO("units: no units_file, no unit tree loaded (meetings are not tied to units)");
        return std::make_shared<vcb::rooms::UnitTree>();
    }
    auto result = vcb::rooms::UnitsFile::load(path);
    if (!result) {
        error = result.error().format();
        return nullptr;
    }
    auto tree = std::make_shared<const vcb::rooms::UnitTree>(std::move(result).value());
    std::string tiers;
    for (const auto& tier : tree->tiers()) tiers += (tiers.empty() ? "" : ", ") + tier.name;
    VCB_LOG_INFO("units: %zu units in %zu tiers (%s) from %s", tree->size(), tree->tiers().size(),
                 tiers.c_str(), path.c_str());
    return tree;
}

}  // namespace

int main(int argc, char** argv) {
    vcb::app::ServerConfig config;
    po::options_description opts("vcbridge options");
    opts.add_options()("help,h", "show this help and exit")(
        "config", po::value<std::string>(),
        "YAML config file (see deploy/vcbridge.yaml); flags override it")(
        "listen", po::value<std::string>(),
        "HTTP/WebSocket listen address HOST:PORT (default 127.0.0.1:8080; port 0 = any)")(
        "media-ip", po::value<std::string>(),
        "IP address announced in ICE candidates (default 127.0.0.1)")(
        "rtc-ports", po::value<std::string>(),
        "UDP port range for media MIN-MAX (default 40000-49999)")(
        "workers", po::value<size_t>(), "media worker threads (default 1)")(
        "meeting", po::value<std::vector<std::string>>(),
        "a meeting to create at start-up (repeatable)")(
        "no-adhoc", "refuse joins to meetings that are not configured")(
        "no-programme-mix",
        "WHEP programme viewers get the programme participant's audio instead of the mix "
        "(config programme_audio_mix: false)")(
        "log-level", po::value<std::string>(), "debug, info, warn or error")(
        "max-sessions", po::value<size_t>(),
        "media sessions (WHIP/WHEP/WebSocket peer connections) per server (default 2000)")(
        "join-rate", po::value<double>(),
        "joins (WHIP/WHEP POST, WebSocket join) per second per client IP; 0 = off (default 10)")(
        "join-burst", po::value<double>(), "burst of joins per client IP (default 20)")(
        "units-file", po::value<std::string>(),
        "YAML file of the administrative units (docs/meetings.md; default: none)")(
        "database", po::value<std::string>(),
        "SQLite file for meeting records (default: none, records are not kept)")(
        "recording-dir", po::value<std::string>(),
        "absolute directory for recordings (config recording.dir; default: none, no recording)")(
        "lobby-opens-before", po::value<int64_t>(),
        "seconds before a meeting's scheduled start that its lobby opens (default 1800)");
    opts.add_options()("tls-cert", po::value<std::string>(),
                       "PEM certificate chain (leaf first): serve HTTPS/WSS instead of HTTP/WS")(
        "tls-key", po::value<std::string>(), "PEM private key of --tls-cert (unencrypted)")(
        "generate-self-signed", po::value<std::string>(),
        "write DIR/cert.pem and DIR/key.pem (self-signed, 1 year, for test installs) and exit")(
        "tls-name", po::value<std::string>(),
        "host name or IP for --generate-self-signed (default localhost)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "vcbridge: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout
            << "Usage: vcbridge [options]\n\n"
            << opts
            << "\nWithout --config vcbridge runs a single node on 127.0.0.1:8080 with the meeting\n"
               "'demo', anonymous joins and ad-hoc meetings: a development setup.\n";
        return 0;
    }
    std::string error;
    if (vm.count("generate-self-signed")) {
        vcb::signaling::SelfSignedOptions certOptions;
        if (vm.count("tls-name")) certOptions.name = vm["tls-name"].as<std::string>();
        const auto dir = vm["generate-self-signed"].as<std::string>();
        if (!vcb::signaling::writeSelfSignedCertificate(dir, certOptions, error)) {
            std::cerr << "vcbridge: " << error << "\n";
            return 1;
        }
        std::cout << "vcbridge: wrote " << dir << "/cert.pem and " << dir
                  << "/key.pem (self-signed for " << certOptions.name << ", valid 1 year)\n";
        return 0;
    }
    if (vm.count("tls-name")) {
        std::cerr << "vcbridge: --tls-name only goes with --generate-self-signed\n";
        return 2;
    }
    if (vm.count("config") &&
        !vcb::app::loadConfigFile(vm["config"].as<std::string>(), config, error)) {
        std::cerr << "vcbridge: " << error << "\n";
        return 2;
    }
    if (vm.count("listen") && !vcb::app::parseHostPort(vm["listen"].as<std::string>(),
                                                       config.listenAddress, config.listenPort)) {
        std::cerr << "vcbridge: --listen must be HOST:PORT\n";
        return 2;
    }
    if (vm.count("media-ip")) config.mediaIp = vm["media-ip"].as<std::string>();
    if (vm.count("rtc-ports") && !vcb::app::parsePortRange(vm["rtc-ports"].as<std::string>(),
                                                           config.rtcPortMin, config.rtcPortMax)) {
        std::cerr << "vcbridge: --rtc-ports must be MIN-MAX\n";
        return 2;
    }
    if (vm.count("workers")) config.workers = vm["workers"].as<size_t>();
    if (vm.count("meeting")) {  // replaces the config's list, definitions included
        config.meetings = vm["meeting"].as<std::vector<std::string>>();
        config.meetingDefinitions.clear();
    }
    if (vm.count("no-adhoc")) config.allowAdHocMeetings = false;
    if (vm.count("no-programme-mix")) config.programmeAudioMix = false;
    if (vm.count("log-level")) config.logLevel = vm["log-level"].as<std::string>();
    if (vm.count("tls-cert")) config.tlsCert = vm["tls-cert"].as<std::string>();
    if (vm.count("tls-key")) config.tlsKey = vm["tls-key"].as<std::string>();
    if (vm.count("max-sessions")) config.maxSessions = vm["max-sessions"].as<size_t>();
    if (vm.count("join-rate")) config.joinRatePerIp = vm["join-rate"].as<double>();
    if (vm.count("join-burst")) config.joinBurstPerIp = vm["join-burst"].as<double>();
    if (vm.count("units-file")) config.unitsFile = vm["units-file"].as<std::string>();
    if (vm.count("lobby-opens-before")) {
        config.lobbyOpensBeforeSeconds = vm["lobby-opens-before"].as<int64_t>();
        if (config.lobbyOpensBeforeSeconds < 0 || config.lobbyOpensBeforeSeconds > 86400) {
            std::cerr << "vcbridge: --lobby-opens-before must be 0-86400 seconds\n";
            return 2;
        }
    }
    if (vm.count("recording-dir")) {
        config.recording.dir = vm["recording-dir"].as<std::string>();
        if (!std::filesystem::path(config.recording.dir).is_absolute()) {
            std::cerr << "vcbridge: --recording-dir must be an absolute directory path\n";
            return 2;
        }
    }
    if (vm.count("database")) {
        config.database = vm["database"].as<std::string>();
        if (!vcb::app::validateDatabasePath(config.database, error)) {
            std::cerr << "vcbridge: --database: " << error << "\n";
            return 2;
        }
    }
    vcb::LogLevel level;
    if (!parseLogLevel(config.logLevel, level)) {
        std::cerr << "vcbridge: unknown log level " << config.logLevel << "\n";
        return 2;
    }
    vcb::setLogLevel(level);

    // Meeting records are validated against it (MeetingDirectory); the live meeting policy
    // (docs/meeting-policy.md) will consult it too.
    const auto units = loadUnitTree(config.unitsFile, error);
    if (!units) {
        std::cerr << "vcbridge: " << error << "\n";
        return 2;
    }

    auto certificate = std::shared_ptr<const vcb::dtls::DtlsCertificate>(
        vcb::dtls::DtlsCertificate::generate(&error));
    if (!certificate) {
        std::cerr << "vcbridge: cannot create the DTLS certificate: " << error << "\n";
        return 1;
    }
    auto dtls = vcb::dtls::DtlsContext::create(certificate, &error);
    if (!dtls) {
        std::cerr << "vcbridge: cannot create the DTLS context: " << error << "\n";
        return 1;
    }

    auto authenticator = makeAuthenticator(config.auth, error);
    if (!authenticator) {
        std::cerr << "vcbridge: auth: " << error << "\n";
        return 2;
    }

    // Meeting records: opened (and migrated) before anything can write to them. Nothing posts
    // to the writer yet; it drains and stops when main returns.
    std::unique_ptr<vcb::store::MeetingStoreWriter> records;
    if (!config.database.empty()) {
        auto writer = vcb::store::MeetingStoreWriter::start(config.database);
        if (!writer) {
            std::cerr << "vcbridge: database: " << writer.error().message << "\n";
            return 1;
        }
        records = std::move(writer.value());
        if (const auto slash = config.database.rfind('/'); slash != std::string::npos) {
            const std::string dir = slash == 0 ? "/" : config.database.substr(0, slash);
            if (struct stat st{}; ::stat(dir.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
                VCB_LOG_WARN("database directory %s is accessible to other users; chmod 700 it",
                             dir.c_str());
            }
        }
        VCB_LOG_INFO("meeting records in %s (SQLite %s, WAL, schema version %d)",
                     records->path().c_str(), vcb::store::sqliteVersion(),
                     records->schemaVersion());
    } else {
        VCB_LOG_WARN("no database: meeting records are not kept (set database: in the config)");
    }

    // Meetings as records (docs/meetings.md "Meetings as records"): the REST API's directory, and
    // the configured meetings inserted when absent. Destroyed before `records` drains.
    auto apiAuthorizer = makeApiAuthorizer(config.auth, error);
    if (!apiAuthorizer) {
        std::cerr << "vcbridge: auth: " << error << "\n";
        return 2;
    }
    std::unique_ptr<vcb::rooms::MeetingDirectory> directory;
    if (!records) {  // still check the definitions: a typo must not wait for the database
        for (const auto& c : config.meetingDefinitions) {
            if (auto r = vcb::rooms::MeetingDirectory::validate(*units, toDefinition(c), 0); !r) {
                std::cerr << "vcbridge: meetings: meeting '" << c.id << "': " << r.error().field
                          << ": " << r.error().message << "\n";
                return 2;
            }
        }
    }
    if (records) {
        directory = std::make_unique<vcb::rooms::MeetingDirectory>(units, *records);
        const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
        std::vector<std::string> configured;
        for (const auto& id : config.meetings)
            if (vcb::rooms::isValidMeetingId(id)) configured.push_back(id);
        std::vector<vcb::rooms::MeetingDefinition> definitions;
        for (const auto& c : config.meetingDefinitions) definitions.push_back(toDefinition(c));
        auto changed = directory->upsertConfigured(configured, nowMs, definitions);
        if (!changed) {
            const bool invalid =
                changed.error().code != vcb::rooms::DirectoryErrorCode::StorageFailed &&
                changed.error().code != vcb::rooms::DirectoryErrorCode::Unavailable;
            std::cerr << "vcbridge: " << (invalid ? "meetings: " : "database: ")
                      << changed.error().message << "\n";
            return invalid ? 2 : 1;
        }
        VCB_LOG_INFO(
            "meetings: %zu configured (%zu defined in full), %zu record(s) created or "
            "updated",
            configured.size(), definitions.size(), changed.value());
    }

    vcb::rooms::ConferenceConfig cc;
    cc.workers = config.workers;
    cc.ice = {config.mediaIp, config.rtcPortMin, config.rtcPortMax};
    cc.allowAdHocMeetings = config.allowAdHocMeetings;
    cc.mixProgrammeAudio = config.programmeAudioMix;
    cc.maxParticipantsPerMeeting = config.maxParticipantsPerMeeting;
    cc.maxMeetings = config.maxMeetings;
    cc.maxTransports = config.maxSessions;
    cc.meetings = config.meetings;
    cc.lobbyOpensBefore = std::chrono::seconds(config.lobbyOpensBeforeSeconds);
    cc.recording.dir = config.recording.dir;
    cc.recording.minFreeMb = config.recording.minFreeMb;
    cc.recording.recorder = config.recording.recorder;
    if (cc.recording.recorder.empty()) {
        // Next to this binary (installed: both in bin/), else where a build tree has it
        // (app/vcbridge, recorder/vcb-recorder), else looked up on PATH.
        std::error_code ec;
        const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
        cc.recording.recorder = "vcb-recorder";
        if (!ec) {
            for (const auto& candidate : {self.parent_path() / "vcb-recorder",
                                          self.parent_path().parent_path() / "recorder" /
                                              "vcb-recorder"}) {
                std::error_code fec;
                if (std::filesystem::is_regular_file(candidate, fec)) {
                    cc.recording.recorder = candidate.string();
                    break;
                }
            }
        }
    }
    if (!cc.recording.dir.empty()) {
        VCB_LOG_INFO("recording into %s with %s (refused below %lld MB free)",
                     cc.recording.dir.c_str(), cc.recording.recorder.c_str(),
                     static_cast<long long>(cc.recording.minFreeMb));
    }
    for (const auto& spec : config.meetingDefinitions) {
        auto info = resolveGovernmentMeeting(spec, *units, error);
        if (!info) {
            std::cerr << "vcbridge: " << error << "\n";
            return 2;
        }
        VCB_LOG_INFO("government meeting %s: %zu invited units, chair %s", info->id.c_str(),
                     info->invited.size(), info->chairSubject.c_str());
        cc.governmentMeetings.push_back(std::move(*info));
    }
    // Records (docs/meetings.md "Records"): a government meeting carries on from its stored
    // record (state, lock, removals, attendance, roll calls), read here on the app thread before
    // any meeting goes live; then it writes its record as it happens.
    if (records) {
        auto reader = vcb::store::MeetingStore::open(config.database);
        if (!reader) {
            std::cerr << "vcbridge: database: " << reader.error().message << "\n";
            return 1;
        }
        // Read right after a restart, the attendance must not show as present the units that
        // were connected when the server stopped.
        if (auto s = reader.value()->markEveryoneAbsent(); !s) {
            std::cerr << "vcbridge: database: " << s.error().message << "\n";
            return 1;
        }
        for (auto& info : cc.governmentMeetings) {
            info.restored = vcb::rooms::loadRestoredRecord(*reader.value(), info.id);
            if (info.restored) {
                VCB_LOG_INFO("government meeting %s: continues from its record (%s)",
                             info.id.c_str(),
                             std::string(vcb::rooms::policy::meetingStateName(info.restored->state))
                                 .c_str());
            }
        }
        cc.journal = vcb::rooms::StoreJournal::factory(*records);
    }
    vcb::rooms::Conference conference(cc, dtls, authenticator);
    if (!conference.startError().empty()) {
        std::cerr << "vcbridge: media: " << conference.startError() << "\n";
        return 1;
    }

    // Meetings defined over REST become live government meetings: those in the store now, then
    // every committed create/patch/delete (the config's own government meetings stay as they are).
    if (directory) {
        auto db = vcb::store::MeetingStore::open(config.database);
        if (!db) {
            std::cerr << "vcbridge: database: " << db.error().message << "\n";
            return 1;
        }
        auto stored = db.value()->listMeetings();
        if (!stored) {
            std::cerr << "vcbridge: database: " << stored.error().message << "\n";
            return 1;
        }
        size_t defined = 0;
        for (const auto& m : stored.value()) {
            // A meeting that was live before the restart carries on from its record.
            defineInConference(conference, *units, m, false,
                               records ? vcb::rooms::loadRestoredRecord(*db.value(), m.id)
                                       : std::nullopt);
            defined += conference.governmentMeetingDefined(m.id) ? 1 : 0;
        }
        VCB_LOG_INFO("meetings: %zu government meeting(s) from the records", defined);
        directory->setOnChange(
            [&conference, units](const vcb::store::StoredMeeting& m, bool removed) {
                defineInConference(conference, *units, m, removed);
            });
    }

    boost::asio::io_context ioc;
    vcb::signaling::HttpServerConfig hc;
    hc.address = config.listenAddress;
    hc.port = config.listenPort;
    hc.tls.certificateChainFile = config.tlsCert;
    hc.tls.privateKeyFile = config.tlsKey;
    if (struct stat st{}; !config.tlsKey.empty() && ::stat(config.tlsKey.c_str(), &st) == 0 &&
                          (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        VCB_LOG_WARN("TLS key %s is accessible to other users; chmod 600 it",
                     config.tlsKey.c_str());
    }
    vcb::signaling::ApiLimits limits;
    limits.joinRatePerIp = config.joinRatePerIp;
    limits.joinBurstPerIp = config.joinBurstPerIp;
    limits.wsMessageRate = config.wsMessageRate;
    limits.wsMessageBurst = config.wsMessageBurst;
    auto meetingsApi =
        std::make_unique<vcb::signaling::MeetingsApi>(directory.get(), std::move(*apiAuthorizer));
    meetingsApi->setRecordingDir(config.recording.dir);
    meetingsApi->setLobbyOpensBefore(std::chrono::seconds(config.lobbyOpensBeforeSeconds));
    vcb::signaling::SignalingServer server(ioc, hc, conference, limits, std::move(meetingsApi));
    if (auto ec = server.start()) {
        if (ec.category() == vcb::signaling::tlsErrorCategory()) {
            std::cerr << "vcbridge: " << ec.message() << " (certificate " << config.tlsCert
                      << ", key " << config.tlsKey << ")\n";
            return 1;
        }
        std::cerr << "vcbridge: cannot listen on " << config.listenAddress << ":"
                  << config.listenPort << ": " << ec.message() << "\n";
        return 1;
    }
    VCB_LOG_INFO("DTLS fingerprint sha-256 %s", certificate->fingerprint().c_str());
    std::string ports;
    for (uint16_t p : conference.mediaPorts())
        ports += (ports.empty() ? "" : ",") + std::to_string(p);
    VCB_LOG_INFO("media on %s, UDP port(s) %s (one per worker, from %u-%u)", config.mediaIp.c_str(),
                 ports.c_str(), config.rtcPortMin, config.rtcPortMax);

    // Graceful drain (docs/operations.md): stop accepting, tell WebSocket participants, close
    // every media session (DTLS close_notify), give the goodbyes up to 3 s, exit well within 10 s.
    // A second signal stops at once.
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    boost::asio::steady_timer drainTimer(ioc);
    const auto drainStart = std::make_shared<std::chrono::steady_clock::time_point>();
    std::function<void(const boost::system::error_code&)> waitForGoodbyes =
        [&](const boost::system::error_code& ec) {
            if (ec) return;
            if (server.webSocketCount() > 0 &&
                std::chrono::steady_clock::now() - *drainStart < std::chrono::seconds(3)) {
                drainTimer.expires_after(std::chrono::milliseconds(50));
                drainTimer.async_wait(waitForGoodbyes);
                return;
            }
            server.stop();
            // Lets the last close frames and FINs go out, then ends the run loop for sure.
            drainTimer.expires_after(std::chrono::milliseconds(300));
            drainTimer.async_wait([&](const boost::system::error_code&) { ioc.stop(); });
        };
    std::function<void(const boost::system::error_code&, int)> onSignal =
        [&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (*drainStart != std::chrono::steady_clock::time_point{}) {
                VCB_LOG_INFO("signal %d again: stopping now", sig);
                ioc.stop();
                return;
            }
            VCB_LOG_INFO("signal %d: draining", sig);
            *drainStart = std::chrono::steady_clock::now();
            server.drain();
            conference.stop();
            signals.async_wait(onSignal);
            waitForGoodbyes({});
        };
    signals.async_wait(onSignal);
    // Announced only now: a SIGTERM right after this line already drains instead of killing.
    std::cout << "vcbridge listening on " << (hc.tlsEnabled() ? "https://" : "http://")
              << config.listenAddress << ":" << server.port() << std::endl;
    std::vector<std::thread> threads;
    for (size_t i = 1; i < std::max<size_t>(1, config.ioThreads); ++i)
        threads.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    conference.stop();
    // Meeting records: finish queued reads and commit queued writes while the io_context still
    // exists, so their answers are posted to live (if stopped) strands.
    directory.reset();
    if (records) records->stop();
    return 0;
}
