#include "signaling/http/TlsError.hpp"

#include <string>

namespace vcb::signaling {

namespace {

class TlsErrorCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "vcb.tls"; }

    std::string message(int ev) const override {
        switch (static_cast<TlsError>(ev)) {
            case TlsError::incomplete_config:
                return "TLS needs both a certificate chain file and a private key file";
            case TlsError::certificate_unreadable:
                return "cannot read the TLS certificate chain file";
            case TlsError::certificate_invalid:
                return "the TLS certificate chain file holds no valid PEM certificate chain";
            case TlsError::certificate_expired:
                return "the TLS certificate has expired";
            case TlsError::certificate_not_yet_valid:
                return "the TLS certificate is not valid yet (check the clock)";
            case TlsError::key_unreadable:
                return "cannot read the TLS private key file";
            case TlsError::key_invalid:
                return "the TLS private key file holds no valid unencrypted PEM private key";
            case TlsError::key_mismatch:
                return "the TLS private key does not belong to the certificate";
            case TlsError::context_setup:
                return "cannot set up the TLS context";
        }
        return "unknown TLS error";
    }
};

}  // namespace

const boost::system::error_category& tlsErrorCategory() {
    static const TlsErrorCategory category;
    return category;
}

boost::system::error_code make_error_code(TlsError e) {
    return {static_cast<int>(e), tlsErrorCategory()};
}

}  // namespace vcb::signaling
