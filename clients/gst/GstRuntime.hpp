#pragma once

namespace vcb::gstclient {

// gst_init() exactly once per process, thread-safe. Every client calls it before building
// pipelines so tests and tools need no setup of their own.
void ensureGstInitialized();

}  // namespace vcb::gstclient
