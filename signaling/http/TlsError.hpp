#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace vcb::signaling {

// Why HttpServer::start() could not set up TLS. The messages name the file that is at fault.
enum class TlsError {
    incomplete_config = 1,  // only one of certificate chain and private key is set
    certificate_unreadable,
    certificate_invalid,
    certificate_expired,
    certificate_not_yet_valid,
    key_unreadable,
    key_invalid,
    key_mismatch,
    context_setup,
};

const boost::system::error_category& tlsErrorCategory();
boost::system::error_code make_error_code(TlsError e);

}  // namespace vcb::signaling

template <>
struct boost::system::is_error_code_enum<vcb::signaling::TlsError> : std::true_type {};
