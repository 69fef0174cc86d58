#include "signaling/sdp/SdpError.hpp"

namespace vcb::signaling {

std::string_view SdpError::toString(Code code) {
    switch (code) {
        case Code::BadSdp:
            return "bad_sdp";
        case Code::TooLarge:
            return "too_large";
        case Code::TooManyMedia:
            return "too_many_media";
        case Code::MissingIce:
            return "missing_ice";
        case Code::MissingFingerprint:
            return "missing_fingerprint";
        case Code::UnsupportedFingerprint:
            return "unsupported_fingerprint";
        case Code::NoBundle:
            return "no_bundle";
        case Code::NoRtcpMux:
            return "no_rtcp_mux";
        case Code::UnsupportedMedia:
            return "unsupported_media";
    }
    return "bad_sdp";
}

}  // namespace vcb::signaling
