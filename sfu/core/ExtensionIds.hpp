#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::sfu {

// Header extension ids negotiated with one peer for one m-section (0 = not negotiated).
struct ExtensionIds {
    uint8_t mid = 0;
    uint8_t rid = 0;
    uint8_t audioLevel = 0;
    uint8_t absSendTime = 0;
    uint8_t transportCc = 0;

    static ExtensionIds fromNegotiated(const std::vector<RtpHeaderExtension>& extensions) {
        ExtensionIds ids;
        for (const auto& e : extensions) {
            if (e.uri == ext::kMid)
                ids.mid = e.id;
            else if (e.uri == ext::kRid)
                ids.rid = e.id;
            else if (e.uri == ext::kAudioLevel)
                ids.audioLevel = e.id;
            else if (e.uri == ext::kAbsSendTime)
                ids.absSendTime = e.id;
            else if (e.uri == ext::kTransportCc)
                ids.transportCc = e.id;
        }
        return ids;
    }
};

}  // namespace vcb::sfu
