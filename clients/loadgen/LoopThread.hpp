#pragma once
// One event-loop thread: a GMainContext (libnice delivers its packets there) plus a 1 ms pacing
// tick that drives every endpoint registered on it. Endpoints are created, driven and destroyed
// on this thread only, so they need no locks; other threads reach them through invoke().
#include <glib.h>

#include <functional>
#include <future>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace vcb::loadgen {

class LoopThread {
  public:
    class Ticker {
      public:
        virtual ~Ticker() = default;
        virtual void onTick(int64_t nowUs) = 0;
    };

    LoopThread();
    ~LoopThread();  // stops the loop and joins; tickers must have been removed
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;

    GMainContext* context() const { return context_; }

    // Runs f on the loop thread and waits for its result. Must not be called from the loop thread.
    template <typename F>
    auto invoke(F&& f) -> std::invoke_result_t<F> {
        using R = std::invoke_result_t<F>;
        std::packaged_task<R()> task(std::forward<F>(f));
        auto future = task.get_future();
        post([&task] { task(); });
        return future.get();
    }

    // Runs f on the loop thread later.
    void post(std::function<void()> f);

    // Loop thread only.
    void addTicker(Ticker* ticker);
    void removeTicker(Ticker* ticker);

  private:
    static gboolean onTimer(gpointer self);

    GMainContext* context_;
    GMainLoop* loop_;
    GSource* tick_ = nullptr;
    std::vector<Ticker*> tickers_;
    std::thread thread_;
};

}  // namespace vcb::loadgen
