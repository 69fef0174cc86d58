#pragma once
// Minimal synchronous HTTP/1.1 client (Boost.Beast) for WHIP/WHEP, /metrics and REST calls. One
// request per connection; every call is bounded by its timeout (TLS handshake included).
// https:// URLs are verified as ClientTls.hpp says: against the system's trust store, or only
// against the PEM CA file given here.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vcb::gstclient {

struct HttpResponse {
    int status = 0;                              // 0 when the request failed (see error)
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string error;

    std::string header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

class HttpClient {
  public:
    explicit HttpClient(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                        std::string caFile = {})
        : timeout_(timeout), caFile_(std::move(caFile)) {}

    HttpResponse get(const std::string& url) const;
    HttpResponse post(const std::string& url, const std::string& contentType,
                      const std::string& body) const;
    HttpResponse patch(const std::string& url, const std::string& contentType,
                       const std::string& body) const;
    HttpResponse del(const std::string& url) const;

    // Any method ("GET", "OPTIONS", ...); contentType may be empty when there is no body.
    HttpResponse request(const std::string& method, const std::string& url,
                         const std::string& contentType, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers = {})
        const;

  private:
    std::chrono::milliseconds timeout_;
    std::string caFile_;  // https: the CA certificates to trust; empty: the system's store
};

}  // namespace vcb::gstclient
