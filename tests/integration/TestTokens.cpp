#include "tests/integration/TestTokens.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace vcb::integration {

std::string runCommand(const std::string& command, int* status) {
    std::string out;
    FILE* p = ::popen(("timeout 30 " + command + " 2>&1").c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0 && out.size() < (1 << 20))
        out.append(buf, n);
    const int rc = ::pclose(p);
    if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

std::string mintToken(const std::string& tool, const std::string& keyFile,
                      const std::string& issuer, const std::string& args, int* status) {
    std::string out =
        runCommand(tool + " --key-file " + keyFile + " --issuer " + issuer + " " + args, status);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace vcb::integration
