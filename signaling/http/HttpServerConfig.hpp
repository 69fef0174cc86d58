#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vcb::signaling {

// Limits and timeouts of the HTTP/WebSocket listener. Defaults suit an internet-facing SFU; tests
// shrink the timeouts so that idle/linger behaviour can be observed quickly.
struct HttpServerConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 = let the kernel choose, see HttpServer::port()

    std::size_t maxBodyBytes = 64 * 1024;
    std::size_t maxHeaderBytes = 8 * 1024;  // request line + all header fields
    std::size_t maxConnections = 2000;      // HTTP and WebSocket connections together

    std::chrono::milliseconds readTimeout{30'000};     // first byte .. last body byte of a request
    std::chrono::milliseconds idleTimeout{60'000};     // keep-alive wait for the next request
    std::chrono::milliseconds writeTimeout{30'000};    // sending one response
    std::chrono::milliseconds handlerTimeout{30'000};  // a handler that never answers -> 503
    std::chrono::milliseconds lingerTimeout{2'000};    // drain input before closing after an error
    std::chrono::seconds retryAfter{5};                // Retry-After of 503 too_many_connections

    std::string serverName = "vcbridge";

    // HTTPS/WSS on the same port. TLS is on when both files are set; they are loaded by
    // HttpServer::start(). Every connection is then sniffed: TLS handshakes get HTTPS/WSS,
    // plain HTTP is answered 400 "https_required" unless allowPlain.
    struct Tls {
        std::string certificateChainFile;  // PEM, leaf first, then intermediates
        std::string privateKeyFile;        // PEM, unencrypted (PKCS#8 or traditional)
        bool allowPlain = false;
        // Accept .. end of the TLS handshake; cuts connections that stall the handshake.
        std::chrono::milliseconds handshakeTimeout{10'000};
    } tls;

    bool tlsEnabled() const {
        return !tls.certificateChainFile.empty() || !tls.privateKeyFile.empty();
    }

    struct WebSocket {
        std::size_t maxMessageBytes = 64 * 1024;
        std::size_t maxQueuedMessages = 256;
        std::size_t maxQueuedBytes = 4 * 1024 * 1024;
        std::chrono::milliseconds handshakeTimeout{30'000};  // opening and closing handshakes
        // No frame from the peer for this long -> closed; Beast pings at half of it.
        std::chrono::milliseconds idleTimeout{30'000};
        // After a close was started (close(), overflow, stop()), the socket is dropped at the
        // latest after this long even if the peer neither reads nor answers.
        std::chrono::milliseconds closeTimeout{5'000};
    } ws;
};

}  // namespace vcb::signaling
