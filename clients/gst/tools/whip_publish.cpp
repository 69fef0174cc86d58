// vcb-whip-publish: publishes a live test picture (SMPTE bars or a solid colour) and a sine tone
// to a WHIP endpoint until --duration elapses or SIGINT/SIGTERM, then DELETEs the session.
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

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
    std::string pattern = "smpte";
    double duration = 30;
    bool corrupt = false;
    po::options_description desc("vcb-whip-publish options");
    desc.add_options()("help", "show help")("url", po::value(&url)->required(),
                                            "WHIP endpoint, http://host:port/whip/{meeting}")(
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
    if (!isKnownPicture(pattern) || duration <= 0) {
        std::cerr << "bad --pattern or --duration\n";
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    WhipClient client(WhipOptions{.url = url, .pattern = pattern, .corruptFingerprint = corrupt});
    std::string error;
    if (!client.start(&error)) {
        std::cout << R"({"ok":false,"status":)" << client.session().status << R"(,"error":")"
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
        connected = connected || client.peer().connectionState() == "connected";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const std::string state = client.peer().connectionState();
    const int deleteStatus = client.stop();
    std::cout << R"({"ok":)" << (connected ? "true" : "false") << R"(,"status":201,"location":")"
              << client.session().location << R"(","connected":)" << (connected ? "true" : "false")
              << R"(,"finalState":")" << state << R"(","deleteStatus":)" << deleteStatus << "}\n";
    return connected ? 0 : 1;
}
