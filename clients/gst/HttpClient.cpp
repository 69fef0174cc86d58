#include "clients/gst/HttpClient.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

#include "clients/gst/ClientTls.hpp"
#include "clients/gst/Url.hpp"

namespace vcb::gstclient {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {
constexpr std::size_t kMaxResponseBody = 8 * 1024 * 1024;
}

HttpResponse HttpClient::get(const std::string& url) const { return request("GET", url, "", ""); }

HttpResponse HttpClient::post(const std::string& url, const std::string& contentType,
                              const std::string& body) const {
    return request("POST", url, contentType, body);
}

HttpResponse HttpClient::patch(const std::string& url, const std::string& contentType,
                               const std::string& body) const {
    return request("PATCH", url, contentType, body);
}

HttpResponse HttpClient::del(const std::string& url) const {
    return request("DELETE", url, "", "");
}

namespace {

// One exchange on a fresh plain or TLS stream: resolve, connect, secure, write, read, all under
// one deadline so nothing can block forever.
template <class Stream>
HttpResponse exchange(asio::io_context& ioc, Stream& stream, const Url& url,
                      http::request<http::string_body>& req, std::chrono::milliseconds timeout) {
    HttpResponse out;
    asio::ip::tcp::resolver resolver(ioc);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    std::string failure;
    bool finished = false;
    auto fail = [&](const std::string& why) {
        failure = why;
        finished = true;
    };

    resolver.async_resolve(
        url.host, std::to_string(url.port),
        [&](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
            if (ec) return fail(ec.message());
            beast::get_lowest_layer(stream).expires_after(timeout);
            beast::get_lowest_layer(stream).async_connect(
                results, [&](beast::error_code ec2, auto) {
                    if (ec2) return fail(ec2.message());
                    secureChannel(stream, url.host, [&](const std::string& tlsFailure) {
                        if (!tlsFailure.empty()) return fail(tlsFailure);
                        http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
                            if (ec3) return fail(ec3.message());
                            http::async_read(stream, buffer, parser,
                                             [&](beast::error_code ec4, std::size_t) {
                                                 fail(ec4 ? ec4.message() : std::string());
                                             });
                        });
                    });
                });
        });
    ioc.run_for(timeout + std::chrono::seconds(1));
    if (!finished) {
        out.error = "timeout";
        return out;
    }
    if (!failure.empty()) {
        out.error = failure;
        return out;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                      ignored);
    return out;
}

}  // namespace

HttpResponse HttpClient::request(
    const std::string& method, const std::string& url, const std::string& contentType,
    const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
    auto parsed = Url::parse(url);
    if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https")) {
        HttpResponse out;
        out.error = "bad URL: " + url;
        return out;
    }
    http::request<http::string_body> req{http::string_to_verb(method), parsed->target, 11};
    req.set(http::field::host, parsed->hostHeader());
    req.set(http::field::user_agent, "vcbridge-testclient");
    if (!contentType.empty()) req.set(http::field::content_type, contentType);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    asio::io_context ioc;
    if (!parsed->tls()) {
        beast::tcp_stream stream(ioc);
        return exchange(ioc, stream, *parsed, req, timeout_);
    }
    HttpResponse out;
    auto ctx = makeClientTlsContext(caFile_, &out.error);
    if (!ctx) return out;
    TlsStream stream(ioc, *ctx);
    return exchange(ioc, stream, *parsed, req, timeout_);
}

}  // namespace vcb::gstclient
