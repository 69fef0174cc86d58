#include "rooms/MediaGate.hpp"

namespace vcb::rooms {

bool MediaGate::open(const policy::MediaPermissions& permissions, const std::string& participantId,
                     MediaSource source) {
    if (!permissions.forwarding) return false;
    if (source != MediaSource::Microphone) return true;  // camera and screen
    return permissions.audible(participantId);
}

void MediaGate::apply(sfu::Router& router, const policy::MediaPermissions& permissions,
                      const Producers& producers, int64_t nowUs) {
    for (const auto& [pid, bySource] : producers) {
        for (const auto& [source, producerId] : bySource)
            router.setProducerForwarding(producerId, open(permissions, pid, source), nowUs);
    }
}

}  // namespace vcb::rooms
