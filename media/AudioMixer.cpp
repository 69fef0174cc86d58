#include "media/AudioMixer.hpp"

#include <gio/gio.h>
#include <gst/gst.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "common/Log.hpp"

namespace vcb::media {

std::atomic<uint64_t> MixerHost::restarts{0};
std::atomic<uint64_t> MixerHost::stalls{0};
std::atomic<int64_t> MixerHost::running{0};

namespace {
constexpr guint kRestartDelayMs = 500;
constexpr guint kWatchIntervalMs = 250;

int64_t monotonicMs() { return g_get_monotonic_time() / 1000; }

// A UDP socket bound to 127.0.0.1 on a port the kernel picks; null (error set) on failure.
GSocket* bindLoopback(uint16_t& port, std::string& error) {
    GError* gerror = nullptr;
    GSocket* socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &gerror);
    if (socket == nullptr) {
        error = std::string("mixer socket: ") + (gerror ? gerror->message : "?");
        g_clear_error(&gerror);
        return nullptr;
    }
    GInetAddress* lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress* any = g_inet_socket_address_new(lo, 0);
    g_object_unref(lo);
    const gboolean bound = g_socket_bind(socket, any, FALSE, &gerror);
    g_object_unref(any);
    GSocketAddress* local = bound ? g_socket_get_local_address(socket, &gerror) : nullptr;
    if (local == nullptr) {
        error = std::string("mixer socket bind: ") + (gerror ? gerror->message : "?");
        g_clear_error(&gerror);
        g_object_unref(socket);
        return nullptr;
    }
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
    return socket;
}
}  // namespace

// ---- the host thread -------------------------------------------------------------------------

struct MixerHost::Impl {
    GMainContext* context = g_main_context_new();
    GMainLoop* loop = g_main_loop_new(context, FALSE);
    std::thread thread;
    std::mutex mutex;  // guards stopped
    bool stopped = false;
    // Set when the host stops: work still queued (mixers built, inputs added under churn, e.g.
    // meetings created and deleted in quick succession) is skipped, so stopping takes the time of
    // tearing down the mixers that exist, not of the whole backlog.
    std::atomic<bool> draining{false};
    // Host thread only: every mixer whose pipeline this thread runs.
    std::map<AudioMixer::State*, std::shared_ptr<AudioMixer::State>> mixers;

    ~Impl() {
        g_main_loop_unref(loop);
        g_main_context_unref(context);
    }
    // Runs fn on the host thread, in order; false (fn dropped) once the host is stopping.
    bool post(std::function<void()> fn) {
        std::lock_guard lock(mutex);
        if (stopped) return false;
        invoke(std::move(fn));
        return true;
    }
    void invoke(std::function<void()> fn) {
        auto* f = new std::function<void()>(std::move(fn));
        g_main_context_invoke_full(
            context, G_PRIORITY_DEFAULT,
            [](gpointer p) -> gboolean {
                (*static_cast<std::function<void()>*>(p))();
                return G_SOURCE_REMOVE;
            },
            f, [](gpointer p) { delete static_cast<std::function<void()>*>(p); });
    }
};

// ---- one mixer, on the host thread ---------------------------------------------------------

struct AudioMixer::State {
    AudioMixerOptions options;
    MixerHost::Impl* host = nullptr;  // outlives the state (it owns it while it runs)
    GSocket* outSocket = nullptr;
    struct Input {
        GSocket* socket = nullptr;
        GstElement* bin = nullptr;
        GstPad* mixPad = nullptr;
    };
    std::map<std::string, Input> inputs;
    GstElement* pipeline = nullptr;
    GstElement* mix = nullptr;
    GSource* busWatch = nullptr;
    GSource* restartTimer = nullptr;
    GSource* latencyTimer = nullptr;
    GSource* watchTimer = nullptr;
    // Buffers the mixer has put out since its pipeline was built (streaming thread → host thread).
    std::atomic<uint64_t> outputBuffers{0};
    OutputWatch watch{options.stallRestartMs};
    // The watchdog's limit: doubles (up to 8 times the option) while rebuilt pipelines put out
    // nothing at all, so a host too slow to start one in time (a sanitizer build, a loaded
    // machine) is not caught in a loop of rebuilds; back to the option once output flowed.
    int64_t stallLimitMs = 0;
    GstPad* stallPad = nullptr;  // injectStall(): the pad its blocking probe sits on
    bool closed = false;

    ~State() {
        teardown();
        for (auto& [key, in] : inputs) g_object_unref(in.socket);
        if (outSocket) g_object_unref(outSocket);
    }

    bool build() {
        const AudioMixerOptions& o = options;
        const std::string caps = "audio/x-raw,format=S16LE,rate=48000,channels=2";
        // The silent live source keeps the mix running (and its clock) while no input has data;
        // audiomixer in live mode waits for an input at most its latency, so a starved input
        // (a closed gate, a publisher gone quiet) never holds the mix up.
        const std::string desc =
            "audiotestsrc is-live=true wave=silence samplesperbuffer=480 ! " + caps +
            " ! audiomixer name=mix ignore-inactive-pads=true latency=" +
            std::to_string(int64_t(o.mixerLatencyMs) * GST_MSECOND) +
            // Inputs come and go while it plays: it waits for them as their jitter buffers say
            // from the start (else the first input's buffers would all arrive too late).
            " min-upstream-latency=" + std::to_string(int64_t(o.jitterLatencyMs) * GST_MSECOND) +
            " output-buffer-duration=" + std::to_string(10 * GST_MSECOND) + " ! " + caps +
            " ! opusenc frame-size=" + std::to_string(o.opusFrameMs) +
            " bitrate=" + std::to_string(o.bitrate) +
            " ! rtpopuspay pt=" + std::to_string(o.outputPayloadType) +
            " ssrc=" + std::to_string(o.outputSsrc) +
            " ! udpsink name=out host=127.0.0.1 port=" + std::to_string(o.outputPort) +
            " sync=false async=false close-socket=false";
        GError* gerror = nullptr;
        pipeline = gst_parse_launch(desc.c_str(), &gerror);
        if (pipeline == nullptr || gerror != nullptr) {
            VCB_LOG_ERROR("mixer %s: cannot build: %s", o.name.c_str(),
                          gerror ? gerror->message : "?");
            g_clear_error(&gerror);
            if (pipeline) gst_object_unref(pipeline);
            pipeline = nullptr;
            return false;
        }
        GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
        g_object_set(out, "socket", outSocket, nullptr);
        gst_object_unref(out);
        mix = gst_bin_get_by_name(GST_BIN(pipeline), "mix");
        // Every buffer the mix puts out passes here (the encoder's input): the stall watchdog's count.
        outputBuffers = 0;
        GstPad* mixSrc = gst_element_get_static_pad(mix, "src");
        gst_pad_add_probe(
            mixSrc, GST_PAD_PROBE_TYPE_BUFFER,
            +[](GstPad*, GstPadProbeInfo*, gpointer self) {
                static_cast<State*>(self)->outputBuffers.fetch_add(1, std::memory_order_relaxed);
                return GST_PAD_PROBE_OK;
            },
            this, nullptr);
        gst_object_unref(mixSrc);
        GstBus* bus = gst_element_get_bus(pipeline);
        busWatch = gst_bus_create_watch(bus);
        gst_object_unref(bus);
        g_source_set_callback(busWatch, reinterpret_cast<GSourceFunc>(+[](GstBus*, GstMessage* m,
                                                                          gpointer self) {
                                  static_cast<State*>(self)->onBusMessage(m);
                                  return gboolean(G_SOURCE_CONTINUE);
                              }),
                              this, nullptr);
        g_source_attach(busWatch, host->context);
        gst_element_set_state(pipeline, GST_STATE_PLAYING);
        // After a restart: the inputs join the playing pipeline as new ones do.
        for (auto& [key, in] : inputs) addBranch(key, in);
        settleLatency();
        startWatch();
        ++MixerHost::running;
        return true;
    }

    // The watchdog: a mix whose output stops while its pipeline plays is rebuilt. Seen rarely at
    // start-up (about 1 run in 20 of a test under load): audiomixer put out nothing at all until
    // an input was added or removed, with no message on the bus.
    void startWatch() {
        if (stallLimitMs == 0) stallLimitMs = options.stallRestartMs;
        watch = OutputWatch(stallLimitMs);
        watch.start(outputBuffers.load(), monotonicMs());
        if (watchTimer != nullptr) return;
        watchTimer = g_timeout_source_new(kWatchIntervalMs);
        g_source_set_callback(
            watchTimer,
            +[](gpointer self) -> gboolean {
                static_cast<State*>(self)->checkOutput();
                return G_SOURCE_CONTINUE;
            },
            this, nullptr);
        g_source_attach(watchTimer, host->context);
    }
    void checkOutput() {
        if (pipeline == nullptr || closed || restartTimer != nullptr) return;
        if (!watch.stalled(outputBuffers.load(std::memory_order_relaxed), monotonicMs())) return;
        const uint64_t out = outputBuffers.load();
        VCB_LOG_WARN("mixer %s: no output for %lld ms (%llu buffers since it started, %zu "
                     "inputs, %s); rebuilding the pipeline",
                     options.name.c_str(), static_cast<long long>(stallLimitMs),
                     static_cast<unsigned long long>(out), inputs.size(),
                     latencyTimer != nullptr ? "not yet live" : "live");
        stallLimitMs = out == 0 ? std::min<int64_t>(stallLimitMs * 2, 8 * int64_t(options.stallRestartMs))
                                : options.stallRestartMs;
        ++MixerHost::stalls;
        scheduleRestart(0);
    }

    // Until a latency query through the mixer succeeds, audiomixer does not know it is live and
    // waits for data on every input instead of its deadline: one input without data (a closed
    // gate) would then stall the mix, and a serialized query of a starting input would wait for it
    // for ever. The query fails while the silent source has not negotiated its caps yet (it cannot
    // tell its latency before) — the first moments of the pipeline — so it is repeated every
    // 20 ms until it succeeds.
    // The query goes to audiomixer itself: the pipeline's own recalculation stops at udpsink,
    // which does not sync and so never asks upstream.
    bool queryMixerLatency() {
        if (pipeline == nullptr) return true;
        GstQuery* q = gst_query_new_latency();
        gboolean live = FALSE;
        const bool ok = gst_element_query(mix, q);
        if (ok) gst_query_parse_latency(q, &live, nullptr, nullptr);
        gst_query_unref(q);
        gst_bin_recalculate_latency(GST_BIN(pipeline));
        return ok && live;
    }
    void settleLatency() {
        if (pipeline == nullptr || latencyTimer != nullptr) return;
        if (queryMixerLatency()) return;
        latencyTimer = g_timeout_source_new(20);
        g_source_set_callback(
            latencyTimer,
            +[](gpointer self) -> gboolean {
                auto* s = static_cast<State*>(self);
                if (!s->queryMixerLatency()) return G_SOURCE_CONTINUE;
                g_source_unref(s->latencyTimer);
                s->latencyTimer = nullptr;
                return G_SOURCE_REMOVE;
            },
            this, nullptr);
        g_source_attach(latencyTimer, host->context);
    }

    void teardown() {
        if (watchTimer) {
            g_source_destroy(watchTimer);
            g_source_unref(watchTimer);
            watchTimer = nullptr;
        }
        if (latencyTimer) {
            g_source_destroy(latencyTimer);
            g_source_unref(latencyTimer);
            latencyTimer = nullptr;
        }
        if (restartTimer) {
            g_source_destroy(restartTimer);
            g_source_unref(restartTimer);
            restartTimer = nullptr;
        }
        if (pipeline == nullptr) return;
        gst_element_set_state(pipeline, GST_STATE_NULL);  // also frees a probe blocked in it
        if (stallPad) gst_object_unref(stallPad);
        stallPad = nullptr;
        if (busWatch) {
            g_source_destroy(busWatch);
            g_source_unref(busWatch);
            busWatch = nullptr;
        }
        for (auto& [key, in] : inputs) {
            if (in.mixPad) gst_object_unref(in.mixPad);  // released with the pipeline
            in.mixPad = nullptr;
            in.bin = nullptr;  // owned by the pipeline
        }
        gst_object_unref(mix);
        mix = nullptr;
        gst_object_unref(pipeline);
        pipeline = nullptr;
        --MixerHost::running;
    }

    // udpsrc → jitter buffer → depayload → decode → to the mixer's format → a new mixer pad.
    void addBranch(const std::string& key, Input& in) {
        const AudioMixerOptions& o = options;
        const std::string desc =
            "udpsrc name=src close-socket=false ! " +
            (o.jitterLatencyMs > 0 ? "rtpjitterbuffer latency=" +
                                         std::to_string(o.jitterLatencyMs) +
                                         " drop-on-latency=true ! "
                                   : std::string()) +
            "rtpopusdepay ! opusdec plc=true ! audioconvert !"
            " audioresample ! capsfilter caps=audio/x-raw,format=S16LE,rate=48000,channels=2";
        GError* gerror = nullptr;
        GstElement* bin = gst_parse_bin_from_description(desc.c_str(), TRUE, &gerror);
        if (bin == nullptr || gerror != nullptr) {
            VCB_LOG_ERROR("mixer %s: input %s: %s", o.name.c_str(), key.c_str(),
                          gerror ? gerror->message : "?");
            g_clear_error(&gerror);
            if (bin) gst_object_unref(bin);
            return;
        }
        GstElement* src = gst_bin_get_by_name(GST_BIN(bin), "src");
        GstCaps* caps = gst_caps_new_simple(
            "application/x-rtp", "media", G_TYPE_STRING, "audio", "encoding-name", G_TYPE_STRING,
            "OPUS", "clock-rate", G_TYPE_INT, 48000, "payload", G_TYPE_INT,
            int(o.inputPayloadType), nullptr);
        g_object_set(src, "socket", in.socket, "caps", caps, nullptr);
        gst_caps_unref(caps);
        gst_object_unref(src);
        gst_bin_add(GST_BIN(pipeline), bin);
        GstPad* mixPad = gst_element_request_pad_simple(mix, "sink_%u");
        GstPad* binSrc = gst_element_get_static_pad(bin, "src");
        const GstPadLinkReturn linked = gst_pad_link(binSrc, mixPad);
        gst_object_unref(binSrc);
        if (linked != GST_PAD_LINK_OK) {
            VCB_LOG_ERROR("mixer %s: input %s: cannot link (%d)", o.name.c_str(), key.c_str(),
                          int(linked));
            gst_element_release_request_pad(mix, mixPad);
            gst_object_unref(mixPad);
            gst_bin_remove(GST_BIN(pipeline), bin);
            return;
        }
        in.bin = bin;
        in.mixPad = mixPad;
        gst_element_sync_state_with_parent(bin);
        // The mixer waits for its inputs as long as their latency (the jitter buffer's) says.
        settleLatency();
    }

    // The mixer's pad is flushed first: a serialized query or buffer of the branch waiting in
    // the aggregator (e.g. the decoder's allocation query while the mix is not yet live) returns
    // FLUSHING, so stopping the branch cannot wait forever on its streaming thread (a deadlock
    // seen under churn: meetings and publishers created and deleted in quick succession). Then
    // the branch stops (its threads end) and leaves the mixer and the pipeline.
    void removeBranch(Input& in) {
        if (pipeline == nullptr || in.bin == nullptr) return;
        gst_pad_send_event(in.mixPad, gst_event_new_flush_start());
        gst_element_set_state(in.bin, GST_STATE_NULL);
        GstPad* binSrc = gst_element_get_static_pad(in.bin, "src");
        gst_pad_unlink(binSrc, in.mixPad);
        gst_object_unref(binSrc);
        gst_element_release_request_pad(mix, in.mixPad);
        gst_object_unref(in.mixPad);
        gst_bin_remove(GST_BIN(pipeline), in.bin);
        in.bin = nullptr;
        in.mixPad = nullptr;
    }

    void onBusMessage(GstMessage* m) {
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_LATENCY) {
            // An input joined (its jitter buffer adds latency): the mixer's wait follows it.
            settleLatency();
            return;
        }
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
            GError* err = nullptr;
            gst_message_parse_warning(m, &err, nullptr);
            VCB_LOG_WARN("mixer %s: %s: %s", options.name.c_str(), GST_OBJECT_NAME(m->src),
                         err ? err->message : "?");
            g_clear_error(&err);
            return;
        }
        if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_ERROR || closed || restartTimer) return;
        GError* err = nullptr;
        gchar* debug = nullptr;
        gst_message_parse_error(m, &err, &debug);
        VCB_LOG_ERROR("mixer %s: %s: %s (%s); restarting in %u ms", options.name.c_str(),
                      GST_OBJECT_NAME(m->src), err ? err->message : "?", debug ? debug : "",
                      kRestartDelayMs);
        g_clear_error(&err);
        g_free(debug);
        ++MixerHost::restarts;
        scheduleRestart(kRestartDelayMs);
    }

    void scheduleRestart(guint delayMs) {
        // Not from inside the bus watch's (or the watchdog's) dispatch: teardown destroys them.
        restartTimer = g_timeout_source_new(delayMs);
        g_source_set_callback(
            restartTimer,
            +[](gpointer self) -> gboolean {
                auto* s = static_cast<State*>(self);
                g_source_unref(s->restartTimer);
                s->restartTimer = nullptr;  // this source ends by returning REMOVE
                s->teardown();
                if (!s->closed && !s->build()) s->scheduleRestart(kRestartDelayMs);
                return G_SOURCE_REMOVE;
            },
            this, nullptr);
        g_source_attach(restartTimer, host->context);
    }

    void injectFault() {
        if (pipeline == nullptr) return;
        GError* err = g_error_new_literal(GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "injected fault");
        gst_element_post_message(mix, gst_message_new_error(GST_OBJECT(mix), err, "test"));
        g_error_free(err);
    }

    void injectStall() {
        if (pipeline == nullptr || stallPad != nullptr) return;
        stallPad = gst_element_get_static_pad(mix, "src");
        gst_pad_add_probe(
            stallPad,
            static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER),
            +[](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_OK; }, nullptr,
            nullptr);
    }
};

// ---- host ------------------------------------------------------------------------------------

MixerHost::MixerHost() : impl_(std::make_shared<Impl>()) {
    gst_init(nullptr, nullptr);  // idempotent
    Impl* impl = impl_.get();
    impl->thread = std::thread([impl] {
        g_main_context_push_thread_default(impl->context);
        g_main_loop_run(impl->loop);
        g_main_context_pop_thread_default(impl->context);
    });
}

MixerHost::~MixerHost() {
    Impl* impl = impl_.get();
    {
        std::lock_guard lock(impl->mutex);
        impl->stopped = true;
        impl->draining = true;
        // After everything posted before: the mixers left go, then the loop ends.
        impl->invoke([impl] {
            impl->mixers.clear();
            g_main_loop_quit(impl->loop);
        });
    }
    impl->thread.join();
    // Sources still attached (none normally) are dropped with the context.
}

// ---- the owner's handle ----------------------------------------------------------------------

std::shared_ptr<AudioMixer> AudioMixer::create(MixerHost& host, AudioMixerOptions options,
                                               std::string& error) {
    std::shared_ptr<AudioMixer> mixer(new AudioMixer());
    auto state = std::make_shared<State>();
    state->options = std::move(options);
    state->host = host.impl().get();
    state->outSocket = bindLoopback(mixer->sourcePort_, error);
    if (state->outSocket == nullptr) return nullptr;
    mixer->host_ = host.impl();
    mixer->state_ = state;
    const bool posted = host.impl()->post([state, impl = host.impl().get()] {
        if (impl->draining) return;
        impl->mixers.emplace(state.get(), state);
        if (!state->build()) state->scheduleRestart(kRestartDelayMs);
    });
    if (!posted) {
        error = "the mixer host is stopping";
        return nullptr;
    }
    return mixer;
}

AudioMixer::~AudioMixer() { close(); }

void AudioMixer::post(std::function<void(State&)> fn, std::function<void()> skipped) {
    auto host = host_.lock();
    if (!host || closed_ || !state_) {
        if (skipped) skipped();
        return;
    }
    const bool posted = host->post([state = state_, fn = std::move(fn), skipped] {
        if (!state->closed && !state->host->draining) {
            fn(*state);
        } else if (skipped) {
            skipped();
        }
    });
    if (!posted && skipped) skipped();
}

std::optional<uint16_t> AudioMixer::addInput(const std::string& key, std::string& error) {
    if (closed_ || keys_.count(key) != 0) {
        error = closed_ ? "mixer closed" : "input exists";
        return std::nullopt;
    }
    uint16_t port = 0;
    GSocket* socket = bindLoopback(port, error);
    if (socket == nullptr) return std::nullopt;
    keys_.insert(key);
    post([key, socket](State& s) {
        auto [it, fresh] = s.inputs.emplace(key, State::Input{socket, nullptr, nullptr});
        if (!fresh) {
            g_object_unref(socket);
            return;
        }
        if (s.pipeline) s.addBranch(key, it->second);
    }, [socket] { g_object_unref(socket); });
    return port;
}

void AudioMixer::removeInput(const std::string& key) {
    if (keys_.erase(key) == 0) return;
    post([key](State& s) {
        auto it = s.inputs.find(key);
        if (it == s.inputs.end()) return;
        s.removeBranch(it->second);
        g_object_unref(it->second.socket);
        s.inputs.erase(it);
    });
}

void AudioMixer::injectFault() {
    post([](State& s) { s.injectFault(); });
}

void AudioMixer::injectStall() {
    post([](State& s) { s.injectStall(); });
}

void AudioMixer::close() {
    if (closed_) return;
    auto host = host_.lock();
    closed_ = true;
    keys_.clear();
    if (!host) return;
    // The handle gives its reference away: the state (and its pipeline) must end on the host
    // thread, never in the owner's (a worker's) hands.
    host->post([state = std::move(state_), impl = host.get()] {
        state->closed = true;
        impl->mixers.erase(state.get());  // the last reference but this closure's
    });
}

}  // namespace vcb::media
