#pragma once
// A live government meeting's record in the meeting store (docs/meetings.md "Records"): the
// MeetingJournal that posts each policy change to the store's writer thread, and the read that
// restores a meeting's record at start-up. Part of vcb_directory (policy + store), so the media
// side (vcb_rooms) stays free of SQLite.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rooms/MeetingJournal.hpp"
#include "rooms/store/MeetingStore.hpp"
#include "rooms/store/MeetingStoreWriter.hpp"

namespace vcb::rooms {

// Writes of one meeting, in the order the policy made them (the writer keeps posting order):
//  * every event (appendEvent; detail as a JSON object of the policy's detail strings);
//  * state and lock, when they changed (setMeetingState);
//  * attendance of the units an event concerned (joined, left, session_replaced), and of every
//    present unit at most every `refreshPresent` (their time present grows while they stay);
//  * the roll call an event concerned (saveRollCall: asked units with their confirmations);
//  * removed identities (addRemovedIdentity).
// Never waits: a write the writer's full queue refuses is dropped, counted and logged (rate
// limited). Not thread-safe: called on the meeting's worker only.
class StoreJournal final : public MeetingJournal {
  public:
    StoreJournal(store::MeetingStoreWriter& writer, std::string meetingId,
                 std::chrono::milliseconds refreshPresent = std::chrono::seconds(2));

    void record(const policy::MeetingPolicy& policy, const std::vector<policy::Event>& events,
                policy::TimePoint now) override;

    // Writes the writer refused (queue full or stopped), since this journal was made.
    uint64_t dropped() const { return dropped_; }

    // A factory for ConferenceConfig::journal: one StoreJournal per meeting on `writer`, which
    // must outlive the meetings.
    static MeetingJournalFactory factory(store::MeetingStoreWriter& writer);

  private:
    void posted(bool ok);

    store::MeetingStoreWriter& writer_;
    const std::string id_;
    const std::chrono::milliseconds refreshPresent_;
    bool stateWritten_ = false;
    policy::MeetingState state_ = policy::MeetingState::Scheduled;
    bool locked_ = false;
    std::optional<policy::TimePoint> presentRefreshed_;
    uint64_t dropped_ = 0;
};

// The policy's JSON text of an event's detail: {"key":"value",...} (strings, UTF-8 as is).
std::string eventDetailJson(const policy::EventDetail& detail);

// The stored record of meeting `id` as the policy restores it; nullopt when the store has no
// such meeting (or could not read it: logged). Synchronous: for start-up, on the app thread.
std::optional<policy::RestoredRecord> loadRestoredRecord(store::MeetingStore& store,
                                                         const std::string& id);

}  // namespace vcb::rooms
