#include "signaling/api/SessionRegistry.hpp"

namespace vcb::signaling {

void SessionRegistry::add(const std::string& sessionId, SessionRecord record) {
    std::lock_guard lock(mutex_);
    sessions_[sessionId] = std::move(record);
}

void SessionRegistry::setEtag(const std::string& sessionId, std::string etag) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sessionId);
    if (it != sessions_.end()) it->second.etag = std::move(etag);
}

std::optional<SessionRecord> SessionRegistry::find(const std::string& sessionId) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

std::optional<SessionRecord> SessionRegistry::remove(const std::string& sessionId) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return std::nullopt;
    SessionRecord r = std::move(it->second);
    sessions_.erase(it);
    return r;
}

void SessionRegistry::removeParticipant(const std::string& participantId) {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        it = it->second.participantId == participantId ? sessions_.erase(it) : std::next(it);
    }
}

size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace vcb::signaling
