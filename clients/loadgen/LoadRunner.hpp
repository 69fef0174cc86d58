#pragma once
// Runs one load test: starts publishers then subscribers (spread over the ramp-up) on
// --threads event loops, signals each through the SignalingDriver from a small pool of signaling
// threads, lets the publishers send for --duration, drains, collects every endpoint's counters
// and closes the sessions.
#include <atomic>
#include <optional>
#include <string>

#include "clients/loadgen/CaptureFile.hpp"
#include "clients/loadgen/LoadOptions.hpp"
#include "clients/loadgen/LoadSummary.hpp"
#include "clients/loadgen/SignalingDriver.hpp"

namespace vcb::loadgen {

class LoadRunner {
  public:
    // videoReplication: see StreamReplayer. interrupt (may be null) ends the sending phase early.
    LoadRunner(const LoadOptions& options, const CaptureFile& capture, SignalingDriver& driver,
               double videoReplication, const std::atomic<bool>* interrupt);

    // nullopt and error set if the run cannot start (DTLS identity).
    std::optional<LoadSummary> run(std::string& error);

  private:
    const LoadOptions& options_;
    const CaptureFile& capture_;
    SignalingDriver& driver_;
    double videoReplication_;
    const std::atomic<bool>* interrupt_;
};

}  // namespace vcb::loadgen
