#pragma once
// Runs one vcbridge process for a test: fork/exec on 127.0.0.1 with an ephemeral HTTP port and a
// private UDP port range, parses the port from its "listening" line, and stops it at the end
// (SIGTERM, SIGKILL after 5 s) reporting whether it exited cleanly.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vcb::integration {

class ServerProcess {
  public:
    ServerProcess() = default;
    ~ServerProcess();  // stop()
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts `binary` and waits until it reports its port. false with *error otherwise.
    bool start(const std::string& binary, std::chrono::milliseconds timeout, std::string* error);
    // Still running (has not exited on its own)?
    bool alive();
    // Stops the server. Returns a description of an unclean end ("exit status 3", "signal 11",
    // "did not stop on SIGTERM") or nullopt if it exited with status 0.
    std::optional<std::string> stop();

    // Extra command-line arguments for the next start() (e.g. limits).
    void setExtraArgs(std::vector<std::string> args) { extraArgs_ = std::move(args); }
    // The IPv4 address the next start() listens on and announces for media (default 127.0.0.1;
    // e.g. a veth address a client in another network namespace can reach).
    void setHost(std::string ipv4) { host_ = std::move(ipv4); }
    // The --listen address of the next start() (default: the host above, any free port); a restart
    // on the port of the previous run: setListen("127.0.0.1:" + std::to_string(port())).
    void setListen(std::string hostPort) { listen_ = std::move(hostPort); }
    // The process id while it runs (for signals and /proc), -1 otherwise.
    pid_t pid() const { return pid_; }
    std::uint16_t port() const { return port_; }
    // http:// and ws://, or https:// and wss:// when the server said it serves TLS.
    std::string baseUrl() const {
        return (tls_ ? "https://" : "http://") + host_ + ":" + std::to_string(port_);
    }
    std::string wsUrl() const {
        return (tls_ ? "wss://" : "ws://") + host_ + ":" + std::to_string(port_) + "/ws";
    }
    std::string rtcPorts() const { return rtcPorts_; }
    // Last lines the server wrote to stdout (for failure messages).
    std::string outputTail() const;

  private:
    static std::string findFreeUdpRange(int count);
    void drainOutput();
    std::optional<std::string> describeStatus(int status) const;

    pid_t pid_ = -1;
    int stdoutFd_ = -1;
    std::uint16_t port_ = 0;
    bool tls_ = false;
    std::string rtcPorts_;
    std::string host_ = "127.0.0.1";
    std::vector<std::string> extraArgs_;
    std::string listen_;  // empty: host_ + ":0"
    std::optional<int> exitStatus_;
    std::thread drainer_;
    mutable std::mutex outputMutex_;
    std::string output_;
};

}  // namespace vcb::integration
