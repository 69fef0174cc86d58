#pragma once

namespace vcb::signaling {

// A live connection that HttpServer::stop() can shut down from any thread.
class Closable {
  public:
    virtual ~Closable() = default;
    // Posts to the connection's strand; never blocks.
    virtual void forceClose() = 0;
};

}  // namespace vcb::signaling
