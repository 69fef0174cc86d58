#pragma once
// The seam between a live government meeting and its persistent record (docs/meetings.md
// "Records"). LiveMeeting calls its journal on the meeting's worker after every policy Outcome
// that succeeded; the implementation (rooms/StoreJournal) hands the writes to the store's writer
// thread. Only the policy is needed here, so the media side (vcb_rooms) never links SQLite.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rooms/policy/MeetingPolicy.hpp"

namespace vcb::rooms {

// One per live meeting, called only on that meeting's worker. record() must not block and must
// not wait for the disk: it only queues writes (a full queue drops them and counts).
class MeetingJournal {
  public:
    virtual ~MeetingJournal() = default;
    // `events` are the outcome's events in log order (already in `policy`'s log); `policy` is
    // the state after them.
    virtual void record(const policy::MeetingPolicy& policy,
                        const std::vector<policy::Event>& events, policy::TimePoint now) = 0;
};

// Makes the journal of a meeting by id (on the control path, before the meeting goes live).
using MeetingJournalFactory = std::function<std::shared_ptr<MeetingJournal>(const std::string&)>;

}  // namespace vcb::rooms
