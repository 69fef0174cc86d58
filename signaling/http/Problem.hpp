#pragma once

#include <boost/beast/http/status.hpp>
#include <string_view>

#include "signaling/http/HttpResponse.hpp"

namespace vcb::signaling {

// RFC 9457 problem details: application/problem+json {"type":"about:blank","title":<reason
// phrase>,"status":n,"code":<stable machine code>,"detail":<human text>}.
HttpResponse problem(boost::beast::http::status status, std::string_view code,
                     std::string_view detail);

}  // namespace vcb::signaling
