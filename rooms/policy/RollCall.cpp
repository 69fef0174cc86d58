#include "rooms/policy/RollCall.hpp"

namespace vcb::rooms::policy {

std::vector<std::string> RollCallRecord::confirmed() const {
    std::vector<std::string> out;
    for (const RollCallEntry& e : units) {
        if (e.confirmedAt) out.push_back(e.unit.id);
    }
    return out;
}

std::vector<std::string> RollCallRecord::unconfirmed() const {
    std::vector<std::string> out;
    for (const RollCallEntry& e : units) {
        if (e.asked && !e.confirmedAt) out.push_back(e.unit.id);
    }
    return out;
}

RollCallEntry* RollCall::entry(const std::string& unit) {
    if (!active()) return nullptr;
    for (RollCallEntry& e : records_.back().units) {
        if (e.unit.id == unit) return &e;
    }
    return nullptr;
}

void RollCall::restore(const std::vector<RollCallRecord>& records) {
    records_.clear();
    for (const RollCallRecord& stored : records) {
        RollCallRecord r = stored;
        r.units.clear();
        for (const MeetingUnit& u : units_) {
            RollCallEntry e;
            e.unit = u;
            for (const RollCallEntry& old : stored.units) {
                if (old.unit.id == u.id) {
                    e.asked = old.asked || old.confirmedAt.has_value();
                    e.confirmedAt = old.confirmedAt;
                    e.confirmedBy = old.confirmedBy;
                }
            }
            r.units.push_back(std::move(e));
        }
        records_.push_back(std::move(r));
    }
}

Outcome RollCall::start(const std::string& by, const std::set<std::string>& presentUnits,
                        TimePoint now) {
    if (active()) return Outcome::failure(PolicyError::RollCallActive);
    RollCallRecord r;
    r.id = records_.empty() ? 1 : records_.back().id + 1;  // restored records keep their ids
    r.startedAt = now;
    r.startedBy = by;
    size_t asked = 0;
    for (const MeetingUnit& u : units_) {
        RollCallEntry e;
        e.unit = u;
        e.asked = presentUnits.count(u.id) != 0;
        asked += e.asked ? 1 : 0;
        r.units.push_back(std::move(e));
    }
    records_.push_back(std::move(r));
    Outcome o;
    o.events.push_back(makeEvent(
        now, "roll_call_started", {}, by,
        {{"roll_call", std::to_string(records_.back().id)}, {"asked", std::to_string(asked)}}));
    return o;
}

Outcome RollCall::ask(const std::string& unit, TimePoint now) {
    Outcome o;
    RollCallEntry* e = entry(unit);
    if (e == nullptr || e->asked) return o;
    e->asked = true;
    o.events.push_back(makeEvent(now, "roll_call_asked", unit, {},
                                 {{"roll_call", std::to_string(records_.back().id)}}));
    return o;
}

Outcome RollCall::confirm(const std::string& unit, const std::string& subject, TimePoint now) {
    if (!active()) return Outcome::failure(PolicyError::NoRollCall);
    RollCallEntry* e = entry(unit);
    if (e == nullptr) return Outcome::failure(PolicyError::NoSuchUnit);
    Outcome o;
    if (e->confirmedAt) return o;  // the first confirmation counts
    e->asked = true;
    e->confirmedAt = now;
    e->confirmedBy = subject;
    o.events.push_back(makeEvent(now, "roll_call_confirmed", unit, subject,
                                 {{"roll_call", std::to_string(records_.back().id)}}));
    return o;
}

Outcome RollCall::end(const std::string& by, TimePoint now) {
    if (!active()) return Outcome::failure(PolicyError::NoRollCall);
    RollCallRecord& r = records_.back();
    r.endedAt = now;
    Outcome o;
    o.events.push_back(makeEvent(now, "roll_call_ended", {}, by,
                                 {{"roll_call", std::to_string(r.id)},
                                  {"confirmed", std::to_string(r.confirmed().size())},
                                  {"unconfirmed", std::to_string(r.unconfirmed().size())}}));
    return o;
}

}  // namespace vcb::rooms::policy
