#include "rooms/policy/Attendance.hpp"

#include <algorithm>

namespace vcb::rooms::policy {

Attendance::Attendance(std::vector<MeetingUnit> units) {
    for (MeetingUnit& u : units) {
        if (units_.count(u.id) != 0) continue;
        order_.push_back(u.id);
        State s;
        s.row.unit = std::move(u);
        units_.emplace(order_.back(), std::move(s));
    }
}

void Attendance::joined(const std::string& unit, const std::string& subject, TimePoint now) {
    auto it = units_.find(unit);
    if (it == units_.end()) return;
    State& s = it->second;
    auto& who = s.row.representedBy;
    if (std::find(who.begin(), who.end(), subject) == who.end()) who.push_back(subject);
    if (s.sessions++ > 0) return;
    if (s.row.firstJoin) {
        ++s.row.reconnects;
    } else {
        s.row.firstJoin = now;
    }
    s.row.present = true;
    s.since = now;
}

void Attendance::left(const std::string& unit, TimePoint now) {
    auto it = units_.find(unit);
    if (it == units_.end() || it->second.sessions == 0) return;
    State& s = it->second;
    if (--s.sessions > 0) return;
    s.row.present = false;
    s.row.lastLeave = now;
    if (now > s.since) {
        s.row.timePresentMs +=
            std::chrono::duration_cast<std::chrono::milliseconds>(now - s.since).count();
    }
}

void Attendance::reconnected(const std::string& unit, TimePoint now) {
    auto it = units_.find(unit);
    if (it != units_.end()) ++it->second.row.reconnects;
}

void Attendance::restore(const std::vector<AttendanceRow>& rows) {
    for (const AttendanceRow& r : rows) {
        auto it = units_.find(r.unit.id);
        if (it == units_.end()) continue;
        State& s = it->second;
        MeetingUnit unit = std::move(s.row.unit);
        s.row = r;
        s.row.unit = std::move(unit);
        s.row.present = false;
        s.sessions = 0;
    }
}

bool Attendance::present(const std::string& unit) const {
    auto it = units_.find(unit);
    return it != units_.end() && it->second.sessions > 0;
}

AttendanceRow Attendance::finish(const State& s, TimePoint now) const {
    AttendanceRow row = s.row;
    if (s.sessions > 0 && now > s.since) {
        row.timePresentMs +=
            std::chrono::duration_cast<std::chrono::milliseconds>(now - s.since).count();
    }
    return row;
}

std::vector<AttendanceRow> Attendance::rows(TimePoint now) const {
    std::vector<AttendanceRow> out;
    out.reserve(order_.size());
    for (const std::string& id : order_) out.push_back(finish(units_.at(id), now));
    return out;
}

std::optional<AttendanceRow> Attendance::row(const std::string& unit, TimePoint now) const {
    auto it = units_.find(unit);
    if (it == units_.end()) return std::nullopt;
    return finish(it->second, now);
}

}  // namespace vcb::rooms::policy
