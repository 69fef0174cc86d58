#pragma once
// The administrative unit tree (Government → province → district → commune, or whatever the units
// file declares): immutable, built by UnitsFile (rooms/policy/UnitsFile.hpp), plain logic. The
// code knows no tier names; docs/meetings.md "The units file" describes the data.
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/Expected.hpp"

namespace vcb::rooms {

// One level of the hierarchy as the file declares it.
struct UnitTier {
    std::string name;                 // as declared, e.g. "province"
    size_t depth = 0;                 // position in the file's tier list; 0 is the root tier
    std::vector<size_t> parentTiers;  // depths of the tiers a unit of this tier may sit under
};

// One administrative unit. Units are stored in pre-order (parents before children, siblings in
// file order), so a unit's sub-tree is the contiguous range [index, end).
struct Unit {
    std::string id;                           // stable, [a-z0-9._-]
    std::string name;                         // UTF-8, byte for byte as in the file
    size_t tier = 0;                          // depth of its tier, an index into UnitTree::tiers()
    size_t line = 0;                          // where the file declares it (1-based)
    size_t index = 0;                         // position in UnitTree::units()
    size_t parent = static_cast<size_t>(-1);  // index of the parent; npos for a root
    size_t end = 0;                           // one past the last unit of its sub-tree
};

// Who a meeting invites: one unit, or a unit and everything under it.
struct Invitation {
    enum class Scope { Unit, Subtree };
    Scope scope = Scope::Unit;
    std::string unitId;

    static Invitation unit(std::string id) { return {Scope::Unit, std::move(id)}; }
    static Invitation subtree(std::string id) { return {Scope::Subtree, std::move(id)}; }
};

// An invitation that names no unit of the tree: its position in the list and the id.
struct UnknownUnit {
    size_t position = 0;
    std::string unitId;
};

class UnitTree {
  public:
    static constexpr size_t npos = static_cast<size_t>(-1);

    // Siblings (the children of a unit, or the roots) in file order, without allocating.
    class Siblings {
      public:
        class iterator {
          public:
            using value_type = Unit;
            using difference_type = std::ptrdiff_t;
            iterator() = default;
            iterator(const Unit* units, size_t i) : units_(units), i_(i) {}
            const Unit& operator*() const { return units_[i_]; }
            const Unit* operator->() const { return &units_[i_]; }
            iterator& operator++() {
                i_ = units_[i_].end;
                return *this;
            }
            iterator operator++(int) {
                iterator old = *this;
                ++*this;
                return old;
            }
            bool operator==(const iterator& o) const { return i_ == o.i_; }

          private:
            const Unit* units_ = nullptr;
            size_t i_ = 0;
        };
        Siblings(const Unit* units, size_t begin, size_t end)
            : units_(units), begin_(begin), end_(end) {}
        iterator begin() const { return {units_, begin_}; }
        iterator end() const { return {units_, end_}; }
        bool empty() const { return begin_ == end_; }
        size_t size() const;

      private:
        const Unit* units_;
        size_t begin_;
        size_t end_;
    };

    UnitTree() = default;  // empty: no tiers, no units

    size_t size() const { return units_.size(); }
    std::span<const UnitTier> tiers() const { return tiers_; }
    // Every unit in pre-order.
    std::span<const Unit> units() const { return units_; }
    Siblings roots() const { return {units_.data(), 0, units_.size()}; }

    // nullptr when there is no such unit. Pointers stay valid as long as the tree.
    const Unit* find(std::string_view id) const;
    const Unit* parent(const Unit& unit) const {
        return unit.parent == npos ? nullptr : &units_[unit.parent];
    }
    Siblings children(const Unit& unit) const { return {units_.data(), unit.index + 1, unit.end}; }
    const UnitTier& tier(const Unit& unit) const { return tiers_[unit.tier]; }
    // The unit, its parent, ... up to its root.
    std::vector<const Unit*> pathToRoot(const Unit& unit) const;
    // The unit and everything under it, in pre-order.
    std::span<const Unit> subtree(const Unit& root) const {
        return std::span<const Unit>(units_).subspan(root.index, root.end - root.index);
    }
    // Is `unit` in the sub-tree of `root` (root itself included)?
    static bool contains(const Unit& root, const Unit& unit) {
        return root.index <= unit.index && unit.index < root.end;
    }
    // The same by id; false when either id is unknown.
    bool contains(std::string_view rootId, std::string_view unitId) const;

    // The units a list of invitations names, each once, in pre-order; the first unknown id is an
    // error.
    Expected<std::vector<const Unit*>, UnknownUnit> resolve(
        std::span<const Invitation> invitations) const;

  private:
    friend class UnitsFile;
    // `units` must already be in pre-order with index/parent/end set (UnitsFile does that).
    UnitTree(std::vector<UnitTier> tiers, std::vector<Unit> units);

    struct IdHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::vector<UnitTier> tiers_;
    std::vector<Unit> units_;
    std::unordered_map<std::string, size_t, IdHash, std::equal_to<>> byId_;
};

}  // namespace vcb::rooms
