#include "clients/loadgen/LoopThread.hpp"

#include <algorithm>

#include "clients/loadgen/Clock.hpp"

namespace vcb::loadgen {

namespace {
gboolean runAndFree(gpointer data) {
    (*static_cast<std::function<void()>*>(data))();
    return G_SOURCE_REMOVE;
}
void deleteFunction(gpointer data) { delete static_cast<std::function<void()>*>(data); }
gboolean quitLoop(gpointer loop) {
    g_main_loop_quit(static_cast<GMainLoop*>(loop));
    return G_SOURCE_REMOVE;
}
}  // namespace

LoopThread::LoopThread() : context_(g_main_context_new()), loop_(g_main_loop_new(context_, FALSE)) {
    tick_ = g_timeout_source_new(1);
    g_source_set_callback(tick_, &LoopThread::onTimer, this, nullptr);
    g_source_attach(tick_, context_);
    thread_ = std::thread([this] {
        g_main_context_push_thread_default(context_);
        g_main_loop_run(loop_);
        g_main_context_pop_thread_default(context_);
    });
}

LoopThread::~LoopThread() {
    GSource* quit = g_idle_source_new();
    g_source_set_callback(quit, &quitLoop, loop_, nullptr);
    g_source_attach(quit, context_);
    g_source_unref(quit);
    thread_.join();
    g_source_destroy(tick_);
    g_source_unref(tick_);
    // Let sources that libnice removed on close release their resources.
    for (int i = 0; i < 100 && g_main_context_iteration(context_, FALSE); ++i) {
    }
    g_main_loop_unref(loop_);
    g_main_context_unref(context_);
}

void LoopThread::post(std::function<void()> f) {
    g_main_context_invoke_full(context_, G_PRIORITY_DEFAULT, &runAndFree,
                               new std::function<void()>(std::move(f)), &deleteFunction);
}

void LoopThread::addTicker(Ticker* ticker) { tickers_.push_back(ticker); }

void LoopThread::removeTicker(Ticker* ticker) {
    tickers_.erase(std::remove(tickers_.begin(), tickers_.end(), ticker), tickers_.end());
}

gboolean LoopThread::onTimer(gpointer self) {
    auto* loop = static_cast<LoopThread*>(self);
    int64_t now = nowUs();
    // Index loop: a ticker may not add or remove tickers, but stay safe if the vector changes.
    for (size_t i = 0; i < loop->tickers_.size(); ++i) loop->tickers_[i]->onTick(now);
    return G_SOURCE_CONTINUE;
}

}  // namespace vcb::loadgen
