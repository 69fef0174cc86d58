#include "clients/gst/GstRuntime.hpp"

#include <gst/gst.h>

#include <atomic>
#include <mutex>

namespace vcb::gstclient {

namespace {
std::atomic<int> gLivePipelines{0};

// GLib calls it as the object goes, from whichever thread drops the last reference.
void onPipelineGone(gpointer, GObject*) { gLivePipelines.fetch_sub(1); }
}  // namespace

void ensureGstInitialized() {
    static std::once_flag once;
    std::call_once(once, [] { gst_init(nullptr, nullptr); });
}

void trackPipeline(GstElement* pipeline) {
    if (!pipeline) return;
    gLivePipelines.fetch_add(1);
    g_object_weak_ref(G_OBJECT(pipeline), &onPipelineGone, nullptr);
}

int livePipelines() { return gLivePipelines.load(); }

}  // namespace vcb::gstclient
