#pragma once
// Shell commands and vcb-token for the app tests that run the real binaries (auth, meetings):
// one copy of the popen loop and of the token minting they each had.
#include <string>

namespace vcb::integration {

// Runs a shell command bounded by timeout(1) (30 s) and returns its stdout+stderr (at most about
// 1 MiB); *status gets its exit status, -1 if it did not exit normally.
std::string runCommand(const std::string& command, int* status = nullptr);

// Mints a token with the operator tool: `tool --key-file keyFile --issuer issuer args`. Returns
// the tool's output without the line end (the token, or its error message); *status gets the
// exit status, so the caller can assert it with the output in the message.
std::string mintToken(const std::string& tool, const std::string& keyFile,
                      const std::string& issuer, const std::string& args, int* status);

}  // namespace vcb::integration
