// vcb-room: the unattended hall endpoint (docs/room-endpoint.md).
//   vcb-room --config /etc/vcb-room/room.conf          run (systemd: deploy/vcb-room.service)
//   vcb-room --config /etc/vcb-room/room.conf --check  devices, encoders, token, server
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/Url.hpp"
#include "clients/room/MediaChoice.hpp"
#include "clients/room/RoomEndpoint.hpp"
#include "clients/room/SdNotify.hpp"

namespace po = boost::program_options;
using namespace vcb::room;

namespace {

std::atomic<bool> gStop{false};

void onSignal(int) { gStop = true; }

int check(const RoomConfig& c) {
    bool ok = true;
    auto has = gstRegistry();
    auto line = [](const std::string& what, bool good, const std::string& detail) {
        std::cout << (good ? "  ok    " : "  FAIL  ") << what << (detail.empty() ? "" : ": ")
                  << detail << "\n";
        return good;
    };
    std::cout << "vcb-room " << kRoomVersion << " check\n";
    std::cout << "devices:\n";
    std::string cams;
    if (DIR* d = ::opendir("/dev")) {
        while (dirent* e = ::readdir(d)) {
            const std::string n = e->d_name;
            if (n.starts_with("video")) cams += (cams.empty() ? "/dev/" : ", /dev/") + n;
        }
        ::closedir(d);
    }
    line("video devices", true, cams.empty() ? "none" : cams);
    if (c.camera.starts_with("/dev/")) {
        ok &= line("camera " + c.camera, ::access(c.camera.c_str(), R_OK) == 0,
                   ::access(c.camera.c_str(), R_OK) == 0 ? "readable"
                                                         : "missing: a still picture is sent");
    } else {
        line("camera", true, c.camera);
    }
    line("microphone", true, c.microphone);
    line("display", true, c.display);
    line("speaker", true, c.speaker);
    std::string keyboards;  // what raise_hand_key_device may name
    if (DIR* d = ::opendir("/dev/input/by-id")) {
        while (dirent* e = ::readdir(d)) {
            const std::string n = e->d_name;
            if (n.ends_with("-event-kbd"))
                keyboards += (keyboards.empty() ? "/dev/input/by-id/" : ", /dev/input/by-id/") + n;
        }
        ::closedir(d);
    }
    line("keyboards", true, keyboards.empty() ? "none" : keyboards);
    if (!c.raiseHandKeyDevice.empty()) {
        // Opened as the endpoint opens it, so that a missing `input` group shows here.
        const int fd = ::open(c.raiseHandKeyDevice.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        const int e = errno;
        if (fd >= 0) ::close(fd);
        ok &= line("raise-hand key " + keyName(c.raiseHandKey) + " on " + c.raiseHandKeyDevice,
                   fd >= 0,
                   fd >= 0 ? "found"
                           : std::string("not found (") + std::strerror(e) +
                                 "): the hand is raised over HTTP only until it is "
                                 "plugged in");
    }
    std::cout << "elements:\n";
    for (const char* e :
         {"vah264enc", "vaapih264enc", "v4l2h264enc", "x264enc", "openh264enc", "vp8enc"}) {
        line(e, true, has(e) ? "present" : "absent");
    }
    std::string error;
    auto enc = chooseEncoder(c.codec, c.videoBitrateKbps, has, &error);
    ok &= line(
        "video encoder", enc.has_value(),
        enc ? enc->element + " (" + enc->codec + (enc->hardware ? ", hardware)" : ", software)")
            : error);
    ok &= line("textoverlay (Pango, gstreamer1.0-x)", has("textoverlay"), "");
    ok &= line("intervideosrc (gstreamer1.0-plugins-bad)", has("intervideosrc"), "");
    ok &= line("webrtcbin", has("webrtcbin"), "");
    if (c.echoCancel) ok &= line("webrtcdsp (echo cancellation)", has("webrtcdsp"), "");
    std::cout << "token:\n";
    auto token = currentToken(c, &error);
    ok &= line("token", token.has_value(),
               token ? "unit " + tokenClaim(*token, "unit").value_or("?") + ", role " +
                           tokenClaim(*token, "role").value_or("?")
                     : error);
    if (token && c.meeting.empty()) {
        // No `meeting`: the hall asks for its unit's next one, which takes a token for any.
        const auto meeting = tokenClaim(*token, "meeting").value_or("");
        ok &= line("meeting", meeting == "*",
                   meeting == "*" ? std::string("the unit's next meeting (GET /api/next-meeting)")
                                  : "no `meeting` configured: the token must be for --meeting "
                                    "'*', not '" +
                                        meeting + "'");
    }
    std::cout << "server:\n";
    auto url = vcb::gstclient::Url::parse(c.server);
    if (!url) {
        ok &= line("server URL", false, c.server);
    } else {
        // wss: the same TLS and verification as the session's (ca_file or the system's store).
        vcb::gstclient::HttpClient http(std::chrono::seconds(5), c.caFile);
        const std::string health = std::string(url->tls() ? "https://" : "http://") + url->host +
                                   ":" + std::to_string(url->port) + "/healthz";
        auto r = http.get(health);
        const std::string trust = !url->tls()        ? ""
                                  : c.caFile.empty() ? ", TLS verified (system CAs)"
                                                     : ", TLS verified (CA file " + c.caFile + ")";
        ok &= line(health, r.status == 200,
                   r.status ? "HTTP " + std::to_string(r.status) + trust : r.error);
    }
    std::cout << (ok ? "all checks passed\n" : "some checks failed\n");
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    po::options_description desc("vcb-room: the unattended hall endpoint");
    desc.add_options()("help", "this help")("version", "print the version")(
        "config", po::value<std::string>(), "config file (key = value; deploy/vcb-room.conf)")(
        "check", "report devices, encoders, the token and whether the server answers, then exit");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "vcb-room: " << e.what() << "\n" << desc;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << desc;
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "vcb-room " << kRoomVersion << "\n";
        return 0;
    }
    if (!vm.count("config")) {
        std::cerr << "vcb-room: --config FILE is required\n" << desc;
        return 2;
    }
    auto loaded = loadRoomConfig(vm["config"].as<std::string>());
    if (!loaded.config) {
        std::cerr << "vcb-room: " << loaded.error->message << "\n";
        return 2;
    }
    if (vm.count("check")) return check(*loaded.config);

    struct sigaction sa {};
    sa.sa_handler = onSignal;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    RoomEndpoint endpoint(*loaded.config, vm["config"].as<std::string>());
    std::string error;
    if (!endpoint.start(&error)) {
        std::cerr << "vcb-room: " << error << "\n";
        return 1;  // systemd restarts it (Restart=always)
    }
    sdNotify("READY=1");
    endpoint.run(gStop, [&] {
        sdNotify("WATCHDOG=1\nSTATUS=" + std::string(phaseName(endpoint.status().phase)));
    });
    sdNotify("STOPPING=1");
    return 0;
}
