#pragma once
// TLS for the clients' wss:// and https:// connections (OpenSSL through Boost.Asio/Beast). The
// server's certificate is always verified: its chain against the system's trust store or one PEM
// CA file of the caller's, and its name against the URL's host (DNS name or IP address); SNI
// names the host. There is no switch to skip verification.
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <memory>
#include <string>

namespace vcb::gstclient {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// A TLS 1.2+ client context with peer verification on, trusting the certificates of `caFile`
// (PEM) or, when it is empty, the system's store. nullptr and *error when the file is unusable.
std::unique_ptr<boost::asio::ssl::context> makeClientTlsContext(const std::string& caFile,
                                                                std::string* error);

// Called once the TCP connection is up, before the first byte of HTTP or WebSocket: on a plain
// stream `done("")` at once; on a TLS stream the client handshake for `host` (SNI unless it is
// an IP address, host name verification), then `done("")` or `done(why)`, where `why` is
// OpenSSL's reason and, when the certificate was refused, the verification result
// ("certificate verify failed: self-signed certificate"). Bounded by the tcp_stream's expiry.
void secureChannel(boost::beast::tcp_stream& stream, const std::string& host,
                   std::function<void(const std::string& failure)> done);
void secureChannel(TlsStream& stream, const std::string& host,
                   std::function<void(const std::string& failure)> done);

}  // namespace vcb::gstclient
