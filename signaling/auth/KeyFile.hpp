#pragma once
// Reading key material from disk, once, at start-up.
#include <string>

namespace vcb::auth {

inline constexpr size_t kMaxKeyFileBytes = 64 * 1024;

// Reads a whole key file (at most kMaxKeyFileBytes). false with a message naming the path.
bool readKeyFile(const std::string& path, std::string& contents, std::string& error);
// True if users other than the owner may read the file (the secret would not be secret).
bool isReadableByOthers(const std::string& path);

}  // namespace vcb::auth
