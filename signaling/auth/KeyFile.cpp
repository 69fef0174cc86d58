#include "signaling/auth/KeyFile.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace vcb::auth {

bool readKeyFile(const std::string& path, std::string& contents, std::string& error) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = "cannot read key file " + path + ": " + std::strerror(errno);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        error = "key file " + path + " is not a regular file";
        return false;
    }
    if (static_cast<size_t>(st.st_size) > kMaxKeyFileBytes) {
        error = "key file " + path + " is larger than 64 KiB";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open key file " + path;
        return false;
    }
    contents.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (contents.size() > kMaxKeyFileBytes) {
        error = "key file " + path + " is larger than 64 KiB";
        return false;
    }
    return true;
}

bool isReadableByOthers(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

}  // namespace vcb::auth
