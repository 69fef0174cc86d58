#include "signaling/api/MeetingsApi.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>

#include "common/Log.hpp"
#include "protocol/Codec.hpp"
#include "signaling/api/WsMeetingControl.hpp"
#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;
namespace json = boost::json;
using rooms::DirectoryError;
using rooms::DirectoryErrorCode;
using store::StoredMeeting;

namespace {

int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A problem with an extra "field" member naming the offending field (when there is one).
HttpResponse fieldProblem(http::status status, std::string_view code, std::string_view detail,
                          std::string_view field) {
    HttpResponse r = problem(status, code, detail);
    if (field.empty()) return r;
    json::value v = json::parse(r.body);
    v.as_object()["field"] = field;
    r.body = json::serialize(v);
    return r;
}

HttpResponse directoryProblem(const DirectoryError& e) {
    http::status status = http::status::internal_server_error;
    switch (e.code) {
        case DirectoryErrorCode::InvalidField:
            status = http::status::bad_request;
            break;
        case DirectoryErrorCode::UnknownUnit:
        case DirectoryErrorCode::UnitNotSubordinate:
            status = http::status::unprocessable_entity;
            break;
        case DirectoryErrorCode::MeetingExists:
        case DirectoryErrorCode::MeetingInProgress:
            status = http::status::conflict;
            break;
        case DirectoryErrorCode::NoSuchMeeting:
            status = http::status::not_found;
            break;
        case DirectoryErrorCode::Unavailable:
            status = http::status::service_unavailable;
            break;
        case DirectoryErrorCode::StorageFailed:
            status = http::status::internal_server_error;
            break;
    }
    auto r = fieldProblem(status, rooms::directoryErrorCode(e.code), e.message, e.field);
    if (status == http::status::service_unavailable) r.header("Retry-After", "1");
    return r;
}

HttpResponse noDatabase() {
    return problem(http::status::service_unavailable, "no_database",
                   "this server keeps no meeting records (set database: in its config)");
}

HttpResponse invalidField(std::string_view field, std::string_view detail) {
    return fieldProblem(http::status::bad_request, "invalid_field", detail, field);
}

HttpResponse jsonResponse(http::status status, const json::value& v) {
    HttpResponse r;
    r.status = status;
    r.contentType = "application/json";
    r.body = json::serialize(v);
    r.body += '\n';
    r.header("Cache-Control", "no-store");
    return r;
}

json::value meetingJson(const StoredMeeting& m, const rooms::UnitTree& units) {
    json::object o;
    o["id"] = m.id;
    o["title"] = m.title;
    o["convening_unit"] = m.convenedBy;
    if (const rooms::Unit* u = units.find(m.convenedBy)) o["convening_unit_name"] = u->name;
    json::array invited;
    for (const auto& inv : m.invited) {
        json::object i;
        i["unit"] = inv.unit;
        i["subtree"] = inv.subtree;
        if (const rooms::Unit* u = units.find(inv.unit)) i["name"] = u->name;
        invited.push_back(std::move(i));
    }
    o["invited"] = std::move(invited);
    o["chair"] = m.chair;
    o["scheduled_start"] = rooms::formatRfc3339Utc(m.scheduledStartMs);
    o["state"] = store::meetingStateName(m.state);
    o["locked"] = m.locked;
    o["created"] = rooms::formatRfc3339Utc(m.createdMs);
    o["updated"] = rooms::formatRfc3339Utc(m.updatedMs);
    o["record"] = m.recordAuto ? "auto" : "manual";
    return o;
}

bool isJson(std::string_view contentType) {
    auto semi = contentType.find(';');
    std::string_view base = contentType.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    std::string lower;
    for (char c : base) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower == "application/json";
}

// The request body as a JSON object, or the problem to answer.
std::optional<HttpResponse> parseBody(const HttpRequest& request, json::object& out) {
    if (request.body.size() > MeetingsApi::kMaxBodyBytes)
        return problem(http::status::payload_too_large, "body_too_large",
                       "the body is larger than 16 KiB");
    if (!isJson(request.header("Content-Type")))
        return problem(http::status::unsupported_media_type, "unsupported_media_type",
                       "send Content-Type: application/json");
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    json::value v = json::parse(request.body, ec, {}, options);
    if (ec || !v.is_object())
        return problem(http::status::bad_request, "bad_request", "the body is not a JSON object");
    out = std::move(v.as_object());
    return std::nullopt;
}

std::optional<HttpResponse> readString(const json::object& o, std::string_view key,
                                       std::optional<std::string>& out) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return invalidField(key, std::string(key) + " must be a string");
    out = std::string(v->as_string());
    return std::nullopt;
}

std::optional<HttpResponse> readInvited(const json::object& o,
                                        std::optional<std::vector<store::InvitedUnit>>& out) {
    const json::value* v = o.if_contains("invited");
    if (v == nullptr) return std::nullopt;
    const char* form = "invited must be a list of {\"unit\": id, \"subtree\": true|false}";
    if (!v->is_array()) return invalidField("invited", form);
    std::vector<store::InvitedUnit> list;
    size_t i = 0;
    for (const auto& e : v->as_array()) {
        const std::string field = "invited[" + std::to_string(i++) + "]";
        if (!e.is_object()) return invalidField(field, form);
        store::InvitedUnit inv;
        for (const auto& [k, val] : e.as_object()) {
            if (k == "unit" && val.is_string()) {
                inv.unit = std::string(val.as_string());
            } else if (k == "subtree" && val.is_bool()) {
                inv.subtree = val.as_bool();
            } else {
                return invalidField(field, form);
            }
        }
        if (inv.unit.empty()) return invalidField(field, form);
        list.push_back(std::move(inv));
    }
    out = std::move(list);
    return std::nullopt;
}

// Refuses members outside `allowed` (a typo must not be silently ignored).
std::optional<HttpResponse> onlyKnownFields(const json::object& o,
                                            std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : o) {
        bool known = false;
        for (auto a : allowed) known = known || k == a;
        if (!known) {
            const std::string name(k.data(), std::min<size_t>(k.size(), 64));
            return invalidField(name, "unknown or read-only field '" + name + "'");
        }
    }
    return std::nullopt;
}

std::optional<int64_t> parseInt(std::string_view s) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled). A text that
// starts with = + - @ (formula in a spreadsheet) is prefixed with an apostrophe first.
std::string csvField(std::string_view text) {
    std::string s;
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@'))
        s += '\'';
    s += text;
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    q += '"';
    return q;
}

std::string optionalTime(const std::optional<int64_t>& ms) {
    return ms ? rooms::formatRfc3339Utc(*ms) : std::string();
}

json::value attendanceRowJson(const store::AttendanceRow& row, const rooms::Unit* unit) {
    json::object o;
    o["unit"] = row.unit;
    if (unit) o["name"] = unit->name;
    o["present"] = row.present;
    o["first_join"] = row.firstJoinMs ? json::value(rooms::formatRfc3339Utc(*row.firstJoinMs))
                                      : json::value(nullptr);
    o["last_leave"] = row.lastLeaveMs ? json::value(rooms::formatRfc3339Utc(*row.lastLeaveMs))
                                      : json::value(nullptr);
    o["time_present_s"] = row.timePresentMs / 1000;
    json::array by;
    for (const auto& s : row.representedBy) by.emplace_back(s);
    o["represented_by"] = std::move(by);
    o["reconnects"] = row.reconnects;
    return o;
}

bool wantsCsv(const HttpRequest& request, std::optional<HttpResponse>& error) {
    if (auto format = request.queryParameter("format")) {
        if (*format == "csv") return true;
        if (*format == "json") return false;
        error = invalidField("format", "format must be csv or json");
        return false;
    }
    std::string accept(request.header("Accept"));
    for (auto& c : accept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return accept.find("text/csv") != std::string::npos;
}

}  // namespace

MeetingsApi::MeetingsApi(rooms::MeetingDirectory* directory, ApiAuthorizer authorizer, Clock clock)
    : directory_(directory),
      authorizer_(std::move(authorizer)),
      clock_(clock ? std::move(clock) : Clock(wallClockMs)) {
    if (RAND_bytes(ticketKey_.data(), static_cast<int>(ticketKey_.size())) != 1)
        throw std::runtime_error("RAND_bytes failed for the download ticket key");
}

void MeetingsApi::registerRoutes(HttpRouter& router) {
    // Every handler: the credential first, then the database, then the request.
    auto guard = [this](void (MeetingsApi::*handler)(HttpRequest, HttpResponder), bool reader) {
        return [this, handler, reader](HttpRequest request, HttpResponder responder) {
            const std::string id(request.param("id"));
            auto denied = reader ? authorizer_.requireMeetingReader(request, id)
                                 : authorizer_.requireAdmin(request);
            if (denied) return responder.respond(std::move(*denied));
            if (directory_ == nullptr) return responder.respond(noDatabase());
            if (!id.empty() && !rooms::isValidMeetingId(id))
                return responder.respond(
                    problem(http::status::not_found, "no_such_meeting", "no such meeting"));
            (this->*handler)(std::move(request), std::move(responder));
        };
    };
    // A unit's next meeting: a "*" room/delegate/chair token answers for its own unit.
    router.add({http::verb::get}, "/api/next-meeting",
               [this](HttpRequest request, HttpResponder responder) {
                   auto unit = authorizer_.requireUnitHolder(request);
                   if (!unit) return responder.respond(unit.error());
                   if (directory_ == nullptr) return responder.respond(noDatabase());
                   next(unit.value(), std::move(responder));
               });
    router.add({http::verb::post}, "/api/meetings", guard(&MeetingsApi::create, false));
    router.add({http::verb::get}, "/api/meetings", guard(&MeetingsApi::list, false));
    router.add({http::verb::get}, "/api/meetings/{id}", guard(&MeetingsApi::get, false));
    router.add({http::verb::patch}, "/api/meetings/{id}", guard(&MeetingsApi::patch, false));
    router.add({http::verb::delete_}, "/api/meetings/{id}", guard(&MeetingsApi::remove, false));
    router.add({http::verb::get}, "/api/meetings/{id}/attendance",
               guard(&MeetingsApi::attendance, true));
    router.add({http::verb::get}, "/api/meetings/{id}/events", guard(&MeetingsApi::events, true));
    // Live link quality (technician panel): an admin, or a chair/technician token for exactly
    // this meeting; needs no database.
    router.add({http::verb::get}, "/api/meetings/{id}/stats",
               [this](HttpRequest request, HttpResponder responder) {
                   const std::string id(request.param("id"));
                   if (auto denied = authorizer_.requireMeetingReader(request, id)) {
                       return responder.respond(std::move(*denied));
                   }
                   stats(std::move(request), std::move(responder));
               });
    // Recordings: an admin, or a technician token for exactly this meeting; no database.
    auto technician = [this](void (MeetingsApi::*handler)(HttpRequest, HttpResponder)) {
        return [this, handler](HttpRequest request, HttpResponder responder) {
            const std::string id(request.param("id"));
            if (auto denied = authorizer_.requireTechnician(request, id))
                return responder.respond(std::move(*denied));
            if (!rooms::isValidMeetingId(id))
                return responder.respond(
                    problem(http::status::not_found, "no_such_meeting", "no such meeting"));
            if (recordingDir_.empty())
                return responder.respond(problem(http::status::conflict, "recording_disabled",
                                                 "this server does not record (set "
                                                 "recording.dir in its config)"));
            (this->*handler)(std::move(request), std::move(responder));
        };
    };
    router.add({http::verb::post}, "/api/meetings/{id}/recordings",
               technician(&MeetingsApi::recordingStart));
    router.add({http::verb::post}, "/api/meetings/{id}/recordings/stop",
               technician(&MeetingsApi::recordingStop));
    router.add({http::verb::get}, "/api/meetings/{id}/recordings",
               technician(&MeetingsApi::recordingList));
    router.add({http::verb::post}, "/api/meetings/{id}/recordings/{file}/link",
               technician(&MeetingsApi::recordingLink));
    // A file: the technician's bearer token, or a ticket from .../link (a browser's plain link).
    const auto withToken = technician(&MeetingsApi::recordingFile);
    router.add({http::verb::get, http::verb::head}, "/api/meetings/{id}/recordings/{file}",
               [this, withToken](HttpRequest request, HttpResponder responder) {
                   const auto ticket = request.queryParameter("ticket");
                   if (!ticket) return withToken(std::move(request), std::move(responder));
                   const std::string id(request.param("id"));
                   const std::string file(request.param("file"));
                   if (recordingDir_.empty() || !rooms::isValidMeetingId(id) ||
                       !validTicket(id, file, *ticket))
                       return responder.respond(problem(http::status::forbidden, "bad_ticket",
                                                        "the download ticket is invalid or "
                                                        "expired: ask for a new link"));
                   recordingFile(std::move(request), std::move(responder));
               });
}

void MeetingsApi::stats(HttpRequest request, HttpResponder responder) {
    const std::string id(request.param("id"));
    if (conference_ == nullptr || !rooms::isValidMeetingId(id)) {
        return responder.respond(
            problem(http::status::not_found, "no_such_meeting", "no such meeting is running"));
    }
    // Rates cover the interval since this bearer's previous request (the token is hashed, never
    // kept).
    const std::string requester =
        "rest:" + std::to_string(std::hash<std::string>{}(ApiAuthorizer::bearerToken(request)));
    conference_->stats(id, requester, "",
                       [responder](rooms::RoomError e, rooms::MeetingStats s) {
                           if (e != rooms::RoomError::None) {
                               return responder.respond(problem(http::status::not_found,
                                                                "no_such_meeting",
                                                                "no such meeting is running"));
                           }
                           HttpResponse r;
                           r.contentType = "application/json";
                           r.body = protocol::serialize(protocol::ServerMessage(
                               WsMeetingControl::statsMessage(s, std::nullopt)));
                           r.body += '\n';
                           r.header("Cache-Control", "no-store");
                           responder.respond(std::move(r));
                       });
}

void MeetingsApi::create(HttpRequest request, HttpResponder responder) {
    json::object body;
    if (auto bad = parseBody(request, body)) return responder.respond(std::move(*bad));
    if (auto bad = onlyKnownFields(body, {"id", "title", "convening_unit", "invited", "chair",
                                          "scheduled_start", "record"}))
        return responder.respond(std::move(*bad));
    std::optional<std::string> id, title, convening, chair, start, record;
    for (auto [key, out] : {std::pair{"id", &id},
                            {"title", &title},
                            {"convening_unit", &convening},
                            {"chair", &chair},
                            {"scheduled_start", &start},
                            {"record", &record}}) {
        if (auto bad = readString(body, key, *out)) return responder.respond(std::move(*bad));
    }
    rooms::MeetingDefinition def;
    def.id = id.value_or("");
    def.title = title.value_or("");
    def.convenedBy = convening.value_or("");
    def.chair = chair.value_or("");
    def.scheduledStart = start.value_or("");
    def.record = record.value_or("manual");  // checked by the directory, as every field
    if (auto bad = readInvited(body, def.invited)) return responder.respond(std::move(*bad));
    directory_->create(
        std::move(def), clock_(),
        [responder,
         units = directory_->sharedUnits()](rooms::DirectoryResult<StoredMeeting> result) {
            if (!result) return responder.respond(directoryProblem(result.error()));
            VCB_LOG_INFO("api: meeting %s created", result.value().id.c_str());
            auto r = jsonResponse(http::status::created, meetingJson(result.value(), *units));
            r.header("Location", "/api/meetings/" + result.value().id);
            responder.respond(std::move(r));
        });
}

void MeetingsApi::next(const std::string& unit, HttpResponder responder) {
    const int64_t lobbyMs = std::chrono::milliseconds(lobbyOpensBefore_).count();
    const int64_t nowMs = clock_();
    directory_->next(unit, [responder, unit, lobbyMs, nowMs, units = directory_->sharedUnits()](
                               rooms::DirectoryResult<std::optional<StoredMeeting>> result) {
        if (!result) return responder.respond(directoryProblem(result.error()));
        if (!result.value())
            return responder.respond(problem(http::status::not_found, "no_meeting",
                                             "no meeting that has not ended invites unit " +
                                                 unit));
        // A scheduled meeting's lobby opens when someone joins from joinable_from on (its live
        // meeting starts with the first join): by this server's clock, may the unit join now?
        const StoredMeeting& next = *result.value();
        const int64_t from = next.scheduledStartMs - lobbyMs;
        json::value m = meetingJson(next, *units);
        m.as_object()["joinable_from"] = rooms::formatRfc3339Utc(from);
        m.as_object()["joinable"] = next.state != store::MeetingState::Scheduled || nowMs >= from;
        responder.respond(jsonResponse(http::status::ok, m));
    });
}

void MeetingsApi::list(HttpRequest request, HttpResponder responder) {
    std::optional<store::MeetingState> state;
    if (auto s = request.queryParameter("state")) {
        state = store::parseMeetingState(*s);
        if (!state)
            return responder.respond(
                invalidField("state", "state must be scheduled, open, in_session or ended"));
    }
    directory_->list(state, [responder, units = directory_->sharedUnits()](
                                rooms::DirectoryResult<std::vector<StoredMeeting>> result) {
        if (!result) return responder.respond(directoryProblem(result.error()));
        json::array meetings;
        for (const auto& m : result.value()) meetings.push_back(meetingJson(m, *units));
        responder.respond(jsonResponse(http::status::ok, json::object{{"meetings", meetings}}));
    });
}

void MeetingsApi::get(HttpRequest request, HttpResponder responder) {
    directory_->get(
        std::string(request.param("id")), [responder, units = directory_->sharedUnits()](
                                              rooms::DirectoryResult<StoredMeeting> result) {
            if (!result) return responder.respond(directoryProblem(result.error()));
            responder.respond(jsonResponse(http::status::ok, meetingJson(result.value(), *units)));
        });
}

void MeetingsApi::patch(HttpRequest request, HttpResponder responder) {
    json::object body;
    if (auto bad = parseBody(request, body)) return responder.respond(std::move(*bad));
    if (auto bad = onlyKnownFields(
            body, {"title", "convening_unit", "invited", "chair", "scheduled_start", "record"}))
        return responder.respond(std::move(*bad));
    rooms::MeetingPatch p;
    for (auto [key, out] : {std::pair{"title", &p.title},
                            {"convening_unit", &p.convenedBy},
                            {"chair", &p.chair},
                            {"scheduled_start", &p.scheduledStart},
                            {"record", &p.record}}) {
        if (auto bad = readString(body, key, *out)) return responder.respond(std::move(*bad));
    }
    if (auto bad = readInvited(body, p.invited)) return responder.respond(std::move(*bad));
    directory_->patch(
        std::string(request.param("id")), std::move(p), clock_(),
        [responder,
         units = directory_->sharedUnits()](rooms::DirectoryResult<StoredMeeting> result) {
            if (!result) return responder.respond(directoryProblem(result.error()));
            VCB_LOG_INFO("api: meeting %s changed", result.value().id.c_str());
            responder.respond(jsonResponse(http::status::ok, meetingJson(result.value(), *units)));
        });
}

void MeetingsApi::remove(HttpRequest request, HttpResponder responder) {
    directory_->remove(std::string(request.param("id")),
                       [responder](rooms::DirectoryResult<StoredMeeting> result) {
                           if (!result) return responder.respond(directoryProblem(result.error()));
                           VCB_LOG_INFO("api: meeting %s deleted", result.value().id.c_str());
                           HttpResponse r;
                           r.status = http::status::no_content;
                           responder.respond(std::move(r));
                       });
}

std::string MeetingsApi::attendanceCsv(const rooms::AttendanceReport& report) {
    std::string out = "\xEF\xBB\xBF";  // UTF-8 BOM: spreadsheets then read UTF-8, not cp1252
    out +=
        "unit_id,unit_name,present,first_join,last_leave,time_present_s,represented_by,"
        "reconnects\r\n";
    auto line = [&out](const store::AttendanceRow& row, std::string_view name) {
        std::string by;
        for (const auto& s : row.representedBy) by += (by.empty() ? "" : "; ") + s;
        out += csvField(row.unit) + ',' + csvField(name) + ',' + (row.present ? "yes" : "no") +
               ',' + optionalTime(row.firstJoinMs) + ',' + optionalTime(row.lastLeaveMs) + ',' +
               std::to_string(row.timePresentMs / 1000) + ',' + csvField(by) + ',' +
               std::to_string(row.reconnects) + "\r\n";
    };
    for (const auto& l : report.lines) line(l.row, l.unit->name);
    for (const auto& r : report.others) line(r, "");
    return out;
}

void MeetingsApi::attendance(HttpRequest request, HttpResponder responder) {
    std::optional<HttpResponse> bad;
    const bool csv = wantsCsv(request, bad);
    if (bad) return responder.respond(std::move(*bad));
    directory_->attendance(
        std::string(request.param("id")),
        [responder, csv, units = directory_->sharedUnits()](
            rooms::DirectoryResult<rooms::AttendanceReport> result) {
            if (!result) return responder.respond(directoryProblem(result.error()));
            const auto& report = result.value();
            if (csv) {
                HttpResponse r;
                r.contentType = "text/csv; charset=utf-8; header=present";
                r.body = attendanceCsv(report);
                r.header("Content-Disposition",
                         "attachment; filename=\"attendance-" + report.meeting.id + ".csv\"");
                r.header("Cache-Control", "no-store");
                return responder.respond(std::move(r));
            }
            json::array rows;
            for (const auto& l : report.lines) rows.push_back(attendanceRowJson(l.row, l.unit));
            json::array others;
            for (const auto& r : report.others) others.push_back(attendanceRowJson(r, nullptr));
            json::object o{{"meeting", report.meeting.id},
                           {"title", report.meeting.title},
                           {"units", std::move(rows)},
                           {"others", std::move(others)}};
            responder.respond(jsonResponse(http::status::ok, o));
        });
}

void MeetingsApi::events(HttpRequest request, HttpResponder responder) {
    int64_t from = 1;
    int64_t limit = 100;
    if (auto s = request.queryParameter("from")) {
        auto v = parseInt(*s);
        if (!v || *v < 1) return responder.respond(invalidField("from", "from must be a seq >= 1"));
        from = *v;
    }
    if (auto s = request.queryParameter("limit")) {
        auto v = parseInt(*s);
        if (!v || *v < 1 || *v > static_cast<int64_t>(rooms::MeetingDirectory::kMaxEventsPerRead))
            return responder.respond(invalidField("limit", "limit must be 1-1000"));
        limit = *v;
    }
    std::string id(request.param("id"));
    directory_->events(
        id, from, static_cast<size_t>(limit),
        [responder, id, limit](rooms::DirectoryResult<std::vector<store::StoredEvent>> result) {
            if (!result) return responder.respond(directoryProblem(result.error()));
            json::array events;
            for (const auto& e : result.value()) {
                boost::system::error_code ec;
                json::value detail = json::parse(e.detail, ec);
                if (ec) detail = json::object{};
                events.push_back(json::object{{"seq", e.seq},
                                              {"time", rooms::formatRfc3339Utc(e.timeMs)},
                                              {"type", e.type},
                                              {"unit", e.unit},
                                              {"subject", e.subject},
                                              {"detail", std::move(detail)}});
            }
            json::value next = nullptr;
            if (static_cast<int64_t>(result.value().size()) == limit)
                next = result.value().back().seq + 1;
            responder.respond(jsonResponse(
                http::status::ok,
                json::object{{"meeting", id}, {"events", std::move(events)}, {"next", next}}));
        });
}

}  // namespace vcb::signaling
