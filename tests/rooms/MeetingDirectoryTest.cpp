// MeetingDirectory (rooms/MeetingDirectory): validation against a unit tree, each error code, the
// default invitation (the convening unit's sub-tree), and the records in a real SQLite file.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

#include "rooms/MeetingDirectory.hpp"
#include "rooms/policy/UnitsFile.hpp"
#include "tests/store/TempDir.hpp"

namespace vcb::rooms {
namespace {

using store::InvitedUnit;
using store::MeetingState;
using store::StoredMeeting;
using namespace std::chrono_literals;

const std::string kUnits =
    "tiers:\n"
    "  - name: province\n"
    "  - name: district\n"
    "    parents: [province]\n"
    "units:\n"
    "  - id: ts\n    name: Tỉnh Thanh Sơn\n    tier: province\n"
    "  - id: ts.a\n    name: Huyện Hà Giang\n    tier: district\n    parent: ts\n"
    "  - id: ts.b\n    name: \"Huyện \\\"Bình\\\", Đông\"\n    tier: district\n    parent: ts\n"
    "  - id: hl\n    name: Tỉnh Hạ Long\n    tier: province\n";

constexpr int64_t kNow = 1'800'000'000'000;

class MeetingDirectoryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto tree = UnitsFile::parse(kUnits, "units.yaml");
        ASSERT_TRUE(tree.ok()) << tree.error().format();
        units_ = std::make_shared<const UnitTree>(std::move(tree).value());
        auto w = store::MeetingStoreWriter::start(dir_.file("meetings.db"));
        ASSERT_TRUE(w.ok()) << w.error().message;
        writer_ = std::move(w).value();
        directory_ = std::make_unique<MeetingDirectory>(units_, *writer_);
    }

    static MeetingDefinition def(std::string id = "hop-1") {
        MeetingDefinition d;
        d.id = std::move(id);
        d.title = "Họp giao ban tháng 12";
        d.convenedBy = "ts";
        d.chair = "chu-tich-ts";
        d.scheduledStart = "2026-12-05T08:00:00Z";
        return d;
    }

    template <typename T, typename Start>
    DirectoryResult<T> wait(Start&& start) {
        std::promise<DirectoryResult<T>> p;
        auto f = p.get_future();
        start([&p](DirectoryResult<T> r) { p.set_value(std::move(r)); });
        if (f.wait_for(10s) != std::future_status::ready)
            return DirectoryError{DirectoryErrorCode::StorageFailed, {}, "timeout"};
        return f.get();
    }
    DirectoryResult<StoredMeeting> create(MeetingDefinition d) {
        return wait<StoredMeeting>([&](auto cb) { directory_->create(d, kNow, cb); });
    }
    DirectoryResult<StoredMeeting> get(const std::string& id) {
        return wait<StoredMeeting>([&](auto cb) { directory_->get(id, cb); });
    }
    std::string createCode(MeetingDefinition d, std::string* field = nullptr) {
        auto r = create(std::move(d));
        if (r.ok()) return "ok";
        if (field) *field = r.error().field;
        return std::string(directoryErrorCode(r.error().code));
    }

    store::test::TempDir dir_;
    std::shared_ptr<const UnitTree> units_;
    std::unique_ptr<store::MeetingStoreWriter> writer_;
    std::unique_ptr<MeetingDirectory> directory_;
};

TEST(Rfc3339, ParsesAndFormatsUtc) {
    EXPECT_EQ(parseRfc3339Utc("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseRfc3339Utc("2026-12-05T08:00:00Z"), 1796457600000);
    EXPECT_EQ(parseRfc3339Utc("2026-12-05T08:00:00.25z"), 1796457600250);
    EXPECT_EQ(formatRfc3339Utc(1796457600000), "2026-12-05T08:00:00Z");
    EXPECT_EQ(formatRfc3339Utc(1796457600250), "2026-12-05T08:00:00.250Z");
    EXPECT_EQ(parseRfc3339Utc("2028-02-29T23:59:59Z").has_value(), true);
    for (const char* bad : {"", "2026-12-05", "2026-12-05T08:00:00", "2026-12-05T08:00:00+07:00",
                            "2026-13-01T00:00:00Z", "2027-02-29T00:00:00Z", "2026-12-05T24:00:00Z",
                            "2026-12-05T08:00:60Z", "2026-12-05 08:00:00Z", "2026-12-05T08:00:00.Z",
                            "1969-12-31T23:59:59Z", "2026-12-05T08:00:00Zx"})
        EXPECT_FALSE(parseRfc3339Utc(bad).has_value()) << bad;
}

TEST_F(MeetingDirectoryTest, DefaultInvitationIsTheConveningSubtree) {
    auto r = create(def());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().invited, (std::vector<InvitedUnit>{{"ts", true}}));
    EXPECT_EQ(r.value().state, MeetingState::Scheduled);
    EXPECT_EQ(r.value().scheduledStartMs, 1796457600000);
    auto back = get("hop-1");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), r.value());
    EXPECT_EQ(back.value().title, "Họp giao ban tháng 12");  // byte-exact
}

TEST_F(MeetingDirectoryTest, ExplicitInvitationsInsideTheSubtree) {
    auto d = def();
    d.invited = std::vector<InvitedUnit>{{"ts.b", false}, {"ts.a", true}};
    auto r = create(d);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().invited, *d.invited);
}

TEST_F(MeetingDirectoryTest, EachValidationErrorHasItsCodeAndField) {
    std::string field;
    auto d = def("bad id");
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    EXPECT_EQ(field, "id");
    EXPECT_EQ(createCode(def(std::string(65, 'a')), &field), "invalid_field");
    EXPECT_EQ(createCode(def(std::string(64, 'a'))), "ok");

    d = def();
    d.title = "";
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    EXPECT_EQ(field, "title");
    d.title = std::string(201, 'x');
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    d.title = "a\nb";
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    d.title = "\xC3\x28";  // broken UTF-8
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    d.title =
        "a\xC2\x85"
        "b";  // C1 control (NEL)
    EXPECT_EQ(createCode(d, &field), "invalid_field");

    d = def();
    d.chair = "";
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    EXPECT_EQ(field, "chair");

    d = def();
    d.scheduledStart = "2026-12-05T15:00:00+07:00";
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    EXPECT_EQ(field, "scheduled_start");

    d = def();
    d.convenedBy = "nowhere";
    EXPECT_EQ(createCode(d, &field), "unknown_unit");
    EXPECT_EQ(field, "convening_unit");

    d = def();
    d.invited = std::vector<InvitedUnit>{{"ts.a", false}, {"nowhere", false}};
    EXPECT_EQ(createCode(d, &field), "unknown_unit");
    EXPECT_EQ(field, "invited[1]");

    d = def();
    d.invited = std::vector<InvitedUnit>{{"hl", true}};
    EXPECT_EQ(createCode(d, &field), "unit_not_subordinate");
    EXPECT_EQ(field, "invited[0]");

    d = def();
    d.invited = std::vector<InvitedUnit>{};
    EXPECT_EQ(createCode(d, &field), "invalid_field");
    EXPECT_EQ(field, "invited");

    d = def();
    d.convenedBy = "ts.a";  // a district cannot invite its province
    d.invited = std::vector<InvitedUnit>{{"ts", false}};
    EXPECT_EQ(createCode(d), "unit_not_subordinate");
}

// "Acknowledged" means committed: with the writer held busy, create() does not answer; once the
// writer runs, the answer comes and a read on another connection already sees the meeting.
TEST_F(MeetingDirectoryTest, AnswersOnlyAfterCommit) {
    std::promise<void> release;
    auto released = release.get_future().share();
    ASSERT_TRUE(writer_->post(
        [released](store::MeetingStore&) -> store::Status {
            released.wait_for(10s);
            return store::Ok{};
        },
        {}));
    std::promise<DirectoryResult<StoredMeeting>> answer;
    auto answered = answer.get_future();
    directory_->create(def(), kNow,
                       [&answer](DirectoryResult<StoredMeeting> r) { answer.set_value(r); });
    EXPECT_EQ(answered.wait_for(200ms), std::future_status::timeout) << "answered before COMMIT";
    release.set_value();
    ASSERT_EQ(answered.wait_for(10s), std::future_status::ready);
    ASSERT_TRUE(answered.get().ok());
    auto other = store::MeetingStore::open(dir_.file("meetings.db"));
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(other.value()->getMeeting("hop-1").ok());
}

TEST_F(MeetingDirectoryTest, DuplicateIdIsMeetingExists) {
    ASSERT_EQ(createCode(def()), "ok");
    EXPECT_EQ(createCode(def()), "meeting_exists");
}

TEST_F(MeetingDirectoryTest, PatchAndDeleteAndTheirErrors) {
    ASSERT_EQ(createCode(def()), "ok");
    MeetingPatch p;
    p.title = "Họp đột xuất";
    p.invited = std::vector<InvitedUnit>{{"ts.a", false}};
    auto r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", p, kNow + 5, cb); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().title, "Họp đột xuất");
    EXPECT_EQ(r.value().createdMs, kNow);
    EXPECT_EQ(r.value().updatedMs, kNow + 5);
    EXPECT_EQ(get("hop-1").value(), r.value());

    MeetingPatch bad;
    bad.convenedBy = "hl";  // ts.a is not under hl: the merged definition is refused
    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", bad, kNow, cb); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, DirectoryErrorCode::UnitNotSubordinate);
    EXPECT_EQ(get("hop-1").value().convenedBy, "ts");  // unchanged

    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("nope", p, kNow, cb); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, DirectoryErrorCode::NoSuchMeeting);

    // Open meetings are neither patched nor deleted.
    auto open = get("hop-1").value();
    open.state = MeetingState::Open;
    ASSERT_TRUE(writer_->submit([open](store::MeetingStore& db) { return db.updateMeeting(open); })
                    .get()
                    .ok());
    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", p, kNow, cb); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, DirectoryErrorCode::MeetingInProgress);
    r = wait<StoredMeeting>([&](auto cb) { directory_->remove("hop-1", cb); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, DirectoryErrorCode::MeetingInProgress);

    open.state = MeetingState::Ended;
    ASSERT_TRUE(writer_->submit([open](store::MeetingStore& db) { return db.updateMeeting(open); })
                    .get()
                    .ok());
    r = wait<StoredMeeting>([&](auto cb) { directory_->remove("hop-1", cb); });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(get("hop-1").error().code, DirectoryErrorCode::NoSuchMeeting);
    r = wait<StoredMeeting>([&](auto cb) { directory_->remove("hop-1", cb); });
    EXPECT_EQ(r.error().code, DirectoryErrorCode::NoSuchMeeting);
}

// record: "auto" | "manual" (default manual) is stored, kept by a patch that does not name it,
// changed by one that does, and anything else is an invalid field that writes nothing.
TEST_F(MeetingDirectoryTest, RecordIsAutoOrManual) {
    auto r = create(def("thuong"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r.value().recordAuto);  // default: recorded by hand

    auto d = def();
    d.record = "auto";
    r = create(d);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r.value().recordAuto);
    EXPECT_TRUE(get("hop-1").value().recordAuto);

    MeetingPatch title;
    title.title = "Họp đột xuất";
    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", title, kNow + 1, cb); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r.value().recordAuto) << "a patch without record keeps it";

    MeetingPatch manual;
    manual.record = "manual";
    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", manual, kNow + 2, cb); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r.value().recordAuto);
    EXPECT_FALSE(get("hop-1").value().recordAuto);

    std::string field;
    for (const char* bad : {"", "AUTO", "on", "automatic"}) {
        d = def("sai");
        d.record = bad;
        EXPECT_EQ(createCode(d, &field), "invalid_field") << bad;
        EXPECT_EQ(field, "record") << bad;
    }
    EXPECT_EQ(get("sai").error().code, DirectoryErrorCode::NoSuchMeeting);
    MeetingPatch wrong;
    wrong.record = "yes";
    r = wait<StoredMeeting>([&](auto cb) { directory_->patch("hop-1", wrong, kNow + 3, cb); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, DirectoryErrorCode::InvalidField);
    EXPECT_EQ(r.error().field, "record");
    EXPECT_EQ(get("hop-1").value().updatedMs, kNow + 2);  // unchanged
}

TEST_F(MeetingDirectoryTest, ListFiltersByStateAndSurvivesReopen) {
    ASSERT_EQ(createCode(def("a")), "ok");
    ASSERT_EQ(createCode(def("b")), "ok");
    auto all = wait<std::vector<StoredMeeting>>([&](auto cb) { directory_->list({}, cb); });
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all.value().size(), 2u);
    auto open = wait<std::vector<StoredMeeting>>(
        [&](auto cb) { directory_->list(MeetingState::Open, cb); });
    ASSERT_TRUE(open.ok());
    EXPECT_TRUE(open.value().empty());

    directory_.reset();
    writer_.reset();
    auto w = store::MeetingStoreWriter::start(dir_.file("meetings.db"));
    ASSERT_TRUE(w.ok());
    writer_ = std::move(w).value();
    directory_ = std::make_unique<MeetingDirectory>(units_, *writer_);
    EXPECT_TRUE(get("a").ok());
    EXPECT_TRUE(get("b").ok());
}

TEST_F(MeetingDirectoryTest, AttendanceListsEveryInvitedUnitInTreeOrder) {
    ASSERT_EQ(createCode(def()), "ok");
    store::AttendanceRow row;
    row.unit = "ts.b";
    row.present = true;
    row.firstJoinMs = kNow;
    row.timePresentMs = 60000;
    row.representedBy = {"a", "b"};
    ASSERT_TRUE(
        writer_
            ->submit([row](store::MeetingStore& db) { return db.upsertAttendance("hop-1", row); })
            .get()
            .ok());
    auto r = wait<AttendanceReport>([&](auto cb) { directory_->attendance("hop-1", cb); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r.value().lines.size(), 3u);
    EXPECT_EQ(r.value().lines[0].unit->id, "ts");
    EXPECT_FALSE(r.value().lines[0].row.present);
    EXPECT_EQ(r.value().lines[2].unit->id, "ts.b");
    EXPECT_EQ(r.value().lines[2].row, row);
    auto none = wait<AttendanceReport>([&](auto cb) { directory_->attendance("nope", cb); });
    EXPECT_EQ(none.error().code, DirectoryErrorCode::NoSuchMeeting);
}

TEST_F(MeetingDirectoryTest, EventsPageAndUnknownMeeting) {
    ASSERT_EQ(createCode(def()), "ok");
    for (int i = 0; i < 5; ++i) {
        store::StoredEvent e;
        e.timeMs = kNow + i;
        e.type = "test.event";
        ASSERT_TRUE(writer_
                        ->submit([e](store::MeetingStore& db) -> store::Status {
                            auto s = db.appendEvent("hop-1", e);
                            if (!s) return s.error();
                            return store::Ok{};
                        })
                        .get()
                        .ok());
    }
    auto r = wait<std::vector<store::StoredEvent>>(
        [&](auto cb) { directory_->events("hop-1", 2, 2, cb); });
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.value().size(), 2u);
    EXPECT_EQ(r.value()[0].seq, 2);
    EXPECT_EQ(r.value()[1].seq, 3);
    auto none = wait<std::vector<store::StoredEvent>>(
        [&](auto cb) { directory_->events("nope", 1, 10, cb); });
    EXPECT_EQ(none.error().code, DirectoryErrorCode::NoSuchMeeting);
}

TEST_F(MeetingDirectoryTest, ConfiguredMeetingsAreInsertedOnceAndNotOverwritten) {
    auto n = directory_->upsertConfigured({"demo", "giao-ban"}, kNow);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 2u);
    EXPECT_EQ(get("demo").value().title, "demo");
    n = directory_->upsertConfigured({"demo", "giao-ban"}, kNow + 1);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 0u);
    EXPECT_EQ(get("demo").value().createdMs, kNow);
}

TEST_F(MeetingDirectoryTest, ConfiguredDefinitionsAreCreatedThenKeptUpToDate) {
    auto d = def("giao-ban");
    d.invited = std::vector<InvitedUnit>{{"ts.a", false}};
    auto n = directory_->upsertConfigured({"demo", "giao-ban"}, kNow, {d});
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(n.value(), 2u);  // demo (plain) and giao-ban (defined)
    auto m = get("giao-ban");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value().invited, *d.invited);
    // Unchanged config: nothing written. A changed title: updated, creation time kept.
    EXPECT_EQ(directory_->upsertConfigured({"demo", "giao-ban"}, kNow + 1, {d}).value(), 0u);
    d.title = "Giao ban quý IV";
    EXPECT_EQ(directory_->upsertConfigured({"demo", "giao-ban"}, kNow + 2, {d}).value(), 1u);
    EXPECT_EQ(get("giao-ban").value().title, "Giao ban quý IV");
    EXPECT_EQ(get("giao-ban").value().createdMs, kNow);
    EXPECT_EQ(get("giao-ban").value().updatedMs, kNow + 2);
    // The config's record: auto is part of the record too.
    d.record = "auto";
    EXPECT_EQ(directory_->upsertConfigured({"demo", "giao-ban"}, kNow + 3, {d}).value(), 1u);
    EXPECT_TRUE(get("giao-ban").value().recordAuto);
    // A bad definition names the meeting and field, and writes nothing.
    auto bad = def("khac");
    bad.convenedBy = "nowhere";
    auto e = directory_->upsertConfigured({"khac"}, kNow, {bad});
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, DirectoryErrorCode::UnknownUnit);
    EXPECT_NE(e.error().message.find("meeting 'khac': convening_unit"), std::string::npos)
        << e.error().message;
    EXPECT_EQ(get("khac").error().code, DirectoryErrorCode::NoSuchMeeting);
}

// GET /api/next-meeting's choice (nextMeetingFor), over records as the store lists them.
class NextMeetingForTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto tree = UnitsFile::parse(kUnits, "units.yaml");
        ASSERT_TRUE(tree.ok()) << tree.error().format();
        units_ = std::move(tree).value();
    }
    static StoredMeeting meeting(std::string id, std::string convening,
                                 std::vector<InvitedUnit> invited, int64_t startMs,
                                 MeetingState state = MeetingState::Scheduled) {
        StoredMeeting m;
        m.id = std::move(id);
        m.convenedBy = std::move(convening);
        m.invited = std::move(invited);
        m.scheduledStartMs = startMs;
        m.state = state;
        return m;
    }
    std::string next(const std::vector<StoredMeeting>& all, std::string_view unit) const {
        auto m = nextMeetingFor(units_, all, unit);
        return m ? m->id : "<none>";
    }
    UnitTree units_;
};

TEST_F(NextMeetingForTest, TheEarliestScheduledMeetingThatInvitesTheUnit) {
    const std::vector<StoredMeeting> all{
        meeting("hl-only", "hl", {{"hl", true}}, kNow + 1000),  // another unit's, earliest
        meeting("late", "ts", {{"ts.a", false}}, kNow + 9000),
        meeting("early", "ts", {{"ts", true}}, kNow + 5000),  // sub-tree of ts
        meeting("just-b", "ts", {{"ts.b", false}}, kNow + 2000)};
    EXPECT_EQ(next(all, "ts.a"), "early");
    EXPECT_EQ(next(all, "ts.b"), "just-b");
    EXPECT_EQ(next(all, "hl"), "hl-only");
    EXPECT_EQ(next(all, "ts"), "just-b");  // the convening unit is admitted too
    EXPECT_EQ(next(all, "nowhere"), "<none>");
    EXPECT_EQ(next(all, ""), "<none>");
}

TEST_F(NextMeetingForTest, AnOpenMeetingComesFirstAndEndedOnesNever) {
    std::vector<StoredMeeting> all{
        meeting("ended", "ts", {{"ts", true}}, kNow - 9000, MeetingState::Ended),
        meeting("soon", "ts", {{"ts", true}}, kNow + 1000),
        meeting("running", "ts", {{"ts.a", false}}, kNow + 5000, MeetingState::InSession)};
    EXPECT_EQ(next(all, "ts.a"), "running");
    EXPECT_EQ(next(all, "ts.b"), "soon");
    all[2].state = MeetingState::Open;
    EXPECT_EQ(next(all, "ts.a"), "running");
    all[2].state = MeetingState::Ended;
    all[1].state = MeetingState::Ended;
    EXPECT_EQ(next(all, "ts.a"), "<none>");
}

TEST_F(NextMeetingForTest, AMeetingTiedToNoUnitOrAnUnknownOneInvitesNobody) {
    const std::vector<StoredMeeting> all{
        meeting("plain", "", {}, kNow),
        meeting("gone-unit", "ts", {{"ts.gone", false}, {"ts.a", false}}, kNow)};
    EXPECT_EQ(next(all, "ts.a"), "<none>");
    EXPECT_TRUE(invitesUnit(units_, all[1], "ts"));  // its convening unit still is
}

TEST_F(MeetingDirectoryTest, NextReadsTheStoredMeetings) {
    auto a = def("hop-a");
    a.invited = std::vector<InvitedUnit>{{"ts.b", false}};
    a.scheduledStart = "2026-12-05T07:00:00Z";
    ASSERT_TRUE(create(a).ok());
    ASSERT_TRUE(create(def("hop-b")).ok());
    using Next = std::optional<StoredMeeting>;
    auto r = wait<Next>([&](auto cb) { directory_->next("ts.a", cb); });
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.value().has_value());
    EXPECT_EQ(r.value()->id, "hop-b");
    r = wait<Next>([&](auto cb) { directory_->next("hl", cb); });
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value().has_value());
}

}  // namespace
}  // namespace vcb::rooms
