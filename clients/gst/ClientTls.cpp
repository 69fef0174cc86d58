#include "clients/gst/ClientTls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

namespace vcb::gstclient {
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> makeClientTlsContext(const std::string& caFile, std::string* error) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (caFile.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) {
            if (error) *error = "cannot load the system's trusted certificates: " + ec.message();
            return nullptr;
        }
    } else {
        ctx->load_verify_file(caFile, ec);
        if (ec) {
            if (error) *error = "cannot load CA file " + caFile + ": " + ec.message();
            return nullptr;
        }
    }
    return ctx;
}

void secureChannel(boost::beast::tcp_stream&, const std::string&,
                   std::function<void(const std::string&)> done) {
    done("");
}

void secureChannel(TlsStream& stream, const std::string& host,
                   std::function<void(const std::string&)> done) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    const bool isAddress = !ec;
    // RFC 6066: SNI carries host names only, never an address literal.
    if (!isAddress && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
        done("cannot set the TLS server name " + host);
        return;
    }
    stream.set_verify_mode(ssl::verify_peer);
    // Asio's check of the leaf certificate's name; OpenSSL is told why when it fails, so the
    // error says "hostname mismatch" rather than an unspecified failure.
    stream.set_verify_callback([check = ssl::host_name_verification(host), isAddress](
                                   bool preverified, ssl::verify_context& context) {
        if (check(preverified, context)) return true;
        X509_STORE_CTX* store = context.native_handle();
        if (preverified && X509_STORE_CTX_get_error_depth(store) == 0)
            X509_STORE_CTX_set_error(
                store, isAddress ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
        return false;
    });
    stream.async_handshake(ssl::stream_base::client,
                           [&stream, done = std::move(done)](boost::system::error_code hec) {
                               if (!hec) return done("");
                               std::string why = hec.message();
                               const long verify = SSL_get_verify_result(stream.native_handle());
                               if (verify != X509_V_OK)
                                   why += std::string(": ") + X509_verify_cert_error_string(verify);
                               done("TLS handshake failed: " + why);
                           });
}

}  // namespace vcb::gstclient
