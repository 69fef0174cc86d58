#pragma once

#include <span>
#include <string_view>

namespace vcb::signaling {

// One file of the web client (signaling/web/app/), embedded into the binary at build time so the
// node serves the client itself: no separate web server, nothing downloaded at run time.
struct EmbeddedFile {
    std::string_view path;         // relative to signaling/web/app/, e.g. "js/state.js"
    std::string_view contentType;  // from the extension
    std::string_view body;
};

// Every file of the web client, sorted by path; static storage, valid for the program's life.
std::span<const EmbeddedFile> webAppFiles();

}  // namespace vcb::signaling
