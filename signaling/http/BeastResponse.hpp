#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

#include "signaling/http/HttpResponse.hpp"

namespace vcb::signaling {

// Serializable form of an HttpResponse: adds CORS defaults (unless the handler set them),
// Server, Content-Length and Connection. For HEAD the body is dropped but Content-Length kept.
// Header fields with characters that would allow response splitting are dropped. A `file`
// response gets its slice's length as Content-Length and an empty body: the session writes the
// header (serializer split) and then streams the slice itself.
boost::beast::http::response<boost::beast::http::string_body> toBeastResponse(
    HttpResponse&& response, unsigned version, bool keepAlive, bool headRequest,
    std::string_view serverName);

}  // namespace vcb::signaling
