#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rooms/policy/EventLog.hpp"
#include "rooms/policy/Identity.hpp"

namespace vcb::rooms::policy {

struct RollCallEntry {
    MeetingUnit unit;
    bool asked = false;  // present at the start, or joined while the roll call ran
    std::optional<TimePoint> confirmedAt;
    std::string confirmedBy;  // subject
};

struct RollCallRecord {
    uint32_t id = 0;  // 1, 2, ... per meeting
    TimePoint startedAt;
    std::string startedBy;
    std::optional<TimePoint> endedAt;
    std::vector<RollCallEntry> units;  // every unit of the meeting, in the meeting's order

    std::vector<std::string> confirmed() const;    // unit ids
    std::vector<std::string> unconfirmed() const;  // asked but did not confirm
};

// Roll calls of one meeting: at most one running; every finished one is kept.
class RollCall {
  public:
    explicit RollCall(std::vector<MeetingUnit> units) : units_(std::move(units)) {}

    Outcome start(const std::string& by, const std::set<std::string>& presentUnits, TimePoint now);
    // A unit that joins while the roll call runs is asked too.
    Outcome ask(const std::string& unit, TimePoint now);
    Outcome confirm(const std::string& unit, const std::string& subject, TimePoint now);
    Outcome end(const std::string& by, TimePoint now);

    // Before anyone joined: the roll calls kept from before a restart, in id order (the next one
    // gets the next id; one that was still running runs on). Entries are matched to this
    // meeting's units by id; units missing from a record were not asked.
    void restore(const std::vector<RollCallRecord>& records);

    bool active() const { return !records_.empty() && !records_.back().endedAt; }
    const RollCallRecord* current() const { return active() ? &records_.back() : nullptr; }
    // Every roll call of the meeting, the running one last.
    const std::vector<RollCallRecord>& records() const { return records_; }

  private:
    RollCallEntry* entry(const std::string& unit);

    std::vector<MeetingUnit> units_;
    std::vector<RollCallRecord> records_;
};

}  // namespace vcb::rooms::policy
