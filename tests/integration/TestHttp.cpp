#include "tests/integration/TestHttp.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <chrono>

namespace vcb::integration {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {
HttpResponse request(const std::string& host, std::uint16_t port, http::verb method,
                     const std::string& target, const std::string& body,
                     const std::string& contentType, const std::string& authorization,
                     const std::string& accept) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(10s);
    stream.connect(tcp::endpoint(net::ip::make_address_v4(host), port));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host);
    if (!body.empty()) {
        req.set(http::field::content_type, contentType);
        req.body() = body;
    }
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    if (!accept.empty()) req.set(http::field::accept, accept);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    HttpResponse res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return res;
}

}  // namespace

HttpResponse httpRequest(std::uint16_t port, http::verb method, const std::string& target,
                         const std::string& body, const std::string& contentType,
                         const std::string& authorization, const std::string& accept) {
    return request("127.0.0.1", port, method, target, body, contentType, authorization, accept);
}

HttpResponse httpRequestTo(const std::string& host, std::uint16_t port, http::verb method,
                           const std::string& target, const std::string& authorization) {
    return request(host, port, method, target, "", "", authorization, "");
}

}  // namespace vcb::integration
