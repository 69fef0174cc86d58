#include "rooms/MeetingDirectory.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <future>
#include <set>
#include <tuple>

namespace vcb::rooms {
namespace {

using store::InvitedUnit;
using store::MeetingState;
using store::StoredMeeting;

DirectoryError invalid(std::string field, std::string message) {
    return {DirectoryErrorCode::InvalidField, std::move(field), std::move(message)};
}

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF) without C0, DEL or
// C1 control characters.
bool isCleanUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        uint32_t cp = 0;
        size_t n = 0;
        if (c < 0x80) {
            cp = c;
            n = 1;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            n = 2;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            n = 3;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07;
            n = 4;
        } else {
            return false;
        }
        if (i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return false;
        i += n;
    }
    return true;
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

bool inProgress(const StoredMeeting& m) {
    return m.state == MeetingState::Open || m.state == MeetingState::InSession;
}

}  // namespace

std::string_view directoryErrorCode(DirectoryErrorCode code) {
    switch (code) {
        case DirectoryErrorCode::InvalidField:
            return "invalid_field";
        case DirectoryErrorCode::UnknownUnit:
            return "unknown_unit";
        case DirectoryErrorCode::UnitNotSubordinate:
            return "unit_not_subordinate";
        case DirectoryErrorCode::MeetingExists:
            return "meeting_exists";
        case DirectoryErrorCode::NoSuchMeeting:
            return "no_such_meeting";
        case DirectoryErrorCode::MeetingInProgress:
            return "meeting_in_progress";
        case DirectoryErrorCode::Unavailable:
            return "unavailable";
        case DirectoryErrorCode::StorageFailed:
            return "storage_failed";
    }
    return "storage_failed";
}

DirectoryError fromStoreError(const store::StoreError& error) {
    using store::StoreErrorCode;
    switch (error.code) {
        case StoreErrorCode::NotFound:
            return {DirectoryErrorCode::NoSuchMeeting, {}, "no such meeting"};
        case StoreErrorCode::AlreadyExists:
            return {DirectoryErrorCode::MeetingExists, "id", "a meeting with this id exists"};
        case StoreErrorCode::QueueFull:
        case StoreErrorCode::Stopped:
        case StoreErrorCode::Busy:
            return {DirectoryErrorCode::Unavailable, {}, "the meeting store is busy; retry later"};
        default:
            return {DirectoryErrorCode::StorageFailed,
                    {},
                    "the meeting store failed (" +
                        std::string(store::storeErrorCodeName(error.code)) + ")"};
    }
}

std::optional<int64_t> parseRfc3339Utc(std::string_view s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, se))
        return std::nullopt;
    size_t pos = 19;
    int64_t ms = 0;
    if (s[pos] == '.') {
        ++pos;
        const size_t start = pos;
        int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            ms += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9) return std::nullopt;
    }
    if (pos + 1 != s.size() || (s[pos] != 'Z' && s[pos] != 'z')) return std::nullopt;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0) ||
        h > 23 || mi > 59 || se > 59)
        return std::nullopt;
    const int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60000 + se * 1000 + ms;
}

std::string formatRfc3339Utc(int64_t ms) {
    int64_t secs = ms / 1000;
    int64_t frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        --secs;
    }
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(days, y, m, d);
    char buf[40];
    if (frac != 0) {
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                      static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                      static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                      static_cast<long long>(frac));
    } else {
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                      static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                      static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
    }
    return buf;
}

bool isValidMeetingId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

MeetingDirectory::MeetingDirectory(std::shared_ptr<const UnitTree> units,
                                   store::MeetingStoreWriter& writer)
    : units_(std::move(units)), writer_(writer) {}

MeetingDirectory::~MeetingDirectory() {
    reader_.join();
    readStore_.reset();
}

DirectoryResult<std::vector<InvitedUnit>> MeetingDirectory::checkInvited(
    const UnitTree& units, const Unit& convening, const std::vector<InvitedUnit>& invited) {
    if (invited.empty()) return invalid("invited", "invite at least one unit");
    if (invited.size() > kMaxInvited) return invalid("invited", "too many invited units");
    for (size_t i = 0; i < invited.size(); ++i) {
        const Unit* u = units.find(invited[i].unit);
        const std::string field = "invited[" + std::to_string(i) + "]";
        if (u == nullptr)
            return DirectoryError{DirectoryErrorCode::UnknownUnit, field,
                                  "no unit '" + invited[i].unit + "' in the unit tree"};
        // Decision (docs/meetings.md): a unit convenes its own sub-tree only.
        if (!UnitTree::contains(convening, *u))
            return DirectoryError{
                DirectoryErrorCode::UnitNotSubordinate, field,
                "unit '" + invited[i].unit + "' is outside the sub-tree of '" + convening.id + "'"};
    }
    return invited;
}

DirectoryResult<StoredMeeting> MeetingDirectory::validate(const UnitTree& units,
                                                          const MeetingDefinition& def,
                                                          int64_t nowMs) {
    if (!isValidMeetingId(def.id)) return invalid("id", "id must be 1-64 of A-Z a-z 0-9 _ -");
    if (def.title.empty() || def.title.size() > kMaxTitleBytes || !isCleanUtf8(def.title))
        return invalid("title", "title must be UTF-8, 1-200 bytes, without control characters");
    if (def.chair.empty() || def.chair.size() > kMaxChairBytes || !isCleanUtf8(def.chair))
        return invalid("chair", "chair must be the chair's token subject (1-256 bytes)");
    const auto start = parseRfc3339Utc(def.scheduledStart);
    if (!start)
        return invalid("scheduled_start",
                       "scheduled_start must be an RFC 3339 UTC time, e.g. 2026-12-05T08:00:00Z");
    if (def.record != "auto" && def.record != "manual")
        return invalid("record", "record must be auto or manual");
    if (def.convenedBy.empty()) return invalid("convening_unit", "convening_unit is required");
    const Unit* convening = units.find(def.convenedBy);
    if (convening == nullptr)
        return DirectoryError{DirectoryErrorCode::UnknownUnit, "convening_unit",
                              "no unit '" + def.convenedBy + "' in the unit tree"};
    StoredMeeting m;
    m.id = def.id;
    m.title = def.title;
    m.convenedBy = def.convenedBy;
    if (def.invited) {
        auto checked = checkInvited(units, *convening, *def.invited);
        if (!checked) return checked.error();
        m.invited = std::move(checked).value();
    } else {
        m.invited = {InvitedUnit{def.convenedBy, true}};
    }
    m.chair = def.chair;
    m.scheduledStartMs = *start;
    m.recordAuto = def.record == "auto";
    m.state = MeetingState::Scheduled;
    m.createdMs = nowMs;
    m.updatedMs = nowMs;
    return m;
}

void MeetingDirectory::create(MeetingDefinition definition, int64_t nowMs,
                              Callback<StoredMeeting> done) {
    auto record = validate(definition, nowMs);
    if (!record) {
        done(record.error());
        return;
    }
    auto meeting = std::make_shared<StoredMeeting>(std::move(record).value());
    const bool queued = writer_.createMeeting(
        *meeting, [meeting, done, changed = onChange_](const store::Status& s) {
            if (!s) {
                done(fromStoreError(s.error()));
                return;
            }
            if (changed) changed(*meeting, false);
            done(*meeting);
        });
    if (!queued) done(fromStoreError({store::StoreErrorCode::QueueFull, 0, "queue full"}));
}

void MeetingDirectory::patch(std::string id, MeetingPatch patch, int64_t nowMs,
                             Callback<StoredMeeting> done) {
    auto result = std::make_shared<std::optional<DirectoryResult<StoredMeeting>>>();
    // Captures the tree, not the directory: the writer may run it after the directory is gone.
    auto write = [units = units_, id = std::move(id), patch = std::move(patch), nowMs,
                  result](store::MeetingStore& db) -> store::Status {
        auto current = db.getMeeting(id);
        if (!current) {
            *result = fromStoreError(current.error());
            return store::Ok{};
        }
        const StoredMeeting& old = current.value();
        if (inProgress(old)) {
            *result =
                DirectoryError{DirectoryErrorCode::MeetingInProgress,
                               {},
                               "the meeting is " + std::string(store::meetingStateName(old.state)) +
                                   "; change it when it has ended or before it opens"};
            return store::Ok{};
        }
        MeetingDefinition def;
        def.id = old.id;
        def.title = patch.title.value_or(old.title);
        def.convenedBy = patch.convenedBy.value_or(old.convenedBy);
        def.invited = patch.invited ? *patch.invited : old.invited;
        def.chair = patch.chair.value_or(old.chair);
        def.scheduledStart = patch.scheduledStart.value_or(formatRfc3339Utc(old.scheduledStartMs));
        def.record = patch.record.value_or(old.recordAuto ? "auto" : "manual");
        auto merged = validate(*units, def, nowMs);
        if (!merged) {
            *result = merged.error();
            return store::Ok{};
        }
        StoredMeeting next = std::move(merged).value();
        next.state = old.state;
        next.locked = old.locked;
        next.createdMs = old.createdMs;
        auto s = db.updateMeeting(next);
        if (!s) return s;  // rolled back; the callback reports it
        *result = next;
        return store::Ok{};
    };
    const bool queued =
        writer_.post(std::move(write), [result, done, changed = onChange_](const store::Status& s) {
            if (!s) {
                done(fromStoreError(s.error()));
                return;
            }
            if (changed && **result) changed((**result).value(), false);
            done(std::move(**result));
        });
    if (!queued) done(fromStoreError({store::StoreErrorCode::QueueFull, 0, "queue full"}));
}

void MeetingDirectory::remove(std::string id, Callback<StoredMeeting> done) {
    auto result = std::make_shared<std::optional<DirectoryResult<StoredMeeting>>>();
    auto write = [id = std::move(id), result](store::MeetingStore& db) -> store::Status {
        auto current = db.getMeeting(id);
        if (!current) {
            *result = fromStoreError(current.error());
            return store::Ok{};
        }
        if (inProgress(current.value())) {
            *result = DirectoryError{DirectoryErrorCode::MeetingInProgress,
                                     {},
                                     "the meeting is open or in session; end it first"};
            return store::Ok{};
        }
        auto s = db.deleteMeeting(id);
        if (!s) return s;
        *result = std::move(current).value();
        return store::Ok{};
    };
    const bool queued =
        writer_.post(std::move(write), [result, done, changed = onChange_](const store::Status& s) {
            if (!s) {
                done(fromStoreError(s.error()));
                return;
            }
            if (changed && **result) changed((**result).value(), true);
            done(std::move(**result));
        });
    if (!queued) done(fromStoreError({store::StoreErrorCode::QueueFull, 0, "queue full"}));
}

store::MeetingStore* MeetingDirectory::readStore(DirectoryError& error) {
    if (!readStore_) {
        auto opened = store::MeetingStore::open(writer_.path());
        if (!opened) {
            error = fromStoreError(opened.error());
            return nullptr;
        }
        readStore_ = std::move(opened).value();
    }
    return readStore_.get();
}

template <typename F>
void MeetingDirectory::read(F&& body) {
    // body(MeetingStore*, DirectoryError) runs on the reader thread; nullptr when the store
    // cannot be opened or too many reads wait.
    if (pendingReads_.fetch_add(1) >= kMaxPendingReads) {
        pendingReads_.fetch_sub(1);
        body(nullptr,
             DirectoryError{
                 DirectoryErrorCode::Unavailable, {}, "too many reads waiting; retry later"});
        return;
    }
    boost::asio::post(reader_, [this, body = std::forward<F>(body)]() mutable {
        DirectoryError error;
        store::MeetingStore* db = readStore(error);
        body(db, error);
        pendingReads_.fetch_sub(1);
    });
}

void MeetingDirectory::get(std::string id, Callback<StoredMeeting> done) {
    read([id = std::move(id), done](store::MeetingStore* db, const DirectoryError& error) {
        if (!db) return done(error);
        auto m = db->getMeeting(id);
        if (!m) return done(fromStoreError(m.error()));
        done(std::move(m).value());
    });
}

void MeetingDirectory::list(std::optional<MeetingState> state,
                            Callback<std::vector<StoredMeeting>> done) {
    read([state, done](store::MeetingStore* db, const DirectoryError& error) {
        if (!db) return done(error);
        auto all = db->listMeetings(state);
        if (!all) return done(fromStoreError(all.error()));
        done(std::move(all).value());
    });
}

void MeetingDirectory::next(std::string unitId, Callback<std::optional<StoredMeeting>> done) {
    read([this, unitId = std::move(unitId), done](store::MeetingStore* db,
                                                  const DirectoryError& error) {
        if (!db) return done(error);
        auto all = db->listMeetings(std::nullopt);
        if (!all) return done(fromStoreError(all.error()));
        done(nextMeetingFor(*units_, all.value(), unitId));
    });
}

void MeetingDirectory::attendance(std::string id, Callback<AttendanceReport> done) {
    read([this, id = std::move(id), done](store::MeetingStore* db, const DirectoryError& error) {
        if (!db) return done(error);
        auto m = db->getMeeting(id);
        if (!m) return done(fromStoreError(m.error()));
        auto rows = db->listAttendance(id);
        if (!rows) return done(fromStoreError(rows.error()));
        AttendanceReport report;
        report.meeting = std::move(m).value();
        const std::vector<Invitation> invitations = invitationsOf(report.meeting);
        std::vector<const Unit*> invited;
        if (auto resolved = units_->resolve(invitations)) {
            invited = std::move(resolved).value();
        } else {
            // A unit removed from the units file since: list the ones still known.
            for (const auto& inv : invitations)
                if (const Unit* u = units_->find(inv.unitId)) {
                    if (inv.scope == Invitation::Scope::Subtree)
                        for (const Unit& s : units_->subtree(*u)) invited.push_back(&s);
                    else
                        invited.push_back(u);
                }
        }
        std::set<std::string, std::less<>> listed;
        for (const Unit* u : invited) {
            if (!listed.insert(u->id).second) continue;
            AttendanceLine line{u, {}};
            line.row.unit = u->id;
            for (const auto& r : rows.value())
                if (r.unit == u->id) line.row = r;
            report.lines.push_back(std::move(line));
        }
        for (const auto& r : rows.value())
            if (!listed.contains(r.unit)) report.others.push_back(r);
        done(std::move(report));
    });
}

void MeetingDirectory::events(std::string id, int64_t fromSeq, size_t limit,
                              Callback<std::vector<store::StoredEvent>> done) {
    limit = std::clamp<size_t>(limit, 1, kMaxEventsPerRead);
    read([id = std::move(id), fromSeq, limit, done](store::MeetingStore* db,
                                                    const DirectoryError& error) {
        if (!db) return done(error);
        auto m = db->getMeeting(id);
        if (!m) return done(fromStoreError(m.error()));
        auto events = db->listEvents(id, fromSeq, limit);
        if (!events) return done(fromStoreError(events.error()));
        done(std::move(events).value());
    });
}

DirectoryResult<size_t> MeetingDirectory::upsertConfigured(
    const std::vector<std::string>& ids, int64_t nowMs,
    const std::vector<MeetingDefinition>& definitions) {
    std::vector<StoredMeeting> records;
    std::set<std::string, std::less<>> defined;
    for (const auto& d : definitions) {
        auto r = validate(d, nowMs);
        if (!r) {
            DirectoryError e = r.error();
            e.message = "meeting '" + d.id + "': " + e.field + ": " + e.message;
            return e;
        }
        if (!defined.insert(d.id).second)
            return DirectoryError{DirectoryErrorCode::MeetingExists, "id",
                                  "meeting '" + d.id + "' is defined twice"};
        records.push_back(std::move(r).value());
    }
    std::vector<std::string> plain;
    for (const auto& id : ids)
        if (!defined.contains(id)) plain.push_back(id);
    auto changed = std::make_shared<size_t>(0);
    auto future =
        writer_.submit([records, plain, nowMs, changed](store::MeetingStore& db) -> store::Status {
            for (const auto& m : records) {
                auto current = db.getMeeting(m.id);
                if (!current) {
                    auto s = db.createMeeting(m);
                    if (!s) return s;
                    ++*changed;
                    continue;
                }
                const StoredMeeting& old = current.value();
                if (inProgress(old)) continue;
                StoredMeeting next = m;
                next.state = old.state;
                next.locked = old.locked;
                next.createdMs = old.createdMs;
                next.updatedMs = old.updatedMs;
                if (next == old) continue;
                next.updatedMs = nowMs;
                auto s = db.updateMeeting(next);
                if (!s) return s;
                ++*changed;
            }
            for (const auto& id : plain) {
                if (db.getMeeting(id)) continue;
                StoredMeeting m;
                m.id = id;
                m.title = id;
                m.scheduledStartMs = nowMs;
                m.createdMs = nowMs;
                m.updatedMs = nowMs;
                auto s = db.createMeeting(m);
                if (!s) return s;
                ++*changed;
            }
            return store::Ok{};
        });
    auto status = future.get();
    if (!status) return fromStoreError(status.error());
    return *changed;
}

std::vector<Invitation> invitationsOf(const StoredMeeting& meeting) {
    std::vector<Invitation> invitations;
    for (const auto& inv : meeting.invited)
        invitations.push_back(inv.subtree ? Invitation::subtree(inv.unit)
                                          : Invitation::unit(inv.unit));
    return invitations;
}

bool invitesUnit(const UnitTree& units, const StoredMeeting& meeting, std::string_view unitId) {
    if (meeting.convenedBy.empty() || unitId.empty()) return false;
    if (units.find(meeting.convenedBy) == nullptr) return false;
    if (meeting.convenedBy == unitId) return true;
    auto resolved = units.resolve(invitationsOf(meeting));
    if (!resolved) return false;
    return std::any_of(resolved.value().begin(), resolved.value().end(),
                       [unitId](const Unit* u) { return u->id == unitId; });
}

std::optional<StoredMeeting> nextMeetingFor(const UnitTree& units,
                                            const std::vector<StoredMeeting>& meetings,
                                            std::string_view unitId) {
    const auto live = [](const StoredMeeting& m) {
        return m.state == MeetingState::Open || m.state == MeetingState::InSession;
    };
    const StoredMeeting* best = nullptr;
    for (const StoredMeeting& m : meetings) {
        if (m.state == MeetingState::Ended || !invitesUnit(units, m, unitId)) continue;
        if (best == nullptr ||
            std::tuple(!live(m), m.scheduledStartMs, std::string_view(m.id)) <
                std::tuple(!live(*best), best->scheduledStartMs, std::string_view(best->id)))
            best = &m;
    }
    if (best == nullptr) return std::nullopt;
    return *best;
}

}  // namespace vcb::rooms
