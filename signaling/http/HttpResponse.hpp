#pragma once

#include <unistd.h>

#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vcb::signaling {

// What a handler answers. The server adds Content-Length, Server, Connection and the CORS
// headers; `headers` may repeat a name (e.g. several Link headers) and may override CORS ones.
// A byte range of an open file, sent as the body in place of `body` (downloads of recordings:
// the session streams it in chunks instead of holding the file in memory). Owns the descriptor.
class FileSlice {
public:
    FileSlice(int fd, std::uint64_t offset, std::uint64_t length)
        : fd_(fd), offset_(offset), length_(length) {}
    ~FileSlice() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileSlice(const FileSlice&) = delete;
    FileSlice& operator=(const FileSlice&) = delete;
    int fd() const { return fd_; }
    std::uint64_t offset() const { return offset_; }
    std::uint64_t length() const { return length_; }

private:
    const int fd_;
    const std::uint64_t offset_;
    const std::uint64_t length_;
};

struct HttpResponse {
    boost::beast::http::status status = boost::beast::http::status::ok;
    std::string contentType;  // empty = no Content-Type header
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const FileSlice> file;  // when set, the body (`body` stays empty)

    HttpResponse& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace vcb::signaling
