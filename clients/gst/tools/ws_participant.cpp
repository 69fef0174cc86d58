// vcb-ws-participant: joins a meeting over GET /ws, publishes a solid colour, and checks that the
// stream of each of --expect-peers remote participants decodes to the colour named by that
// participant's displayName (so run participants named red, green, blue with the same
// --pattern). Exit 0 on success; prints a JSON summary on stdout either way.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "clients/gst/PictureClassifier.hpp"
#include "clients/gst/WsParticipant.hpp"

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    using namespace vcb::gstclient;
    WsParticipantOptions options;
    std::size_t expectPeers = 2;
    std::uint64_t frames = 60;
    double timeout = 60;
    double publishFor = 0;
    std::string token;
    po::options_description desc("vcb-ws-participant options");
    desc.add_options()("help", "show help")("url", po::value(&options.url)->required(),
                                            "ws://host:port/ws or wss://host:port/ws")(
        "ca-file", po::value(&options.caFile),
        "wss: PEM CA certificate(s) to trust (default: the system's store)")(
        "meeting", po::value(&options.meeting)->required(), "meeting id")(
        "name", po::value(&options.displayName)->required(), "display name")(
        "pattern", po::value(&options.pattern), "colour to publish (default: the name)")(
        "expect-peers", po::value(&expectPeers), "remote participants to verify (default 2)")(
        "frames", po::value(&frames), "matching frames per peer (default 60)")(
        "timeout", po::value(&timeout), "seconds (default 60)")(
        "trace", po::bool_switch(&options.trace), "print the signalling frames on stderr")(
        "token", po::value(&token), "join token (auth: jwt)")(
        "ice-address", po::value(&options.iceAddress),
        "local IPv4 address for ICE (default: the server's, for a client on the same host)")(
        "publish-for", po::value(&publishFor),
        "only publish for this many seconds (no checks; exit 0 if the session lasted)");
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
    if (options.pattern.empty()) options.pattern = options.displayName;
    if (!token.empty()) options.token = token;
    if (!isKnownPicture(options.pattern) || timeout <= 0) {
        std::cerr << "bad --pattern or --timeout\n";
        return 2;
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(timeout));
    WsParticipant participant(options);
    std::string error;
    if (publishFor > 0) {
        const auto until = std::min(deadline, std::chrono::steady_clock::now() +
                                                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                      std::chrono::duration<double>(publishFor)));
        bool ok = participant.connect(&error) && participant.publish(&error);
        if (ok) {
            participant.runUntil([] { return false; }, until);
            ok = std::chrono::steady_clock::now() >= until;  // the connection lasted
        }
        if (!error.empty()) std::cerr << error << "\n";
        std::cout << participant.summaryJson() << "\n";
        participant.close();
        return ok ? 0 : 1;
    }
    bool ok =
        participant.connect(&error) && participant.publish(&error) &&
        participant.runUntil([&] { return participant.verified(expectPeers, frames); }, deadline);
    // Keep serving our own stream briefly so slower peers can finish their checks too.
    if (ok) {
        participant.runUntil(
            [] { return false; },
            std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(3)));
    }
    if (!error.empty()) std::cerr << error << "\n";
    std::cout << participant.summaryJson() << "\n";
    participant.close();
    return ok ? 0 : 1;
}
