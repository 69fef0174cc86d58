#pragma once
// One run of the recording process (vcb-recorder, docs/recording.md) for a live meeting: spawned
// with posix_spawn (no shell), commands written as JSON lines on its stdin, its JSON-line events
// read on a thread of its own. Nothing here runs on or waits for a media worker: send() writes on
// a non-blocking pipe (a full pipe drops the line, logged), the reader thread hands each event to
// the sink, which posts it where it belongs. The child is always reaped (by the reader thread).
#include <sys/types.h>

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace vcb::rooms {

struct RecordingConfig {
    std::string dir;         // empty: recording disabled
    int64_t minFreeMb = 1024;
    std::string recorder;    // the program (a path, or a name looked up on PATH)
    // How long a stop waits for the recorder's `stopped` before it is killed.
    int stopTimeoutMs = 15000;
};

// Why a recording command was refused; stable wire codes in docs/protocol.md.
enum class RecordingError {
    None,
    Disabled,        // recording_disabled: no recording.dir in the config
    AlreadyRecording,
    NotRecording,
    Forbidden,       // forbidden_for_role
    NotJoined,
    Failed,          // the recorder could not be started
};
const char* recordingErrorCode(RecordingError e);

class RecordingSession : public std::enable_shared_from_this<RecordingSession> {
  public:
    // Every event line as parsed, then a final {"event":"exited","status":N,"signal":S} after
    // the child was reaped. Called on the reader thread while the sink is set.
    using Sink = std::function<void(boost::json::object)>;

    static std::shared_ptr<RecordingSession> start(const RecordingConfig& config,
                                                   const std::string& meetingId,
                                                   const std::string& title, Sink sink,
                                                   std::string& error);
    ~RecordingSession();

    // One command (without the newline). False if the pipe is closed or full.
    bool send(const boost::json::object& command);
    // EOF on stdin: the recorder stops cleanly; killed if it has not exited after the timeout.
    void stop();
    // No more events are delivered (the meeting is gone); the process still stops and is reaped.
    void detach();
    pid_t pid() const { return pid_; }

  private:
    RecordingSession() = default;
    void readLoop();
    void deliver(boost::json::object event);

    pid_t pid_ = -1;
    int in_ = -1;   // the child's stdin (write end), owned by the caller's thread
    int out_ = -1;  // the child's stdout (read end), owned by the reader thread
    int stopTimeoutMs_ = 15000;
    std::mutex mutex_;  // sink_ and stopRequestedUs_
    Sink sink_;
    int64_t stopRequestedUs_ = 0;
};

}  // namespace vcb::rooms
