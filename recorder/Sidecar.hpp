#pragma once
// The JSON sidecar of one recording run (docs/recording.md "Sidecar"): who, what, when, the floor
// changes and every media file with its SHA-256, rewritten atomically whenever it changes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace vcb::recorder {

struct SidecarFile {
    std::string name;   // file name inside the recording directory
    std::string group;  // "programme", a participant...
    std::int64_t startedMs = 0;
    // Wall time of the file's media time 0 (its first packet less the jitter buffer's latency).
    std::optional<std::int64_t> mediaStartMs;
    std::optional<std::int64_t> closedMs;
    std::optional<std::uint64_t> bytes;
    std::optional<std::string> sha256;
};

struct SidecarMark {
    std::int64_t timeMs = 0;
    std::string text;
    // Where the mark falls in each file recording at that moment: file name → media time in ms
    // (a chapter point for a player).
    std::vector<std::pair<std::string, std::int64_t>> positions;
};

struct Sidecar {
    std::string recording;  // sanitised recording id
    std::string meeting;
    std::string title;
    std::string state = "recording";  // recording | complete | interrupted | failed
    std::int64_t pid = 0;
    std::int64_t startedMs = 0;
    std::optional<std::int64_t> endedMs;
    std::vector<std::string> units;         // present now
    std::vector<std::string> unitsPresent;  // every unit present at some point, first seen first
    std::vector<SidecarMark> marks;
    std::vector<SidecarFile> files;
    std::string error;

    boost::json::object toJson() const;
    static std::optional<Sidecar> fromJson(const boost::json::value& v);
};

// Completes the sidecars in dir whose recorder is gone ("state":"recording" and no live
// vcb-recorder with that pid): file sizes and SHA-256, "state":"interrupted", end = the newest
// media file's mtime. Reads the media files, never writes them. Returns what it did, one line
// per sidecar; errors are in the same list prefixed by "error: ".
std::vector<std::string> finalizeInterrupted(const std::string& dir);

}  // namespace vcb::recorder
