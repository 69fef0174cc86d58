#pragma once

typedef struct _GstElement GstElement;

namespace vcb::gstclient {

// gst_init() exactly once per process, thread-safe. Every client calls it before building
// pipelines so tests and tools need no setup of their own.
void ensureGstInitialized();

// Counts `pipeline` as alive until its last reference is dropped (a GObject weak reference,
// notified when GLib disposes it, not a call in our own teardown): a reference leaked anywhere
// keeps it counted. Every pipeline the clients build (WebRtcPeer, the hall's TV) is registered
// here, so a long-running test can see that none is left behind.
void trackPipeline(GstElement* pipeline);

// Pipelines registered with trackPipeline() and not yet disposed, in this process.
int livePipelines();

}  // namespace vcb::gstclient
