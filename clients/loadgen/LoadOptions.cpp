#include "clients/loadgen/LoadOptions.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "protocol/Validation.hpp"

namespace vcb::loadgen {

#ifndef VCB_LOADGEN_DEFAULT_CAPTURE
#define VCB_LOADGEN_DEFAULT_CAPTURE "clients/loadgen/media/vp8-opus.rtp"
#endif

std::string LoadOptions::meetingFor(unsigned publisher) const {
    return publishers == 1 || mesh ? meeting : meeting + "-" + std::to_string(publisher);
}

unsigned LoadOptions::totalSubscribers() const {
    return mesh ? publishers * (publishers - 1) : publishers * subscribersPerPublisher;
}

LoadOptions::ParseOutcome LoadOptions::parse(int argc, const char* const* argv, LoadOptions& out,
                                             std::string& message) {
    namespace po = boost::program_options;
    LoadOptions o;
    o.capture = VCB_LOADGEN_DEFAULT_CAPTURE;
    po::options_description desc(
        "vcb-loadgen: many synthetic WebRTC publishers/subscribers in one process\nOptions");
    desc.add_options()("help,h", "show this help")(
        "server", po::value(&o.server)->default_value(o.server),
        "server base URL (vcbridge, or Janus's HTTP transport with --protocol janus)")(
        "protocol", po::value(&o.protocol)->default_value(o.protocol),
        "signaling driver: whip-whep (vcbridge) or janus (Janus VideoRoom, HTTP API)")(
        "meeting", po::value(&o.meeting)->default_value(o.meeting),
        "meeting id; with several publishers, publisher i uses <meeting>-<i>")(
        "publishers", po::value(&o.publishers)->default_value(o.publishers),
        "publishers (one per meeting)")(
        "subscribers-per-publisher",
        po::value(&o.subscribersPerPublisher)->default_value(o.subscribersPerPublisher),
        "WHEP viewers of each publisher's meeting programme")(
        "mesh", po::bool_switch(&o.mesh),
        "one meeting where every publisher watches every other publisher")(
        "video-bitrate", po::value(&o.videoBitrateKbps)->default_value(0),
        "video kbit/s per publisher, reached by replicating capture packets (0 = capture rate)")(
        "packet-rate", po::value(&o.videoPacketRate)->default_value(0),
        "video packets/s per publisher, by replication (0 = capture rate)")(
        "duration", po::value(&o.durationS)->default_value(o.durationS),
        "seconds of sending after the ramp-up")("ramp-up",
                                                po::value(&o.rampUpS)->default_value(o.rampUpS),
                                                "seconds over which endpoint starts are spread")(
        "threads", po::value(&o.threads)->default_value(o.threads), "event-loop threads")(
        "signaling-threads", po::value(&o.signalingThreads)->default_value(o.signalingThreads),
        "concurrent WHIP/WHEP requests")(
        "subscriber-pli", po::value(&o.subscriberPliMs)->default_value(o.subscriberPliMs),
        "ms between a subscriber's PLIs while it has video but no key frame (0 = never)")(
        "drain", po::value(&o.drainS)->default_value(o.drainS),
        "seconds subscribers keep receiving after publishers stop")(
        "capture", po::value(&o.capture)->default_value(o.capture),
        "RTP capture (RFC 4571 framing, VP8 PT 96 + Opus PT 111)")(
        "local-ip", po::value(&o.localIp)->default_value(o.localIp), "address for ICE");
    std::ostringstream usage;
    usage << desc;
    try {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            message = usage.str();
            return ParseOutcome::Help;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        message = std::string(e.what()) + "\n" + usage.str();
        return ParseOutcome::Error;
    }
    std::string problem;
    if (o.protocol != "whip-whep" && o.protocol != "janus") {
        problem = "--protocol must be whip-whep or janus";
    } else if (o.mesh && (o.publishers < 2 || o.publishers > 100)) {
        problem = "--mesh needs 2..100 publishers";
    } else if (o.publishers == 0 || o.publishers > 10000) {
        problem = "--publishers must be 1..10000";
    } else if (o.subscribersPerPublisher > 10000) {
        problem = "--subscribers-per-publisher must be 0..10000";
    } else if (o.threads == 0 || o.threads > 256 || o.signalingThreads == 0 ||
               o.signalingThreads > 256) {
        problem = "--threads and --signaling-threads must be 1..256";
    } else if (!(o.durationS > 0) || o.durationS > 86400 || o.rampUpS < 0 || o.rampUpS > 3600 ||
               o.drainS < 0 || o.drainS > 60 || o.subscriberPliMs < 0 ||
               o.subscriberPliMs > 60000) {
        problem =
            "--duration must be in (0, 86400], --ramp-up in [0, 3600], --drain in [0, 60], "
            "--subscriber-pli in [0, 60000]";
    } else if (o.videoBitrateKbps < 0 || o.videoPacketRate < 0 ||
               (o.videoBitrateKbps > 0 && o.videoPacketRate > 0)) {
        problem = "--video-bitrate and --packet-rate are >= 0 and exclusive";
    } else if (!protocol::isValidMeetingId(o.meetingFor(o.publishers - 1))) {
        problem = "--meeting must match [A-Za-z0-9_-] and leave room for the -<i> suffix";
    }
    if (!problem.empty()) {
        message = problem + "\n" + usage.str();
        return ParseOutcome::Error;
    }
    out = std::move(o);
    return ParseOutcome::Run;
}

}  // namespace vcb::loadgen
