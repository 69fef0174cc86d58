#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <type_traits>

namespace vcb::signaling {

// The two transports a session runs on. HttpSession and WebSocketSession are templates over
// them (explicitly instantiated for exactly these), so limits and timeouts are shared code.
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
inline constexpr bool kIsTlsStream = std::is_same_v<Stream, TlsStream>;

}  // namespace vcb::signaling
