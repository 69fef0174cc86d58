#pragma once
// vcb-recorder's engine: one GStreamer pipeline per group (the programme, each participant),
// commands on stdin, events on stdout, all driven by one GLib main loop (docs/recording.md).

#include <cstdint>
#include <string>

namespace vcb::recorder {

struct Options {
    std::string dir;
    std::string id;       // recording id (sanitised before use)
    std::string meeting;  // meeting id, for the sidecar
    std::string title;
    std::uint64_t minFreeMiB = 1024;
    int latencyMs = 300;      // jitter buffer
    int stopTimeoutMs = 5000;  // per group, from stop to forced close
};

// Runs until stop / EOF on stdin / SIGTERM / disk low. Returns the process exit code:
// 0 stopped cleanly, 2 refused to start, 3 stopped because the disk filled, 4 a group failed.
int runRecorder(const Options& options);

}  // namespace vcb::recorder
