#include "rooms/store/MeetingStore.hpp"

#include <sqlite3.h>

#include <utility>

namespace vcb::store {

namespace {

// Migrations: kMigrations[i] takes the schema from version i to i + 1. Never edit a released
// one; add the next.
constexpr const char* kMigrations[] = {
    // v1
    R"sql(
CREATE TABLE meetings (
  id                 TEXT PRIMARY KEY NOT NULL,
  title              TEXT NOT NULL,
  convened_by        TEXT NOT NULL,
  chair              TEXT NOT NULL,
  scheduled_start_ms INTEGER NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('scheduled','open','in_session','ended')),
  locked             INTEGER NOT NULL CHECK (locked IN (0,1)),
  created_ms         INTEGER NOT NULL,
  updated_ms         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX meetings_by_state ON meetings (state, scheduled_start_ms);

CREATE TABLE meeting_invited (
  meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  unit       TEXT NOT NULL,
  subtree    INTEGER NOT NULL CHECK (subtree IN (0,1)),
  PRIMARY KEY (meeting_id, position)
) WITHOUT ROWID;

CREATE TABLE events (
  meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  time_ms    INTEGER NOT NULL,
  type       TEXT NOT NULL,
  unit       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  detail     TEXT NOT NULL CHECK (json_valid(detail)),
  PRIMARY KEY (meeting_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TABLE attendance (
  meeting_id      TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  unit            TEXT NOT NULL,
  present         INTEGER NOT NULL CHECK (present IN (0,1)),
  first_join_ms   INTEGER,
  last_leave_ms   INTEGER,
  time_present_ms INTEGER NOT NULL,
  reconnects      INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, unit)
) WITHOUT ROWID;

CREATE TABLE attendance_represented (
  meeting_id TEXT NOT NULL,
  unit       TEXT NOT NULL,
  position   INTEGER NOT NULL,
  subject    TEXT NOT NULL,
  PRIMARY KEY (meeting_id, unit, position),
  FOREIGN KEY (meeting_id, unit) REFERENCES attendance (meeting_id, unit) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE roll_calls (
  meeting_id    TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  id            INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  started_by    TEXT NOT NULL,
  ended_at_ms   INTEGER,
  PRIMARY KEY (meeting_id, id)
) WITHOUT ROWID;

CREATE TABLE roll_call_units (
  meeting_id      TEXT NOT NULL,
  roll_call_id    INTEGER NOT NULL,
  unit            TEXT NOT NULL,
  confirmed_at_ms INTEGER,
  PRIMARY KEY (meeting_id, roll_call_id, unit),
  FOREIGN KEY (meeting_id, roll_call_id) REFERENCES roll_calls (meeting_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE removed_identities (
  meeting_id    TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  subject       TEXT NOT NULL,
  removed_at_ms INTEGER NOT NULL,
  removed_by    TEXT NOT NULL,
  PRIMARY KEY (meeting_id, subject)
) WITHOUT ROWID;
)sql",
    // v2: a meeting's record mode (record: auto), for meetings defined over REST as in the
    // config. Existing meetings keep recording by hand.
    R"sql(
ALTER TABLE meetings ADD COLUMN record_auto INTEGER NOT NULL DEFAULT 0
  CHECK (record_auto IN (0,1));
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

bool isPrimaryKeyConflict(const StoreError& e) {
    return e.sqliteCode == SQLITE_CONSTRAINT_PRIMARYKEY;
}

StoreError notFound(std::string_view id) {
    return StoreError{StoreErrorCode::NotFound, 0, "no meeting '" + std::string(id) + "'"};
}

constexpr const char* kSelectMeeting =
    "SELECT id, title, convened_by, chair, scheduled_start_ms, state, locked, created_ms, "
    "updated_ms, record_auto FROM meetings";

}  // namespace

Expected<std::unique_ptr<MeetingStore>, StoreError> MeetingStore::open(
    const std::string& path, const SqliteOptions& options) {
    auto db = SqliteDb::open(path, options);
    if (!db) return db.error();
    std::unique_ptr<MeetingStore> store(new MeetingStore(std::move(db.value())));
    if (auto s = store->migrate(); !s) return s.error();
    return store;
}

namespace {

// The recorded schema version, 0 for a new database.
Expected<int, StoreError> readSchemaVersion(SqliteDb& db) {
    auto exists =
        db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'");
    if (!exists) return exists.error();
    auto row = exists.value().step();
    if (!row) return row.error();
    if (!row.value()) return 0;
    auto q = db.prepare("SELECT max(version) FROM schema_version");
    if (!q) return q.error();
    row = q.value().step();
    if (!row) return row.error();
    if (!row.value() || q.value().isNull(0)) return 0;
    return static_cast<int>(q.value().int64(0));
}

}  // namespace

Status MeetingStore::migrate() {
    // A database already at our version is only read: a reader's connection never takes the
    // write lock (it would wait for the writer thread's transactions).
    auto current = readSchemaVersion(*db_);
    if (!current) return current.error();
    if (current.value() != kSchemaVersion) {
        auto tx = Transaction::begin(*db_);
        if (!tx) return tx.error();
        current = readSchemaVersion(*db_);  // another connection may have migrated meanwhile
        if (!current) return current.error();
        const int version = current.value();
        if (version > kSchemaVersion) {
            return StoreError{StoreErrorCode::SchemaTooNew, 0,
                              db_->path() + " has schema version " + std::to_string(version) +
                                  ", this vcbridge knows up to " + std::to_string(kSchemaVersion)};
        }
        if (auto s = db_->exec("CREATE TABLE IF NOT EXISTS schema_version "
                               "(version INTEGER NOT NULL)");
            !s) {
            return s.error();
        }
        for (int v = version; v < kSchemaVersion; ++v) {
            if (auto s = db_->exec(kMigrations[v]); !s) {
                StoreError e = s.error();
                e.message =
                    "migration to schema version " + std::to_string(v + 1) + ": " + e.message;
                return e;
            }
        }
        if (auto s = db_->exec("DELETE FROM schema_version"); !s) return s.error();
        auto ins = db_->prepare("INSERT INTO schema_version (version) VALUES (?)");
        if (!ins) return ins.error();
        if (auto s = ins.value().bind(1, int64_t{kSchemaVersion}).run(); !s) return s.error();
        if (auto s = tx.value().commit(); !s) return s.error();
    }
    schemaVersion_ = kSchemaVersion;
    return Ok{};
}

template <typename F>
Status MeetingStore::inSavepoint(F&& body) {
    if (auto s = db_->exec("SAVEPOINT store_write"); !s) return s.error();
    Status result = body();
    if (result) {
        if (auto s = db_->exec("RELEASE store_write"); !s) result = s.error();
    }
    if (!result) {
        db_->exec("ROLLBACK TO store_write");
        db_->exec("RELEASE store_write");
    }
    return result;
}

Status MeetingStore::requireMeeting(std::string_view id) {
    auto q = db_->prepare("SELECT 1 FROM meetings WHERE id = ?");
    if (!q) return q.error();
    auto row = q.value().bind(1, id).step();
    if (!row) return row.error();
    if (!row.value()) return notFound(id);
    return Ok{};
}

Status MeetingStore::writeInvited(const StoredMeeting& m) {
    {
        auto del = db_->prepare("DELETE FROM meeting_invited WHERE meeting_id = ?");
        if (!del) return del.error();
        if (auto s = del.value().bind(1, m.id).run(); !s) return s.error();
    }
    auto ins = db_->prepare(
        "INSERT INTO meeting_invited (meeting_id, position, unit, subtree) VALUES (?, ?, ?, ?)");
    if (!ins) return ins.error();
    for (size_t i = 0; i < m.invited.size(); ++i) {
        auto& st = ins.value();
        st.bind(1, m.id)
            .bind(2, static_cast<int64_t>(i))
            .bind(3, m.invited[i].unit)
            .bind(4, int64_t{m.invited[i].subtree ? 1 : 0});
        if (auto s = st.run(); !s) return s.error();
    }
    return Ok{};
}

Status MeetingStore::createMeeting(const StoredMeeting& m) {
    return inSavepoint([&]() -> Status {
        auto ins = db_->prepare(
            "INSERT INTO meetings (id, title, convened_by, chair, scheduled_start_ms, state, "
            "locked, created_ms, updated_ms, record_auto) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!ins) return ins.error();
        auto s = ins.value()
                     .bind(1, m.id)
                     .bind(2, m.title)
                     .bind(3, m.convenedBy)
                     .bind(4, m.chair)
                     .bind(5, m.scheduledStartMs)
                     .bind(6, meetingStateName(m.state))
                     .bind(7, int64_t{m.locked ? 1 : 0})
                     .bind(8, m.createdMs)
                     .bind(9, m.updatedMs)
                     .bind(10, int64_t{m.recordAuto ? 1 : 0})
                     .run();
        if (!s) {
            if (isPrimaryKeyConflict(s.error())) {
                return StoreError{StoreErrorCode::AlreadyExists, s.error().sqliteCode,
                                  "meeting '" + m.id + "' exists"};
            }
            return s.error();
        }
        return writeInvited(m);
    });
}

Status MeetingStore::updateMeeting(const StoredMeeting& m) {
    return inSavepoint([&]() -> Status {
        auto upd = db_->prepare(
            "UPDATE meetings SET title = ?, convened_by = ?, chair = ?, scheduled_start_ms = ?, "
            "state = ?, locked = ?, updated_ms = ?, record_auto = ? WHERE id = ?");
        if (!upd) return upd.error();
        auto s = upd.value()
                     .bind(1, m.title)
                     .bind(2, m.convenedBy)
                     .bind(3, m.chair)
                     .bind(4, m.scheduledStartMs)
                     .bind(5, meetingStateName(m.state))
                     .bind(6, int64_t{m.locked ? 1 : 0})
                     .bind(7, m.updatedMs)
                     .bind(8, int64_t{m.recordAuto ? 1 : 0})
                     .bind(9, m.id)
                     .run();
        if (!s) return s.error();
        if (db_->changes() == 0) return notFound(m.id);
        return writeInvited(m);
    });
}

Status MeetingStore::deleteMeeting(std::string_view id) {
    auto del = db_->prepare("DELETE FROM meetings WHERE id = ?");
    if (!del) return del.error();
    if (auto s = del.value().bind(1, id).run(); !s) return s.error();
    if (db_->changes() == 0) return notFound(id);
    return Ok{};
}

namespace {

Expected<std::vector<StoredMeeting>, StoreError> readMeetings(SqliteDb& db, Statement& q) {
    std::vector<StoredMeeting> out;
    auto rows = q.forEachRow([&](Statement& r) {
        StoredMeeting m;
        m.id = r.text(0);
        m.title = r.text(1);
        m.convenedBy = r.text(2);
        m.chair = r.text(3);
        m.scheduledStartMs = r.int64(4);
        m.state = parseMeetingState(r.text(5)).value_or(MeetingState::Scheduled);
        m.locked = r.int64(6) != 0;
        m.createdMs = r.int64(7);
        m.updatedMs = r.int64(8);
        m.recordAuto = r.int64(9) != 0;
        out.push_back(std::move(m));
    });
    if (!rows) return rows.error();
    auto inv = db.prepare(
        "SELECT unit, subtree FROM meeting_invited WHERE meeting_id = ? ORDER BY position");
    if (!inv) return inv.error();
    for (auto& m : out) {
        auto& st = inv.value();
        auto s = st.bind(1, m.id).forEachRow([&](Statement& r) {
            m.invited.push_back(InvitedUnit{r.text(0), r.int64(1) != 0});
        });
        if (!s) return s.error();
        st.reset();
    }
    return out;
}

}  // namespace

Expected<StoredMeeting, StoreError> MeetingStore::getMeeting(std::string_view id) {
    auto q = db_->prepare(std::string(kSelectMeeting) + " WHERE id = ?");
    if (!q) return q.error();
    q.value().bind(1, id);
    auto list = readMeetings(*db_, q.value());
    if (!list) return list.error();
    if (list.value().empty()) return notFound(id);
    return std::move(list.value().front());
}

Expected<std::vector<StoredMeeting>, StoreError> MeetingStore::listMeetings(
    std::optional<MeetingState> state) {
    auto q = db_->prepare(std::string(kSelectMeeting) +
                          " WHERE (?1 IS NULL OR state = ?1) ORDER BY scheduled_start_ms, id");
    if (!q) return q.error();
    if (state) {
        q.value().bind(1, meetingStateName(*state));
    } else {
        q.value().bindNull(1);
    }
    return readMeetings(*db_, q.value());
}

Expected<int64_t, StoreError> MeetingStore::appendEvent(std::string_view meetingId,
                                                        const StoredEvent& e) {
    int64_t seq = 0;
    auto s = inSavepoint([&]() -> Status {
        if (auto r = requireMeeting(meetingId); !r) return r;
        {
            auto q =
                db_->prepare("SELECT coalesce(max(seq), 0) + 1 FROM events WHERE meeting_id = ?");
            if (!q) return q.error();
            auto row = q.value().bind(1, meetingId).step();
            if (!row) return row.error();
            seq = q.value().int64(0);
        }
        auto ins = db_->prepare(
            "INSERT INTO events (meeting_id, seq, time_ms, type, unit, subject, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!ins) return ins.error();
        return ins.value()
            .bind(1, meetingId)
            .bind(2, seq)
            .bind(3, e.timeMs)
            .bind(4, e.type)
            .bind(5, e.unit)
            .bind(6, e.subject)
            .bind(7, e.detail)
            .run();
    });
    if (!s) return s.error();
    return seq;
}

Expected<std::vector<StoredEvent>, StoreError> MeetingStore::listEvents(std::string_view meetingId,
                                                                        int64_t fromSeq,
                                                                        size_t limit) {
    auto q = db_->prepare(
        "SELECT seq, time_ms, type, unit, subject, detail FROM events "
        "WHERE meeting_id = ? AND seq >= ? ORDER BY seq LIMIT ?");
    if (!q) return q.error();
    std::vector<StoredEvent> out;
    auto s = q.value()
                 .bind(1, meetingId)
                 .bind(2, fromSeq)
                 .bind(3, static_cast<int64_t>(limit))
                 .forEachRow([&](Statement& r) {
                     out.push_back(StoredEvent{r.int64(0), r.int64(1), r.text(2), r.text(3),
                                               r.text(4), r.text(5)});
                 });
    if (!s) return s.error();
    return out;
}

Expected<std::vector<std::pair<StoredEvent, std::string>>, StoreError>
MeetingStore::listEventsOfType(std::string_view meetingId, std::string_view type,
                               std::string_view detailKey) {
    auto q = db_->prepare(
        "SELECT seq, time_ms, type, unit, subject, detail, "
        "coalesce(json_extract(detail, '$.' || json_quote(?)), '') FROM events "
        "WHERE meeting_id = ? AND type = ? ORDER BY seq");
    if (!q) return q.error();
    std::vector<std::pair<StoredEvent, std::string>> out;
    auto s = q.value()
                 .bind(1, detailKey)
                 .bind(2, meetingId)
                 .bind(3, type)
                 .forEachRow([&](Statement& r) {
                     out.emplace_back(StoredEvent{r.int64(0), r.int64(1), r.text(2), r.text(3),
                                                  r.text(4), r.text(5)},
                                      r.text(6));
                 });
    if (!s) return s.error();
    return out;
}

Status MeetingStore::upsertAttendance(std::string_view meetingId, const AttendanceRow& r) {
    return inSavepoint([&]() -> Status {
        if (auto s = requireMeeting(meetingId); !s) return s;
        {
            auto up = db_->prepare(
                "INSERT INTO attendance (meeting_id, unit, present, first_join_ms, last_leave_ms, "
                "time_present_ms, reconnects) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (meeting_id, unit) DO UPDATE SET present = excluded.present, "
                "first_join_ms = excluded.first_join_ms, last_leave_ms = excluded.last_leave_ms, "
                "time_present_ms = excluded.time_present_ms, reconnects = excluded.reconnects");
            if (!up) return up.error();
            auto s = up.value()
                         .bind(1, meetingId)
                         .bind(2, r.unit)
                         .bind(3, int64_t{r.present ? 1 : 0})
                         .bind(4, r.firstJoinMs)
                         .bind(5, r.lastLeaveMs)
                         .bind(6, r.timePresentMs)
                         .bind(7, r.reconnects)
                         .run();
            if (!s) return s;
        }
        {
            auto del = db_->prepare(
                "DELETE FROM attendance_represented WHERE meeting_id = ? AND unit = ?");
            if (!del) return del.error();
            if (auto s = del.value().bind(1, meetingId).bind(2, r.unit).run(); !s) return s;
        }
        auto ins = db_->prepare(
            "INSERT INTO attendance_represented (meeting_id, unit, position, subject) "
            "VALUES (?, ?, ?, ?)");
        if (!ins) return ins.error();
        for (size_t i = 0; i < r.representedBy.size(); ++i) {
            auto s = ins.value()
                         .bind(1, meetingId)
                         .bind(2, r.unit)
                         .bind(3, static_cast<int64_t>(i))
                         .bind(4, r.representedBy[i])
                         .run();
            if (!s) return s;
        }
        return Ok{};
    });
}

Expected<std::vector<AttendanceRow>, StoreError> MeetingStore::listAttendance(
    std::string_view meetingId) {
    std::vector<AttendanceRow> out;
    {
        auto q = db_->prepare(
            "SELECT unit, present, first_join_ms, last_leave_ms, time_present_ms, reconnects "
            "FROM attendance WHERE meeting_id = ? ORDER BY unit");
        if (!q) return q.error();
        auto s = q.value().bind(1, meetingId).forEachRow([&](Statement& st) {
            AttendanceRow r;
            r.unit = st.text(0);
            r.present = st.int64(1) != 0;
            r.firstJoinMs = st.optionalInt64(2);
            r.lastLeaveMs = st.optionalInt64(3);
            r.timePresentMs = st.int64(4);
            r.reconnects = st.int64(5);
            out.push_back(std::move(r));
        });
        if (!s) return s.error();
    }
    auto q = db_->prepare(
        "SELECT unit, subject FROM attendance_represented WHERE meeting_id = ? "
        "ORDER BY unit, position");
    if (!q) return q.error();
    size_t i = 0;
    auto s = q.value().bind(1, meetingId).forEachRow([&](Statement& st) {
        std::string unit = st.text(0);
        while (i < out.size() && out[i].unit != unit) ++i;  // both ordered by unit
        if (i == out.size()) return false;
        out[i].representedBy.push_back(st.text(1));
        return true;
    });
    if (!s) return s.error();
    return out;
}

Status MeetingStore::saveRollCall(std::string_view meetingId, const RollCallRecord& rc) {
    return inSavepoint([&]() -> Status {
        if (auto s = requireMeeting(meetingId); !s) return s;
        {
            auto up = db_->prepare(
                "INSERT INTO roll_calls (meeting_id, id, started_at_ms, started_by, ended_at_ms) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, id) DO UPDATE SET "
                "started_at_ms = excluded.started_at_ms, started_by = excluded.started_by, "
                "ended_at_ms = excluded.ended_at_ms");
            if (!up) return up.error();
            auto s = up.value()
                         .bind(1, meetingId)
                         .bind(2, rc.id)
                         .bind(3, rc.startedAtMs)
                         .bind(4, rc.startedBy)
                         .bind(5, rc.endedAtMs)
                         .run();
            if (!s) return s;
        }
        {
            auto del = db_->prepare(
                "DELETE FROM roll_call_units WHERE meeting_id = ? AND roll_call_id = ?");
            if (!del) return del.error();
            if (auto s = del.value().bind(1, meetingId).bind(2, rc.id).run(); !s) return s;
        }
        auto ins = db_->prepare(
            "INSERT INTO roll_call_units (meeting_id, roll_call_id, unit, confirmed_at_ms) "
            "VALUES (?, ?, ?, ?)");
        if (!ins) return ins.error();
        for (const auto& u : rc.units) {
            auto s = ins.value()
                         .bind(1, meetingId)
                         .bind(2, rc.id)
                         .bind(3, u.unit)
                         .bind(4, u.confirmedAtMs)
                         .run();
            if (!s) return s;
        }
        return Ok{};
    });
}

Expected<std::vector<RollCallRecord>, StoreError> MeetingStore::listRollCalls(
    std::string_view meetingId) {
    std::vector<RollCallRecord> out;
    {
        auto q = db_->prepare(
            "SELECT id, started_at_ms, started_by, ended_at_ms FROM roll_calls "
            "WHERE meeting_id = ? ORDER BY id");
        if (!q) return q.error();
        auto s = q.value().bind(1, meetingId).forEachRow([&](Statement& st) {
            RollCallRecord r;
            r.id = st.int64(0);
            r.startedAtMs = st.int64(1);
            r.startedBy = st.text(2);
            r.endedAtMs = st.optionalInt64(3);
            out.push_back(std::move(r));
        });
        if (!s) return s.error();
    }
    auto q = db_->prepare(
        "SELECT roll_call_id, unit, confirmed_at_ms FROM roll_call_units WHERE meeting_id = ? "
        "ORDER BY roll_call_id, unit");
    if (!q) return q.error();
    size_t i = 0;
    auto s = q.value().bind(1, meetingId).forEachRow([&](Statement& st) {
        const int64_t id = st.int64(0);
        while (i < out.size() && out[i].id != id) ++i;  // both ordered by id
        if (i == out.size()) return false;
        out[i].units.push_back(RollCallUnit{st.text(1), st.optionalInt64(2)});
        return true;
    });
    if (!s) return s.error();
    return out;
}

Status MeetingStore::addRemovedIdentity(std::string_view meetingId, const RemovedIdentity& r) {
    if (auto s = requireMeeting(meetingId); !s) return s;
    auto ins = db_->prepare(
        "INSERT INTO removed_identities (meeting_id, subject, removed_at_ms, removed_by) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, subject) DO NOTHING");
    if (!ins) return ins.error();
    return ins.value()
        .bind(1, meetingId)
        .bind(2, r.subject)
        .bind(3, r.removedAtMs)
        .bind(4, r.removedBy)
        .run();
}

Expected<std::vector<RemovedIdentity>, StoreError> MeetingStore::listRemovedIdentities(
    std::string_view meetingId) {
    auto q = db_->prepare(
        "SELECT subject, removed_at_ms, removed_by FROM removed_identities WHERE meeting_id = ? "
        "ORDER BY removed_at_ms, subject");
    if (!q) return q.error();
    std::vector<RemovedIdentity> out;
    auto s = q.value().bind(1, meetingId).forEachRow([&](Statement& st) {
        out.push_back(RemovedIdentity{st.text(0), st.int64(1), st.text(2)});
    });
    if (!s) return s.error();
    return out;
}

Status MeetingStore::markEveryoneAbsent() {
    auto upd = db_->prepare("UPDATE attendance SET present = 0 WHERE present = 1");
    if (!upd) return upd.error();
    auto s = upd.value().run();
    if (!s) return s.error();
    return Ok{};
}

Status MeetingStore::setMeetingState(std::string_view id, MeetingState state, bool locked,
                                     int64_t updatedMs) {
    auto upd =
        db_->prepare("UPDATE meetings SET state = ?, locked = ?, updated_ms = ? WHERE id = ?");
    if (!upd) return upd.error();
    auto s = upd.value()
                 .bind(1, meetingStateName(state))
                 .bind(2, int64_t{locked ? 1 : 0})
                 .bind(3, updatedMs)
                 .bind(4, id)
                 .run();
    if (!s) return s.error();
    if (db_->changes() == 0) return notFound(id);
    return Ok{};
}

}  // namespace vcb::store
