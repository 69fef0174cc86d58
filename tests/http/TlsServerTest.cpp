#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "signaling/http/SelfSignedCertificate.hpp"
#include "signaling/http/TlsError.hpp"
#include "tests/http/TestServer.hpp"

namespace vcb::signaling::test {
namespace {

namespace ssl = net::ssl;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;

// A fresh directory with a certificate for "localhost", removed at the end.
class CertDir {
  public:
    explicit CertDir(SelfSignedOptions options = {}) {
        std::string tmpl = (fs::temp_directory_path() / "vcb-tls-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
        std::string error;
        ok_ = writeSelfSignedCertificate(path_ + "/pki", options, error);
        error_ = error;
    }
    ~CertDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }
    const std::string& root() const { return path_; }
    std::string cert() const { return path_ + "/pki/cert.pem"; }
    std::string key() const { return path_ + "/pki/key.pem"; }

  private:
    std::string path_;
    std::string error_;
    bool ok_ = false;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::trunc);
    out << data;
}

HttpServerConfig tlsConfig(const CertDir& certs) {
    auto c = testConfig();
    c.tls.certificateChainFile = certs.cert();
    c.tls.privateKeyFile = certs.key();
    c.tls.handshakeTimeout = 700ms;
    return c;
}

void addRoutes(HttpRouter& router) {
    router.add({http::verb::get}, "/healthz", [](HttpRequest, HttpResponder r) {
        r.respond(HttpResponse{http::status::ok, "text/plain", "ok", {}});
    });
}

class Echo : public WsHandler {
  public:
    void onOpen(std::shared_ptr<WsConnection>) override {}
    void onMessage(const std::shared_ptr<WsConnection>& c, std::string message) override {
        c->send("echo:" + message);
    }
    void onClose(const std::shared_ptr<WsConnection>&) override {}
};

// Client context that trusts exactly `caFile` and checks the host name.
std::unique_ptr<ssl::context> verifyingContext(const std::string& caFile) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx->load_verify_file(caFile);
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

class TlsClient {
  public:
    TlsClient(std::uint16_t port, ssl::context& ctx, const std::string& host = "localhost")
        : stream_(ioc_, ctx) {
        beast::get_lowest_layer(stream_).connect(
            tcp::endpoint(net::ip::address_v4::loopback(), port));
        beast::get_lowest_layer(stream_).expires_after(10s);
        SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
        stream_.set_verify_callback(ssl::host_name_verification(host));
    }

    beast::error_code handshake() {
        beast::error_code ec;
        stream_.handshake(ssl::stream_base::client, ec);
        return ec;
    }

    http::response<http::string_body> get(const std::string& target, beast::error_code& ec) {
        http::request<http::string_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "localhost");
        http::response<http::string_body> res;
        http::write(stream_, req, ec);
        if (!ec) http::read(stream_, buffer_, res, ec);
        return res;
    }

    beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }

  private:
    net::io_context ioc_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
};

// Waits until the server closes `socket` (EOF/reset) and returns how long that took; limit on
// timeout. Data the server sends is read and discarded.
std::chrono::milliseconds timeUntilClosed(tcp::socket& socket, std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    socket.non_blocking(true);
    char buf[512];
    while (std::chrono::steady_clock::now() - start < limit) {
        beast::error_code ec;
        const auto n = socket.read_some(net::buffer(buf), ec);
        if (ec == net::error::would_block) {
            std::this_thread::sleep_for(10ms);
            continue;
        }
        if (ec || n == 0) break;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

TEST(TlsServerTest, HttpsGetVerifiesAgainstGeneratedCertificate) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    addRoutes(runner.router());
    runner.start();

    auto ctx = verifyingContext(certs.cert());
    TlsClient client(runner.port(), *ctx);
    ASSERT_FALSE(client.handshake());
    EXPECT_GE(SSL_version(client.stream().native_handle()), TLS1_2_VERSION);
    beast::error_code ec;
    auto res = client.get("/healthz", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), "ok");
    // Keep-alive over TLS: a second request on the same connection.
    res = client.get("/healthz", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body(), "ok");
    res = client.get("/nope", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result(), http::status::not_found);
}

TEST(TlsServerTest, IpAddressNameVerifies) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    addRoutes(runner.router());
    runner.start();

    auto ctx = verifyingContext(certs.cert());
    TlsClient client(runner.port(), *ctx, "127.0.0.1");
    ASSERT_FALSE(client.handshake());
    TlsClient wrongName(runner.port(), *ctx, "example.org");
    EXPECT_TRUE(wrongName.handshake());
}

TEST(TlsServerTest, WssRoundTrip) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    ASSERT_TRUE(runner.router().addWebSocket("/ws", std::make_shared<Echo>()));
    runner.start();

    auto ctx = verifyingContext(certs.cert());
    net::io_context ioc;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, *ctx);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(net::ip::address_v4::loopback(), runner.port()));
    beast::get_lowest_layer(ws).expires_after(10s);
    SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "localhost");
    ws.next_layer().set_verify_callback(ssl::host_name_verification("localhost"));
    ws.next_layer().handshake(ssl::stream_base::client);
    ws.handshake("localhost", "/ws");
    for (int i = 0; i < 3; ++i) {
        ws.write(net::buffer("hello" + std::to_string(i)));
        beast::flat_buffer buffer;
        ws.read(buffer);
        EXPECT_EQ(beast::buffers_to_string(buffer.data()), "echo:hello" + std::to_string(i));
    }
    ws.close(websocket::close_code::normal);
    EXPECT_TRUE(runner.stopAndJoin(3s));
}

TEST(TlsServerTest, PlainHttpIsRefusedOnTlsOnlyListener) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    addRoutes(runner.router());
    ASSERT_TRUE(runner.router().addWebSocket("/ws", std::make_shared<Echo>()));
    runner.start();

    TestClient client(runner.port());
    auto res = client.request(http::verb::get, "/healthz");
    expectProblem(res, http::status::bad_request, "https_required");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(client.serverClosed());

    // Nor may a plain WebSocket upgrade get through.
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws(ioc);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(net::ip::address_v4::loopback(), runner.port()));
    beast::error_code ec;
    ws.handshake("localhost", "/ws", ec);
    EXPECT_TRUE(ec);
}

TEST(TlsServerTest, AllowPlainServesBothOnOnePort) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    auto config = tlsConfig(certs);
    config.tls.allowPlain = true;
    ServerRunner runner(config);
    addRoutes(runner.router());
    runner.start();

    TestClient plain(runner.port());
    auto res = plain.request(http::verb::get, "/healthz");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), "ok");

    auto ctx = verifyingContext(certs.cert());
    TlsClient client(runner.port(), *ctx);
    ASSERT_FALSE(client.handshake());
    beast::error_code ec;
    res = client.get("/healthz", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body(), "ok");
}

TEST(TlsServerTest, SilentClientIsCutAfterHandshakeTimeout) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));  // handshake timeout 700 ms, read timeout 2 s
    runner.start();

    net::io_context ioc;
    tcp::socket silent(ioc);
    silent.connect(tcp::endpoint(net::ip::address_v4::loopback(), runner.port()));
    const auto waited = timeUntilClosed(silent, 5s);
    EXPECT_GE(waited, 500ms);
    EXPECT_LT(waited, 1900ms);  // well before the 2 s HTTP read timeout
    EXPECT_EQ(runner.server().connectionCount(), 0u);
}

TEST(TlsServerTest, StalledClientHelloIsCutAfterHandshakeTimeout) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    runner.start();

    net::io_context ioc;
    tcp::socket slow(ioc);
    slow.connect(tcp::endpoint(net::ip::address_v4::loopback(), runner.port()));
    // The start of a TLS record header with a ClientHello, then nothing more.
    const unsigned char partial[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    net::write(slow, net::buffer(partial));
    const auto waited = timeUntilClosed(slow, 5s);
    EXPECT_GE(waited, 500ms);
    EXPECT_LT(waited, 1900ms);
}

TEST(TlsServerTest, UnknownSelfSignedCertificateIsRejectedByVerifyingClient) {
    CertDir served;
    CertDir other;
    ASSERT_TRUE(served.ok() && other.ok());
    ServerRunner runner(tlsConfig(served));
    runner.start();

    auto ctx = verifyingContext(other.cert());  // trusts a different self-signed certificate
    TlsClient client(runner.port(), *ctx);
    const auto ec = client.handshake();
    ASSERT_TRUE(ec);
    EXPECT_EQ(SSL_get_verify_result(client.stream().native_handle()),
              X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
        << ec.message();
}

TEST(TlsServerTest, OldProtocolVersionsAreRefused) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    ServerRunner runner(tlsConfig(certs));
    runner.start();

    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_none);
    // Level 0 so that the client itself would still speak TLS 1.1.
    ASSERT_EQ(SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT@SECLEVEL=0"), 1);
    ASSERT_EQ(SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION), 1);
    ASSERT_EQ(SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION), 1);
    TlsClient client(runner.port(), ctx);
    EXPECT_TRUE(client.handshake());
}

TEST(TlsServerTest, StopClosesConnectionsInEveryPhase) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    auto config = tlsConfig(certs);
    config.tls.handshakeTimeout = 30s;
    ServerRunner runner(config);
    addRoutes(runner.router());
    runner.start();

    net::io_context ioc;
    tcp::socket silent(ioc);  // still being sniffed
    silent.connect(tcp::endpoint(net::ip::address_v4::loopback(), runner.port()));
    auto ctx = verifyingContext(certs.cert());
    TlsClient idle(runner.port(), *ctx);  // TLS done, waiting for a request
    ASSERT_FALSE(idle.handshake());
    for (int i = 0; i < 100 && runner.server().connectionCount() < 2; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(runner.server().connectionCount(), 2u);
    EXPECT_TRUE(runner.stopAndJoin(3s));
}

TEST(TlsServerTest, StartReportsCertificateProblems) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    net::io_context ioc;
    auto startWith = [&](const std::string& cert, const std::string& key) {
        auto c = testConfig();
        c.tls.certificateChainFile = cert;
        c.tls.privateKeyFile = key;
        HttpServer server(ioc, c);
        return server.start();
    };
    EXPECT_EQ(startWith(certs.cert(), ""), make_error_code(TlsError::incomplete_config));
    EXPECT_EQ(startWith(certs.root() + "/missing.pem", certs.key()),
              make_error_code(TlsError::certificate_unreadable));
    EXPECT_EQ(startWith(certs.cert(), certs.root() + "/missing.pem"),
              make_error_code(TlsError::key_unreadable));

    writeFile(certs.root() + "/garbage.pem", "not a certificate\n");
    EXPECT_EQ(startWith(certs.root() + "/garbage.pem", certs.key()),
              make_error_code(TlsError::certificate_invalid));
    EXPECT_EQ(startWith(certs.cert(), certs.root() + "/garbage.pem"),
              make_error_code(TlsError::key_invalid));
    // Certificate and key swapped.
    EXPECT_EQ(startWith(certs.key(), certs.cert()), make_error_code(TlsError::certificate_invalid));

    CertDir other;
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(startWith(certs.cert(), other.key()), make_error_code(TlsError::key_mismatch));

    SelfSignedOptions expired;
    expired.notBefore = -48h;
    expired.notAfter = -24h;
    CertDir old(expired);
    ASSERT_TRUE(old.ok()) << old.error();
    EXPECT_EQ(startWith(old.cert(), old.key()), make_error_code(TlsError::certificate_expired));

    SelfSignedOptions future;
    future.notBefore = 24h;
    future.notAfter = 48h;
    CertDir early(future);
    ASSERT_TRUE(early.ok()) << early.error();
    EXPECT_EQ(startWith(early.cert(), early.key()),
              make_error_code(TlsError::certificate_not_yet_valid));

    // An encrypted key fails instead of prompting on the terminal.
    const std::string encrypted = certs.root() + "/encrypted.pem";
    const std::string cmd = "openssl pkey -in " + certs.key() + " -aes256 -passout pass:x -out " +
                            encrypted + " 2>/dev/null";
    if (std::system(cmd.c_str()) == 0) {
        EXPECT_EQ(startWith(certs.cert(), encrypted), make_error_code(TlsError::key_invalid));
    }

    EXPECT_FALSE(startWith(certs.cert(), certs.key()));
    EXPECT_FALSE(make_error_code(TlsError::key_mismatch).message().empty());
}

TEST(SelfSignedCertificateTest, WritesKeyWithMode0600AndNeverOverwrites) {
    CertDir certs;
    ASSERT_TRUE(certs.ok()) << certs.error();
    struct stat st {};
    ASSERT_EQ(::stat(certs.key().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(certs.cert().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_NE(readFile(certs.key()).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    EXPECT_NE(readFile(certs.cert()).find("-----BEGIN CERTIFICATE-----"), std::string::npos);

    const std::string keyBefore = readFile(certs.key());
    std::string error;
    EXPECT_FALSE(writeSelfSignedCertificate(certs.root() + "/pki", {}, error));
    EXPECT_NE(error.find("already exists"), std::string::npos) << error;
    EXPECT_EQ(readFile(certs.key()), keyBefore);

    // A permissive umask does not widen the key file.
    const mode_t old = ::umask(0);
    const bool ok = writeSelfSignedCertificate(certs.root() + "/open", {}, error);
    ::umask(old);
    ASSERT_TRUE(ok) << error;
    ASSERT_EQ(::stat((certs.root() + "/open/key.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(SelfSignedCertificateTest, NamesAndSubjectAltNames) {
    EXPECT_TRUE(isValidCertificateName("localhost"));
    EXPECT_TRUE(isValidCertificateName("meet.example.gov"));
    EXPECT_TRUE(isValidCertificateName("10.0.0.5"));
    EXPECT_TRUE(isValidCertificateName("fd00::1"));
    EXPECT_FALSE(isValidCertificateName(""));
    EXPECT_FALSE(isValidCertificateName("a,IP:1.2.3.4"));
    EXPECT_FALSE(isValidCertificateName("bad name"));
    EXPECT_FALSE(isValidCertificateName(std::string(300, 'a')));

    std::string error;
    SelfSignedOptions options;
    options.name = "a,DNS:evil.example";
    EXPECT_FALSE(generateSelfSignedCertificate(options, error));

    options.name = "10.1.2.3";
    auto pem = generateSelfSignedCertificate(options, error);
    ASSERT_TRUE(pem) << error;
    BIO* bio = BIO_new_mem_buf(pem->certificate.data(), static_cast<int>(pem->certificate.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(X509_check_ip_asc(cert, "10.1.2.3", 0), 1);
    EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
    EXPECT_NE(X509_check_ip_asc(cert, "10.1.2.4", 0), 1);
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
    // About a year of validity.
    int days = 0;
    int seconds = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert)), 1);
    EXPECT_GE(days, 364);
    EXPECT_LE(days, 366);
    X509_free(cert);
}

}  // namespace
}  // namespace vcb::signaling::test
