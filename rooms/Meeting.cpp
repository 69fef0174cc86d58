#include "rooms/Meeting.hpp"

namespace vcb::rooms {

Meeting::Meeting(std::string id, bool adHoc, size_t maxParticipants)
    : id_(std::move(id)), adHoc_(adHoc), maxParticipants_(maxParticipants) {}

RoomError Meeting::join(Participant participant) {
    if (participants_.count(participant.id) != 0) return RoomError::AlreadyJoined;
    if (participants_.size() >= maxParticipants_) return RoomError::MeetingFull;
    participant.publishedAt = 0;
    participant.tracks.clear();
    std::string id = participant.id;
    participants_.emplace(std::move(id), std::move(participant));
    return RoomError::None;
}

std::optional<Participant> Meeting::leave(const std::string& participantId) {
    auto it = participants_.find(participantId);
    if (it == participants_.end()) return std::nullopt;
    Participant p = std::move(it->second);
    participants_.erase(it);
    return p;
}

const Participant* Meeting::find(const std::string& participantId) const {
    auto it = participants_.find(participantId);
    return it == participants_.end() ? nullptr : &it->second;
}

std::vector<const Participant*> Meeting::participants() const {
    std::vector<const Participant*> out;
    out.reserve(participants_.size());
    for (const auto& [id, p] : participants_) out.push_back(&p);
    return out;
}

RoomError Meeting::publish(const std::string& participantId, std::vector<TrackInfo> tracks) {
    auto it = participants_.find(participantId);
    if (it == participants_.end()) return RoomError::NotJoined;
    if (tracks.empty()) return RoomError::BadRequest;
    it->second.tracks = std::move(tracks);
    it->second.publishedAt = ++publishCounter_;
    return RoomError::None;
}

std::vector<TrackInfo> Meeting::unpublish(const std::string& participantId) {
    auto it = participants_.find(participantId);
    if (it == participants_.end()) return {};
    std::vector<TrackInfo> old = std::move(it->second.tracks);
    it->second.tracks.clear();
    it->second.publishedAt = 0;
    return old;
}

std::optional<std::string> Meeting::programmeParticipant() const {
    const Participant* best = nullptr;
    for (const auto& [id, p] : participants_) {
        if (p.publishedAt != 0 && (best == nullptr || p.publishedAt > best->publishedAt)) best = &p;
    }
    if (best == nullptr) return std::nullopt;
    return best->id;
}

}  // namespace vcb::rooms
