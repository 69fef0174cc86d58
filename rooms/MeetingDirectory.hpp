#pragma once
// Meetings as records (docs/meetings.md "Meetings as records"): validates meeting definitions
// against the administrative unit tree and keeps them in the meeting store. Plain logic plus the
// store, no HTTP. Writes go through MeetingStoreWriter and complete (callback) only after COMMIT:
// an answer given from a callback is "acknowledged" and survives kill -9. Reads run on the
// directory's own reader thread with its own connection (WAL: they see committed data only).
// The store is the truth across restarts; nothing is cached here.
//
// Callbacks run on the writer or the reader thread (or at once, for a definition refused before
// any I/O): they must be short and must not block, as MeetingStoreWriter requires.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Expected.hpp"
#include "rooms/policy/UnitTree.hpp"
#include "rooms/store/MeetingRecords.hpp"
#include "rooms/store/MeetingStore.hpp"
#include "rooms/store/MeetingStoreWriter.hpp"

namespace vcb::rooms {

enum class DirectoryErrorCode {
    InvalidField,        // a field is missing, of the wrong form or out of range (field says which)
    UnknownUnit,         // a unit id the unit tree does not know
    UnitNotSubordinate,  // an invited unit outside the convening unit's sub-tree
    MeetingExists,       // create with an id in use
    NoSuchMeeting,       // no meeting with that id
    MeetingInProgress,   // patch/delete of a meeting that is open or in session
    Unavailable,         // the store's queue is full or stopped: retry later
    StorageFailed,       // the database refused or failed (disk, I/O)
};

// "invalid_field", "unknown_unit", "unit_not_subordinate", "meeting_exists", "no_such_meeting",
// "meeting_in_progress", "unavailable", "storage_failed": stable, documented in docs/protocol.md.
std::string_view directoryErrorCode(DirectoryErrorCode code);

struct DirectoryError {
    DirectoryErrorCode code = DirectoryErrorCode::StorageFailed;
    std::string field;    // InvalidField/UnknownUnit/UnitNotSubordinate: the field concerned
    std::string message;  // for humans
};

template <typename T>
using DirectoryResult = Expected<T, DirectoryError>;

// A meeting as a client defines it. invited nullopt: the convening unit's whole sub-tree.
struct MeetingDefinition {
    std::string id;
    std::string title;
    std::string convenedBy;
    std::optional<std::vector<store::InvitedUnit>> invited;
    std::string chair;
    std::string scheduledStart;  // RFC 3339, UTC ("2026-12-05T08:00:00Z")
    // "auto": the session's start starts the recording (as the config's record: auto);
    // "manual": a technician or the chair starts it. Anything else is an invalid field.
    std::string record = "manual";
};

// A partial change: only the fields set are replaced (invited: set to the given list).
struct MeetingPatch {
    std::optional<std::string> title;
    std::optional<std::string> convenedBy;
    std::optional<std::vector<store::InvitedUnit>> invited;
    std::optional<std::string> chair;
    std::optional<std::string> scheduledStart;
    std::optional<std::string> record;  // "auto" | "manual"
};

// One invited unit's attendance (a row of the store, or absent: never came).
struct AttendanceLine {
    const Unit* unit = nullptr;  // from the unit tree; never null
    store::AttendanceRow row;    // row.unit == unit->id; defaults when nobody attended
};

struct AttendanceReport {
    store::StoredMeeting meeting;
    std::vector<AttendanceLine> lines;  // every invited unit once, in the tree's pre-order
    // Stored rows of units that are not (or no longer) invited or not in the tree, by unit id.
    std::vector<store::AttendanceRow> others;
};

// A stored meeting's invitations as the unit tree reads them (sub-tree or single unit each).
std::vector<Invitation> invitationsOf(const store::StoredMeeting& meeting);
// Whether `meeting` admits unit `unitId` as admission does: its convening unit, or a unit its
// invitations resolve to in `units` (sub-trees expanded). False for a meeting tied to no unit or
// naming a unit the tree does not know (such a meeting is not live).
bool invitesUnit(const UnitTree& units, const store::StoredMeeting& meeting,
                 std::string_view unitId);
// The meeting unit `unitId` should be in next (GET /api/next-meeting): among `meetings` that
// invite it and have not ended, an open or in-session one first, else the earliest scheduled
// start (ties by id). nullopt when there is none.
std::optional<store::StoredMeeting> nextMeetingFor(
    const UnitTree& units, const std::vector<store::StoredMeeting>& meetings,
    std::string_view unitId);

// RFC 3339 date-time in UTC: "YYYY-MM-DDTHH:MM:SS[.fff...]Z" (also 't'/'z'); offsets other than
// Z, leap seconds and years before 1970 are refused. Milliseconds since the epoch.
std::optional<int64_t> parseRfc3339Utc(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" when ms % 1000 != 0.
std::string formatRfc3339Utc(int64_t ms);
// [A-Za-z0-9_-]{1,64}, as WHIP/WHEP meeting ids.
bool isValidMeetingId(std::string_view id);

class MeetingDirectory {
  public:
    template <typename T>
    using Callback = std::function<void(DirectoryResult<T>)>;

    static constexpr size_t kMaxTitleBytes = 200;
    static constexpr size_t kMaxChairBytes = 256;
    static constexpr size_t kMaxInvited = 1000;
    static constexpr size_t kMaxPendingReads = 256;
    static constexpr size_t kMaxEventsPerRead = 1000;

    // `units` and `writer` must outlive the directory; `databasePath` is the writer's file, opened
    // again read-side on the reader thread.
    MeetingDirectory(std::shared_ptr<const UnitTree> units, store::MeetingStoreWriter& writer);
    ~MeetingDirectory();  // finishes queued reads, joins the reader thread
    MeetingDirectory(const MeetingDirectory&) = delete;
    MeetingDirectory& operator=(const MeetingDirectory&) = delete;

    const UnitTree& units() const { return *units_; }
    const std::shared_ptr<const UnitTree>& sharedUnits() const { return units_; }

    // Pure validation: the record `definition` becomes (state scheduled, created = updated = now).
    DirectoryResult<store::StoredMeeting> validate(const MeetingDefinition& definition,
                                                   int64_t nowMs) const {
        return validate(*units_, definition, nowMs);
    }
    static DirectoryResult<store::StoredMeeting> validate(const UnitTree& units,
                                                          const MeetingDefinition& definition,
                                                          int64_t nowMs);

    // Writes: the callback runs after COMMIT (or with the error).
    void create(MeetingDefinition definition, int64_t nowMs, Callback<store::StoredMeeting> done);
    // Read-modify-write in one transaction on the writer thread: NoSuchMeeting, MeetingInProgress
    // (open / in session), then the merged definition is validated as a whole.
    void patch(std::string id, MeetingPatch patch, int64_t nowMs,
               Callback<store::StoredMeeting> done);
    // Deletes the meeting with its records; MeetingInProgress when open / in session.
    void remove(std::string id, Callback<store::StoredMeeting> done);

    // Called after each create, patch and remove has committed (on the writer thread, before the
    // write's own callback): the record as stored, and whether it was removed. Set before the
    // first write; it must be short and must not block.
    using ChangeListener = std::function<void(const store::StoredMeeting&, bool removed)>;
    void setOnChange(ChangeListener listener) { onChange_ = std::move(listener); }

    // Reads (reader thread).
    void get(std::string id, Callback<store::StoredMeeting> done);
    void list(std::optional<store::MeetingState> state,
              Callback<std::vector<store::StoredMeeting>> done);
    void attendance(std::string id, Callback<AttendanceReport> done);
    // nextMeetingFor over every stored meeting; nullopt when none invites the unit.
    void next(std::string unitId, Callback<std::optional<store::StoredMeeting>> done);
    // NoSuchMeeting for an unknown meeting; limit is clamped to 1..kMaxEventsPerRead.
    void events(std::string id, int64_t fromSeq, size_t limit,
                Callback<std::vector<store::StoredEvent>> done);

    // Start-up, blocking (waits for COMMIT). `definitions` (the config's meetings given in full)
    // are validated (the first error is returned, its message naming the meeting) and then
    // created, or brought up to date when they exist and are not open/in session (state, lock
    // and creation time are kept). `ids` without a definition (plain ids) are inserted when
    // absent, as records tied to no unit (title = id); existing ones are left alone. All in one
    // transaction. Returns how many records were created or changed.
    DirectoryResult<size_t> upsertConfigured(
        const std::vector<std::string>& ids, int64_t nowMs,
        const std::vector<MeetingDefinition>& definitions = {});

  private:
    static DirectoryResult<std::vector<store::InvitedUnit>> checkInvited(
        const UnitTree& units, const Unit& convening,
        const std::vector<store::InvitedUnit>& invited);
    template <typename F>
    void read(F&& body);
    store::MeetingStore* readStore(DirectoryError& error);

    std::shared_ptr<const UnitTree> units_;
    store::MeetingStoreWriter& writer_;
    ChangeListener onChange_;
    std::unique_ptr<store::MeetingStore> readStore_;  // reader thread only
    std::atomic<size_t> pendingReads_{0};
    boost::asio::thread_pool reader_{1};
};

// The store's error as a directory error (NotFound -> NoSuchMeeting, QueueFull/Stopped ->
// Unavailable, ...).
DirectoryError fromStoreError(const store::StoreError& error);

}  // namespace vcb::rooms
