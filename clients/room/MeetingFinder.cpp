#include "clients/room/MeetingFinder.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "clients/room/Messages.hpp"

namespace vcb::room {
namespace {

namespace json = boost::json;

std::string stringMember(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "YYYY-MM-DDTHH:MM:SS[.fff]Z" (as the server writes it) in ms since the epoch.
std::optional<std::int64_t> parseUtc(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) !=
            6 ||
        text.empty() || text.back() != 'Z')
        return std::nullopt;
    std::int64_t ms = 0;
    if (text[used] == '.') {
        int digits = 0;
        for (size_t i = used + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            if (digits++ < 3) ms = ms * 10 + (text[i] - '0');
        for (; digits < 3; ++digits) ms *= 10;
    }
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<std::int64_t>(::timegm(&tm)) * 1000 + ms;
}

std::tm utcParts(std::int64_t ms, long offsetSeconds) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000 + offsetSeconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    return tm;
}

}  // namespace

LookupAnswer parseLookupAnswer(int status, const std::string& body,
                               const std::string& transportError) {
    LookupAnswer a;
    a.status = status;
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
    if (status == 0) {
        a.problem = transportError.empty() ? "no answer" : transportError;
        return a;
    }
    if (status == 404 && o && stringMember(*o, "code") == "no_meeting") {
        a.kind = LookupAnswer::Kind::NoMeeting;
        return a;
    }
    if (status != 200 || o == nullptr) {
        const std::string code = o ? stringMember(*o, "code") : std::string();
        a.problem = code.empty() ? "HTTP " + std::to_string(status) : code;
        return a;
    }
    NextMeeting m;
    m.id = stringMember(*o, "id");
    m.title = stringMember(*o, "title");
    m.state = stringMember(*o, "state");
    m.conveningUnit = stringMember(*o, "convening_unit");
    const auto start = parseUtc(stringMember(*o, "scheduled_start"));
    if (m.id.empty() || m.state.empty() || !start) {
        a.problem = "malformed answer";
        return a;
    }
    m.scheduledStartMs = *start;
    const auto from = parseUtc(stringMember(*o, "joinable_from"));
    m.joinableFromMs = from.value_or(m.scheduledStartMs);
    const auto* joinable = o->if_contains("joinable");
    m.joinable = joinable && joinable->is_bool() ? joinable->as_bool()
                                                 : m.state == "open" || m.state == "in_session";
    a.kind = LookupAnswer::Kind::Meeting;
    a.meeting = std::move(m);
    return a;
}

std::optional<std::string> nextMeetingUrl(const std::string& server) {
    std::string scheme;
    if (server.starts_with("ws://"))
        scheme = "http://";
    else if (server.starts_with("wss://"))
        scheme = "https://";
    else
        return std::nullopt;
    const std::string rest = server.substr(server.find("://") + 3);
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.empty()) return std::nullopt;
    return scheme + authority + "/api/next-meeting";
}

std::string localStartText(std::int64_t ms, std::int64_t nowMs, long utcOffsetSeconds) {
    const std::tm at = utcParts(ms, utcOffsetSeconds);
    const std::tm today = utcParts(nowMs, utcOffsetSeconds);
    char buf[48];
    if (at.tm_year == today.tm_year && at.tm_yday == today.tm_yday)
        std::snprintf(buf, sizeof buf, "%02d:%02d", at.tm_hour, at.tm_min);
    else
        std::snprintf(buf, sizeof buf, "%02d:%02d ngày %02d/%02d", at.tm_hour, at.tm_min,
                      at.tm_mday, at.tm_mon + 1);
    return buf;
}

void MeetingFinder::answer(const LookupAnswer& answer, Clock::time_point now,
                           std::int64_t systemNowMs) {
    last_ = answer.kind;
    problem_ = answer.problem;
    waitingForEnd_ = false;
    joinable_ = false;
    switch (answer.kind) {
        case LookupAnswer::Kind::Meeting: {
            const NextMeeting& m = answer.meeting;
            if (m.joinable && m.id == gone_ && now - goneAt_ < kGoneHoldoff) {
                // The server has not written the end yet: not that one again.
                meeting_.reset();
                waitingForEnd_ = true;
                nextLookup_ = now + kRetryAfterFailure;
                return;
            }
            meeting_ = m;
            if (m.joinable) {
                joinable_ = true;
                return;
            }
            // Not yet: again in kPollEvery, or when it becomes joinable if sooner (soon after, if
            // the hall's clock says that has passed).
            const std::int64_t untilStart = m.joinableFromMs - systemNowMs;
            auto wait = std::chrono::duration_cast<Clock::duration>(kPollEvery);
            if (untilStart <= 0)
                wait = kRetryAfterFailure;
            else if (std::chrono::milliseconds(untilStart) < kPollEvery)
                wait = std::chrono::milliseconds(untilStart);
            nextLookup_ = now + wait;
            return;
        }
        case LookupAnswer::Kind::NoMeeting:
            meeting_.reset();
            nextLookup_ = now + kPollEvery;
            return;
        case LookupAnswer::Kind::Failed: {
            // A new token is what fixes 401/403: no need to ask often.
            const bool refused = answer.status == 401 || answer.status == 403;
            nextLookup_ = now + (refused ? kPollEvery : kRetryAfterFailure);
            return;
        }
    }
}

void MeetingFinder::meetingGone(Clock::time_point now) {
    if (meeting_) {
        gone_ = meeting_->id;
        goneAt_ = now;
    }
    meeting_.reset();
    joinable_ = false;
    last_.reset();
    nextLookup_ = now;
}

std::string MeetingFinder::lookupState() const {
    if (joinable_) return "joining";
    if (waitingForEnd_) return "ended";
    if (!last_) return "not_asked";
    switch (*last_) {
        case LookupAnswer::Kind::Meeting:
            return "scheduled";
        case LookupAnswer::Kind::NoMeeting:
            return "no_meeting";
        case LookupAnswer::Kind::Failed:
            return "failed: " + problem_;
    }
    return {};
}

std::string MeetingFinder::overlay(Clock::time_point now, std::int64_t systemNowMs,
                                   long utcOffsetSeconds) const {
    if (waitingForEnd_) return message(MessageId::Ended);
    if (!last_) return message(MessageId::Connecting);
    switch (*last_) {
        case LookupAnswer::Kind::Meeting:
            if (!meeting_) break;
            return message(
                MessageId::NextMeeting,
                localStartText(meeting_->scheduledStartMs, systemNowMs, utcOffsetSeconds), {}, {},
                meeting_->title);
        case LookupAnswer::Kind::NoMeeting:
            return message(MessageId::NoMeeting);
        case LookupAnswer::Kind::Failed:
            if (problem_ == "unauthorized" || problem_ == "forbidden")
                return message(MessageId::Refused, {}, {}, problem_);
            break;
    }
    // A failed lookup's problem (an answer that names a meeting carries none).
    return retryingMessage(problem_, nextLookup_ - now);
}

}  // namespace vcb::room
