// vcb-loadgen: many synthetic WebRTC publishers and subscribers in one process, without
// encoding or decoding. Prints one JSON summary line on stdout; progress and errors go to stderr.
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "clients/loadgen/CaptureFile.hpp"
#include "clients/loadgen/JanusVideoRoomDriver.hpp"
#include "clients/loadgen/LoadOptions.hpp"
#include "clients/loadgen/LoadRunner.hpp"
#include "clients/loadgen/StreamReplayer.hpp"
#include "clients/loadgen/WhipWhepDriver.hpp"

namespace {
std::atomic<bool> gInterrupted{false};
void onSignal(int) { gInterrupted.store(true); }
}  // namespace

int main(int argc, char** argv) {
    using namespace vcb::loadgen;
    LoadOptions options;
    std::string message;
    switch (LoadOptions::parse(argc, argv, options, message)) {
        case LoadOptions::ParseOutcome::Help:
            std::cout << message;
            return 0;
        case LoadOptions::ParseOutcome::Error:
            std::cerr << message;
            return 2;
        case LoadOptions::ParseOutcome::Run:
            break;
    }
    std::string error;
    auto capture = CaptureFile::load(options.capture, &error);
    if (!capture) {
        std::cerr << "capture: " << error << "\n";
        return 2;
    }
    double replication = 1.0;
    if (options.videoBitrateKbps > 0) {
        replication = options.videoBitrateKbps * 1000.0 / capture->video().bitrateBps();
    } else if (options.videoPacketRate > 0) {
        replication = options.videoPacketRate / capture->video().packetRate();
    }
    if (replication < 0.999 || replication > StreamReplayer::kMaxReplication) {
        std::cerr << "requested video rate is " << replication
                  << " times the capture's; it must be 1.." << StreamReplayer::kMaxReplication
                  << " (capture: " << capture->video().bitrateBps() / 1000.0 << " kbit/s, "
                  << capture->video().packetRate() << " packets/s)\n";
        return 2;
    }
    std::unique_ptr<SignalingDriver> driver;
    if (options.protocol == "janus") {
        driver = JanusVideoRoomDriver::create(options.server, error);
    } else {
        driver = WhipWhepDriver::create(options.server, error);
    }
    if (!driver) {
        std::cerr << error << "\n";
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    LoadRunner runner(options, *capture, *driver, std::max(1.0, replication), &gInterrupted);
    auto summary = runner.run(error);
    if (!summary) {
        std::cerr << error << "\n";
        return 1;
    }
    std::cout << summary->toJson() << std::endl;
    return summary->failures() == 0 ? 0 : 1;
}
