#include "tests/recorder/RecorderHarness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <regex>
#include <thread>

namespace vcb::rectest {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

RecorderProcess::~RecorderProcess() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int st = 0;
        ::waitpid(pid_, &st, 0);
    }
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
}

bool RecorderProcess::start(const std::vector<std::string>& args, std::string* error) {
    int inPipe[2], outPipe[2];
    if (::pipe2(inPipe, O_CLOEXEC) != 0 || ::pipe2(outPipe, O_CLOEXEC) != 0) {
        *error = "pipe failed";
        return false;
    }
    std::vector<std::string> all{VCB_RECORDER_BIN};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) {
        *error = "fork failed";
        return false;
    }
    if (pid_ == 0) {
        ::dup2(inPipe[0], STDIN_FILENO);
        ::dup2(outPipe[1], STDOUT_FILENO);
        ::execv(all[0].c_str(), argv.data());
        ::_exit(127);
    }
    ::close(inPipe[0]);
    ::close(outPipe[1]);
    in_ = inPipe[1];
    out_ = outPipe[0];
    return true;
}

bool RecorderProcess::send(const json::object& cmd) {
    const std::string line = json::serialize(cmd) + "\n";
    return in_ >= 0 && ::write(in_, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

void RecorderProcess::closeStdin() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
}

bool RecorderProcess::readLine(Clock::time_point deadline) {
    while (true) {
        const auto nl = buf_.find('\n');
        if (nl != std::string::npos) {
            const std::string line = buf_.substr(0, nl);
            buf_.erase(0, nl + 1);
            json::error_code ec;
            auto v = json::parse(line, ec);
            if (!ec && v.is_object()) events_.push_back(v.as_object());
            else events_.push_back(json::object{{"event", "unparsed"}, {"line", line}});
            return true;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || out_ < 0) return false;
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        char tmp[4096];
        const ssize_t n = ::read(out_, tmp, sizeof tmp);
        if (n <= 0) {
            ::close(out_);
            out_ = -1;
            return false;
        }
        buf_.append(tmp, static_cast<std::size_t>(n));
        if (buf_.size() > (1 << 20)) buf_.clear();
    }
}

std::optional<json::object> RecorderProcess::waitEvent(const std::string& name, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        for (; consumed_ < events_.size(); ++consumed_) {
            const auto* e = events_[consumed_].if_contains("event");
            if (e && e->is_string() && e->as_string() == name) return events_[consumed_++];
        }
        if (!readLine(deadline)) return std::nullopt;
    }
}

std::optional<int> RecorderProcess::wait(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        // Keep reading stdout so the recorder never blocks on a full pipe.
        readLine(Clock::now() + std::chrono::milliseconds(20));
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
            while (readLine(Clock::now() + std::chrono::milliseconds(50))) {
            }
            return status_;
        }
    }
    return std::nullopt;
}

void RecorderProcess::kill9() {
    if (pid_ > 0 && !status_) ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(5));
}

std::string RecorderProcess::transcript() const {
    std::string out;
    for (const auto& e : events_) out += json::serialize(e) + "\n";
    return out;
}

std::vector<StreamPorts> portsOf(const json::object& groupAdded) {
    std::vector<StreamPorts> out;
    if (const auto* s = groupAdded.if_contains("streams"); s && s->is_array())
        for (const auto& e : s->as_array())
            out.push_back({static_cast<int>(e.at("rtpPort").as_int64()), static_cast<int>(e.at("rtcpPort").as_int64())});
    return out;
}

// ---- sender ----------------------------------------------------------------------------------

namespace {
GstPadProbeReturn videoEventProbe(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
    const auto* o = static_cast<const SenderOptions*>(data);
    GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!GST_BUFFER_PTS_IS_VALID(b) || GST_BUFFER_PTS(b) < o->eventAt) return GST_PAD_PROBE_OK;
    b = gst_buffer_make_writable(b);
    GstMapInfo map;
    if (gst_buffer_map(b, &map, GST_MAP_WRITE)) {
        // I420: Y plane to 235 (white), chroma untouched (neutral 128 on a black picture).
        const std::size_t ySize = static_cast<std::size_t>(o->width) * o->height;
        std::memset(map.data, 235, std::min(ySize, map.size));
        gst_buffer_unmap(b, &map);
    }
    GST_PAD_PROBE_INFO_DATA(info) = b;
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn audioEventProbe(GstPad*, GstPadProbeInfo* info, gpointer data) {
    const auto* o = static_cast<const SenderOptions*>(data);
    GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!GST_BUFFER_PTS_IS_VALID(b)) return GST_PAD_PROBE_OK;
    b = gst_buffer_make_writable(b);
    GstMapInfo map;
    if (gst_buffer_map(b, &map, GST_MAP_WRITE)) {
        auto* s = reinterpret_cast<std::int16_t*>(map.data);
        const std::size_t n = map.size / 2;  // S16LE mono 48 kHz
        for (std::size_t i = 0; i < n; ++i) {
            const GstClockTime t = GST_BUFFER_PTS(b) + gst_util_uint64_scale(i, GST_SECOND, 48000);
            if (t < o->eventAt) s[i] = 0;
        }
        gst_buffer_unmap(b, &map);
    }
    GST_PAD_PROBE_INFO_DATA(info) = b;
    return GST_PAD_PROBE_OK;
}
}  // namespace

Sender::~Sender() { stop(); }

bool Sender::start(const StreamPorts& v, const StreamPorts& a, const SenderOptions& opts, std::string* error) {
    opts_ = opts;
    const std::string delay = opts.audioSendDelay
                                  ? " ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 min-threshold-time=" +
                                        std::to_string(opts.audioSendDelay)
                                  : std::string();
    const std::string rtcpV = opts.sendRtcp ? " r.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=" + std::to_string(v.rtcpPort) +
                                                  " sync=false async=false"
                                            : "";
    const std::string rtcpA = opts.sendRtcp ? " r.send_rtcp_src_1 ! udpsink host=127.0.0.1 port=" + std::to_string(a.rtcpPort) +
                                                  " sync=false async=false"
                                            : "";
    // The RTP udpsinks do not sync: packets leave when made, so a delay on the audio branch is a
    // real difference in arrival time (with sync the pipeline latency would delay video as much).
    const std::string desc =
        "rtpbin name=r "
        "videotestsrc name=vsrc is-live=true pattern=" + std::string(opts.blackThenWhite ? "black" : "ball") +
        " ! video/x-raw,format=I420,width=" + std::to_string(opts.width) + ",height=" + std::to_string(opts.height) +
        ",framerate=30/1 ! " +
        (opts.h264 ? std::string("openh264enc gop-size=30 complexity=0 ! rtph264pay pt=102 config-interval=-1")
                   : std::string("vp8enc deadline=1 keyframe-max-dist=30 cpu-used=8 ! rtpvp8pay pt=96")) +
        " ! valve name=vvalve drop=" + (opts.videoOff ? "true" : "false") + " ! "
        "r.send_rtp_sink_0 r.send_rtp_src_0 ! udpsink sync=false async=false host=127.0.0.1 port=" + std::to_string(v.rtpPort) + rtcpV +
        " audiotestsrc name=asrc is-live=true wave=sine freq=1000 volume=0.5 samplesperbuffer=480 ! "
        "audio/x-raw,format=S16LE,channels=1,rate=48000 ! opusenc ! rtpopuspay pt=111 ! valve name=avalve" + delay +
        " ! r.send_rtp_sink_1 r.send_rtp_src_1 ! udpsink sync=false async=false host=127.0.0.1 port=" + std::to_string(a.rtpPort) + rtcpA;
    GError* err = nullptr;
    pipeline_ = gst_parse_launch(desc.c_str(), &err);
    if (!pipeline_) {
        *error = err ? err->message : "parse failed";
        g_clear_error(&err);
        return false;
    }
    if (opts.rtcpIntervalNs) {
        GstElement* r = gst_bin_get_by_name(GST_BIN(pipeline_), "r");
        for (guint id = 0; id < 2; ++id) {
            GObject* session = nullptr;
            g_signal_emit_by_name(r, "get-internal-session", id, &session);
            if (session) {
                g_object_set(session, "rtcp-min-interval", opts.rtcpIntervalNs, nullptr);
                g_object_unref(session);
            }
        }
        gst_object_unref(r);
    }
    if (opts.blackThenWhite) {
        GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline_), "vsrc");
        GstPad* pad = gst_element_get_static_pad(src, "src");
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, videoEventProbe, &opts_, nullptr);
        gst_object_unref(pad);
        gst_object_unref(src);
    }
    if (opts.silenceThenTone) {
        GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline_), "asrc");
        GstPad* pad = gst_element_get_static_pad(src, "src");
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, audioEventProbe, &opts_, nullptr);
        gst_object_unref(pad);
        gst_object_unref(src);
    }
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        *error = "sender does not start";
        return false;
    }
    return true;
}

static void setValve(GstElement* pipeline, const char* name, bool drop) {
    if (!pipeline) return;
    GstElement* v = gst_bin_get_by_name(GST_BIN(pipeline), name);
    if (!v) return;
    g_object_set(v, "drop", drop, nullptr);
    gst_object_unref(v);
}
void Sender::pauseAudio(bool paused) { setValve(pipeline_, "avalve", paused); }
void Sender::pauseVideo(bool paused) { setValve(pipeline_, "vvalve", paused); }

void Sender::stop() {
    if (!pipeline_) return;
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
    pipeline_ = nullptr;
}

// ---- decoder ---------------------------------------------------------------------------------

namespace {
struct DecodeState {
    Decoded* d;
    GstClockTime lastVideoPts = GST_CLOCK_TIME_NONE;
};

void onVideo(GstElement*, GstBuffer* b, GstPad* pad, gpointer data) {
    auto* st = static_cast<DecodeState*>(data);
    Decoded& d = *st->d;
    if (!GST_BUFFER_PTS_IS_VALID(b)) return;
    const GstClockTime pts = GST_BUFFER_PTS(b);
    ++d.videoFrames;
    d.videoPts.push_back(pts);
    if (GST_CLOCK_TIME_IS_VALID(st->lastVideoPts) && pts > st->lastVideoPts)
        d.maxVideoGap = std::max(d.maxVideoGap, pts - st->lastVideoPts);
    st->lastVideoPts = pts;
    d.lastVideoEnd = std::max(d.lastVideoEnd, pts + (GST_BUFFER_DURATION_IS_VALID(b) ? GST_BUFFER_DURATION(b) : 0));
    if (GST_CLOCK_TIME_IS_VALID(d.firstWhiteVideo)) return;
    GstCaps* caps = gst_pad_get_current_caps(pad);
    int w = 0, h = 0;
    if (caps) {
        const GstStructure* s = gst_caps_get_structure(caps, 0);
        gst_structure_get_int(s, "width", &w);
        gst_structure_get_int(s, "height", &h);
        gst_caps_unref(caps);
    }
    GstMapInfo map;
    if (w > 0 && h > 0 && gst_buffer_map(b, &map, GST_MAP_READ)) {
        // I420 with stride = width rounded up to 4.
        const int stride = (w + 3) & ~3;
        std::uint64_t sum = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; x += 4) sum += map.data[static_cast<std::size_t>(y) * stride + x];
        const double mean = static_cast<double>(sum) / (static_cast<double>(h) * ((w + 3) / 4));
        if (mean > 128) d.firstWhiteVideo = pts;
        gst_buffer_unmap(b, &map);
    }
}

void onAudio(GstElement*, GstBuffer* b, GstPad*, gpointer data) {
    auto* st = static_cast<DecodeState*>(data);
    Decoded& d = *st->d;
    if (!GST_BUFFER_PTS_IS_VALID(b)) return;
    GstMapInfo map;
    if (!gst_buffer_map(b, &map, GST_MAP_READ)) return;
    const auto* s = reinterpret_cast<const std::int16_t*>(map.data);
    const std::size_t n = map.size / 2;  // S16LE mono 48 kHz (caps forced below)
    d.lastAudioEnd = std::max(d.lastAudioEnd, GST_BUFFER_PTS(b) + gst_util_uint64_scale(n, GST_SECOND, 48000));
    if (!GST_CLOCK_TIME_IS_VALID(d.firstLoudAudio))
        for (std::size_t i = 0; i < n; ++i)
            if (std::abs(static_cast<int>(s[i])) > 3277) {
                d.firstLoudAudio = GST_BUFFER_PTS(b) + gst_util_uint64_scale(i, GST_SECOND, 48000);
                break;
            }
    gst_buffer_unmap(b, &map);
}
}  // namespace

Decoded decodeFile(const std::string& path, bool video, bool audio, std::chrono::milliseconds timeout) {
    Decoded d;
    DecodeState st{&d};
    std::string desc = "filesrc location=\"" + path + "\" ! matroskademux name=d ";
    if (video)
        desc += "d.video_0 ! queue ! decodebin ! videoconvert ! video/x-raw,format=I420 ! "
                "fakesink name=vsink sync=false signal-handoffs=true ";
    if (audio)
        desc += "d.audio_0 ! queue ! opusdec ! audioconvert ! audioresample ! "
                "audio/x-raw,format=S16LE,channels=1,rate=48000 ! fakesink name=asink sync=false signal-handoffs=true ";
    GError* err = nullptr;
    GstElement* p = gst_parse_launch(desc.c_str(), &err);
    if (!p) {
        d.error = err ? err->message : "parse failed";
        g_clear_error(&err);
        return d;
    }
    if (video) {
        GstElement* s = gst_bin_get_by_name(GST_BIN(p), "vsink");
        g_signal_connect(s, "handoff", G_CALLBACK(onVideo), &st);
        gst_object_unref(s);
    }
    if (audio) {
        GstElement* s = gst_bin_get_by_name(GST_BIN(p), "asink");
        g_signal_connect(s, "handoff", G_CALLBACK(onAudio), &st);
        gst_object_unref(s);
    }
    gst_element_set_state(p, GST_STATE_PLAYING);
    GstBus* bus = gst_element_get_bus(p);
    GstMessage* msg = gst_bus_timed_pop_filtered(bus, static_cast<GstClockTime>(timeout.count()) * GST_MSECOND,
                                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    if (!msg) {
        d.error = "decode timed out (stalled)";
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        GError* e = nullptr;
        gst_message_parse_error(msg, &e, nullptr);
        d.error = e ? e->message : "error";
        g_clear_error(&e);
    } else {
        d.ok = true;
    }
    if (msg) gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(p, GST_STATE_NULL);
    gst_object_unref(p);
    return d;
}

std::optional<std::string> runCommand(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    int outPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) return std::nullopt;
    std::vector<std::string> all = args;
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        ::dup2(outPipe[1], STDOUT_FILENO);
        ::execvp(all[0].c_str(), argv.data());
        ::_exit(127);
    }
    ::close(outPipe[1]);
    std::string out;
    const auto deadline = Clock::now() + timeout;
    bool timedOut = false;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timedOut = true;
            break;
        }
        pollfd p{outPipe[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char tmp[4096];
        const ssize_t n = ::read(outPipe[0], tmp, sizeof tmp);
        if (n <= 0) break;
        if (out.size() < (1 << 20)) out.append(tmp, static_cast<std::size_t>(n));
    }
    ::close(outPipe[0]);
    if (timedOut) ::kill(pid, SIGKILL);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (timedOut || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return std::nullopt;
    return out;
}

double discovererDuration(const std::string& output) {
    static const std::regex re(R"(Duration: (\d+):(\d+):(\d+)\.(\d+))");
    std::smatch m;
    if (!std::regex_search(output, m, re)) return -1;
    return std::stoi(m[1]) * 3600.0 + std::stoi(m[2]) * 60.0 + std::stoi(m[3]) + std::stod("0." + m[4].str());
}

}  // namespace vcb::rectest
