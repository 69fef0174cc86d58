#include "rooms/policy/UnitsFile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace vcb::rooms {

std::string UnitsError::format() const {
    return line == 0 ? file + ": " + message : file + ":" + std::to_string(line) + ": " + message;
}

bool isValidUnitId(std::string_view id) {
    if (id.empty() || id.size() > UnitsFile::kMaxIdLength) return false;
    for (char c : id) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

bool isValidUnitName(std::string_view name) {
    const auto* p = reinterpret_cast<const unsigned char*>(name.data());
    const auto* end = p + name.size();
    while (p < end) {
        const unsigned char b = *p;
        uint32_t cp = 0;
        size_t len = 0;
        if (b < 0x80) {
            cp = b;
            len = 1;
        } else if (b >= 0xC2 && b <= 0xDF) {
            cp = b & 0x1F;
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            cp = b & 0x0F;
            len = 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            cp = b & 0x07;
            len = 4;
        } else {
            return false;  // a continuation byte, C0/C1 (overlong) or F5-FF
        }
        if (static_cast<size_t>(end - p) < len) return false;
        for (size_t i = 1; i < len; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;                           // surrogates
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return false;  // controls
        p += len;
    }
    return true;
}

namespace {

using Code = UnitsErrorCode;

size_t lineOf(const YAML::Node& node, size_t fallback) {
    const YAML::Mark m = node.Mark();
    return m.line >= 0 ? static_cast<size_t>(m.line) + 1 : fallback;
}

// A unit as written, before the tree is built.
struct RawUnit {
    std::string id;
    std::string name;
    size_t tier = 0;
    std::string parentId;  // empty for a root
    size_t line = 0;
    size_t parentLine = 0;
    size_t parent = UnitTree::npos;  // position in the file
};

class Loader {
  public:
    explicit Loader(const std::string& file) : file_(file) {}

    std::optional<UnitsError> parseTop(const YAML::Node& root);
    std::optional<UnitsError> parseTiers(const YAML::Node& tiers);
    std::optional<UnitsError> parseUnits(const YAML::Node& units);
    std::optional<UnitsError> linkParents();
    std::optional<UnitsError> checkCycles();
    std::optional<UnitsError> checkTiers();
    // The tiers and the units in pre-order with index, parent and end set.
    std::pair<std::vector<UnitTier>, std::vector<Unit>> build();

  private:
    UnitsError fail(Code code, size_t line, std::string message) const {
        return UnitsError{code, file_, line, std::move(message)};
    }
    // Checks that `map` is a mapping with only `allowed` keys (each once).
    std::optional<UnitsError> checkKeys(const YAML::Node& map, const char* what,
                                        std::initializer_list<std::string_view> allowed) const;
    // A required scalar: missing_field if absent/null, bad_field if not a scalar.
    std::optional<UnitsError> scalar(const YAML::Node& map, const char* key, const char* what,
                                     size_t line, std::string& out) const;

    const std::string& file_;
    std::vector<UnitTier> tiers_;
    std::unordered_map<std::string, size_t> tierByName_;
    std::vector<RawUnit> units_;
    std::unordered_map<std::string, size_t> unitById_;
};

std::optional<UnitsError> Loader::checkKeys(const YAML::Node& map, const char* what,
                                            std::initializer_list<std::string_view> allowed) const {
    std::unordered_set<std::string> seen;
    for (const auto& kv : map) {
        const size_t line = lineOf(kv.first, lineOf(map, 0));
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            return fail(Code::BadField, line,
                        std::string(what) + ": unknown key '" + key + "' (allowed: " + list + ")");
        }
        if (!seen.insert(key).second)
            return fail(Code::BadField, line, std::string(what) + ": key '" + key + "' twice");
    }
    return std::nullopt;
}

std::optional<UnitsError> Loader::scalar(const YAML::Node& map, const char* key, const char* what,
                                         size_t line, std::string& out) const {
    const YAML::Node n = map[key];
    if (!n || n.IsNull())
        return fail(Code::MissingField, line, std::string(what) + ": '" + key + "' is missing");
    if (!n.IsScalar())
        return fail(Code::BadField, lineOf(n, line),
                    std::string(what) + ": '" + key + "' must be a single value");
    out = n.Scalar();
    if (out.empty())
        return fail(Code::MissingField, lineOf(n, line),
                    std::string(what) + ": '" + key + "' is empty");
    return std::nullopt;
}

std::optional<UnitsError> Loader::parseTop(const YAML::Node& root) {
    if (!root.IsMap())
        return fail(Code::BadField, lineOf(root, 0),
                    "expected a mapping with 'tiers' and 'units' at the top level");
    if (auto e = checkKeys(root, "units file", {"tiers", "units"})) return e;
    const YAML::Node tiers = root["tiers"];
    if (!tiers || tiers.IsNull()) return fail(Code::MissingField, 0, "'tiers' is missing");
    if (auto e = parseTiers(tiers)) return e;
    const YAML::Node units = root["units"];
    if (!units || units.IsNull()) return fail(Code::MissingField, 0, "'units' is missing");
    return parseUnits(units);
}

std::optional<UnitsError> Loader::parseTiers(const YAML::Node& tiers) {
    const size_t listLine = lineOf(tiers, 0);
    if (!tiers.IsSequence() || tiers.size() == 0)
        return fail(Code::BadField, listLine, "'tiers' must be a non-empty list");
    if (tiers.size() > UnitsFile::kMaxTiers)
        return fail(Code::BadField, listLine,
                    "at most " + std::to_string(UnitsFile::kMaxTiers) + " tiers");
    for (const YAML::Node& t : tiers) {
        const size_t line = lineOf(t, listLine);
        if (!t.IsMap())
            return fail(Code::BadField, line, "a tier must be a mapping (name, parents)");
        if (auto e = checkKeys(t, "tier", {"name", "parents"})) return e;
        UnitTier tier;
        tier.depth = tiers_.size();
        if (auto e = scalar(t, "name", "tier", line, tier.name)) return e;
        const std::string what = "tier '" + tier.name + "'";
        if (!isValidUnitId(tier.name))
            return fail(Code::BadField, line,
                        what + ": a tier name is 1-64 of a-z, 0-9, '-', '_', '.'");
        if (tierByName_.count(tier.name))
            return fail(Code::DuplicateTier, line, what + " is declared twice");
        const YAML::Node parents = t["parents"];
        const bool hasParents = parents && !parents.IsNull();
        if (tier.depth == 0 && hasParents)
            return fail(Code::BadField, lineOf(parents, line),
                        what + ": the first tier is the root tier and has no parents");
        if (tier.depth > 0 && !hasParents)
            return fail(Code::MissingField, line,
                        what + ": 'parents' is missing (only the first tier is a root tier)");
        if (hasParents) {
            if (!parents.IsSequence() || parents.size() == 0)
                return fail(Code::BadField, lineOf(parents, line),
                            what + ": 'parents' must be a non-empty list of tiers above it");
            for (const YAML::Node& p : parents) {
                const std::string name = p.IsScalar() ? p.Scalar() : std::string();
                auto it = tierByName_.find(name);
                if (it == tierByName_.end())
                    return fail(Code::UnknownTier, lineOf(p, line),
                                what + ": parent tier '" + name + "' is not declared above it");
                tier.parentTiers.push_back(it->second);
            }
        }
        tierByName_.emplace(tier.name, tier.depth);
        tiers_.push_back(std::move(tier));
    }
    return std::nullopt;
}

std::optional<UnitsError> Loader::parseUnits(const YAML::Node& units) {
    const size_t listLine = lineOf(units, 0);
    if (!units.IsSequence() || units.size() == 0)
        return fail(Code::BadField, listLine, "'units' must be a non-empty list");
    if (units.size() > UnitsFile::kMaxUnits)
        return fail(Code::BadField, listLine,
                    "at most " + std::to_string(UnitsFile::kMaxUnits) + " units");
    for (const YAML::Node& u : units) {
        RawUnit raw;
        raw.line = lineOf(u, listLine);
        if (!u.IsMap())
            return fail(Code::BadField, raw.line,
                        "a unit must be a mapping (id, name, tier, parent)");
        if (auto e = checkKeys(u, "unit", {"id", "name", "tier", "parent"})) return e;
        if (auto e = scalar(u, "id", "unit", raw.line, raw.id)) return e;
        const std::string what = "unit '" + raw.id + "'";
        if (!isValidUnitId(raw.id))
            return fail(Code::BadField, raw.line,
                        what + ": an id is 1-64 of a-z, 0-9, '-', '_', '.'");
        if (auto it = unitById_.find(raw.id); it != unitById_.end())
            return fail(Code::DuplicateId, raw.line,
                        what + ": duplicate id (first at line " +
                            std::to_string(units_[it->second].line) + ")");
        if (auto e = scalar(u, "name", what.c_str(), raw.line, raw.name)) return e;
        if (raw.name.size() > UnitsFile::kMaxNameBytes)
            return fail(Code::BadField, lineOf(u["name"], raw.line),
                        what + ": the name is longer than " +
                            std::to_string(UnitsFile::kMaxNameBytes) + " bytes");
        if (!isValidUnitName(raw.name))
            return fail(Code::BadField, lineOf(u["name"], raw.line),
                        what + ": the name is not valid UTF-8 text (or has control characters)");
        std::string tierName;
        if (auto e = scalar(u, "tier", what.c_str(), raw.line, tierName)) return e;
        auto tier = tierByName_.find(tierName);
        if (tier == tierByName_.end())
            return fail(Code::UnknownTier, lineOf(u["tier"], raw.line),
                        what + ": unknown tier '" + tierName + "'");
        raw.tier = tier->second;
        const YAML::Node parent = u["parent"];
        if (parent && !parent.IsNull()) {
            if (auto e = scalar(u, "parent", what.c_str(), raw.line, raw.parentId)) return e;
            raw.parentLine = lineOf(parent, raw.line);
        } else if (raw.tier != 0) {
            return fail(Code::MissingField, raw.line,
                        what + ": 'parent' is missing (only units of the root tier '" +
                            tiers_[0].name + "' have none)");
        }
        unitById_.emplace(raw.id, units_.size());
        units_.push_back(std::move(raw));
    }
    return std::nullopt;
}

std::optional<UnitsError> Loader::linkParents() {
    for (RawUnit& u : units_) {
        if (u.parentId.empty()) continue;
        auto it = unitById_.find(u.parentId);
        if (it == unitById_.end())
            return fail(Code::UnknownParent, u.parentLine,
                        "unit '" + u.id + "': unknown parent '" + u.parentId + "'");
        u.parent = it->second;
    }
    return std::nullopt;
}

std::optional<UnitsError> Loader::checkCycles() {
    enum : uint8_t { kNew, kOnPath, kDone };
    std::vector<uint8_t> state(units_.size(), kNew);
    std::vector<size_t> path;
    for (size_t start = 0; start < units_.size(); ++start) {
        path.clear();
        size_t i = start;
        while (i != UnitTree::npos && state[i] == kNew) {
            state[i] = kOnPath;
            path.push_back(i);
            i = units_[i].parent;
        }
        if (i != UnitTree::npos && state[i] == kOnPath) {
            // The cycle is the end of the path from i; report it at its first unit in the file.
            std::vector<size_t> cycle(std::find(path.begin(), path.end(), i), path.end());
            std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
            const size_t first = cycle.front();
            std::string chain;
            for (size_t c : cycle) chain += units_[c].id + " -> ";
            chain += units_[first].id;
            return fail(Code::Cycle, units_[first].line,
                        "unit '" + units_[first].id + "' is its own ancestor: " + chain);
        }
        for (size_t p : path) state[p] = kDone;
    }
    return std::nullopt;
}

std::optional<UnitsError> Loader::checkTiers() {
    for (const RawUnit& u : units_) {
        if (u.parent == UnitTree::npos) continue;
        const UnitTier& tier = tiers_[u.tier];
        const RawUnit& parent = units_[u.parent];
        const auto& allowed = tier.parentTiers;
        if (std::find(allowed.begin(), allowed.end(), parent.tier) != allowed.end()) continue;
        std::string expected;
        for (size_t t : allowed) expected += (expected.empty() ? "" : " or ") + tiers_[t].name;
        return fail(Code::TierNotUnderParent, u.parentLine,
                    "unit '" + u.id + "' (" + tier.name + ") cannot sit under '" + parent.id +
                        "' (" + tiers_[parent.tier].name + "): " + tier.name +
                        (expected.empty() ? " is the root tier" : " sits under " + expected));
    }
    return std::nullopt;
}

std::pair<std::vector<UnitTier>, std::vector<Unit>> Loader::build() {
    const size_t n = units_.size();
    std::vector<std::vector<size_t>> children(n);
    std::vector<size_t> roots;
    for (size_t i = 0; i < n; ++i)
        (units_[i].parent == UnitTree::npos ? roots : children[units_[i].parent]).push_back(i);
    // Pre-order, siblings in file order.
    std::vector<size_t> order;
    order.reserve(n);
    std::vector<size_t> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        const size_t i = stack.back();
        stack.pop_back();
        order.push_back(i);
        stack.insert(stack.end(), children[i].rbegin(), children[i].rend());
    }
    std::vector<size_t> indexOf(n, UnitTree::npos);
    for (size_t k = 0; k < order.size(); ++k) indexOf[order[k]] = k;
    std::vector<Unit> units(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
        RawUnit& raw = units_[order[k]];
        Unit& u = units[k];
        u.id = std::move(raw.id);
        u.name = std::move(raw.name);
        u.tier = raw.tier;
        u.line = raw.line;
        u.index = k;
        u.parent = raw.parent == UnitTree::npos ? UnitTree::npos : indexOf[raw.parent];
        u.end = k + 1;
    }
    for (size_t k = units.size(); k-- > 0;) {
        if (units[k].parent != UnitTree::npos)
            units[units[k].parent].end = std::max(units[units[k].parent].end, units[k].end);
    }
    return {std::move(tiers_), std::move(units)};
}

}  // namespace

UnitsResult UnitsFile::parse(std::string_view yaml, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
        return UnitsError{Code::YamlSyntax, file,
                          e.mark.line >= 0 ? static_cast<size_t>(e.mark.line) + 1 : 0, e.msg};
    } catch (const YAML::Exception& e) {
        return UnitsError{Code::YamlSyntax, file, 0, e.what()};
    }
    Loader loader(file);
    try {
        if (auto e = loader.parseTop(root)) return *e;
    } catch (const YAML::Exception& e) {
        return UnitsError{Code::BadField, file,
                          e.mark.line >= 0 ? static_cast<size_t>(e.mark.line) + 1 : 0, e.msg};
    }
    if (auto e = loader.linkParents()) return *e;
    if (auto e = loader.checkCycles()) return *e;
    if (auto e = loader.checkTiers()) return *e;
    auto [tiers, units] = loader.build();
    return UnitTree(std::move(tiers), std::move(units));
}

UnitsResult UnitsFile::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return UnitsError{Code::IoError, path, 0,
                          std::string("cannot read the units file: ") + std::strerror(errno)};
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return UnitsError{Code::IoError, path, 0, "cannot read the units file"};
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes)
        return UnitsError{
            Code::BadField, path, 0,
            "the units file is larger than " + std::to_string(kMaxFileBytes) + " bytes"};
    return parse(text, path);
}

}  // namespace vcb::rooms
