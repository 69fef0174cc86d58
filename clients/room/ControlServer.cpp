#include "clients/room/ControlServer.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace vcb::room {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxRequestBytes = 4096;
constexpr int kMaxConnections = 32;
constexpr auto kRequestTimeout = std::chrono::seconds(5);

struct Connection : std::enable_shared_from_this<Connection> {
    Connection(tcp::socket socket, const ControlHandlers& handlers, std::atomic<int>& open)
        : stream(std::move(socket)), handlers(handlers), open(open) {
        ++open;
    }
    ~Connection() { --open; }

    void start() {
        parser.header_limit(kMaxRequestBytes);
        parser.body_limit(kMaxRequestBytes);
        stream.expires_after(kRequestTimeout);
        http::async_read(stream, buffer, parser,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec) self->respond();
                         });
    }

    void respond() {
        const auto& req = parser.get();
        const std::string target(req.target());
        http::status status = http::status::ok;
        std::string body;
        auto action = [&](const std::function<void()>& f) {
            if (req.method() != http::verb::post) {
                status = http::status::method_not_allowed;
                body = R"({"error":"method_not_allowed"})";
            } else {
                if (f) f();
                body = R"({"ok":true})";
            }
        };
        if (target == "/raise-hand") {
            action(handlers.raiseHand);
        } else if (target == "/lower-hand") {
            action(handlers.lowerHand);
        } else if (target == "/reload") {
            action(handlers.reload);
        } else if (target == "/status") {
            if (req.method() != http::verb::get) {
                status = http::status::method_not_allowed;
                body = R"({"error":"method_not_allowed"})";
            } else {
                body = handlers.status ? handlers.status() : "{}";
            }
        } else {
            status = http::status::not_found;
            body = R"({"error":"not_found"})";
        }
        response.result(status);
        response.version(11);
        response.set(http::field::content_type, "application/json");
        response.set(http::field::cache_control, "no-store");
        response.keep_alive(false);
        response.body() = std::move(body);
        response.prepare_payload();
        stream.expires_after(kRequestTimeout);
        http::async_write(stream, response,
                          [self = shared_from_this()](beast::error_code, std::size_t) {
                              beast::error_code ignored;
                              self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          });
    }

    beast::tcp_stream stream;
    const ControlHandlers& handlers;
    std::atomic<int>& open;
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    http::response<http::string_body> response;
};

}  // namespace

struct ControlServer::Impl {
    // Declared before the io_context: its destructor destroys pending handlers, whose
    // connections still use these.
    ControlHandlers handlers;
    std::atomic<int> open{0};
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    std::thread thread;
    std::uint16_t port = 0;

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (open.load() >= kMaxConnections) {
                    beast::error_code ignored;
                    socket.close(ignored);
                } else {
                    std::make_shared<Connection>(std::move(socket), handlers, open)->start();
                }
            }
            accept();
        });
    }
};

ControlServer::ControlServer() = default;
ControlServer::~ControlServer() { stop(); }

bool ControlServer::start(const std::string& hostPort, ControlHandlers handlers,
                          std::string* error) {
    stop();
    const auto colon = hostPort.rfind(':');
    beast::error_code ec;
    const auto address =
        asio::ip::make_address(colon == std::string::npos ? "" : hostPort.substr(0, colon), ec);
    int port = -1;
    try {
        port = colon == std::string::npos ? -1 : std::stoi(hostPort.substr(colon + 1));
    } catch (...) {
        port = -1;
    }
    if (ec || port < 0 || port > 65535) {
        if (error) *error = "control: expected HOST:PORT, got '" + hostPort + "'";
        return false;
    }
    if (!address.is_loopback()) {
        if (error) *error = "control: " + hostPort + " is not a loopback address (127.0.0.1)";
        return false;
    }
    impl_ = std::make_unique<Impl>();
    impl_->handlers = std::move(handlers);
    const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(16, ec);
    if (ec) {
        if (error) *error = "control: cannot listen on " + hostPort + ": " + ec.message();
        impl_.reset();
        return false;
    }
    impl_->port = impl_->acceptor.local_endpoint().port();
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
    return true;
}

void ControlServer::stop() {
    if (!impl_) return;
    impl_->ioc.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_.reset();
}

std::uint16_t ControlServer::port() const { return impl_ ? impl_->port : 0; }

}  // namespace vcb::room
