#include "rooms/policy/UnitTree.hpp"

#include <algorithm>
#include <utility>

namespace vcb::rooms {

size_t UnitTree::Siblings::size() const {
    size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
}

UnitTree::UnitTree(std::vector<UnitTier> tiers, std::vector<Unit> units)
    : tiers_(std::move(tiers)), units_(std::move(units)) {
    byId_.reserve(units_.size());
    for (const Unit& u : units_) byId_.emplace(u.id, u.index);
}

const Unit* UnitTree::find(std::string_view id) const {
    auto it = byId_.find(id);
    return it == byId_.end() ? nullptr : &units_[it->second];
}

std::vector<const Unit*> UnitTree::pathToRoot(const Unit& unit) const {
    std::vector<const Unit*> path;
    path.reserve(tiers_.size());
    for (const Unit* u = &unit; u != nullptr; u = parent(*u)) path.push_back(u);
    return path;
}

bool UnitTree::contains(std::string_view rootId, std::string_view unitId) const {
    const Unit* root = find(rootId);
    const Unit* unit = find(unitId);
    return root != nullptr && unit != nullptr && contains(*root, *unit);
}

Expected<std::vector<const Unit*>, UnknownUnit> UnitTree::resolve(
    std::span<const Invitation> invitations) const {
    // Each invitation is a range of the pre-order; ranges are nested or disjoint, so after
    // sorting by start a range either lies inside the previous kept one or starts after it.
    std::vector<std::pair<size_t, size_t>> ranges;
    ranges.reserve(invitations.size());
    for (size_t i = 0; i < invitations.size(); ++i) {
        const Unit* u = find(invitations[i].unitId);
        if (u == nullptr) return UnknownUnit{i, invitations[i].unitId};
        ranges.emplace_back(
            u->index, invitations[i].scope == Invitation::Scope::Subtree ? u->end : u->index + 1);
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<const Unit*> out;
    size_t covered = 0;  // everything before this index is already out
    for (auto [begin, end] : ranges) {
        for (size_t i = std::max(begin, covered); i < end; ++i) out.push_back(&units_[i]);
        covered = std::max(covered, end);
    }
    return out;
}

}  // namespace vcb::rooms
