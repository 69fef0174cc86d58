#include "recorder/Recorder.hpp"

#include "recorder/Sidecar.hpp"
#include "recorder/Storage.hpp"

#include <gio/gio.h>
#include <glib-unix.h>
#include <gst/gst.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace vcb::recorder {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::size_t kMaxGroups = 64;
constexpr std::size_t kMaxStreamsPerGroup = 4;
constexpr gint64 kSilentBeforeGapUs = 700 * 1000;      // a stream this quiet gets filler
constexpr GstClockTime kOpusFrame = 20 * GST_MSECOND;
constexpr GstClockTime kVideoFillStep = 500 * GST_MSECOND;
// One 20 ms Opus frame of silence (CELT, full band, mono; decodes in any channel layout).
constexpr guint8 kOpusSilence[] = {0xf8, 0xff, 0xfe};
// Set while the main loop pushes filler, so the probe does not count it as media.
thread_local bool tPushingFiller = false;
constexpr gint64 kMissingStreamUs = 3 * 1000 * 1000;  // never seen this long after the group's first packet: dropped
constexpr guint kWatchdogMs = 250;

void emit(json::object event) {
    event["time"] = utcIso(nowUnixMillis());
    const std::string line = json::serialize(event) + "\n";
    // stdout is the server's pipe; if the server is gone the write fails and that is fine.
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

struct Stream {
    std::string kind;   // audio | video
    std::string codec;  // VP8 | H264 | opus
    int payloadType = 96;
    int clockRate = 90000;
    std::uint32_t ssrc = 0;
    GSocket* rtpSocket = nullptr;
    GSocket* rtcpSocket = nullptr;
    int rtpPort = 0;
    int rtcpPort = 0;
    GstElement* depay = nullptr;  // first element of the chain after rtpbin
    GstElement* queue = nullptr;  // last before the muxer
    GstPad* muxPad = nullptr;

    std::mutex mutex;  // the fields below: streaming threads and the main loop
    GstSegment segment{};
    bool haveSegment = false;
    GstClockTime lastEndRunning = GST_CLOCK_TIME_NONE;
    gint64 lastBufferMonoUs = 0;
    bool seen = false;
    bool eos = false;
    std::atomic<bool> dropped{false};
    std::uint64_t fillers = 0;
    GstBuffer* lastKeyFrame = nullptr;  // video: repeated as filler while the stream is silent
    bool waitKeyFrame = false;          // video after filler: deltas would reference the wrong picture
};

class Recorder;

struct Group {
    Recorder* owner = nullptr;
    std::string name;
    std::string fileName;
    std::size_t sidecarIndex = 0;
    int fd = -1;
    GstElement* pipeline = nullptr;
    GstElement* rtpbin = nullptr;
    GstElement* mux = nullptr;
    guint busWatch = 0;
    std::vector<std::unique_ptr<Stream>> streams;
    std::atomic<gint64> firstPacketMonoUs{0};
    bool closing = false;
    bool closed = false;
    bool failed = false;
    gint64 closeStartedMonoUs = 0;
    bool eosForcedIntoQueues = false;
};

class Recorder {
public:
    explicit Recorder(const Options& o) : opts_(o) {}
    int run();

    void onBusMessage(Group& g, GstMessage* msg);
    void onPadAdded(Group& g, GstPad* pad);

private:
    bool start();
    void onStdin();
    void handleLine(const std::string& line);
    void addGroup(const json::object& cmd);
    void removeGroup(const std::string& name);
    void beginStop(const std::string& reason, int exitCode);
    void closeGroup(Group& g);
    void watchdog();
    void checkDisk();
    void writeSidecar();
    bool noteMediaStarts();
    void maybeFinish();
    Group* findGroup(const std::string& name);

    static gboolean stdinCb(gint, GIOCondition, gpointer self) {
        static_cast<Recorder*>(self)->onStdin();
        return G_SOURCE_CONTINUE;
    }

    Options opts_;
    std::string id_;
    std::string stamp_;
    std::string sidecarName_;
    Sidecar sidecar_;
    GMainLoop* loop_ = nullptr;
    std::map<std::string, std::unique_ptr<Group>> groups_;
    std::string stdinBuf_;
    bool discardingLine_ = false;
    guint stdinWatch_ = 0;
    bool stopping_ = false;
    std::string stopReason_;
    int exitCode_ = 0;
    bool finished_ = false;
};

Group* Recorder::findGroup(const std::string& name) {
    auto it = groups_.find(name);
    return it == groups_.end() ? nullptr : it->second.get();
}

// Files whose first packet arrived since the last look get their media start (wall time of media
// time 0) in the sidecar. Returns whether any did.
bool Recorder::noteMediaStarts() {
    bool changed = false;
    const gint64 mono = g_get_monotonic_time();
    const std::int64_t wall = nowUnixMillis();
    for (const auto& [_, g] : groups_) {
        auto& f = sidecar_.files[g->sidecarIndex];
        const gint64 first = g->firstPacketMonoUs.load();
        if (f.mediaStartMs || first == 0) continue;
        // The first packet came out of the jitter buffer `latency` after it arrived; the file's
        // time 0 is its arrival (offset-to-zero).
        f.mediaStartMs = wall - (mono - first) / 1000 - opts_.latencyMs;
        changed = true;
    }
    return changed;
}

void Recorder::writeSidecar() {
    const std::string err = writeFileAtomically(opts_.dir, sidecarName_, json::serialize(sidecar_.toJson()) + "\n");
    if (!err.empty()) emit({{"event", "error"}, {"message", "sidecar: " + err}});
}

bool Recorder::start() {
    id_ = sanitizeName(opts_.id);
    if (const std::string err = prepareDirectory(opts_.dir); !err.empty()) {
        emit({{"event", "failed"}, {"reason", "directory"}, {"message", err}});
        return false;
    }
    // Sidecars of recorders that died (kill -9, power cut) are completed before anything new.
    for (const auto& line : finalizeInterrupted(opts_.dir))
        emit({{"event", line.rfind("error:", 0) == 0 ? "error" : "finalized"}, {"message", line}});
    const auto free = freeMiB(opts_.dir);
    if (!free || *free < opts_.minFreeMiB) {
        emit({{"event", "failed"}, {"reason", "diskLow"},
              {"message", "free space " + (free ? std::to_string(*free) + " MiB" : std::string("unknown")) +
                              " is below --min-free-mb " + std::to_string(opts_.minFreeMiB)},
              {"freeMb", free ? json::value(*free) : json::value(nullptr)}});
        return false;
    }
    const std::int64_t now = nowUnixMillis();
    stamp_ = utcStamp(now / 1000);
    // The sidecar's name is reserved with O_EXCL: a restart with the same id never reuses it.
    CreatedFile reserved = createExclusive(opts_.dir, id_ + "-" + stamp_, ".json");
    if (reserved.fd < 0) {
        emit({{"event", "failed"}, {"reason", "storage"}, {"message", reserved.error}});
        return false;
    }
    ::close(reserved.fd);
    sidecarName_ = reserved.name;
    stamp_ = sidecarName_.substr(id_.size() + 1, sidecarName_.size() - id_.size() - 1 - 5);
    sidecar_.recording = id_;
    sidecar_.meeting = opts_.meeting;
    sidecar_.title = opts_.title;
    sidecar_.pid = ::getpid();
    sidecar_.startedMs = now;
    writeSidecar();
    emit({{"event", "ready"}, {"pid", ::getpid()}, {"dir", opts_.dir}, {"sidecar", sidecarName_},
          {"freeMb", *free}});
    return true;
}

// ---- commands --------------------------------------------------------------------------------

void Recorder::onStdin() {
    char buf[16384];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        // EOF: the server closed the pipe or died. Finish cleanly.
        if (stdinWatch_) g_source_remove(stdinWatch_);
        stdinWatch_ = 0;
        if (!stopping_) beginStop("stdin closed", 0);
        return;
    }
    for (ssize_t i = 0; i < n; ++i) {
        const char c = buf[i];
        if (c == '\n') {
            if (!discardingLine_ && !stdinBuf_.empty()) handleLine(stdinBuf_);
            stdinBuf_.clear();
            discardingLine_ = false;
        } else if (!discardingLine_) {
            stdinBuf_.push_back(c);
            if (stdinBuf_.size() > kMaxLine) {
                emit({{"event", "error"}, {"message", "command line longer than 64 KiB ignored"}});
                stdinBuf_.clear();
                discardingLine_ = true;
            }
        }
    }
}

void Recorder::handleLine(const std::string& line) {
    json::error_code ec;
    const json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
        emit({{"event", "error"}, {"message", "not a JSON object"}});
        return;
    }
    const auto& o = v.as_object();
    const auto* c = o.if_contains("cmd");
    const std::string cmd = c && c->is_string() ? std::string(c->as_string()) : std::string();
    if (stopping_ && cmd != "stop") {
        emit({{"event", "error"}, {"cmd", cmd}, {"message", "stopping"}});
        return;
    }
    if (cmd == "addGroup") {
        addGroup(o);
    } else if (cmd == "removeGroup") {
        const auto* n = o.if_contains("name");
        removeGroup(n && n->is_string() ? sanitizeName(std::string(n->as_string())) : std::string());
    } else if (cmd == "mark") {
        const auto* t = o.if_contains("text");
        if (!t || !t->is_string() || t->as_string().size() > 1024) {
            emit({{"event", "error"}, {"cmd", cmd}, {"message", "mark needs text (at most 1024 bytes)"}});
            return;
        }
        if (sidecar_.marks.size() >= 100000) return;
        SidecarMark mk{nowUnixMillis(), std::string(t->as_string()), {}};
        noteMediaStarts();
        for (const auto& [_, g] : groups_) {
            const auto& f = sidecar_.files[g->sidecarIndex];
            if (!g->closed && f.mediaStartMs) mk.positions.emplace_back(f.name, std::max<std::int64_t>(0, mk.timeMs - *f.mediaStartMs));
        }
        sidecar_.marks.push_back(std::move(mk));
        writeSidecar();
        emit({{"event", "marked"}, {"text", t->as_string()}});
    } else if (cmd == "units") {
        const auto* l = o.if_contains("list");
        if (!l || !l->is_array() || l->as_array().size() > 10000) {
            emit({{"event", "error"}, {"cmd", cmd}, {"message", "units needs list (array of strings)"}});
            return;
        }
        sidecar_.units.clear();
        for (const auto& u : l->as_array()) {
            if (!u.is_string() || u.as_string().size() > 256) continue;
            std::string s(u.as_string());
            sidecar_.units.push_back(s);
            bool known = false;
            for (const auto& p : sidecar_.unitsPresent) known = known || p == s;
            if (!known) sidecar_.unitsPresent.push_back(s);
        }
        writeSidecar();
    } else if (cmd == "stop") {
        if (!stopping_) beginStop("stop command", 0);
    } else {
        emit({{"event", "error"}, {"cmd", cmd}, {"message", "unknown command"}});
    }
}

// ---- groups ----------------------------------------------------------------------------------

GSocket* bindLoopback(int* port, std::string* error) {
    GError* err = nullptr;
    GSocket* s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &err);
    if (!s) {
        *error = err ? err->message : "socket failed";
        g_clear_error(&err);
        return nullptr;
    }
    GInetAddress* lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress* addr = g_inet_socket_address_new(lo, 0);
    const gboolean ok = g_socket_bind(s, addr, FALSE, &err);
    g_object_unref(addr);
    g_object_unref(lo);
    if (!ok) {
        *error = err ? err->message : "bind failed";
        g_clear_error(&err);
        g_object_unref(s);
        return nullptr;
    }
    GSocketAddress* local = g_socket_get_local_address(s, &err);
    if (!local) {
        *error = err ? err->message : "getsockname failed";
        g_clear_error(&err);
        g_object_unref(s);
        return nullptr;
    }
    *port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
    return s;
}

gboolean busCb(GstBus*, GstMessage* msg, gpointer data) {
    auto* g = static_cast<Group*>(data);
    g->owner->onBusMessage(*g, msg);
    return G_SOURCE_CONTINUE;
}

void padAddedCb(GstElement*, GstPad* pad, gpointer data) {
    auto* g = static_cast<Group*>(data);
    g->owner->onPadAdded(*g, pad);
}

// Streaming threads: remember where each stream is, so the main loop can fill its silences.
// GStreamer 1.22's matroskamux (GstCollectPads) writes nothing until every track has a buffer
// and drops GAP events, so a silent track would hold the whole file back; the filler is real
// media instead: Opus silence frames, or the last video key frame repeated twice a second.
GstPadProbeReturn chainProbe(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* s = static_cast<Stream*>(data);
    if (s->dropped.load()) return GST_PAD_PROBE_DROP;
    if (tPushingFiller) return GST_PAD_PROBE_OK;
    std::lock_guard lock(s->mutex);
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
        const bool key = !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
        if (s->kind == "video") {
            if (s->waitKeyFrame && !key) return GST_PAD_PROBE_DROP;
            s->waitKeyFrame = false;
            if (key) gst_buffer_replace(&s->lastKeyFrame, b);
        }
        s->seen = true;
        s->lastBufferMonoUs = g_get_monotonic_time();
        if (s->haveSegment && GST_BUFFER_PTS_IS_VALID(b)) {
            GstClockTime end = GST_BUFFER_PTS(b);
            if (GST_BUFFER_DURATION_IS_VALID(b)) end += GST_BUFFER_DURATION(b);
            const GstClockTime rt = gst_segment_to_running_time(&s->segment, GST_FORMAT_TIME, end);
            if (GST_CLOCK_TIME_IS_VALID(rt) &&
                (!GST_CLOCK_TIME_IS_VALID(s->lastEndRunning) || rt > s->lastEndRunning))
                s->lastEndRunning = rt;
        }
    } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
        GstEvent* e = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(e) == GST_EVENT_SEGMENT) {
            const GstSegment* seg = nullptr;
            gst_event_parse_segment(e, &seg);
            if (seg && seg->format == GST_FORMAT_TIME) {
                gst_segment_copy_into(seg, &s->segment);
                s->haveSegment = true;
            }
        } else if (GST_EVENT_TYPE(e) == GST_EVENT_EOS) {
            s->eos = true;
        }
    }
    return GST_PAD_PROBE_OK;
}

void Recorder::addGroup(const json::object& cmd) {
    const auto* n = cmd.if_contains("name");
    const auto* st = cmd.if_contains("streams");
    if (!n || !n->is_string() || !st || !st->is_array() || st->as_array().empty() ||
        st->as_array().size() > kMaxStreamsPerGroup) {
        emit({{"event", "error"}, {"cmd", "addGroup"}, {"message", "addGroup needs name and 1-4 streams"}});
        return;
    }
    const std::string name = sanitizeName(std::string(n->as_string()));
    // A participant who left (group closed) and comes back gets a new file.
    if (Group* old = findGroup(name); old && old->closed) groups_.erase(name);
    if (findGroup(name) || groups_.size() >= kMaxGroups) {
        emit({{"event", "error"}, {"cmd", "addGroup"}, {"name", name},
              {"message", findGroup(name) ? "group exists" : "too many groups"}});
        return;
    }
    auto g = std::make_unique<Group>();
    g->owner = this;
    g->name = name;
    bool h264 = false;
    for (const auto& sv : st->as_array()) {
        if (!sv.is_object()) continue;
        const auto& so = sv.as_object();
        auto s = std::make_unique<Stream>();
        const auto* codec = so.if_contains("codec");
        s->codec = codec && codec->is_string() ? std::string(codec->as_string()) : "";
        if (s->codec == "OPUS" || s->codec == "Opus") s->codec = "opus";
        if (s->codec != "VP8" && s->codec != "H264" && s->codec != "opus") {
            emit({{"event", "error"}, {"cmd", "addGroup"}, {"name", name},
                  {"message", "codec must be VP8, H264 or opus"}});
            return;
        }
        h264 = h264 || s->codec == "H264";
        s->kind = s->codec == "opus" ? "audio" : "video";
        s->clockRate = s->codec == "opus" ? 48000 : 90000;
        if (const auto* pt = so.if_contains("payloadType"); pt && pt->is_int64()) {
            if (pt->as_int64() < 0 || pt->as_int64() > 127) {
                emit({{"event", "error"}, {"cmd", "addGroup"}, {"name", name}, {"message", "payloadType 0..127"}});
                return;
            }
            s->payloadType = static_cast<int>(pt->as_int64());
        }
        if (const auto* cr = so.if_contains("clockRate"); cr && cr->is_int64() && cr->as_int64() > 0 &&
                                                          cr->as_int64() <= 192000)
            s->clockRate = static_cast<int>(cr->as_int64());
        if (const auto* ss = so.if_contains("ssrc"); ss && (ss->is_int64() || ss->is_uint64()))
            s->ssrc = static_cast<std::uint32_t>(ss->is_int64() ? ss->as_int64() : ss->as_uint64());
        g->streams.push_back(std::move(s));
    }
    if (g->streams.empty()) {
        emit({{"event", "error"}, {"cmd", "addGroup"}, {"name", name}, {"message", "no valid stream"}});
        return;
    }
    auto fail = [&](const std::string& why) {
        emit({{"event", "error"}, {"cmd", "addGroup"}, {"name", name}, {"message", why}});
        for (auto& s : g->streams) {
            if (s->rtpSocket) g_object_unref(s->rtpSocket);
            if (s->rtcpSocket) g_object_unref(s->rtcpSocket);
            if (s->muxPad) gst_object_unref(s->muxPad);  // the request's reference
            s->muxPad = nullptr;
        }
        if (g->pipeline) gst_object_unref(g->pipeline);
        if (g->fd >= 0) {
            ::close(g->fd);
            ::unlink((opts_.dir + "/" + g->fileName).c_str());  // empty, ours (O_EXCL)
        }
    };
    for (auto& s : g->streams) {
        std::string err;
        s->rtpSocket = bindLoopback(&s->rtpPort, &err);
        if (s->rtpSocket) s->rtcpSocket = bindLoopback(&s->rtcpPort, &err);
        if (!s->rtcpSocket) return fail("cannot bind UDP: " + err);
    }
    // VP8/Opus only: WebM (plays in browsers); with H.264: Matroska.
    const std::string ext = h264 ? ".mkv" : ".webm";
    CreatedFile file = createExclusive(opts_.dir, id_ + "-" + stamp_ + "-" + name, ext);
    if (file.fd < 0) return fail(file.error);
    g->fd = file.fd;
    g->fileName = file.name;

    g->pipeline = gst_pipeline_new(name.c_str());
    g->rtpbin = gst_element_factory_make("rtpbin", "rtpbin");
    g->mux = gst_element_factory_make(h264 ? "matroskamux" : "webmmux", "mux");
    GstElement* sink = gst_element_factory_make("fdsink", "sink");
    if (!g->rtpbin || !g->mux || !sink) return fail("missing GStreamer element (rtpbin, matroskamux/webmmux, fdsink)");
    g_object_set(g->rtpbin, "latency", static_cast<guint>(opts_.latencyMs), "do-lost", TRUE,
                 "autoremove", FALSE, nullptr);
    // Not streamable: the muxer seeks back to fill in each cluster's size as it closes it, and
    // at the end the duration and the index (cues). Killed, the file keeps every closed cluster
    // (at most 1 s each) and demuxers read it to the last complete block.
    g_object_set(g->mux, "streamable", FALSE, "offset-to-zero", TRUE, "writing-app", "vcb-recorder",
                 "max-cluster-duration", static_cast<gint64>(GST_SECOND),
                 "min-cluster-duration", static_cast<gint64>(500 * GST_MSECOND), nullptr);
    // fdsink writes with write(2), no user-space buffer to lose on kill -9.
    g_object_set(sink, "fd", g->fd, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add_many(GST_BIN(g->pipeline), g->rtpbin, g->mux, sink, nullptr);
    if (!gst_element_link(g->mux, sink)) return fail("cannot link muxer to sink");

    for (std::size_t i = 0; i < g->streams.size(); ++i) {
        Stream& s = *g->streams[i];
        GstElement* rtpSrc = gst_element_factory_make("udpsrc", nullptr);
        GstElement* rtcpSrc = gst_element_factory_make("udpsrc", nullptr);
        GstCaps* caps = gst_caps_new_simple(
            "application/x-rtp", "media", G_TYPE_STRING, s.kind.c_str(), "clock-rate", G_TYPE_INT, s.clockRate,
            "encoding-name", G_TYPE_STRING, s.codec == "opus" ? "OPUS" : s.codec.c_str(), "payload", G_TYPE_INT,
            s.payloadType, nullptr);
        g_object_set(rtpSrc, "socket", s.rtpSocket, "close-socket", FALSE, "caps", caps, "buffer-size",
                     4 * 1024 * 1024, nullptr);
        gst_caps_unref(caps);
        GstCaps* rtcpCaps = gst_caps_new_empty_simple("application/x-rtcp");
        g_object_set(rtcpSrc, "socket", s.rtcpSocket, "close-socket", FALSE, "caps", rtcpCaps, nullptr);
        gst_caps_unref(rtcpCaps);
        gst_bin_add_many(GST_BIN(g->pipeline), rtpSrc, rtcpSrc, nullptr);
        const std::string idx = std::to_string(i);
        if (!gst_element_link_pads(rtpSrc, "src", g->rtpbin, ("recv_rtp_sink_" + idx).c_str()) ||
            !gst_element_link_pads(rtcpSrc, "src", g->rtpbin, ("recv_rtcp_sink_" + idx).c_str()))
            return fail("cannot link udpsrc to rtpbin");

        std::vector<GstElement*> chain;
        if (s.codec == "VP8") {
            chain.push_back(gst_element_factory_make("rtpvp8depay", nullptr));
        } else if (s.codec == "H264") {
            chain.push_back(gst_element_factory_make("rtph264depay", nullptr));
            chain.push_back(gst_element_factory_make("h264parse", nullptr));
        } else {
            chain.push_back(gst_element_factory_make("rtpopusdepay", nullptr));
            chain.push_back(gst_element_factory_make("opusparse", nullptr));
        }
        s.queue = gst_element_factory_make("queue", nullptr);
        chain.push_back(s.queue);
        for (auto* e : chain)
            if (!e) return fail("missing GStreamer element for " + s.codec);
        // Bounded: if the muxer ever stalls, the oldest media goes, never the media path's memory.
        g_object_set(s.queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
                     static_cast<guint64>(5 * GST_SECOND), "leaky", 2, nullptr);
        for (auto* e : chain) gst_bin_add(GST_BIN(g->pipeline), e);
        for (std::size_t k = 0; k + 1 < chain.size(); ++k)
            if (!gst_element_link(chain[k], chain[k + 1])) return fail("cannot link the " + s.codec + " chain");
        s.depay = chain.front();
        s.muxPad = gst_element_request_pad_simple(g->mux, s.kind == "audio" ? "audio_%u" : "video_%u");
        GstPad* qsrc = gst_element_get_static_pad(s.queue, "src");
        const bool linked = s.muxPad && gst_pad_link(qsrc, s.muxPad) == GST_PAD_LINK_OK;
        // Watch the data just before the queue (after depayloading and parsing).
        GstPad* qsink = gst_element_get_static_pad(s.queue, "sink");
        gst_pad_add_probe(qsink,
                          static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                          chainProbe, &s, nullptr);
        gst_object_unref(qsink);
        gst_object_unref(qsrc);
        if (!linked) return fail("cannot link " + s.codec + " to the muxer");
    }
    g_signal_connect(g->rtpbin, "pad-added", G_CALLBACK(padAddedCb), g.get());
    GstBus* bus = gst_pipeline_get_bus(GST_PIPELINE(g->pipeline));
    g->busWatch = gst_bus_add_watch(bus, busCb, g.get());
    gst_object_unref(bus);
    if (gst_element_set_state(g->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        gst_element_set_state(g->pipeline, GST_STATE_NULL);
        g_source_remove(g->busWatch);
        return fail("pipeline does not start");
    }

    SidecarFile sf;
    sf.name = g->fileName;
    sf.group = name;
    sf.startedMs = nowUnixMillis();
    g->sidecarIndex = sidecar_.files.size();
    sidecar_.files.push_back(sf);
    writeSidecar();

    json::array ports;
    for (const auto& s : g->streams)
        ports.emplace_back(json::object{{"kind", s->kind}, {"codec", s->codec}, {"payloadType", s->payloadType},
                                        {"ssrc", s->ssrc}, {"rtpPort", s->rtpPort}, {"rtcpPort", s->rtcpPort}});
    emit({{"event", "fileStarted"}, {"group", name}, {"file", g->fileName}});
    emit({{"event", "groupAdded"}, {"name", name}, {"host", "127.0.0.1"}, {"streams", std::move(ports)}});
    groups_[name] = std::move(g);
}

void Recorder::onPadAdded(Group& g, GstPad* pad) {
    // rtpbin names its output pads recv_rtp_src_<session>_<ssrc>_<pt>.
    const gchar* padName = GST_PAD_NAME(pad);
    unsigned session = 0, ssrc = 0, pt = 0;
    if (std::sscanf(padName, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3 || session >= g.streams.size())
        return;
    Stream& s = *g.streams[session];
    GstPad* sinkPad = gst_element_get_static_pad(s.depay, "sink");
    // A new SSRC on the same port (the sender restarted) takes over from the old one.
    if (GstPad* old = gst_pad_get_peer(sinkPad)) {
        gst_pad_unlink(old, sinkPad);
        gst_object_unref(old);
    }
    if (gst_pad_link(pad, sinkPad) != GST_PAD_LINK_OK)
        g_printerr("vcb-recorder: cannot link %s in group %s\n", padName, g.name.c_str());
    gst_object_unref(sinkPad);
    gint64 expected = 0;
    g.firstPacketMonoUs.compare_exchange_strong(expected, g_get_monotonic_time());
}

void Recorder::onBusMessage(Group& g, GstMessage* msg) {
    switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_EOS:
        closeGroup(g);
        break;
    case GST_MESSAGE_ERROR: {
        GError* err = nullptr;
        gchar* dbg = nullptr;
        gst_message_parse_error(msg, &err, &dbg);
        const std::string text = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))) + ": " +
                                 (err ? err->message : "error") + (dbg ? std::string(" (") + dbg + ")" : "");
        g_clear_error(&err);
        g_free(dbg);
        if (g.closed) break;
        g.failed = true;
        emit({{"event", "failed"}, {"group", g.name}, {"message", text}});
        if (exitCode_ == 0) exitCode_ = 4;
        closeGroup(g);  // what was written stays playable; the file is hashed and listed
        break;
    }
    default:
        break;
    }
}

void Recorder::closeGroup(Group& g) {
    if (g.closed) return;
    g.closed = true;
    gst_element_set_state(g.pipeline, GST_STATE_NULL);
    if (g.busWatch) g_source_remove(g.busWatch);
    g.busWatch = 0;
    ::fsync(g.fd);
    ::close(g.fd);
    g.fd = -1;
    for (auto& s : g.streams) {
        if (s->rtpSocket) g_object_unref(s->rtpSocket);
        if (s->rtcpSocket) g_object_unref(s->rtcpSocket);
        s->rtpSocket = s->rtcpSocket = nullptr;
        // gst_element_request_pad_simple gave us a reference of our own (the muxer holds another).
        if (s->muxPad) gst_object_unref(s->muxPad);
        s->muxPad = nullptr;
        std::lock_guard lock(s->mutex);
        gst_buffer_replace(&s->lastKeyFrame, nullptr);
    }
    gst_object_unref(g.pipeline);
    g.pipeline = nullptr;
    const std::string path = opts_.dir + "/" + g.fileName;
    auto& sf = sidecar_.files[g.sidecarIndex];
    sf.closedMs = nowUnixMillis();
    sf.sha256 = sha256File(path);
    std::error_code ec;
    sf.bytes = std::filesystem::file_size(path, ec);
    writeSidecar();
    emit({{"event", "fileClosed"}, {"group", g.name}, {"file", g.fileName},
          {"bytes", sf.bytes ? json::value(*sf.bytes) : json::value(nullptr)},
          {"sha256", sf.sha256 ? json::value(*sf.sha256) : json::value(nullptr)},
          {"complete", !g.failed && g.closing}});
    maybeFinish();
}

// Orderly end of one group: EOS into the sources (what the jitter buffers hold is written);
// the watchdog pushes EOS past rtpbin after 1 s and closes the file by force after the timeout.
void startClosing(Group& g) {
    if (g.closing || g.closed) return;
    g.closing = true;
    g.closeStartedMonoUs = g_get_monotonic_time();
    gst_element_send_event(g.pipeline, gst_event_new_eos());
}

void Recorder::removeGroup(const std::string& name) {
    Group* g = findGroup(name);
    if (!g) {
        emit({{"event", "error"}, {"cmd", "removeGroup"}, {"name", name}, {"message", "no such group"}});
        return;
    }
    startClosing(*g);
}

void Recorder::beginStop(const std::string& reason, int exitCode) {
    stopping_ = true;
    stopReason_ = reason;
    if (exitCode_ == 0) exitCode_ = exitCode;
    for (auto& [_, g] : groups_) startClosing(*g);
    maybeFinish();
}

void Recorder::maybeFinish() {
    if (!stopping_ || finished_) return;
    for (auto& [_, g] : groups_)
        if (!g->closed) return;
    finished_ = true;
    sidecar_.endedMs = nowUnixMillis();
    sidecar_.state = exitCode_ == 3 ? "complete" : (exitCode_ == 4 ? "failed" : "complete");
    if (exitCode_ == 3) sidecar_.error = "stopped: free space below --min-free-mb";
    writeSidecar();
    emit({{"event", "stopped"}, {"reason", stopReason_}, {"sidecar", sidecarName_}, {"exitCode", exitCode_}});
    g_main_loop_quit(loop_);
}

void Recorder::watchdog() {
    if (noteMediaStarts()) writeSidecar();
    const gint64 now = g_get_monotonic_time();
    for (auto& [_, gp] : groups_) {
        Group& g = *gp;
        if (g.closed) continue;
        if (g.closing) {
            const gint64 since = now - g.closeStartedMonoUs;
            if (since > 1000 * 1000 && !g.eosForcedIntoQueues) {
                // A stream whose rtpbin pad never appeared (or is stuck) gets its EOS directly.
                g.eosForcedIntoQueues = true;
                for (auto& s : g.streams) {
                    bool eos;
                    {
                        std::lock_guard lock(s->mutex);
                        eos = s->eos;
                    }
                    if (!eos && !s->dropped) {
                        GstPad* qsink = gst_element_get_static_pad(s->queue, "sink");
                        gst_pad_send_event(qsink, gst_event_new_eos());
                        gst_object_unref(qsink);
                    }
                }
            }
            if (since > static_cast<gint64>(opts_.stopTimeoutMs) * 1000) {
                emit({{"event", "error"}, {"group", g.name}, {"message", "no EOS in time: file closed without index"}});
                closeGroup(g);
                return;  // closeGroup may end the loop; look again next tick
            }
            continue;
        }
        const gint64 first = g.firstPacketMonoUs.load();
        GstClock* clock = gst_element_get_clock(g.pipeline);
        if (!clock) continue;
        const GstClockTime runningNow = gst_clock_get_time(clock) - gst_element_get_base_time(g.pipeline);
        gst_object_unref(clock);
        for (auto& s : g.streams) {
            if (s->dropped) continue;
            std::vector<GstBuffer*> filler;
            bool drop = false;
            {
                std::lock_guard lock(s->mutex);
                if (!s->seen) {
                    drop = first != 0 && now - first > kMissingStreamUs;
                } else if (now - s->lastBufferMonoUs > kSilentBeforeGapUs && s->haveSegment &&
                           GST_CLOCK_TIME_IS_VALID(s->lastEndRunning) && (s->kind == "audio" || s->lastKeyFrame)) {
                    // Fill up to a point the jitter buffer has certainly passed.
                    const GstClockTime margin = static_cast<GstClockTime>(opts_.latencyMs + 300) * GST_MSECOND;
                    const GstClockTime step = s->kind == "audio" ? kOpusFrame : kVideoFillStep;
                    while (runningNow > margin && s->lastEndRunning + step <= runningNow - margin &&
                           filler.size() < 200) {
                        const guint64 pts =
                            gst_segment_position_from_running_time(&s->segment, GST_FORMAT_TIME, s->lastEndRunning);
                        if (pts == GST_CLOCK_TIME_NONE) break;
                        GstBuffer* b;
                        if (s->kind == "audio") {
                            b = gst_buffer_new_memdup(kOpusSilence, sizeof kOpusSilence);
                        } else {
                            b = gst_buffer_copy(s->lastKeyFrame);  // a key frame: decodable alone
                            s->waitKeyFrame = true;
                        }
                        GST_BUFFER_PTS(b) = pts;
                        GST_BUFFER_DTS(b) = pts;
                        GST_BUFFER_DURATION(b) = step;
                        filler.push_back(b);
                        s->lastEndRunning += step;
                        ++s->fillers;
                    }
                }
            }
            if (!filler.empty()) {
                GstPad* qsink = gst_element_get_static_pad(s->queue, "sink");
                tPushingFiller = true;
                for (GstBuffer* b : filler) gst_pad_chain(qsink, b);
                tPushingFiller = false;
                gst_object_unref(qsink);
            }
            if (drop && s->muxPad) {
                // Never arrived: the muxer would wait for it for ever before writing anything.
                s->dropped = true;
                GstPad* qsrc = gst_element_get_static_pad(s->queue, "src");
                gst_pad_unlink(qsrc, s->muxPad);
                gst_object_unref(qsrc);
                gst_element_release_request_pad(g.mux, s->muxPad);
                gst_object_unref(s->muxPad);
                s->muxPad = nullptr;
                emit({{"event", "streamMissing"}, {"group", g.name}, {"kind", s->kind}, {"codec", s->codec},
                      {"message", "no media 3 s after the group's first packet: recorded without it"}});
            }
        }
    }
}

void Recorder::checkDisk() {
    if (stopping_) return;
    const auto free = freeMiB(opts_.dir);
    if (free && *free >= opts_.minFreeMiB) return;
    emit({{"event", "diskLow"}, {"freeMb", free ? json::value(*free) : json::value(nullptr)},
          {"minFreeMb", opts_.minFreeMiB}});
    beginStop("diskLow", 3);
}

int Recorder::run() {
    if (!start()) return 2;
    loop_ = g_main_loop_new(nullptr, FALSE);
    ::fcntl(STDIN_FILENO, F_SETFL, ::fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    stdinWatch_ = g_unix_fd_add(STDIN_FILENO, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR), stdinCb, this);
    g_timeout_add(kWatchdogMs, [](gpointer self) -> gboolean {
        static_cast<Recorder*>(self)->watchdog();
        return G_SOURCE_CONTINUE;
    }, this);
    g_timeout_add(1000, [](gpointer self) -> gboolean {
        static_cast<Recorder*>(self)->checkDisk();
        return G_SOURCE_CONTINUE;
    }, this);
    auto onSignal = [](gpointer self) -> gboolean {
        auto* r = static_cast<Recorder*>(self);
        if (!r->stopping_) r->beginStop("signal", 0);
        return G_SOURCE_CONTINUE;
    };
    g_unix_signal_add(SIGTERM, onSignal, this);
    g_unix_signal_add(SIGINT, onSignal, this);
    g_main_loop_run(loop_);
    g_main_loop_unref(loop_);
    return exitCode_;
}

}  // namespace

int runRecorder(const Options& options) {
    ::signal(SIGPIPE, SIG_IGN);
    gst_init(nullptr, nullptr);
    Recorder r(options);
    return r.run();
}

}  // namespace vcb::recorder
