#include "tests/integration/NetNamespace.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace vcb::integration {

int runQuiet(const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

NetNamespace::NetNamespace(const std::string& prefix) {
    if (::geteuid() != 0) {
        why_ = "needs root for a network namespace";
        return;
    }
    const std::string pid = std::to_string(::getpid());
    const std::string net = "10.231." + std::to_string(::getpid() % 200 + 20) + ".";
    hostIp_ = net + "1";
    nsIp_ = net + "2";
    if (runQuiet("ip netns add " + prefix + pid) != 0) {
        why_ = "network namespaces are not permitted here (ip netns add failed)";
        return;
    }
    name_ = prefix + pid;
    hostDevice_ = prefix.substr(0, 3) + "h" + pid;
    nsDevice_ = prefix.substr(0, 3) + "n" + pid;
    const std::string steps[] = {
        "ip link add " + hostDevice_ + " type veth peer name " + nsDevice_,
        "ip link set " + nsDevice_ + " netns " + name_,
        "ip addr add " + hostIp_ + "/30 dev " + hostDevice_,
        "ip link set " + hostDevice_ + " up",
        "ip netns exec " + name_ + " ip addr add " + nsIp_ + "/30 dev " + nsDevice_,
        "ip netns exec " + name_ + " ip link set " + nsDevice_ + " up",
        "ip netns exec " + name_ + " ip link set lo up",
    };
    for (const auto& step : steps) {
        if (runQuiet(step) != 0) {
            why_ = "failed: " + step;
            return;
        }
    }
}

NetNamespace::~NetNamespace() {
    // Deleting the namespace deletes its veth end and with it the pair.
    if (!name_.empty()) runQuiet("ip netns del " + name_);
    if (!hostDevice_.empty()) runQuiet("ip link del " + hostDevice_);  // if it outlived the pair
}

int NetNamespace::exec(const std::string& command) const {
    std::string quoted = "'";
    for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return runQuiet("ip netns exec " + name_ + " sh -c " + quoted + "'");
}

}  // namespace vcb::integration
