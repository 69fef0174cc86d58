#include "rooms/RecordingSession.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "common/Log.hpp"

extern char** environ;

namespace vcb::rooms {

namespace {
int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
constexpr size_t kMaxLine = 64 * 1024;
}  // namespace

const char* recordingErrorCode(RecordingError e) {
    switch (e) {
        case RecordingError::None:
            return "none";
        case RecordingError::Disabled:
            return "recording_disabled";
        case RecordingError::AlreadyRecording:
            return "already_recording";
        case RecordingError::NotRecording:
            return "not_recording";
        case RecordingError::Forbidden:
            return "forbidden_for_role";
        case RecordingError::NotJoined:
            return "not_joined";
        case RecordingError::Failed:
            return "recording_failed";
    }
    return "internal";
}

std::shared_ptr<RecordingSession> RecordingSession::start(const RecordingConfig& config,
                                                          const std::string& meetingId,
                                                          const std::string& title, Sink sink,
                                                          std::string& error) {
    int inPipe[2] = {-1, -1};
    int outPipe[2] = {-1, -1};
    if (::pipe2(inPipe, O_CLOEXEC) != 0 || ::pipe2(outPipe, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        for (int fd : {inPipe[0], inPipe[1], outPipe[0], outPipe[1]})
            if (fd >= 0) ::close(fd);
        return nullptr;
    }
    const std::string minFree = std::to_string(config.minFreeMb);
    std::vector<std::string> args{config.recorder, "--dir",  config.dir,   "--id",
                                  meetingId,       "--meeting", meetingId, "--min-free-mb",
                                  minFree};
    if (!title.empty()) {
        args.push_back("--title");
        args.push_back(title);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    // A signal to the server's process group (Ctrl-C) must not stop the recorder before the
    // server closes its stdin: its own group.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    pid_t pid = -1;
    const bool byPath = config.recorder.find('/') != std::string::npos;
    int rc = byPath ? posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ)
                    : posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(inPipe[0]);
    ::close(outPipe[1]);
    if (rc != 0) {
        error = "cannot start " + config.recorder + ": " + std::strerror(rc);
        ::close(inPipe[1]);
        ::close(outPipe[0]);
        return nullptr;
    }
    // Writes never block a worker: a full pipe (the recorder stuck) drops the command.
    ::fcntl(inPipe[1], F_SETFL, ::fcntl(inPipe[1], F_GETFL) | O_NONBLOCK);
    std::shared_ptr<RecordingSession> s(new RecordingSession());
    s->pid_ = pid;
    s->in_ = inPipe[1];
    s->out_ = outPipe[0];
    s->stopTimeoutMs_ = config.stopTimeoutMs;
    s->sink_ = std::move(sink);
    // The thread owns a reference until the child is reaped.
    std::thread([self = s] { self->readLoop(); }).detach();
    VCB_LOG_INFO("recording of %s: %s started (pid %d)", meetingId.c_str(),
                 config.recorder.c_str(), static_cast<int>(pid));
    return s;
}

RecordingSession::~RecordingSession() {
    if (in_ >= 0) ::close(in_);
}

bool RecordingSession::send(const boost::json::object& command) {
    if (in_ < 0) return false;
    std::string line = boost::json::serialize(command);
    line.push_back('\n');
    ssize_t n = ::write(in_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) {
        VCB_LOG_WARN("recorder %d: command not written (%s)", static_cast<int>(pid_),
                     n < 0 ? std::strerror(errno) : "partial");
        return false;
    }
    return true;
}

void RecordingSession::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopRequestedUs_ == 0) stopRequestedUs_ = nowUs();
    }
    if (in_ >= 0) ::close(in_);
    in_ = -1;
}

void RecordingSession::detach() {
    std::lock_guard lock(mutex_);
    sink_ = nullptr;
}

void RecordingSession::deliver(boost::json::object event) {
    std::lock_guard lock(mutex_);
    if (sink_) sink_(std::move(event));
}

void RecordingSession::readLoop() {
    std::string pending;
    bool discarding = false;  // inside a line longer than kMaxLine
    char buf[4096];
    bool eof = false;
    int64_t eofUs = 0;
    bool killed = false;
    int status = 0;
    // Bounded: every turn waits ≤ 200 ms, and after a stop request or EOF the child is killed
    // once the timeout has passed, after which waitpid returns.
    for (;;) {
        if (!eof) {
            pollfd p{out_, POLLIN, 0};
            int r = ::poll(&p, 1, 200);
            if (r > 0) {
                ssize_t n = ::read(out_, buf, sizeof buf);
                if (n <= 0) {
                    if (n < 0 && errno == EINTR) continue;
                    eof = true;
                    eofUs = nowUs();
                } else {
                    for (ssize_t i = 0; i < n; ++i) {
                        if (buf[i] != '\n') {
                            if (!discarding) pending.push_back(buf[i]);
                            if (pending.size() > kMaxLine) {
                                pending.clear();
                                discarding = true;
                            }
                            continue;
                        }
                        if (!discarding && !pending.empty()) {
                            boost::system::error_code ec;
                            boost::json::value v = boost::json::parse(pending, ec);
                            if (!ec && v.is_object()) deliver(std::move(v.as_object()));
                        }
                        pending.clear();
                        discarding = false;
                    }
                }
            }
        }
        pid_t w = ::waitpid(pid_, &status, WNOHANG);
        if (w == pid_ || (w < 0 && errno == ECHILD)) break;
        int64_t since = 0;
        {
            std::lock_guard lock(mutex_);
            since = stopRequestedUs_;
        }
        if (eof && (since == 0 || eofUs < since)) since = eofUs;
        if (eof && w == 0 && !killed) ::usleep(50'000);
        if (!killed && since != 0 && nowUs() - since > int64_t(stopTimeoutMs_) * 1000) {
            VCB_LOG_WARN("recorder %d did not stop in %d ms: killed", static_cast<int>(pid_),
                         stopTimeoutMs_);
            ::kill(pid_, SIGKILL);
            killed = true;
        }
    }
    ::close(out_);
    out_ = -1;
    boost::json::object exited{{"event", "exited"}};
    exited["status"] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    exited["signal"] = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    exited["killed"] = killed;
    deliver(std::move(exited));
}

}  // namespace vcb::rooms
