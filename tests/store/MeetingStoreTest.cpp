// MeetingStore on real SQLite files: every record type round-trips (Vietnamese text byte-exact),
// event sequence numbers, paging, the schema version and the migration of a version 1 file, and
// refusals (unknown meeting, bad JSON, a file that is not a database, a newer schema).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "rooms/store/MeetingStore.hpp"
#include "tests/store/TempDir.hpp"

namespace vcb::store {
namespace {

// NFC and NFD spellings of the same words are different bytes; both must come back unchanged.
const std::string kProvinceNfc = "Ủy ban nhân dân tỉnh Thừa Thiên Huế";
const std::string kNameNfd = "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x81nh";  // Nguyễn Văn Ánh
const std::string kTitle = "Hội nghị trực tuyến toàn quốc về phòng chống thiên tai — đợt 2";

StoredMeeting sampleMeeting(const std::string& id = "hn-2026-12") {
    StoredMeeting m;
    m.id = id;
    m.title = kTitle;
    m.convenedBy = "vn.chinh-phu";
    m.invited = {{"vn.tinh.hue", true}, {"vn.bo.nong-nghiep", false}, {"vn.tinh.quang-tri", true}};
    m.chair = kNameNfd;
    m.scheduledStartMs = 1796000000000;
    m.state = MeetingState::Scheduled;
    m.locked = false;
    m.createdMs = 1795000000000;
    m.updatedMs = 1795000000001;
    return m;
}

class MeetingStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto s = MeetingStore::open(dir_.file("meetings.db"));
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(s.value());
    }

    test::TempDir dir_;
    std::unique_ptr<MeetingStore> store_;
};

TEST_F(MeetingStoreTest, SchemaVersionIsRecorded) {
    EXPECT_EQ(store_->schemaVersion(), kSchemaVersion);
    EXPECT_EQ(kSchemaVersion, 2);
    auto q = store_->db().prepare("SELECT version FROM schema_version");
    ASSERT_TRUE(q.ok());
    auto row = q.value().step();
    ASSERT_TRUE(row.ok() && row.value());
    EXPECT_EQ(q.value().int64(0), 2);
    auto wal = store_->db().prepare("PRAGMA journal_mode");
    ASSERT_TRUE(wal.ok());
    ASSERT_TRUE(wal.value().step().value());
    EXPECT_EQ(wal.value().text(0), "wal");
    auto sync = store_->db().prepare("PRAGMA synchronous");
    ASSERT_TRUE(sync.ok());
    ASSERT_TRUE(sync.value().step().value());
    EXPECT_EQ(sync.value().int64(0), 2);  // FULL
}

TEST_F(MeetingStoreTest, ReopeningKeepsDataAndVersion) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting()).ok());
    store_.reset();
    auto again = MeetingStore::open(dir_.file("meetings.db"));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again.value()->schemaVersion(), kSchemaVersion);
    auto m = again.value()->getMeeting("hn-2026-12");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m.value(), sampleMeeting());
}

TEST_F(MeetingStoreTest, FileAndDirectoryModes) {
    auto nested = MeetingStore::open(dir_.path() + "/a/b/records.db");
    ASSERT_TRUE(nested.ok()) << nested.error().message;
    struct stat st {};
    ASSERT_EQ(::stat((dir_.path() + "/a/b").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat((dir_.path() + "/a/b/records.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir_.path() + "/a/b/records.db-wal").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST_F(MeetingStoreTest, MeetingRoundTripUpdateDelete) {
    auto m = sampleMeeting();
    ASSERT_TRUE(store_->createMeeting(m).ok());
    auto dup = store_->createMeeting(m);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, StoreErrorCode::AlreadyExists);

    auto got = store_->getMeeting(m.id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.value(), m);
    EXPECT_EQ(got.value().title, kTitle);    // byte-exact
    EXPECT_EQ(got.value().chair, kNameNfd);  // NFD stays NFD

    m.state = MeetingState::InSession;
    m.locked = true;
    m.title = kProvinceNfc;
    m.invited = {{"vn.tinh.hue", false}};
    m.updatedMs += 1000;
    ASSERT_TRUE(store_->updateMeeting(m).ok());
    got = store_->getMeeting(m.id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got.value(), m);

    auto missing = sampleMeeting("khong-co");
    auto upd = store_->updateMeeting(missing);
    ASSERT_FALSE(upd.ok());
    EXPECT_EQ(upd.error().code, StoreErrorCode::NotFound);

    ASSERT_TRUE(store_->appendEvent(m.id, StoredEvent{0, 1, "meeting.created", "", "", "{}"}).ok());
    ASSERT_TRUE(store_->deleteMeeting(m.id).ok());
    EXPECT_EQ(store_->getMeeting(m.id).error().code, StoreErrorCode::NotFound);
    EXPECT_EQ(store_->deleteMeeting(m.id).error().code, StoreErrorCode::NotFound);
    auto events = store_->listEvents(m.id);
    ASSERT_TRUE(events.ok());
    EXPECT_TRUE(events.value().empty());  // records go with the meeting
}

// record: auto is part of the meeting: written by create and update, read by get and list.
TEST_F(MeetingStoreTest, RecordAutoRoundTrips) {
    auto m = sampleMeeting();
    m.recordAuto = true;
    ASSERT_TRUE(store_->createMeeting(m).ok());
    auto got = store_->getMeeting(m.id);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_TRUE(got.value().recordAuto);
    EXPECT_EQ(got.value(), m);

    m.recordAuto = false;
    ASSERT_TRUE(store_->updateMeeting(m).ok());
    EXPECT_FALSE(store_->getMeeting(m.id).value().recordAuto);
    m.recordAuto = true;
    ASSERT_TRUE(store_->updateMeeting(m).ok());
    auto all = store_->listMeetings();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all.value().size(), 1u);
    EXPECT_EQ(all.value()[0], m);
    // A state change (the live meeting's) leaves the definition alone.
    ASSERT_TRUE(store_->setMeetingState(m.id, MeetingState::Open, false, 5).ok());
    EXPECT_TRUE(store_->getMeeting(m.id).value().recordAuto);
}

TEST_F(MeetingStoreTest, ListMeetingsByState) {
    auto a = sampleMeeting("a");
    a.scheduledStartMs = 30;
    auto b = sampleMeeting("b");
    b.scheduledStartMs = 10;
    b.state = MeetingState::Open;
    auto c = sampleMeeting("c");
    c.scheduledStartMs = 20;
    c.state = MeetingState::Ended;
    for (const auto& m : {a, b, c}) ASSERT_TRUE(store_->createMeeting(m).ok());

    auto all = store_->listMeetings();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all.value().size(), 3u);
    EXPECT_EQ(all.value()[0].id, "b");  // by scheduled start
    EXPECT_EQ(all.value()[1].id, "c");
    EXPECT_EQ(all.value()[2], a);
    auto open = store_->listMeetings(MeetingState::Open);
    ASSERT_TRUE(open.ok());
    ASSERT_EQ(open.value().size(), 1u);
    EXPECT_EQ(open.value()[0], b);
    auto inSession = store_->listMeetings(MeetingState::InSession);
    ASSERT_TRUE(inSession.ok());
    EXPECT_TRUE(inSession.value().empty());
}

TEST_F(MeetingStoreTest, MeetingStateNames) {
    for (auto s : {MeetingState::Scheduled, MeetingState::Open, MeetingState::InSession,
                   MeetingState::Ended}) {
        EXPECT_EQ(parseMeetingState(meetingStateName(s)), s);
    }
    EXPECT_EQ(meetingStateName(MeetingState::InSession), "in_session");
    EXPECT_FALSE(parseMeetingState("paused"));
}

TEST_F(MeetingStoreTest, EventSeqIsMonotonicPerMeeting) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("x")).ok());
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("y")).ok());
    for (int i = 1; i <= 5; ++i) {
        StoredEvent e{
            999,           1000 + i, "floor.granted",
            "vn.tinh.hue", kNameNfd, R"({"lý_do":"phát biểu","n":)" + std::to_string(i) + "}"};
        auto seq = store_->appendEvent("x", e);
        ASSERT_TRUE(seq.ok()) << seq.error().message;
        EXPECT_EQ(seq.value(), i);  // the given seq is ignored
    }
    auto y = store_->appendEvent("y", StoredEvent{0, 5, "meeting.opened", "", "", "{}"});
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(y.value(), 1);

    auto events = store_->listEvents("x");
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events.value().size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        const auto& e = events.value()[i];
        EXPECT_EQ(e.seq, static_cast<int64_t>(i + 1));
        EXPECT_EQ(e.timeMs, static_cast<int64_t>(1001 + i));
        EXPECT_EQ(e.type, "floor.granted");
        EXPECT_EQ(e.unit, "vn.tinh.hue");
        EXPECT_EQ(e.subject, kNameNfd);
        EXPECT_EQ(e.detail, R"({"lý_do":"phát biểu","n":)" + std::to_string(i + 1) + "}");
    }
}

TEST_F(MeetingStoreTest, EventPaging) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("p")).ok());
    for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(store_->appendEvent("p", StoredEvent{0, i, "t", "", "", "{}"}).ok());
    }
    std::vector<int64_t> seen;
    int64_t from = 1;
    for (;;) {
        auto page = store_->listEvents("p", from, 10);
        ASSERT_TRUE(page.ok());
        if (page.value().empty()) break;
        EXPECT_LE(page.value().size(), 10u);
        for (const auto& e : page.value()) seen.push_back(e.seq);
        from = page.value().back().seq + 1;
    }
    ASSERT_EQ(seen.size(), 25u);
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i + 1));
    auto tail = store_->listEvents("p", 24, 100);
    ASSERT_TRUE(tail.ok());
    ASSERT_EQ(tail.value().size(), 2u);
    EXPECT_EQ(tail.value()[0].seq, 24);
}

TEST_F(MeetingStoreTest, EventRefusals) {
    auto unknown = store_->appendEvent("khong-co", StoredEvent{0, 1, "t", "", "", "{}"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, StoreErrorCode::NotFound);

    ASSERT_TRUE(store_->createMeeting(sampleMeeting("j")).ok());
    auto bad = store_->appendEvent("j", StoredEvent{0, 1, "t", "", "", "{not json"});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, StoreErrorCode::Invalid);
    EXPECT_NE(bad.error().message.find("CHECK constraint failed"), std::string::npos)
        << bad.error().message;
    // The failed append used no sequence number.
    auto ok = store_->appendEvent("j", StoredEvent{0, 1, "t", "", "", "[]"});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.value(), 1);
    // Append-only: an UPDATE is refused by the schema.
    auto upd = store_->db().prepare("UPDATE events SET type = 'x' WHERE meeting_id = 'j'");
    ASSERT_TRUE(upd.ok());
    auto r = upd.value().run();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("append-only"), std::string::npos) << r.error().message;
}

TEST_F(MeetingStoreTest, AttendanceRoundTrip) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("att")).ok());
    AttendanceRow hue{"vn.tinh.hue", true, 1000, std::nullopt, 0, {kNameNfd, "trần.thị.bích"}, 0};
    AttendanceRow bo{"vn.bo.nong-nghiep", false, std::nullopt, std::nullopt, 0, {}, 0};
    ASSERT_TRUE(store_->upsertAttendance("att", hue).ok());
    ASSERT_TRUE(store_->upsertAttendance("att", bo).ok());
    hue.present = false;
    hue.lastLeaveMs = 61000;
    hue.timePresentMs = 60000;
    hue.reconnects = 2;
    hue.representedBy = {kNameNfd, "trần.thị.bích", "Lê Quý Đôn"};
    ASSERT_TRUE(store_->upsertAttendance("att", hue).ok());

    auto rows = store_->listAttendance("att");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows.value().size(), 2u);  // by unit
    EXPECT_EQ(rows.value()[0], bo);
    EXPECT_EQ(rows.value()[1], hue);
    EXPECT_EQ(store_->upsertAttendance("khong-co", bo).error().code, StoreErrorCode::NotFound);
}

TEST_F(MeetingStoreTest, EveryoneIsAbsentAfterARestart) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("att")).ok());
    AttendanceRow hue{"vn.tinh.hue", true, 1000, std::nullopt, 4000, {"trần.thị.bích"}, 1};
    AttendanceRow bo{"vn.bo.nong-nghiep", false, 2000, 3000, 1000, {}, 0};
    ASSERT_TRUE(store_->upsertAttendance("att", hue).ok());
    ASSERT_TRUE(store_->upsertAttendance("att", bo).ok());
    ASSERT_TRUE(store_->markEveryoneAbsent().ok());
    auto rows = store_->listAttendance("att");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows.value().size(), 2u);
    hue.present = false;  // only that changes
    EXPECT_EQ(rows.value()[0], bo);
    EXPECT_EQ(rows.value()[1], hue);
}

TEST_F(MeetingStoreTest, RollCallRoundTrip) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("rc")).ok());
    RollCallRecord first{1,
                         5000,
                         kNameNfd,
                         std::nullopt,
                         {{"vn.tinh.hue", std::nullopt}, {"vn.tinh.quang-tri", std::nullopt}}};
    ASSERT_TRUE(store_->saveRollCall("rc", first).ok());
    first.units[1].confirmedAtMs = 5200;
    first.endedAtMs = 9000;
    ASSERT_TRUE(store_->saveRollCall("rc", first).ok());
    RollCallRecord second{2, 10000, "chủ.tọa", std::nullopt, {{"vn.bo.nong-nghiep", 10500}}};
    ASSERT_TRUE(store_->saveRollCall("rc", second).ok());

    auto calls = store_->listRollCalls("rc");
    ASSERT_TRUE(calls.ok());
    ASSERT_EQ(calls.value().size(), 2u);
    EXPECT_EQ(calls.value()[0], first);
    EXPECT_EQ(calls.value()[1], second);
    EXPECT_FALSE(calls.value()[0].units[0].confirmedAtMs.has_value());
}

TEST_F(MeetingStoreTest, RemovedIdentities) {
    ASSERT_TRUE(store_->createMeeting(sampleMeeting("rm")).ok());
    ASSERT_TRUE(store_->addRemovedIdentity("rm", {kNameNfd, 100, "chủ.tọa"}).ok());
    ASSERT_TRUE(store_->addRemovedIdentity("rm", {"phạm.văn.đồng", 200, "chủ.tọa"}).ok());
    ASSERT_TRUE(store_->addRemovedIdentity("rm", {kNameNfd, 300, "khác"}).ok());  // kept first
    auto removed = store_->listRemovedIdentities("rm");
    ASSERT_TRUE(removed.ok());
    ASSERT_EQ(removed.value().size(), 2u);
    EXPECT_EQ(removed.value()[0], (RemovedIdentity{kNameNfd, 100, "chủ.tọa"}));
    EXPECT_EQ(removed.value()[1], (RemovedIdentity{"phạm.văn.đồng", 200, "chủ.tọa"}));
    EXPECT_EQ(store_->addRemovedIdentity("khong-co", {"a", 1, "b"}).error().code,
              StoreErrorCode::NotFound);
}

TEST(MeetingStoreOpenTest, NotADatabaseIsAClearError) {
    test::TempDir dir;
    const auto path = dir.file("garbage.db");
    {
        std::ofstream out(path);
        for (int i = 0; i < 200; ++i) out << "this is not an SQLite file, it is a text file\n";
    }
    auto s = MeetingStore::open(path);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, StoreErrorCode::NotADatabase);
    EXPECT_NE(s.error().message.find("file is not a database"), std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
}

TEST(MeetingStoreOpenTest, CorruptedDatabaseIsRefused) {
    test::TempDir dir;
    const auto path = dir.file("corrupt.db");
    {
        auto s = MeetingStore::open(path);
        ASSERT_TRUE(s.ok());
        ASSERT_TRUE(s.value()->createMeeting(sampleMeeting()).ok());
        ASSERT_TRUE(s.value()->db().exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    }
    {
        // Overwrite the header's magic string.
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f << "garbage garbage!";
    }
    auto s = MeetingStore::open(path);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, StoreErrorCode::NotADatabase) << s.error().message;
}

TEST(MeetingStoreOpenTest, NewerSchemaIsRefused) {
    test::TempDir dir;
    const auto path = dir.file("future.db");
    {
        auto s = MeetingStore::open(path);
        ASSERT_TRUE(s.ok());
        ASSERT_TRUE(s.value()->db().exec("UPDATE schema_version SET version = 99").ok());
    }
    auto s = MeetingStore::open(path);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, StoreErrorCode::SchemaTooNew);
    EXPECT_NE(s.error().message.find("99"), std::string::npos) << s.error().message;
}

// The schema as vcbridge wrote it at version 1 (kMigrations[0], frozen here: a released
// migration is never edited), with its schema_version row.
constexpr const char* kSchemaV1 = R"sql(
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
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
)sql";

// A database written by a version 1 vcbridge opens: it is migrated, its meetings keep every
// field and record by hand (record_auto 0), and record: auto can then be stored.
TEST(MeetingStoreOpenTest, Version1DatabaseIsMigrated) {
    test::TempDir dir;
    const auto path = dir.file("v1.db");
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_TRUE(db.value()->exec(kSchemaV1).ok());
        ASSERT_TRUE(db.value()
                        ->exec("INSERT INTO meetings VALUES ('hn-2026-12', 'Họp giao ban', "
                               "'vn.chinh-phu', 'chu-tich', 1796000000000, 'ended', 1, "
                               "1795000000000, 1795000000001);"
                               "INSERT INTO meeting_invited VALUES ('hn-2026-12', 0, "
                               "'vn.tinh.hue', 1);"
                               "INSERT INTO events VALUES ('hn-2026-12', 1, 5, 'meeting.opened', "
                               "'', '', '{}');")
                        .ok());
    }
    auto s = MeetingStore::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto& store = *s.value();
    EXPECT_EQ(store.schemaVersion(), 2);
    {
        auto q = store.db().prepare("SELECT version FROM schema_version");
        ASSERT_TRUE(q.ok());
        ASSERT_TRUE(q.value().step().value());
        EXPECT_EQ(q.value().int64(0), 2);
    }  // the statement goes before its connection

    auto m = store.getMeeting("hn-2026-12");
    ASSERT_TRUE(m.ok()) << m.error().message;
    StoredMeeting expected;
    expected.id = "hn-2026-12";
    expected.title = "Họp giao ban";
    expected.convenedBy = "vn.chinh-phu";
    expected.invited = {{"vn.tinh.hue", true}};
    expected.chair = "chu-tich";
    expected.scheduledStartMs = 1796000000000;
    expected.state = MeetingState::Ended;
    expected.locked = true;
    expected.createdMs = 1795000000000;
    expected.updatedMs = 1795000000001;
    expected.recordAuto = false;
    EXPECT_EQ(m.value(), expected);
    auto events = store.listEvents("hn-2026-12");
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events.value().size(), 1u);
    EXPECT_EQ(events.value()[0].type, "meeting.opened");

    expected.recordAuto = true;
    ASSERT_TRUE(store.updateMeeting(expected).ok());
    s.value().reset();
    auto again = MeetingStore::open(path);  // already at version 2: opened as it is
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again.value()->getMeeting("hn-2026-12").value(), expected);
}

TEST(MeetingStoreOpenTest, PathUnderAFileIsRefused) {
    test::TempDir dir;
    std::ofstream(dir.file("plain")) << "x";
    auto s = MeetingStore::open(dir.file("plain") + "/meetings.db");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, StoreErrorCode::Open);
    EXPECT_NE(s.error().message.find("not a directory"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace vcb::store
