// vcb-whip-publish: publishes a live test picture (SMPTE bars or a solid colour) and a sine tone
// to a WHIP endpoint until --duration elapses or SIGINT/SIGTERM, then DELETEs the session.
// With --janus URL --room N it publishes the same media to a Janus VideoRoom instead.
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "clients/gst/JanusVideoRoom.hpp"
#include "clients/gst/PictureClassifier.hpp"
#include "clients/gst/WhipClient.hpp"

namespace {
volatile std::sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }
}  // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    using namespace vcb::gstclient;
    std::string url;
    std::string janusUrl;
    std::uint64_t room = 1;
    std::string pattern = "smpte";
    double duration = 30;
    bool corrupt = false;
    po::options_description desc("vcb-whip-publish options");
    desc.add_options()("help", "show help")("url", po::value(&url),
                                            "WHIP endpoint, http://host:port/whip/{meeting}")(
        "janus", po::value(&janusUrl), "instead of --url: Janus HTTP API, http://host:port/janus")(
        "room", po::value(&room), "Janus VideoRoom (created if missing; default 1)")(
        "pattern", po::value(&pattern), "smpte or a colour (red, green, blue, white, ...)")(
        "duration", po::value(&duration), "seconds to publish (default 30)")(
        "corrupt-fingerprint", po::bool_switch(&corrupt), "send a wrong DTLS fingerprint");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n" << desc << "\n";
        return 2;
    }
    if (!isKnownPicture(pattern) || duration <= 0 || url.empty() == janusUrl.empty()) {
        std::cerr << "bad --pattern or --duration, or not exactly one of --url and --janus\n";
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    // Exactly one of the two signallings; the peer (media, NACK/RTX settings) is the same.
    std::unique_ptr<WhipClient> whip;
    std::unique_ptr<JanusPublisher> janus;
    if (janusUrl.empty()) {
        whip = std::make_unique<WhipClient>(
            WhipOptions{.url = url, .pattern = pattern, .corruptFingerprint = corrupt});
    } else {
        janus = std::make_unique<JanusPublisher>(
            JanusOptions{.url = janusUrl, .room = room, .pattern = pattern});
    }
    WebRtcPeer& peer = whip ? whip->peer() : janus->peer();
    std::string error;
    if (!(whip ? whip->start(&error) : janus->start(&error))) {
        std::cout << R"({"ok":false,"status":)" << (whip ? whip->session().status : 0)
                  << R"(,"error":")"
                  << "start failed"
                  << "\"}\n";
        std::cerr << error << "\n";
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(duration));
    bool connected = false;
    while (!gStop && std::chrono::steady_clock::now() < end) {
        connected = connected || peer.connectionState() == "connected";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const std::string state = peer.connectionState();
    int deleteStatus = 0;
    if (whip) {
        deleteStatus = whip->stop();
    } else {
        janus->stop();
    }
    std::cout << R"({"ok":)" << (connected ? "true" : "false") << R"(,"status":201,"location":")"
              << (whip ? whip->session().location : janusUrl) << R"(","connected":)"
              << (connected ? "true" : "false") << R"(,"finalState":")" << state
              << R"(","deleteStatus":)" << deleteStatus << "}\n";
    return connected ? 0 : 1;
}
