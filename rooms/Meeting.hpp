#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rooms/Participant.hpp"
#include "rooms/RoomError.hpp"

namespace vcb::rooms {

// Membership and programme of one meeting. Plain logic, no I/O: the conference layer applies its
// decisions to the media plane.
class Meeting {
  public:
    Meeting(std::string id, bool adHoc, size_t maxParticipants);

    const std::string& id() const { return id_; }
    bool adHoc() const { return adHoc_; }
    size_t size() const { return participants_.size(); }
    bool empty() const { return participants_.empty(); }

    RoomError join(Participant participant);
    // Returns the participant that left, if it was there.
    std::optional<Participant> leave(const std::string& participantId);
    const Participant* find(const std::string& participantId) const;
    std::vector<const Participant*> participants() const;

    // Records that a participant now publishes these tracks (replacing earlier ones).
    RoomError publish(const std::string& participantId, std::vector<TrackInfo> tracks);
    std::vector<TrackInfo> unpublish(const std::string& participantId);

    // The programme is what /whep/{meeting} shows: the most recent publisher still publishing.
    // (Floor control will override this in a later version.)
    std::optional<std::string> programmeParticipant() const;

  private:
    std::string id_;
    bool adHoc_;
    size_t maxParticipants_;
    uint64_t publishCounter_ = 0;
    std::map<std::string, Participant> participants_;
};

}  // namespace vcb::rooms
