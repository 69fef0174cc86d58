#include "signaling/http/Problem.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace vcb::signaling {

HttpResponse problem(boost::beast::http::status status, std::string_view code,
                     std::string_view detail) {
    const auto reason = boost::beast::http::obsolete_reason(status);
    boost::json::object o;
    o["type"] = "about:blank";
    o["title"] = boost::json::string_view(reason.data(), reason.size());
    o["status"] = static_cast<unsigned>(status);
    o["code"] = code;
    o["detail"] = detail;
    HttpResponse res;
    res.status = status;
    res.contentType = "application/problem+json";
    res.body = boost::json::serialize(o);
    return res;
}

}  // namespace vcb::signaling
