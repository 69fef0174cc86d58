#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>

#include "signaling/http/HttpServerConfig.hpp"

namespace vcb::signaling {

// Builds the server TLS context from the PEM files of `tls`: TLS 1.2 and 1.3 only, OpenSSL's
// TLS 1.3 suites and ECDHE with AEAD ciphers for TLS 1.2, no compression, no renegotiation.
// The certificate must be valid now and match the key. nullptr and a TlsError in `ec` on
// failure; never prompts for a passphrase.
std::shared_ptr<boost::asio::ssl::context> createServerTlsContext(const HttpServerConfig::Tls& tls,
                                                                  boost::system::error_code& ec);

}  // namespace vcb::signaling
