#include "recorder/Sidecar.hpp"

#include "recorder/Storage.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vcb::recorder {
namespace json = boost::json;

json::object Sidecar::toJson() const {
    json::object o;
    o["recording"] = recording;
    o["meeting"] = meeting;
    o["title"] = title;
    o["state"] = state;
    o["pid"] = pid;
    o["start"] = utcIso(startedMs);
    o["startMs"] = startedMs;
    if (endedMs) {
        o["end"] = utcIso(*endedMs);
        o["endMs"] = *endedMs;
    } else {
        o["end"] = nullptr;
    }
    json::array u, up, m, f;
    for (const auto& s : units) u.emplace_back(s);
    for (const auto& s : unitsPresent) up.emplace_back(s);
    for (const auto& mk : marks) {
        json::object pos;
        for (const auto& [file, ms] : mk.positions) pos[file] = ms;
        m.emplace_back(json::object{{"time", utcIso(mk.timeMs)}, {"timeMs", mk.timeMs}, {"text", mk.text},
                                    {"positionsMs", std::move(pos)}});
    }
    for (const auto& file : files) {
        json::object fo{{"name", file.name}, {"group", file.group}, {"start", utcIso(file.startedMs)},
                        {"startMs", file.startedMs}};
        fo["mediaStartMs"] = file.mediaStartMs ? json::value(*file.mediaStartMs) : json::value(nullptr);
        fo["end"] = file.closedMs ? json::value(utcIso(*file.closedMs)) : json::value(nullptr);
        if (file.closedMs) fo["endMs"] = *file.closedMs;
        fo["bytes"] = file.bytes ? json::value(*file.bytes) : json::value(nullptr);
        fo["sha256"] = file.sha256 ? json::value(*file.sha256) : json::value(nullptr);
        f.emplace_back(std::move(fo));
    }
    o["units"] = std::move(u);
    o["unitsPresent"] = std::move(up);
    o["marks"] = std::move(m);
    o["files"] = std::move(f);
    if (!error.empty()) o["error"] = error;
    return o;
}

namespace {
std::string str(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::optional<std::int64_t> int64(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (v && v->is_int64()) return v->as_int64();
    if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return std::nullopt;
}
std::vector<std::string> strings(const json::object& o, const char* key) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (v && v->is_array())
        for (const auto& e : v->as_array())
            if (e.is_string()) out.emplace_back(e.as_string());
    return out;
}
}  // namespace

std::optional<Sidecar> Sidecar::fromJson(const json::value& v) {
    if (!v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    Sidecar s;
    s.recording = str(o, "recording");
    s.meeting = str(o, "meeting");
    s.title = str(o, "title");
    s.state = str(o, "state");
    s.pid = int64(o, "pid").value_or(0);
    s.startedMs = int64(o, "startMs").value_or(0);
    s.endedMs = int64(o, "endMs");
    s.units = strings(o, "units");
    s.unitsPresent = strings(o, "unitsPresent");
    s.error = str(o, "error");
    if (const auto* m = o.if_contains("marks"); m && m->is_array())
        for (const auto& e : m->as_array())
            if (e.is_object()) {
                SidecarMark mk{int64(e.as_object(), "timeMs").value_or(0), str(e.as_object(), "text"), {}};
                if (const auto* pos = e.as_object().if_contains("positionsMs"); pos && pos->is_object())
                    for (const auto& [k, v] : pos->as_object())
                        if (v.is_int64()) mk.positions.emplace_back(std::string(k), v.as_int64());
                s.marks.push_back(std::move(mk));
            }
    if (const auto* f = o.if_contains("files"); f && f->is_array())
        for (const auto& e : f->as_array()) {
            if (!e.is_object()) continue;
            const auto& fo = e.as_object();
            SidecarFile file;
            file.name = str(fo, "name");
            file.group = str(fo, "group");
            file.startedMs = int64(fo, "startMs").value_or(0);
            file.mediaStartMs = int64(fo, "mediaStartMs");
            file.closedMs = int64(fo, "endMs");
            if (auto b = int64(fo, "bytes")) file.bytes = static_cast<std::uint64_t>(*b);
            if (auto h = str(fo, "sha256"); !h.empty()) file.sha256 = h;
            s.files.push_back(std::move(file));
        }
    if (s.recording.empty() || s.state.empty()) return std::nullopt;
    return s;
}

namespace {
bool recorderAlive(std::int64_t pid) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name == "vcb-recorder";
}

std::int64_t mtimeMs(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}
}  // namespace

std::vector<std::string> finalizeInterrupted(const std::string& dir) {
    std::vector<std::string> report;
    std::error_code ec;
    std::vector<std::filesystem::path> sidecars;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() == ".json" && it->is_regular_file(ec)) sidecars.push_back(p);
        if (sidecars.size() >= 100000) break;
    }
    if (ec) report.push_back("error: cannot list " + dir + ": " + ec.message());
    for (const auto& p : sidecars) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        json::error_code jec;
        const json::value v = json::parse(ss.str(), jec);
        if (jec) continue;  // not one of ours (or the empty reservation of a run that died at once)
        auto sidecar = Sidecar::fromJson(v);
        if (!sidecar || sidecar->state != "recording" || recorderAlive(sidecar->pid)) continue;
        std::int64_t end = mtimeMs(p.string());
        for (auto& f : sidecar->files) {
            if (f.name.find('/') != std::string::npos || f.name.empty() || f.name[0] == '.') {
                report.push_back("error: " + p.filename().string() + ": bad file name " + f.name);
                continue;
            }
            const std::string path = dir + "/" + f.name;
            if (auto h = sha256File(path)) {
                f.sha256 = *h;
                f.bytes = std::filesystem::file_size(path, ec);
                const auto m = mtimeMs(path);
                if (!f.closedMs) f.closedMs = m;
                end = std::max(end, m);
            } else {
                report.push_back("error: " + p.filename().string() + ": cannot read " + f.name);
            }
        }
        for (const auto& f : sidecar->files)
            if (f.closedMs) end = std::max(end, *f.closedMs);
        // The sidecar's own mtime is the last time it changed, which can be later than the media
        // files only by the metadata rewrites; the media files' mtime is what counts.
        bool anyFile = false;
        std::int64_t mediaEnd = 0;
        for (const auto& f : sidecar->files)
            if (f.closedMs) {
                anyFile = true;
                mediaEnd = std::max(mediaEnd, *f.closedMs);
            }
        sidecar->endedMs = anyFile ? mediaEnd : end;
        sidecar->state = "interrupted";
        const std::string text = json::serialize(sidecar->toJson()) + "\n";
        const std::string err = writeFileAtomically(dir, p.filename().string(), text);
        report.push_back(err.empty() ? "interrupted: " + p.filename().string()
                                     : "error: " + err);
    }
    return report;
}

}  // namespace vcb::recorder
