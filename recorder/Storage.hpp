#pragma once
// Safe storage for recordings: names made only of sanitised ids and UTC time, files created
// exclusively (never overwritten) with mode 0600 in a 0700 directory, free-space checks,
// SHA-256 of finished files and atomic replacement of small text files (the sidecar).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::recorder {

// Lower-cases and keeps [a-z0-9._-]; anything else becomes '-'. At most 64 characters, never
// empty, never starting with '.' (no hidden files, no "." or ".."). Never a path.
std::string sanitizeName(std::string_view raw);

// "20261205t071512z" for the given wall time (seconds since the epoch), UTC.
std::string utcStamp(std::int64_t unixSeconds);
// "2026-12-05T07:15:12.345Z", UTC, millisecond precision.
std::string utcIso(std::int64_t unixMillis);
std::int64_t nowUnixMillis();

// Creates dir (and missing parents) if needed and makes sure it is a directory we own with
// mode 0700 (chmod if it was looser). Empty string on success, else the reason.
std::string prepareDirectory(const std::string& dir);

// Free space available to this user in MiB, nullopt if statvfs fails.
std::optional<std::uint64_t> freeMiB(const std::string& dir);

// Opens dir/<base><ext> with O_CREAT|O_EXCL, mode 0600; if the name exists tries
// <base>-1<ext> ... <base>-99<ext>. Returns the fd (or -1) and the file name chosen (no dir).
struct CreatedFile {
    int fd = -1;
    std::string name;
    std::string error;
};
CreatedFile createExclusive(const std::string& dir, const std::string& base, const std::string& ext);

// Lower-case hex SHA-256 of a file's contents, nullopt on a read error.
std::optional<std::string> sha256File(const std::string& path);

// Writes content to path atomically: path.<pid>.tmp (0600), fsync, rename over path, fsync the dir.
std::string writeFileAtomically(const std::string& dir, const std::string& name,
                                const std::string& content);

}  // namespace vcb::recorder
