#pragma once
// Small text operations on SDP that the test clients need without a full SDP model.
#include <map>
#include <string>
#include <string_view>

namespace vcb::gstclient {

struct Msid {
    std::string stream;  // participant id in vcbridge subscribe offers
    std::string track;
};

// a=msid of every m-section that has an a=mid, keyed by mid.
std::map<std::string, Msid> msidByMid(std::string_view sdp);

// Returns the SDP with every a=fingerprint hash altered (each hex digit of the first byte
// inverted), keeping the syntax valid so only the DTLS certificate check can catch it. Returns
// the input unchanged and sets *changed=false if there is no fingerprint.
std::string corruptFingerprint(std::string_view sdp, bool* changed = nullptr);

}  // namespace vcb::gstclient
