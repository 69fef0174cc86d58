#include "sfu/core/Worker.hpp"

#include <future>
#include <memory>

namespace vcb::sfu {

namespace {
struct Timer {
    std::function<bool()> fn;
};

gboolean runTimer(gpointer data) {
    return static_cast<Timer*>(data)->fn() ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}
void deleteTimer(gpointer data) { delete static_cast<Timer*>(data); }
}  // namespace

// The worker's one wake-up source: ready whenever posted work is waiting. It is created once, here
// on the constructing thread before the worker thread exists, so post() allocates nothing inside
// GLib: a GSource made on one thread and freed on another after a hand-over through GLib's own
// futex locks is a race ThreadSanitizer cannot see through (it reported exactly that).
struct Worker::WakeSource {
    GSource base;
    Worker* worker;
};

gboolean Worker::wakePrepare(GSource* source, gint* timeout) {
    *timeout = -1;
    return reinterpret_cast<WakeSource*>(source)->worker->drainScheduled_.load();
}

gboolean Worker::wakeCheck(GSource* source) {
    return reinterpret_cast<WakeSource*>(source)->worker->drainScheduled_.load();
}

gboolean Worker::wakeDispatch(GSource* source, GSourceFunc, gpointer) {
    reinterpret_cast<WakeSource*>(source)->worker->drain();
    return G_SOURCE_CONTINUE;
}

Worker::Worker(std::string name)
    : name_(std::move(name)),
      context_(g_main_context_new()),
      loop_(g_main_loop_new(context_, FALSE)) {
    static GSourceFuncs wakeFuncs = {&Worker::wakePrepare, &Worker::wakeCheck,
                                     &Worker::wakeDispatch, nullptr, nullptr, nullptr};
    wakeSource_ = g_source_new(&wakeFuncs, sizeof(WakeSource));
    reinterpret_cast<WakeSource*>(wakeSource_)->worker = this;
    g_source_set_priority(wakeSource_, G_PRIORITY_DEFAULT);
    g_source_attach(wakeSource_, context_);
}

Worker::~Worker() {
    stop();
    g_source_destroy(wakeSource_);
    g_source_unref(wakeSource_);
    g_main_loop_unref(loop_);
    g_main_context_unref(context_);
}

void Worker::start() {
    thread_ = std::thread([this] {
        threadId_ = std::this_thread::get_id();
        pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
        g_main_context_push_thread_default(context_);
        g_main_loop_run(loop_);
        // Run what was posted before stop() so owners can tear down cleanly on this thread.
        while (g_main_context_iteration(context_, FALSE)) {
        }
        g_main_context_pop_thread_default(context_);
    });
}

void Worker::stop() {
    if (!thread_.joinable()) return;
    post([this] { g_main_loop_quit(loop_); });
    thread_.join();
}

void Worker::post(std::function<void()> fn) {
    // Posted work goes through a mutex-guarded queue that the worker drains in order; the
    // persistent wake source only tells the loop that work is waiting. GLib's own locks are
    // futexes that ThreadSanitizer cannot see, so nothing posted crosses threads through GLib.
    bool wake = false;
    {
        std::lock_guard lock(queueMutex_);
        queue_.push_back(std::move(fn));
        wake = !drainScheduled_;
        drainScheduled_ = true;
    }
    // The wake source's prepare sees drainScheduled_ on the loop's next iteration; wake the loop
    // from its poll() (an eventfd write: nothing allocated, nothing shared but the fd).
    if (wake) g_main_context_wakeup(context_);
}

void Worker::drain() {
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(queueMutex_);
        batch.swap(queue_);
        drainScheduled_ = false;  // work posted from here on schedules the next drain
    }
    // Each closure (and what it captured) is released as soon as it has run, before the next.
    while (!batch.empty()) {
        std::function<void()> fn = std::move(batch.front());
        batch.pop_front();
        fn();
    }
}

void Worker::invoke(const std::function<void()>& fn) {
    if (isWorkerThread()) {
        fn();
        return;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    post([&fn, done] {
        fn();
        done->set_value();
    });
    future.wait();
}

guint Worker::addTimer(uint32_t intervalMs, std::function<bool()> fn) {
    GSource* source = g_timeout_source_new(intervalMs);
    g_source_set_callback(source, runTimer, new Timer{std::move(fn)}, deleteTimer);
    guint id = g_source_attach(source, context_);
    g_source_unref(source);
    return id;
}

void Worker::removeTimer(guint id) {
    // g_source_remove() would look in the global default context; ids are per context.
    if (id == 0) return;
    GSource* source = g_main_context_find_source_by_id(context_, id);
    if (source != nullptr) g_source_destroy(source);
}

}  // namespace vcb::sfu
