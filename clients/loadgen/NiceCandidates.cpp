#include "clients/loadgen/NiceCandidates.hpp"

#include <nice/agent.h>

namespace vcb::loadgen {

namespace {

NiceCandidateType niceType(const std::string& type) {
    if (type == "host") return NICE_CANDIDATE_TYPE_HOST;
    if (type == "srflx") return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    if (type == "relay") return NICE_CANDIDATE_TYPE_RELAYED;
    return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
}

}  // namespace

int setNiceRemoteCandidates(NiceAgent* agent, unsigned streamId,
                            const std::vector<sfu::IceCandidate>& candidates) {
    GSList* list = nullptr;
    for (const auto& c : candidates) {
        if (g_ascii_strcasecmp(c.transport.c_str(), "udp") != 0 || c.component != 1) continue;
        NiceCandidate* cand = nice_candidate_new(niceType(c.type));
        if (!nice_address_set_from_string(&cand->addr, c.address.c_str())) {
            nice_candidate_free(cand);
            continue;
        }
        nice_address_set_port(&cand->addr, c.port);
        cand->transport = NICE_CANDIDATE_TRANSPORT_UDP;
        cand->component_id = 1;
        cand->stream_id = streamId;
        cand->priority = c.priority;
        g_strlcpy(cand->foundation, c.foundation.c_str(), NICE_CANDIDATE_MAX_FOUNDATION);
        list = g_slist_append(list, cand);
    }
    if (list == nullptr) return 0;
    const int added = nice_agent_set_remote_candidates(agent, streamId, 1, list);
    g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    return added;
}

}  // namespace vcb::loadgen
