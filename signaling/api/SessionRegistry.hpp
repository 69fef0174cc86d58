#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "rooms/Participant.hpp"

namespace vcb::signaling {

// WHIP/WHEP sessions by their (unguessable) id, so DELETE/PATCH on a Location can be resolved.
struct SessionRecord {
    std::string meetingId;
    std::string participantId;
    rooms::ClientKind kind = rooms::ClientKind::WhipPublisher;
    std::string etag;
};

class SessionRegistry {
  public:
    void add(const std::string& sessionId, SessionRecord record);
    std::optional<SessionRecord> find(const std::string& sessionId) const;
    std::optional<SessionRecord> remove(const std::string& sessionId);
    // After an ICE restart the session's ETag names the new ICE session (RFC 9725 §4.4.2).
    void setEtag(const std::string& sessionId, std::string etag);
    // Forgets every session of a participant (its connection died on its own).
    void removeParticipant(const std::string& participantId);
    size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::string, SessionRecord> sessions_;
};

}  // namespace vcb::signaling
