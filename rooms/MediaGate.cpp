#include "rooms/MediaGate.hpp"

namespace vcb::rooms {

bool MediaGate::open(const policy::MediaPermissions& permissions, const std::string& participantId,
                     sfu::MediaKind kind) {
    if (!permissions.forwarding) return false;
    if (kind == sfu::MediaKind::Video) return true;
    return permissions.audible(participantId);
}

void MediaGate::apply(sfu::Router& router, const policy::MediaPermissions& permissions,
                      const Producers& producers, int64_t nowUs) {
    for (const auto& [pid, byKind] : producers) {
        for (const auto& [kind, producerId] : byKind)
            router.setProducerForwarding(producerId, open(permissions, pid, kind), nowUs);
    }
}

}  // namespace vcb::rooms
