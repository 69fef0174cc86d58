#include "tests/integration/ServerProcess.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <vector>

namespace vcb::integration {
namespace {

constexpr std::size_t kMaxOutputBytes = 64 * 1024;
constexpr int kRtcPortCount = 100;

bool udpPortFree(int port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

ServerProcess::~ServerProcess() { stop(); }

std::string ServerProcess::findFreeUdpRange(int count) {
    // Tests may run in parallel (ctest -j): pick a random block and check every port of it.
    std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    std::uniform_int_distribution<int> block(0, (60000 - 20000) / count - 1);
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int first = 20000 + block(rng) * count;
        bool free = true;
        for (int p = first; p < first + count && free; ++p) free = udpPortFree(p);
        if (free) return std::to_string(first) + "-" + std::to_string(first + count - 1);
    }
    return "40000-40999";
}

bool ServerProcess::start(const std::string& binary, std::chrono::milliseconds timeout,
                          std::string* error) {
    rtcPorts_ = findFreeUdpRange(kRtcPortCount);
    port_ = 0;  // a restart reports its own port
    exitStatus_.reset();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        if (error) *error = "pipe failed";
        return false;
    }
    const std::string listen = listen_.empty() ? host_ + ":0" : listen_;
    std::vector<std::string> args{binary, "--listen",    listen, "--media-ip",
                                  host_,  "--rtc-ports", rtcPorts_};
    args.insert(args.end(), extraArgs_.begin(), extraArgs_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        if (error) *error = "fork failed";
        return false;
    }
    if (pid_ == 0) {
        ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the new descriptor
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    stdoutFd_ = fds[0];

    // Read until "vcbridge listening on http[s]://127.0.0.1:<port>" or the deadline.
    std::string hostPattern;
    for (char c : host_) {
        if (c == '.') hostPattern += '\\';
        hostPattern += c;
    }
    const std::regex ready("vcbridge listening on (https?)://" + hostPattern + R"(:(\d+))");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string buffer;
    while (port_ == 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd pfd{stdoutFd_, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[1024];
        const ssize_t n = ::read(stdoutFd_, chunk, sizeof chunk);
        if (n <= 0) break;  // EOF: the server died
        buffer.append(chunk, static_cast<std::size_t>(n));
        if (buffer.size() > kMaxOutputBytes) buffer.erase(0, buffer.size() - kMaxOutputBytes);
        std::smatch match;
        if (std::regex_search(buffer, match, ready)) {
            const int port = std::stoi(match[2].str());
            if (port > 0 && port < 65536) port_ = static_cast<std::uint16_t>(port);
            tls_ = match[1].str() == "https";
        }
    }
    {
        std::lock_guard lock(outputMutex_);
        output_ = buffer;
    }
    if (port_ == 0) {
        if (error) {
            *error = "server did not report its port; output: " + buffer;
            if (auto status = stop()) *error += " (" + *status + ")";
        }
        return false;
    }
    // Keep reading so a chatty server never blocks on a full pipe.
    drainer_ = std::thread([this] { drainOutput(); });
    return true;
}

void ServerProcess::drainOutput() {
    char chunk[4096];
    while (true) {
        const ssize_t n = ::read(stdoutFd_, chunk, sizeof chunk);
        if (n <= 0) return;  // EOF once the server exits
        std::lock_guard lock(outputMutex_);
        output_.append(chunk, static_cast<std::size_t>(n));
        if (output_.size() > kMaxOutputBytes) output_.erase(0, output_.size() - kMaxOutputBytes);
    }
}

std::string ServerProcess::outputTail() const {
    std::lock_guard lock(outputMutex_);
    return output_;
}

bool ServerProcess::alive() {
    if (pid_ <= 0 || exitStatus_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exitStatus_ = status;
        return false;
    }
    return true;
}

std::optional<std::string> ServerProcess::describeStatus(int status) const {
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 0) return std::nullopt;
        return "exit status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "unknown status";
}

std::optional<std::string> ServerProcess::stop() {
    if (pid_ <= 0) return std::nullopt;
    std::optional<std::string> result;
    bool forced = false;
    if (alive()) {
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (alive() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (alive()) {
            forced = true;
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            exitStatus_ = status;
        }
    }
    result = forced ? std::optional<std::string>("did not stop within 5 s of SIGTERM")
                    : describeStatus(exitStatus_.value_or(0));
    pid_ = -1;
    if (drainer_.joinable()) drainer_.join();  // the pipe reaches EOF now that the server is gone
    if (stdoutFd_ >= 0) ::close(stdoutFd_);
    stdoutFd_ = -1;
    return result;
}

}  // namespace vcb::integration
