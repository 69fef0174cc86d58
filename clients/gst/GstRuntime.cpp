#include "clients/gst/GstRuntime.hpp"

#include <gst/gst.h>

#include <mutex>

namespace vcb::gstclient {

void ensureGstInitialized() {
    static std::once_flag once;
    std::call_once(once, [] { gst_init(nullptr, nullptr); });
}

}  // namespace vcb::gstclient
