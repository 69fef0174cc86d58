#pragma once
// systemd's notification protocol (sd_notify(3)) without libsystemd: one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET ("@..." = abstract). No-op when the variable is unset.
#include <string>

namespace vcb::room {

// Sends e.g. "READY=1", "WATCHDOG=1", "STATUS=...". false if it could not be sent.
bool sdNotify(const std::string& state);
// The watchdog interval systemd expects pings within ($WATCHDOG_USEC), 0 if none.
long long sdWatchdogUsec();

}  // namespace vcb::room
