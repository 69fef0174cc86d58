#pragma once
// Handing a peer's SDP candidates to a libnice agent: shared by the server's ICE-lite agent and
// the load generator's full agent.
#include <vector>

#include "sfu/RtpParameters.hpp"

typedef struct _NiceAgent NiceAgent;

namespace vcb::sfu {

// Sets the UDP candidates of component 1 as the remote candidates of `streamId`; addresses
// libnice cannot parse (e.g. mDNS *.local names, learnt later as peer-reflexive) are skipped.
// Returns how many the agent took (0 if none).
int setNiceRemoteCandidates(NiceAgent* agent, unsigned streamId,
                            const std::vector<IceCandidate>& candidates);

}  // namespace vcb::sfu
