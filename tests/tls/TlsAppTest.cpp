// The vcbridge binary with TLS: certificate generation, HTTPS and WSS on the listen port, plain
// HTTP refused, clear start-up errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kServer = VCB_SERVER_BIN;

// A child process with stdout+stderr captured.
class Child {
  public:
    explicit Child(const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        std::vector<std::string> copy = args;
        std::vector<char*> argv;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::dup2(fds[1], STDERR_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        fd_ = fds[0];
    }
    ~Child() {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (fd_ >= 0) ::close(fd_);
    }

    // Reads output until `re` matches (returns the match) or `limit` passes / EOF.
    std::optional<std::smatch> waitFor(const std::regex& re, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (true) {
            std::smatch m;
            if (std::regex_search(output_, m, re)) return m;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !readSome(static_cast<int>(left.count()))) return std::nullopt;
        }
    }

    // Waits for exit (reading output meanwhile); the exit code, or -1 on timeout/signal.
    int wait(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                status_ = status;
                for (int i = 0; i < 50 && readSome(100); ++i) {
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            readSome(20);
        }
        return -1;
    }

    int terminate(std::chrono::milliseconds limit) {
        ::kill(pid_, SIGTERM);
        return wait(limit);
    }

    const std::string& output() const { return output_; }

  private:
    bool readSome(int timeoutMs) {
        if (fd_ < 0) return false;
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, timeoutMs) <= 0) return true;  // nothing yet, not EOF
        char buf[4096];
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) return false;
        output_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int fd_ = -1;
    std::optional<int> status_;
    std::string output_;
};

class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "vcb-tlsapp-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

std::string randomRtcPorts() {
    const int first = 20000 + static_cast<int>(::getpid() % 400) * 100;
    return std::to_string(first) + "-" + std::to_string(first + 99);
}

std::unique_ptr<Child> startServer(const std::string& cert, const std::string& key) {
    return std::make_unique<Child>(std::vector<std::string>{
        kServer, "--listen", "127.0.0.1:0", "--media-ip", "127.0.0.1", "--rtc-ports",
        randomRtcPorts(), "--tls-cert", cert, "--tls-key", key});
}

std::unique_ptr<ssl::context> trusting(const std::string& caFile) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx->load_verify_file(caFile);
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

template <class SslStream>
void clientHandshake(SslStream& stream, std::uint16_t port) {
    beast::get_lowest_layer(stream).connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    beast::get_lowest_layer(stream).expires_after(10s);
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    stream.set_verify_callback(ssl::host_name_verification("localhost"));
    stream.handshake(ssl::stream_base::client);
}

class TlsAppTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        certDir_ = dir_.path() + "/tls";
        Child gen({kServer, "--generate-self-signed", certDir_, "--tls-name", "localhost"});
        ASSERT_EQ(gen.wait(30s), 0) << gen.output();
        cert_ = certDir_ + "/cert.pem";
        key_ = certDir_ + "/key.pem";
    }

    // Starts the TLS server and returns its port (0 on failure).
    std::uint16_t start() {
        server_ = startServer(cert_, key_);
        const std::regex ready(R"(vcbridge listening on (https?)://127\.0\.0\.1:(\d+))");
        auto m = server_->waitFor(ready, 20s);
        if (!m) {
            ADD_FAILURE() << "server did not start: " << server_->output();
            return 0;
        }
        EXPECT_EQ((*m)[1].str(), "https");
        return static_cast<std::uint16_t>(std::stoi((*m)[2].str()));
    }

    TempDir dir_;
    std::string certDir_;
    std::string cert_;
    std::string key_;
    std::unique_ptr<Child> server_;
};

TEST_F(TlsAppTest, GenerateSelfSignedWritesPrivateKeyWithMode0600) {
    struct stat st {};
    ASSERT_EQ(::stat(key_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(cert_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));

    // A second run must not replace the key.
    std::ifstream before(key_);
    std::stringstream keyBefore;
    keyBefore << before.rdbuf();
    Child again({kServer, "--generate-self-signed", certDir_});
    EXPECT_EQ(again.wait(30s), 1);
    EXPECT_NE(again.output().find("already exists"), std::string::npos) << again.output();
    std::ifstream after(key_);
    std::stringstream keyAfter;
    keyAfter << after.rdbuf();
    EXPECT_EQ(keyAfter.str(), keyBefore.str());

    Child badName({kServer, "--generate-self-signed", dir_.path() + "/x", "--tls-name", "a b"});
    EXPECT_EQ(badName.wait(30s), 1);
    EXPECT_FALSE(fs::exists(dir_.path() + "/x/key.pem"));
}

TEST_F(TlsAppTest, HttpsHealthzWssPingAndPlainRefused) {
    const auto port = start();
    ASSERT_NE(port, 0);
    auto ctx = trusting(cert_);

    {  // HTTPS GET /healthz, verified against the generated certificate.
        net::io_context ioc;
        beast::ssl_stream<beast::tcp_stream> stream(ioc, *ctx);
        clientHandshake(stream, port);
        http::request<http::string_body> req{http::verb::get, "/healthz", 11};
        req.set(http::field::host, "localhost");
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        EXPECT_EQ(res.result(), http::status::ok);
        EXPECT_EQ(res.body().substr(0, 2), "ok");
    }
    {  // WSS /ws: ping -> pong, join -> joined.
        net::io_context ioc;
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, *ctx);
        clientHandshake(ws.next_layer(), port);
        ws.handshake("localhost", "/ws");
        ws.text(true);
        ws.write(net::buffer(std::string(R"({"type":"ping","requestId":1})")));
        beast::flat_buffer buffer;
        ws.read(buffer);
        EXPECT_NE(beast::buffers_to_string(buffer.data()).find("\"pong\""), std::string::npos);
        buffer.clear();
        ws.write(net::buffer(
            std::string(R"({"type":"join","meeting":"demo","displayName":"tls test"})")));
        ws.read(buffer);
        EXPECT_NE(beast::buffers_to_string(buffer.data()).find("\"joined\""), std::string::npos)
            << beast::buffers_to_string(buffer.data());
        ws.close(websocket::close_code::normal);
    }
    {  // Plain HTTP on the same port is refused.
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
        stream.expires_after(10s);
        http::request<http::string_body> req{http::verb::get, "/healthz", 11};
        req.set(http::field::host, "localhost");
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        EXPECT_EQ(res.result(), http::status::bad_request);
        EXPECT_NE(res.body().find("https_required"), std::string::npos) << res.body();
    }
    {  // A client that does not trust the certificate fails the handshake.
        net::io_context ioc;
        ssl::context untrusting(ssl::context::tls_client);
        untrusting.set_default_verify_paths();
        untrusting.set_verify_mode(ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, untrusting);
        EXPECT_THROW(clientHandshake(stream, port), boost::system::system_error);
    }
    EXPECT_EQ(server_->terminate(15s), 0) << server_->output();
}

TEST_F(TlsAppTest, BadKeyFailsStartWithClearMessage) {
    TempDir otherDir;
    Child gen({kServer, "--generate-self-signed", otherDir.path() + "/o"});
    ASSERT_EQ(gen.wait(30s), 0) << gen.output();
    auto server = startServer(cert_, otherDir.path() + "/o/key.pem");
    EXPECT_EQ(server->wait(20s), 1);
    EXPECT_NE(server->output().find("does not belong to the certificate"), std::string::npos)
        << server->output();

    auto missing = startServer(cert_, dir_.path() + "/none.pem");
    EXPECT_EQ(missing->wait(20s), 1);
    EXPECT_NE(missing->output().find("cannot read the TLS private key file"), std::string::npos)
        << missing->output();
}

}  // namespace
