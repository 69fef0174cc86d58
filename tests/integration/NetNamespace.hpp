#pragma once
// A network namespace joined to the host by a veth pair, for tests that put one peer behind an
// impaired link (nftables loss, tc tbf rate) while the server listens on the host end. Needs
// root: when the namespace cannot be made, ok() is false and why() says so (the test skips).
// The namespace, and with it the pair, is deleted by the destructor.
#include <string>

namespace vcb::integration {

class NetNamespace {
  public:
    // `prefix`: a few letters naming the test (interface names stay within 15 bytes).
    explicit NetNamespace(const std::string& prefix);
    ~NetNamespace();
    NetNamespace(const NetNamespace&) = delete;
    NetNamespace& operator=(const NetNamespace&) = delete;

    bool ok() const { return why_.empty(); }
    const std::string& why() const { return why_; }
    const std::string& name() const { return name_; }
    const std::string& hostIp() const { return hostIp_; }  // the host's end: servers listen here
    const std::string& nsIp() const { return nsIp_; }      // the namespace's end
    const std::string& nsDevice() const { return nsDevice_; }
    // Runs `command` with sh inside the namespace; its exit status (-1 if it did not exit).
    int exec(const std::string& command) const;

  private:
    std::string why_, name_, hostDevice_, nsDevice_, hostIp_, nsIp_;
};

// Runs `command` with sh, output discarded; its exit status (-1 if it did not exit).
int runQuiet(const std::string& command);

}  // namespace vcb::integration
