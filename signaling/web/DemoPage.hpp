#pragma once

#include <string_view>

namespace vcb::signaling {

// The built-in browser demo page served at GET /demo (signaling/web/demo.html), embedded into
// the binary at build time so the server needs no files on disk. UTF-8 HTML with inline CSS/JS;
// the view refers to static storage and stays valid for the life of the program.
std::string_view demoPageHtml();

}  // namespace vcb::signaling
