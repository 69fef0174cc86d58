#pragma once
// The programme audio mixer (issue 12): Opus RTP in on loopback UDP, one mixed Opus RTP stream
// out, built with GStreamer's audiomixer. Knows nothing of the media core or of meetings: its
// owner (rooms/LiveMeeting) connects its inputs and its output to plain transports of the router.
//
// Threads: every mixer of the process lives on one thread of the MixerHost (control: building
// and changing pipelines, bus messages, restarts); GStreamer adds the pipelines' streaming
// threads. The owner's calls never wait for either: they bind a socket (a system call) and post
// the rest to the host thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace vcb::media {

class MixerHost {
  public:
    MixerHost();   // gst_init() if needed, starts the host thread
    ~MixerHost();  // stops every mixer left (pipelines to NULL), then joins the thread
    MixerHost(const MixerHost&) = delete;
    MixerHost& operator=(const MixerHost&) = delete;

    struct Impl;
    const std::shared_ptr<Impl>& impl() const { return impl_; }

    // Counters of all mixers, for /metrics and tests.
    static std::atomic<uint64_t> restarts;  // pipelines rebuilt after a bus error
    static std::atomic<uint64_t> stalls;    // pipelines rebuilt because their output stopped
    static std::atomic<int64_t> running;    // mixers whose pipeline exists

  private:
    std::shared_ptr<Impl> impl_;
};

struct AudioMixerOptions {
    uint16_t outputPort = 0;  // 127.0.0.1:outputPort receives the mixed RTP (a plain transport)
    uint32_t outputSsrc = 0;
    uint8_t outputPayloadType = 111;
    uint8_t inputPayloadType = 111;  // what the inputs' plain consumers send
    // Per input rtpjitterbuffer (0: none; then audiomixer does not see its inputs as live with a
    // bounded latency and a starved input stalls the mix — kept only for experiments).
    int jitterLatencyMs = 20;
    int mixerLatencyMs = 15;  // audiomixer's own wait for late input, beyond the jitter buffer's
    int opusFrameMs = 20;
    int bitrate = 64000;
    // The mix's output never stops while its pipeline plays (a silent live source keeps it going):
    // no output buffer for this long means a stalled pipeline, which is rebuilt with its inputs.
    int stallRestartMs = 1500;
    std::string name = "mix";  // for logs
};

// One meeting's mix. Thread-compatible: one owner thread calls it; nothing blocks.
// The stall watchdog's rule, apart from GStreamer and clocks (times in ms, from the caller):
// stalled once the output count has not moved for `limitMs`, counted from the last change or from
// the pipeline's start.
class OutputWatch {
  public:
    explicit OutputWatch(int64_t limitMs) : limitMs_(limitMs) {}
    void start(uint64_t outputCount, int64_t nowMs) {
        lastCount_ = outputCount;
        lastChangeMs_ = nowMs;
        started_ = true;
    }
    // Returns true (once per stall; start() re-arms) when the output has been still too long.
    bool stalled(uint64_t outputCount, int64_t nowMs) {
        if (!started_) return false;
        if (outputCount != lastCount_) {
            lastCount_ = outputCount;
            lastChangeMs_ = nowMs;
            return false;
        }
        if (nowMs - lastChangeMs_ < limitMs_) return false;
        started_ = false;
        return true;
    }

  private:
    int64_t limitMs_;
    int64_t lastChangeMs_ = 0;
    uint64_t lastCount_ = 0;
    bool started_ = false;
};

class AudioMixer {
  public:
    // Binds the output socket (127.0.0.1, any port) and posts the pipeline's construction.
    static std::shared_ptr<AudioMixer> create(MixerHost& host, AudioMixerOptions options,
                                              std::string& error);
    ~AudioMixer();  // close()
    AudioMixer(const AudioMixer&) = delete;
    AudioMixer& operator=(const AudioMixer&) = delete;

    // The port the mixed RTP is sent from: the output transport accepts only this peer.
    uint16_t sourcePort() const { return sourcePort_; }
    // Binds a socket for a new input (127.0.0.1, any port) and posts its branch; the port is
    // where the input's RTP goes. Nullopt (error set) if the socket fails or the key is taken.
    std::optional<uint16_t> addInput(const std::string& key, std::string& error);
    void removeInput(const std::string& key);
    size_t inputCount() const { return keys_.size(); }
    // Posts the teardown; idempotent.
    void close();
    // For tests: posts a fault (an error message on the pipeline's bus, as a failing element
    // would), which makes the mixer restart its pipeline.
    void injectFault();
    // For tests: blocks the mixer's output (its streaming thread waits in a pad probe, as a stuck
    // aggregator would), which the stall watchdog must notice and repair.
    void injectStall();

    struct State;

  private:
    AudioMixer() = default;
    // Runs fn on the host thread unless the mixer closed or the host is stopping; then `skipped`
    // (releasing what fn would have taken) runs instead, on whichever thread finds out.
    void post(std::function<void(State&)> fn, std::function<void()> skipped = {});

    std::weak_ptr<MixerHost::Impl> host_;
    std::shared_ptr<State> state_;
    uint16_t sourcePort_ = 0;
    std::set<std::string> keys_;  // the inputs, as the owner sees them
    bool closed_ = false;
};

}  // namespace vcb::media
