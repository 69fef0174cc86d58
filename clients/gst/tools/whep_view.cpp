// vcb-whep-view: watches a WHEP endpoint and checks what it decodes. Exit 0 only if --frames
// video frames matched --expect and audio with signal arrived before --timeout; prints a JSON
// summary on stdout either way. With --janus URL --room N it subscribes to the first publisher of
// a Janus VideoRoom instead (same peer, same decoding and statistics).
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "clients/gst/JanusVideoRoom.hpp"
#include "clients/gst/PictureClassifier.hpp"
#include "clients/gst/WhepClient.hpp"

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    using namespace vcb::gstclient;
    std::string url;
    std::string janusUrl;
    std::uint64_t room = 1;
    std::string expect = "smpte";
    std::uint64_t frames = 60;
    double timeout = 30;
    po::options_description desc("vcb-whep-view options");
    desc.add_options()("help", "show help")("url", po::value(&url),
                                            "WHEP endpoint, http://host:port/whep/{meeting}")(
        "janus", po::value(&janusUrl), "instead of --url: Janus HTTP API, http://host:port/janus")(
        "room", po::value(&room), "Janus VideoRoom (default 1)")(
        "frames", po::value(&frames), "frames that must match (default 60)")(
        "expect", po::value(&expect), "expected picture: smpte or a colour")(
        "timeout", po::value(&timeout), "seconds (default 30)")(
        "progress", "print \"decoded <frames>\" every second while watching");
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
    if (!isKnownPicture(expect) || timeout <= 0 || url.empty() == janusUrl.empty()) {
        std::cerr << "bad --expect or --timeout, or not exactly one of --url and --janus\n";
        return 2;
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(timeout));
    // Exactly one of the two signallings; the peer (NACK/RTX settings, decoding) is the same.
    std::unique_ptr<WhepClient> whep;
    std::unique_ptr<JanusSubscriber> janus;
    if (janusUrl.empty()) {
        whep = std::make_unique<WhepClient>(WhepOptions{.url = url});
    } else {
        janus = std::make_unique<JanusSubscriber>(JanusOptions{.url = janusUrl, .room = room});
    }
    WebRtcPeer& peer = whep ? whep->peer() : janus->peer();
    std::string error;
    bool ok = false;
    const bool progress = vm.count("progress") > 0;
    auto lastProgress = std::chrono::steady_clock::now();
    if (whep ? whep->start(&error) : janus->start(&error)) {
        while (!ok && std::chrono::steady_clock::now() < deadline) {
            std::uint64_t matched = 0;
            std::uint64_t decoded = 0;
            bool audio = false;
            for (const auto& s : peer.incomingStreams()) {
                matched = std::max(matched, s.framesMatching(expect));
                decoded += s.framesDecoded;
                audio = audio || s.audioBuffersWithSignal > 0;
            }
            if (progress &&
                std::chrono::steady_clock::now() - lastProgress >= std::chrono::seconds(1)) {
                lastProgress = std::chrono::steady_clock::now();
                std::cout << "decoded " << decoded << std::endl;
            }
            ok = matched >= frames && audio;
            if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    boost::json::object summary;
    summary["ok"] = ok;
    summary["status"] = whep ? whep->session().status : 0;
    summary["connectionState"] = peer.connectionState();
    summary["error"] = error;
    boost::json::array streams;
    for (const auto& s : peer.incomingStreams()) {
        boost::json::object o;
        o["mid"] = s.mid;
        o["kind"] = s.kind;
        o["framesDecoded"] = s.framesDecoded;
        o["framesMatching"] = s.framesMatching(expect);
        o["lastPicture"] = s.lastPicture;
        o["audioBuffers"] = s.audioBuffers;
        o["audioBuffersWithSignal"] = s.audioBuffersWithSignal;
        o["maxRms"] = s.maxRms;
        o["maxGapMs"] = s.maxGapUs / 1000;
        streams.emplace_back(std::move(o));
    }
    summary["streams"] = std::move(streams);
    if (whep) {
        whep->stop();
    } else {
        janus->stop();
    }
    std::cout << boost::json::serialize(summary) << "\n";
    return ok ? 0 : 1;
}
