#pragma once

#include <boost/system/error_code.hpp>
#include <functional>
#include <string_view>

namespace vcb::signaling {

// The single place where the HTTP layer reports I/O errors. Lines are rate limited so that a
// flood of broken clients cannot flood the log; suppressed lines are counted and reported.
using FailLogSink = std::function<void(std::string_view line)>;

// Default sink writes to stderr. Set before the server starts.
void setFailLogSink(FailLogSink sink);
void setFailLogRate(unsigned linesPerSecond);  // default 20

// True for errors that are part of normal connection life (peer closed, cancelled, timeout);
// fail() does not log those.
bool isBenignError(const boost::system::error_code& ec);

void fail(const boost::system::error_code& ec, std::string_view what);

}  // namespace vcb::signaling
