#pragma once
// Handing a peer's SDP candidates to the load generator's libnice agent (the server is ICE-lite
// on its own IcePort and needs none).
#include <vector>

#include "sfu/RtpParameters.hpp"

typedef struct _NiceAgent NiceAgent;

namespace vcb::loadgen {

// Sets the UDP candidates of component 1 as the remote candidates of `streamId`; addresses
// libnice cannot parse (e.g. mDNS *.local names, learnt later as peer-reflexive) are skipped.
// Returns how many the agent took (0 if none).
int setNiceRemoteCandidates(NiceAgent* agent, unsigned streamId,
                            const std::vector<sfu::IceCandidate>& candidates);

}  // namespace vcb::loadgen
