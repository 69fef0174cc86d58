#include "recorder/Storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>

namespace vcb::recorder {

std::string sanitizeName(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (out.size() >= 64) break;
        const unsigned char u = static_cast<unsigned char>(c);
        char lower = static_cast<char>((u >= 'A' && u <= 'Z') ? u - 'A' + 'a' : u);
        const bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ||
                        lower == '.' || lower == '_' || lower == '-';
        out.push_back(ok ? lower : '-');
    }
    while (!out.empty() && out.front() == '.') out.front() = '_';
    if (out.empty()) out = "x";
    return out;
}

std::string utcStamp(std::int64_t unixSeconds) {
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dt%H%M%Sz", &tm);  // lower case: names stay in [a-z0-9._-]
    return buf;
}

std::string utcIso(std::int64_t unixMillis) {
    const std::time_t t = static_cast<std::time_t>(unixMillis / 1000);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unixMillis % 1000));
    return out;
}

std::int64_t nowUnixMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string prepareDirectory(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir + ": " + ec.message();
    struct stat st{};
    if (::lstat(dir.c_str(), &st) != 0) return "cannot stat " + dir + ": " + std::strerror(errno);
    if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
    if (st.st_uid != ::geteuid()) return dir + " is not owned by the service account";
    if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0)
        return "cannot chmod 0700 " + dir + ": " + std::strerror(errno);
    return {};
}

std::optional<std::uint64_t> freeMiB(const std::string& dir) {
    struct statvfs vfs{};
    if (::statvfs(dir.c_str(), &vfs) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize / (1024 * 1024);
}

CreatedFile createExclusive(const std::string& dir, const std::string& base, const std::string& ext) {
    CreatedFile out;
    for (int i = 0; i < 100; ++i) {
        std::string name = i == 0 ? base + ext : base + "-" + std::to_string(i) + ext;
        const std::string path = dir + "/" + name;
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            ::fchmod(fd, 0600);  // whatever the umask
            out.fd = fd;
            out.name = std::move(name);
            return out;
        }
        if (errno != EEXIST) {
            out.error = "cannot create " + path + ": " + std::strerror(errno);
            return out;
        }
    }
    out.error = "too many files named " + base + "*" + ext + " in " + dir;
    return out;
}

std::optional<std::string> sha256File(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
    std::unique_ptr<unsigned char[]> buf(new unsigned char[1 << 16]);
    while (ok) {
        const ssize_t n = ::read(fd, buf.get(), 1 << 16);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ok = false;
        if (n <= 0) break;
        ok = EVP_DigestUpdate(ctx.get(), buf.get(), static_cast<std::size_t>(n)) == 1;
    }
    ::close(fd);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok || EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return std::nullopt;
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 15]);
    }
    return out;
}

namespace {
bool writeAll(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}
}  // namespace

std::string writeFileAtomically(const std::string& dir, const std::string& name,
                                const std::string& content) {
    const std::string path = dir + "/" + name;
    const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return "cannot write " + tmp + ": " + std::strerror(errno);
    ::fchmod(fd, 0600);
    const bool ok = writeAll(fd, content.data(), content.size()) && ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        return "cannot write " + tmp + ": " + std::strerror(savedErrno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) return "cannot rename " + tmp + ": " + std::strerror(errno);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

}  // namespace vcb::recorder
