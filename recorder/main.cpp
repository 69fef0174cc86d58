// vcb-recorder: records a meeting's groups (programme, participants) from plain RTP/RTCP on
// 127.0.0.1 into crash-safe Matroska/WebM files with a JSON sidecar. See docs/recording.md.

#include "recorder/Recorder.hpp"
#include "recorder/Sidecar.hpp"
#include "recorder/Storage.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv) {
    vcb::recorder::Options o;
    std::string finalizeDir;
    po::options_description desc("vcb-recorder options");
    desc.add_options()
        ("help,h", "this help")
        ("dir", po::value(&o.dir), "recording directory (created 0700)")
        ("id", po::value(&o.id), "recording id (file names use it, sanitised to [a-z0-9._-])")
        ("meeting", po::value(&o.meeting), "meeting id (sidecar only)")
        ("title", po::value(&o.title), "meeting title (sidecar only)")
        ("min-free-mb", po::value(&o.minFreeMiB)->default_value(1024), "refuse to start / stop below this free space")
        ("latency-ms", po::value(&o.latencyMs)->default_value(300), "jitter buffer latency")
        ("finalize", po::value(&finalizeDir), "complete the sidecars of dead recorders in DIR and exit");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "vcb-recorder: " << e.what() << "\n" << desc;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << desc;
        return 0;
    }
    if (!finalizeDir.empty()) {
        int errors = 0;
        for (const auto& line : vcb::recorder::finalizeInterrupted(finalizeDir)) {
            std::cout << line << "\n";
            if (line.rfind("error:", 0) == 0) ++errors;
        }
        return errors ? 1 : 0;
    }
    if (o.dir.empty() || o.id.empty()) {
        std::cerr << "vcb-recorder: --dir and --id are required\n" << desc;
        return 2;
    }
    if (o.latencyMs < 20 || o.latencyMs > 5000) {
        std::cerr << "vcb-recorder: --latency-ms must be 20..5000\n";
        return 2;
    }
    return vcb::recorder::runRecorder(o);
}
