#pragma once
// Test helpers for vcb-recorder: the recorder as a child process (JSON lines on its stdin and
// stdout), GStreamer RTP senders in this process, and a decoder that reads a recorded file back.

#include <gst/gst.h>
#include <sys/types.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vcb::rectest {

class RecorderProcess {
public:
    ~RecorderProcess();  // SIGKILL + reap if still running
    bool start(const std::vector<std::string>& args, std::string* error);
    bool send(const boost::json::object& cmd);
    void closeStdin();
    // Next event with "event" == name (others are kept in events()), or nullopt on timeout.
    std::optional<boost::json::object> waitEvent(const std::string& name, std::chrono::milliseconds timeout);
    // Waits for the exit (bounded); returns the exit code, -signal if killed, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void kill9();
    pid_t pid() const { return pid_; }
    const std::vector<boost::json::object>& events() const { return events_; }
    std::string transcript() const;

private:
    bool readLine(std::chrono::steady_clock::time_point deadline);
    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    std::string buf_;
    std::vector<boost::json::object> events_;
    std::size_t consumed_ = 0;
    std::optional<int> status_;
};

struct StreamPorts {
    int rtpPort = 0;
    int rtcpPort = 0;
};
// Ports of the groupAdded answer, in stream order.
std::vector<StreamPorts> portsOf(const boost::json::object& groupAdded);

// A live VP8 (or H.264) + Opus sender (videotestsrc / audiotestsrc → encoders → payloaders → rtpbin with
// RTCP) to the given ports. Options shape it for the sync and gap tests.
struct SenderOptions {
    int width = 320, height = 240;
    bool blackThenWhite = false;            // video black, white from eventAt on
    bool silenceThenTone = false;           // audio silent, a 1 kHz tone from eventAt on
    GstClockTime eventAt = 4 * GST_SECOND;  // sender running time
    GstClockTime audioSendDelay = 0;        // audio packets leave this much later (same RTP/SR clock)
    guint64 rtcpIntervalNs = 0;             // 0: rtpbin's default
    bool sendRtcp = true;
    bool h264 = false;        // openh264enc + rtph264pay (pt 102) instead of VP8
    bool videoOff = false;    // no video packet ever leaves (the valve starts closed)
};
class Sender {
public:
    ~Sender();
    bool start(const StreamPorts& video, const StreamPorts& audio, const SenderOptions& opts, std::string* error);
    // Drops audio RTP (and video if asked) while paused; the sources keep running, so the RTP
    // timestamps jump over the pause like a real one.
    void pauseAudio(bool paused);
    void pauseVideo(bool paused);
    void stop();

private:
    GstElement* pipeline_ = nullptr;
    SenderOptions opts_;
};

// Reads a recorded file back through matroskademux and the decoders. Times are the file's.
struct Decoded {
    bool ok = false;         // reached EOS without error
    std::string error;
    int videoFrames = 0;
    GstClockTime lastVideoEnd = 0, lastAudioEnd = 0;
    GstClockTime firstWhiteVideo = GST_CLOCK_TIME_NONE;  // first frame with mean luma > 128
    GstClockTime firstLoudAudio = GST_CLOCK_TIME_NONE;   // first sample with |x| > 0.1 full scale
    GstClockTime maxVideoGap = 0;                        // largest PTS step between decoded frames
    std::vector<GstClockTime> videoPts;
};
Decoded decodeFile(const std::string& path, bool video, bool audio, std::chrono::milliseconds timeout);

// Runs a command, returns its stdout (bounded), or nullopt on failure/timeout.
std::optional<std::string> runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);
// gst-discoverer-1.0's duration in seconds (-1 if not found) and its output.
double discovererDuration(const std::string& output);

}  // namespace vcb::rectest
