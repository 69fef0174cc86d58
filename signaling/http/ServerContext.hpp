#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "signaling/http/ConnectionRegistry.hpp"
#include "signaling/http/HttpRouter.hpp"
#include "signaling/http/HttpServerConfig.hpp"

namespace vcb::signaling {

// Immutable state shared by the listener and all sessions; outlives HttpServer if sessions do.
struct ServerContext {
    HttpServerConfig config;
    std::shared_ptr<const HttpRouter> router;
    std::shared_ptr<ConnectionRegistry> registry;
    // Set when the listener serves HTTPS/WSS (HttpServerConfig::tlsEnabled()).
    std::shared_ptr<boost::asio::ssl::context> tls;
};

}  // namespace vcb::signaling
