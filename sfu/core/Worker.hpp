#pragma once
#include <glib.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace vcb::sfu {

// One media worker: a thread running its own GLib main context (its sockets and timers). Every
// object of a meeting lives on exactly one worker and is touched only from its thread; other
// threads hand it work with post(). That is what lets the packet path run without locks.
class Worker {
  public:
    explicit Worker(std::string name);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void start();
    // Stops the loop after the work already posted has run, then joins the thread.
    void stop();

    // Thread-safe: runs fn on the worker thread, in order.
    void post(std::function<void()> fn);
    // Runs fn on the worker and waits for it (control path only; never from the worker itself).
    void invoke(const std::function<void()>& fn);

    // Calls fn every intervalMs on the worker until fn returns false. Worker thread only.
    guint addTimer(uint32_t intervalMs, std::function<bool()> fn);
    void removeTimer(guint id);

    GMainContext* context() const { return context_; }
    bool isWorkerThread() const { return std::this_thread::get_id() == threadId_.load(); }
    const std::string& name() const { return name_; }

  private:
    void drain();  // worker thread: runs everything posted so far, in order
    struct WakeSource;
    static gboolean wakePrepare(GSource* source, gint* timeout);
    static gboolean wakeCheck(GSource* source);
    static gboolean wakeDispatch(GSource* source, GSourceFunc, gpointer);

    std::string name_;
    GMainContext* context_;
    GMainLoop* loop_;
    std::thread thread_;
    std::atomic<std::thread::id> threadId_{};
    GSource* wakeSource_ = nullptr;  // created before the thread starts, lives as long as the context
    std::mutex queueMutex_;  // guards queue_; never held while running work
    std::deque<std::function<void()>> queue_;
    // Set (under queueMutex_) when work is queued, cleared when the worker takes the batch; read
    // without the lock by the wake source's prepare/check on the worker thread.
    std::atomic<bool> drainScheduled_{false};
};

}  // namespace vcb::sfu
