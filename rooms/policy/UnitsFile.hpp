#pragma once
// Loads the administrative unit tree from its YAML file (the server config's units_file). The
// format and every rule are in docs/meetings.md "The units file" and deploy/units.yaml.
#include <cstddef>
#include <string>
#include <string_view>

#include "rooms/policy/UnitTree.hpp"
#include "common/Expected.hpp"

namespace vcb::rooms {

// Why a units file was refused; the codes are stable (tests, tooling).
enum class UnitsErrorCode {
    IoError,             // the file cannot be read
    YamlSyntax,          // not YAML
    MissingField,        // a required key is absent or empty
    BadField,            // a key that is not allowed, or a value of the wrong shape or charset
    DuplicateTier,       // two tiers with one name
    UnknownTier,         // a unit's tier, or a tier's parent tier, is not declared (above it)
    DuplicateId,         // two units with one id
    UnknownParent,       // a unit's parent is not in the file
    Cycle,               // a unit is its own ancestor
    TierNotUnderParent,  // the parent's tier is not one the unit's tier may sit under
};

constexpr std::string_view unitsErrorCode(UnitsErrorCode c) {
    switch (c) {
        case UnitsErrorCode::IoError:
            return "io_error";
        case UnitsErrorCode::YamlSyntax:
            return "yaml_syntax";
        case UnitsErrorCode::MissingField:
            return "missing_field";
        case UnitsErrorCode::BadField:
            return "bad_field";
        case UnitsErrorCode::DuplicateTier:
            return "duplicate_tier";
        case UnitsErrorCode::UnknownTier:
            return "unknown_tier";
        case UnitsErrorCode::DuplicateId:
            return "duplicate_id";
        case UnitsErrorCode::UnknownParent:
            return "unknown_parent";
        case UnitsErrorCode::Cycle:
            return "cycle";
        case UnitsErrorCode::TierNotUnderParent:
            return "tier_not_under_parent";
    }
    return "internal";
}

struct UnitsError {
    UnitsErrorCode code = UnitsErrorCode::BadField;
    std::string file;
    size_t line = 0;  // 1-based; 0 when the error concerns the whole file
    std::string message;

    std::string_view codeName() const { return unitsErrorCode(code); }
    // "file:line: message" ("file: message" without a line).
    std::string format() const;
};

using UnitsResult = Expected<UnitTree, UnitsError>;

class UnitsFile {
  public:
    static constexpr size_t kMaxIdLength = 64;
    static constexpr size_t kMaxNameBytes = 256;
    static constexpr size_t kMaxTiers = 16;
    static constexpr size_t kMaxUnits = 100000;
    static constexpr size_t kMaxFileBytes = 16 << 20;

    // Parses YAML text; `file` only names it in errors.
    static UnitsResult parse(std::string_view yaml, const std::string& file);
    // Reads (at most kMaxFileBytes) and parses a file.
    static UnitsResult load(const std::string& path);
};

// Unit ids and tier names: 1-64 of [a-z0-9._-].
bool isValidUnitId(std::string_view id);
// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without control
// characters (C0, DEL, C1).
bool isValidUnitName(std::string_view name);

}  // namespace vcb::rooms
