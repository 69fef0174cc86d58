// Built into every executable that runs GStreamer pipelines, and only in ASan builds
// (tests/sanitize.sh). The leaks that GStreamer plugins leave at exit are suppressed by library
// name (tests/sanitizers/lsan.supp), which needs the slow unwinder: the system libraries have no
// frame pointers, so the fast one stops at g_malloc and nothing would match. Slow unwinding on
// every malloc costs ~10x, so only these processes pay for it: the test clients and, since it
// mixes the programme audio on GStreamer (media/), vcbridge, whose packet path allocates nothing;
// the other unit tests keep the fast unwinder. An explicit ASAN_OPTIONS setting still wins over this default.
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
