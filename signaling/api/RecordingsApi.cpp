// MeetingsApi's recording routes (docs/recording.md "The server side"): start and stop over the
// conference, the list from the sidecars the recorder writes into recording.dir, and downloads
// of the files those sidecars name (never a path from the client) with one HTTP byte range.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signaling/api/MeetingsApi.hpp"
#include "signaling/api/WsMeetingControl.hpp"
#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr size_t kMaxSidecars = 10000;
constexpr uintmax_t kMaxSidecarBytes = 4 * 1024 * 1024;

bool safeName(std::string_view name) {
    if (name.empty() || name.size() > 200 || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

HttpResponse jsonOk(http::status status, const json::value& v) {
    HttpResponse r;
    r.status = status;
    r.contentType = "application/json";
    r.body = json::serialize(v);
    r.body += '\n';
    r.header("Cache-Control", "no-store");
    return r;
}

// The sidecars of `meetingId` in `dir`, oldest first (bounded scan).
std::vector<json::object> sidecars(const std::string& dir, const std::string& meetingId) {
    std::vector<std::pair<std::string, json::object>> found;
    std::error_code ec;
    size_t seen = 0;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator() && seen < kMaxSidecars;
         it.increment(ec), ++seen) {
        const std::string name = it->path().filename().string();
        if (!name.ends_with(".json") || !safeName(name)) continue;
        std::error_code sec;
        if (!it->is_regular_file(sec) || it->file_size(sec) > kMaxSidecarBytes) continue;
        std::ifstream in(it->path());
        std::stringstream text;
        text << in.rdbuf();
        json::error_code jec;
        json::value v = json::parse(text.str(), jec);
        if (jec || !v.is_object()) continue;
        const auto* m = v.as_object().if_contains("meeting");
        if (!m || !m->is_string() || m->as_string() != meetingId) continue;
        json::object o = std::move(v.as_object());
        o["id"] = name.substr(0, name.size() - 5);
        found.emplace_back(name, std::move(o));
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<json::object> out;
    for (auto& [n, o] : found) out.push_back(std::move(o));
    return out;
}

}  // namespace

void MeetingsApi::recordingStart(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    if (conference_ == nullptr)
        return responder.respond(
            problem(http::status::not_found, "no_such_meeting", "no such meeting is running"));
    conference_->recording(id, "", true, [responder, id](rooms::RecordingError e, std::string d) {
        if (e == rooms::RecordingError::None)
            return responder.respond(
                jsonOk(http::status::accepted, json::object{{"meeting", id}, {"recording", true}}));
        const http::status s = e == rooms::RecordingError::NotJoined ? http::status::not_found
                               : e == rooms::RecordingError::Failed
                                   ? http::status::internal_server_error
                                   : http::status::conflict;
        responder.respond(problem(s,
                                  e == rooms::RecordingError::NotJoined
                                      ? "no_such_meeting"
                                      : rooms::recordingErrorCode(e),
                                  d.empty() ? rooms::recordingErrorCode(e) : d));
    });
}

void MeetingsApi::recordingStop(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    if (conference_ == nullptr)
        return responder.respond(
            problem(http::status::not_found, "no_such_meeting", "no such meeting is running"));
    conference_->recording(id, "", false, [responder, id](rooms::RecordingError e, std::string) {
        if (e == rooms::RecordingError::None)
            return responder.respond(jsonOk(http::status::accepted,
                                            json::object{{"meeting", id}, {"recording", false}}));
        const bool missing = e == rooms::RecordingError::NotJoined;
        responder.respond(problem(missing ? http::status::not_found : http::status::conflict,
                                  missing ? "no_such_meeting" : rooms::recordingErrorCode(e),
                                  missing ? "no such meeting is running"
                                          : rooms::recordingErrorCode(e)));
    });
}

void MeetingsApi::recordingList(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    json::array list;
    for (json::object& s : sidecars(recordingDir_, id)) {
        json::object r;
        for (const char* k : {"id", "state", "start", "end", "title", "error"})
            if (const auto* v = s.if_contains(k)) r[k] = *v;
        json::array files;
        if (const auto* f = s.if_contains("files"); f && f->is_array()) {
            for (const auto& fv : f->as_array()) {
                if (!fv.is_object()) continue;
                json::object file;
                for (const char* k : {"name", "group", "bytes", "sha256", "start", "end"})
                    if (const auto* v = fv.as_object().if_contains(k)) file[k] = *v;
                files.push_back(std::move(file));
            }
        }
        r["files"] = std::move(files);
        if (const auto* m = s.if_contains("marks")) r["marks"] = *m;
        list.push_back(std::move(r));
    }
    responder.respond(jsonOk(http::status::ok, json::object{{"recordings", std::move(list)}}));
}

bool MeetingsApi::listedRecordingFile(const std::string& id, const std::string& file) const {
    // Only a name a sidecar of this meeting lists (and that is a plain safe name) is served.
    if (!safeName(file)) return false;
    for (const json::object& s : sidecars(recordingDir_, id)) {
        const auto* f = s.if_contains("files");
        if (!f || !f->is_array()) continue;
        for (const auto& fv : f->as_array()) {
            const auto* n = fv.is_object() ? fv.as_object().if_contains("name") : nullptr;
            if (n && n->is_string() && n->as_string() == file) return true;
        }
    }
    return false;
}

std::string MeetingsApi::downloadTicket(const std::string& id, const std::string& file,
                                        int64_t expiresMs) const {
    const std::string message =
        "vcb-download\n" + id + "\n" + file + "\n" + std::to_string(expiresMs);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLen = 0;
    HMAC(EVP_sha256(), ticketKey_.data(), static_cast<int>(ticketKey_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &macLen);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = std::to_string(expiresMs) + ".";
    for (unsigned int i = 0; i < macLen; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 0xf];
    }
    return out;
}

bool MeetingsApi::validTicket(const std::string& id, const std::string& file,
                              const std::string& ticket) const {
    const auto dot = ticket.find('.');
    if (dot == std::string::npos || dot == 0 || dot > 15 || ticket.size() > 100) return false;
    int64_t expires = 0;
    const auto [p, ec] = std::from_chars(ticket.data(), ticket.data() + dot, expires);
    if (ec != std::errc() || p != ticket.data() + dot || expires < clock_()) return false;
    const std::string expected = downloadTicket(id, file, expires);
    return expected.size() == ticket.size() &&
           CRYPTO_memcmp(expected.data(), ticket.data(), ticket.size()) == 0;
}

void MeetingsApi::recordingLink(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    const std::string file(request.param("file"));
    if (!listedRecordingFile(id, file))
        return responder.respond(problem(http::status::not_found, "no_such_recording",
                                         "no such file in this meeting's recordings"));
    constexpr int64_t kTicketLifetimeMs = 60'000;
    const int64_t expires = clock_() + kTicketLifetimeMs;
    const std::string url = "/api/meetings/" + id + "/recordings/" + file +
                            "?ticket=" + downloadTicket(id, file, expires);
    responder.respond(jsonOk(http::status::ok, json::object{{"url", url}, {"expiresAt", expires}}));
}

void MeetingsApi::recordingFile(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    const std::string file(request.param("file"));
    if (!listedRecordingFile(id, file))
        return responder.respond(problem(http::status::not_found, "no_such_recording",
                                         "no such file in this meeting's recordings"));
    const std::string path = recordingDir_ + "/" + file;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        return responder.respond(
            problem(http::status::not_found, "no_such_recording", "the file is gone"));
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t first = 0, last = size == 0 ? 0 : size - 1;
    bool ranged = false;
    if (auto range = request.header("Range"); !range.empty()) {
        // One range: bytes=A-B, bytes=A- or bytes=-N.
        auto bad = [&] {
            ::close(fd);
            HttpResponse r = problem(http::status::range_not_satisfiable, "bad_range",
                                     "one byte range within the file is supported");
            r.header("Content-Range", "bytes */" + std::to_string(size));
            responder.respond(std::move(r));
        };
        if (!range.starts_with("bytes=") || range.find(',') != std::string_view::npos)
            return bad();
        range.remove_prefix(6);
        const auto dash = range.find('-');
        if (dash == std::string_view::npos) return bad();
        auto num = [](std::string_view t, uint64_t& v) {
            auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            return ec == std::errc() && p == t.data() + t.size() && !t.empty();
        };
        const std::string_view a = range.substr(0, dash), b = range.substr(dash + 1);
        if (a.empty()) {
            uint64_t n = 0;
            if (!num(b, n) || n == 0 || size == 0) return bad();
            first = n >= size ? 0 : size - n;
        } else {
            if (!num(a, first) || first >= size) return bad();
            if (!b.empty()) {
                if (!num(b, last) || last < first) return bad();
                last = std::min(last, size - 1);
            }
        }
        ranged = true;
    }
    const uint64_t length = size == 0 ? 0 : last - first + 1;
    HttpResponse r;
    r.status = ranged ? http::status::partial_content : http::status::ok;
    r.contentType = file.ends_with(".json") ? "application/json"
                    : file.ends_with(".mkv") ? "video/x-matroska"
                                             : "video/webm";
    // Streamed from the descriptor by the HTTP session (which closes it), never read whole.
    r.file = std::make_shared<FileSlice>(fd, first, length);
    r.header("Accept-Ranges", "bytes");
    if (ranged)
        r.header("Content-Range", "bytes " + std::to_string(first) + "-" +
                                      std::to_string(last) + "/" + std::to_string(size));
    r.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
    r.header("Cache-Control", "no-store");
    responder.respond(std::move(r));
}

}  // namespace vcb::signaling
