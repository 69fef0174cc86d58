#pragma once
// Persistent meeting records in one SQLite database (docs/operations.md "Meeting records"):
// meetings, their append-only event logs, attendance, roll calls and removed identities.
//
// MeetingStore is synchronous and owns one connection: use it from one thread at a time. The
// control path does not write through it directly but through MeetingStoreWriter (one writer
// thread); readers open their own MeetingStore on their own thread (WAL: reads never wait for
// the writer and see only committed data).
//
// Every write is one statement or, when it touches several tables, runs in a SAVEPOINT, so it
// applies completely or not at all, inside a caller's transaction or not.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/store/MeetingRecords.hpp"
#include "rooms/store/SqliteDb.hpp"

namespace vcb::store {

// The schema version this build writes (table schema_version). Opening a database migrates it
// up to this version; a database with a higher version is refused (SchemaTooNew).
inline constexpr int kSchemaVersion = 2;

class MeetingStore {
  public:
    static Expected<std::unique_ptr<MeetingStore>, StoreError> open(
        const std::string& path, const SqliteOptions& options = {});

    int schemaVersion() const { return schemaVersion_; }
    SqliteDb& db() { return *db_; }

    // Meetings. create: AlreadyExists when the id exists; update/delete: NotFound when it does
    // not. update replaces every field but id and createdMs. delete removes the meeting with all
    // its records.
    Status createMeeting(const StoredMeeting& meeting);
    Status updateMeeting(const StoredMeeting& meeting);
    Status deleteMeeting(std::string_view id);
    Expected<StoredMeeting, StoreError> getMeeting(std::string_view id);
    // Ordered by scheduled start, then id; all states when `state` is nullopt.
    Expected<std::vector<StoredMeeting>, StoreError> listMeetings(
        std::optional<MeetingState> state = std::nullopt);

    // Event log. append assigns event.seq (ignored on input): one more than the meeting's last;
    // NotFound for an unknown meeting, Invalid when detail is not JSON.
    Expected<int64_t, StoreError> appendEvent(std::string_view meetingId, const StoredEvent& event);
    // Events with seq >= fromSeq, in seq order, at most `limit`.
    Expected<std::vector<StoredEvent>, StoreError> listEvents(std::string_view meetingId,
                                                              int64_t fromSeq = 1,
                                                              size_t limit = 1000);

    // Events of one type in seq order, each with the value of one key of its detail ("" when the
    // detail has no such key), e.g. ("chair_handed_over", "from").
    Expected<std::vector<std::pair<StoredEvent, std::string>>, StoreError> listEventsOfType(
        std::string_view meetingId, std::string_view type, std::string_view detailKey);

    // Attendance: one row per (meeting, unit), replaced by upsert.
    Status upsertAttendance(std::string_view meetingId, const AttendanceRow& row);
    Expected<std::vector<AttendanceRow>, StoreError> listAttendance(std::string_view meetingId);
    // At start-up, before anything is served: no one is connected to a server that has just
    // started, whatever the rows said when it stopped (or was killed). Time present and the
    // other figures stay.
    Status markEveryoneAbsent();

    // Roll calls: saved whole (insert or replace by id), listed by id.
    Status saveRollCall(std::string_view meetingId, const RollCallRecord& rollCall);
    Expected<std::vector<RollCallRecord>, StoreError> listRollCalls(std::string_view meetingId);

    // Removed identities: adding one already there keeps the first removal.
    Status addRemovedIdentity(std::string_view meetingId, const RemovedIdentity& removed);
    Expected<std::vector<RemovedIdentity>, StoreError> listRemovedIdentities(
        std::string_view meetingId);

    // A live meeting's state and lock changed: only those two and updatedMs are written (the
    // definition is the directory's). NotFound for an unknown meeting.
    Status setMeetingState(std::string_view id, MeetingState state, bool locked, int64_t updatedMs);

  private:
    explicit MeetingStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
    Status migrate();
    Status requireMeeting(std::string_view id);
    template <typename F>
    Status inSavepoint(F&& body);
    Status writeInvited(const StoredMeeting& meeting);

    std::unique_ptr<SqliteDb> db_;
    int schemaVersion_ = 0;
};

}  // namespace vcb::store
