// The administrative unit tree and its YAML file (rooms/policy/UnitTree, UnitsFile), including the
// shipped sample deploy/units.yaml.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "rooms/policy/UnitsFile.hpp"

namespace vcb::rooms {
namespace {

const std::string kSample = std::string(VCB_SOURCE_DIR) + "/deploy/units.yaml";

// Lines 1-9; the first unit is on line 10.
const std::string kHeader =
    "tiers:\n"
    "  - name: government\n"
    "  - name: province\n"
    "    parents: [government]\n"
    "  - name: district\n"
    "    parents: [province]\n"
    "  - name: commune\n"
    "    parents: [district, province]\n"
    "units:\n";

UnitTree mustParse(const std::string& yaml) {
    auto result = UnitsFile::parse(yaml, "units.yaml");
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().format());
    return result.ok() ? std::move(result).value() : UnitTree{};
}

std::vector<std::string> ids(const std::vector<const Unit*>& units) {
    std::vector<std::string> out;
    for (const Unit* u : units) out.push_back(u->id);
    return out;
}
template <typename Range>
std::vector<std::string> idsOf(const Range& units) {
    std::vector<std::string> out;
    for (const Unit& u : units) out.push_back(u.id);
    return out;
}

TEST(UnitsFileTest, EachErrorNamesTheFileAndLine) {
    struct Case {
        std::string yaml;
        std::string_view code;
        size_t line;
        std::string message;  // a part of it
    };
    const std::string gov = "  - {id: gov, name: Chính phủ, tier: government}\n";  // line 10
    const std::vector<Case> cases = {
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province, parent: nowhere}\n",
         "unknown_parent", 11, "unit 'p1': unknown parent 'nowhere'"},
        {kHeader + gov + "  - {id: a, name: A, tier: province, parent: b}\n" +
             "  - {id: b, name: B, tier: province, parent: a}\n",
         "cycle", 11, "unit 'a' is its own ancestor: a -> b -> a"},
        {kHeader + gov + "  - {id: c, name: C, tier: commune, parent: c}\n", "cycle", 11,
         "unit 'c' is its own ancestor: c -> c"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province, parent: gov}\n" +
             "  - {id: p1, name: Tỉnh B, tier: province, parent: gov}\n",
         "duplicate_id", 12, "unit 'p1': duplicate id (first at line 11)"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: region, parent: gov}\n", "unknown_tier",
         11, "unit 'p1': unknown tier 'region'"},
        {"tiers:\n  - name: government\n  - name: commune\n    parents: [province]\n"
         "units:\n  - {id: gov, name: G, tier: government}\n",
         "unknown_tier", 4, "tier 'commune': parent tier 'province' is not declared above it"},
        {kHeader + gov + "  - {id: x, name: Xã A, tier: commune, parent: gov}\n",
         "tier_not_under_parent", 11,
         "unit 'x' (commune) cannot sit under 'gov' (government): commune sits under district or "
         "province"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province, parent: gov}\n" +
             "  - {id: h1, name: Huyện A, tier: district, parent: p1}\n" +
             "  - {id: h2, name: Huyện B, tier: district, parent: h1}\n",
         "tier_not_under_parent", 13, "district sits under province"},
        {kHeader + gov + "  - {id: gov2, name: G, tier: government, parent: gov}\n",
         "tier_not_under_parent", 11, "government is the root tier"},
        {"tiers:\n  - name: a\n  - name: a\n    parents: [a]\nunits:\n  - {id: x, name: X, tier: "
         "a}\n",
         "duplicate_tier", 3, "tier 'a' is declared twice"},
        {kHeader + gov + "  - {id: p1, tier: province, parent: gov}\n", "missing_field", 11,
         "unit 'p1': 'name' is missing"},
        {kHeader + gov + "  - {id: p1, name: '', tier: province, parent: gov}\n", "missing_field",
         11, "unit 'p1': 'name' is empty"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province}\n", "missing_field", 11,
         "unit 'p1': 'parent' is missing (only units of the root tier 'government' have none)"},
        {"units:\n  - {id: gov, name: G, tier: government}\n", "missing_field", 0,
         "'tiers' is missing"},
        {"tiers:\n  - name: a\n  - name: b\nunits:\n  - {id: x, name: X, tier: a}\n",
         "missing_field", 3, "tier 'b': 'parents' is missing"},
        {kHeader + gov + "  - {id: Tinh-A, name: Tỉnh A, tier: province, parent: gov}\n",
         "bad_field", 11, "unit 'Tinh-A': an id is 1-64 of a-z, 0-9, '-', '_', '.'"},
        {kHeader + gov + "  - {id: " + std::string(65, 'a') +
             ", name: Tỉnh A, tier: province, parent: gov}\n",
         "bad_field", 11, "an id is 1-64"},
        {kHeader + gov + "  - id: p1\n    name: Tỉnh A\n    tier: province\n    parent: gov\n" +
             "    code: 01\n",
         "bad_field", 15, "unit: unknown key 'code' (allowed: id, name, tier, parent)"},
        {kHeader + gov + "  - {id: p1, name: \"T\\x01nh\", tier: province, parent: gov}\n",
         "bad_field", 11,
         "unit 'p1': the name is not valid UTF-8 text (or has control characters)"},
        {kHeader + gov + "  - {id: p1, name: [a, b], tier: province, parent: gov}\n", "bad_field",
         11, "unit 'p1': 'name' must be a single value"},
        {kHeader + gov + "  - {id: p1, name: " + std::string(257, 'x') +
             ", tier: province, parent: gov}\n",
         "bad_field", 11, "the name is longer than 256 bytes"},
        {"tiers:\n  - name: a\n    parents: [a]\nunits:\n  - {id: x, name: X, tier: a}\n",
         "bad_field", 3, "tier 'a': the first tier is the root tier and has no parents"},
        {"tiers: [government]\nunits: []\n", "bad_field", 1, "a tier must be a mapping"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province, parent: gov\n", "yaml_syntax",
         12, ""},
        {"- just\n- a list\n", "bad_field", 1, "expected a mapping with 'tiers' and 'units'"},
        {kHeader + gov + "  - {id: p1, name: Tỉnh A, tier: province, parent: gov, id: p2}\n",
         "bad_field", 11, "unit: key 'id' twice"},
    };
    for (const Case& c : cases) {
        auto result = UnitsFile::parse(c.yaml, "deploy/units.yaml");
        ASSERT_FALSE(result.ok()) << c.yaml;
        const UnitsError& e = result.error();
        EXPECT_EQ(e.codeName(), c.code) << e.format() << "\n" << c.yaml;
        EXPECT_EQ(e.line, c.line) << e.format() << "\n" << c.yaml;
        EXPECT_EQ(e.file, "deploy/units.yaml");
        EXPECT_NE(e.message.find(c.message), std::string::npos) << e.format() << "\n" << c.yaml;
        const std::string where = c.line == 0
                                      ? "deploy/units.yaml: "
                                      : "deploy/units.yaml:" + std::to_string(c.line) + ": ";
        EXPECT_EQ(e.format(), where + e.message);
    }
}

TEST(UnitsFileTest, UnreadableFileIsAnIoError) {
    auto result = UnitsFile::load("/nonexistent/units.yaml");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().codeName(), "io_error");
    EXPECT_EQ(result.error().line, 0u);
    EXPECT_EQ(result.error().format(),
              "/nonexistent/units.yaml: cannot read the units file: No such file or directory");
}

TEST(UnitsFileTest, ADirectoryOrAHugeFileIsRefused) {
    auto dir = UnitsFile::load("/tmp");
    ASSERT_FALSE(dir.ok());
    EXPECT_EQ(dir.error().codeName(), "io_error") << dir.error().format();

    char tmpl[] = "/tmp/vcb-units-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    ::close(fd);
    {
        std::ofstream out(tmpl);
        out << kHeader << "# " << std::string(UnitsFile::kMaxFileBytes, 'x') << "\n";
    }
    auto huge = UnitsFile::load(tmpl);
    std::remove(tmpl);
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().codeName(), "bad_field");
    EXPECT_EQ(huge.error().format(),
              std::string(tmpl) + ": the units file is larger than 16777216 bytes");
}

TEST(UnitsFileTest, TheSampleHasBothKindsOfProvince) {
    auto result = UnitsFile::load(kSample);
    ASSERT_TRUE(result.ok()) << result.error().format();
    const UnitTree& tree = result.value();

    ASSERT_EQ(tree.tiers().size(), 4u);
    EXPECT_EQ(tree.tiers()[0].name, "government");
    EXPECT_EQ(tree.tiers()[3].name, "commune");
    EXPECT_EQ(tree.tiers()[3].depth, 3u);
    EXPECT_GE(tree.size(), 30u);  // "several dozen"

    ASSERT_EQ(tree.roots().size(), 1u);
    const Unit& gov = *tree.roots().begin();
    EXPECT_EQ(gov.name, "Chính phủ");
    EXPECT_EQ(tree.parent(gov), nullptr);
    EXPECT_EQ(idsOf(tree.children(gov)), (std::vector<std::string>{"thanh-son", "binh-hai"}));

    // Thanh Sơn still has districts: province → district → commune under the Government.
    const Unit* thanhSon = tree.find("thanh-son");
    ASSERT_NE(thanhSon, nullptr);
    EXPECT_EQ(thanhSon->name, "Tỉnh Thanh Sơn");
    EXPECT_EQ(tree.tier(*thanhSon).name, "province");
    EXPECT_EQ(tree.children(*thanhSon).size(), 4u);
    size_t communes = 0;
    for (const Unit& district : tree.children(*thanhSon)) {
        EXPECT_EQ(tree.tier(district).name, "district") << district.id;
        EXPECT_GE(tree.children(district).size(), 3u) << district.id;
        for (const Unit& commune : tree.children(district)) {
            EXPECT_EQ(tree.tier(commune).name, "commune") << commune.id;
            EXPECT_TRUE(tree.children(commune).empty());
            ++communes;
        }
    }
    EXPECT_GE(communes, 12u);
    const Unit* namEt = tree.find("thanh-son.x-nam-et");
    ASSERT_NE(namEt, nullptr);
    EXPECT_EQ(ids(tree.pathToRoot(*namEt)),
              (std::vector<std::string>{"thanh-son.x-nam-et", "thanh-son.h-muong-khoa", "thanh-son",
                                        "gov"}));

    // Bình Hải has two-tier local government: its communes sit directly under it.
    const Unit* binhHai = tree.find("binh-hai");
    ASSERT_NE(binhHai, nullptr);
    EXPECT_EQ(binhHai->name, "Tỉnh Bình Hải");
    EXPECT_GE(tree.children(*binhHai).size(), 10u);
    for (const Unit& commune : tree.children(*binhHai)) {
        EXPECT_EQ(tree.tier(commune).name, "commune") << commune.id;
        EXPECT_EQ(tree.pathToRoot(commune).size(), 3u) << commune.id;
    }

    // Every unit: a valid id and name, its tier allowed under its parent's.
    for (const Unit& u : tree.units()) {
        EXPECT_TRUE(isValidUnitId(u.id)) << u.id;
        EXPECT_TRUE(isValidUnitName(u.name)) << u.id;
        EXPECT_EQ(tree.find(u.id), &u);
        if (const Unit* p = tree.parent(u)) {
            EXPECT_LT(p->tier, u.tier) << u.id;
        }
    }
}

TEST(UnitTreeTest, SubtreeAndContains) {
    auto result = UnitsFile::load(kSample);
    ASSERT_TRUE(result.ok()) << result.error().format();
    const UnitTree& tree = result.value();
    const Unit& gov = *tree.find("gov");
    const Unit& yenPhu = *tree.find("thanh-son.h-yen-phu");

    EXPECT_EQ(tree.subtree(gov).size(), tree.size());
    EXPECT_EQ(idsOf(tree.subtree(yenPhu)),
              (std::vector<std::string>{"thanh-son.h-yen-phu", "thanh-son.tt-yen-phu",
                                        "thanh-son.x-phu-loc", "thanh-son.x-hoa-binh",
                                        "thanh-son.x-nghia-hung", "thanh-son.x-dong-tam"}));
    const Unit& leaf = *tree.find("binh-hai.x-ea-rok");
    EXPECT_EQ(idsOf(tree.subtree(leaf)), std::vector<std::string>{"binh-hai.x-ea-rok"});
    // Pre-order: each unit's parent comes before it.
    for (const Unit& u : tree.units()) {
        if (const Unit* p = tree.parent(u)) {
            EXPECT_LT(p->index, u.index);
        }
    }

    EXPECT_TRUE(UnitTree::contains(gov, leaf));
    EXPECT_TRUE(UnitTree::contains(leaf, leaf));
    EXPECT_FALSE(UnitTree::contains(leaf, gov));
    EXPECT_TRUE(tree.contains("thanh-son", "thanh-son.x-dong-tam"));
    EXPECT_FALSE(tree.contains("thanh-son", "binh-hai.x-ea-rok"));
    EXPECT_FALSE(tree.contains("thanh-son.h-yen-phu", "thanh-son.p-hong-ha"));
    EXPECT_FALSE(tree.contains("thanh-son", "nowhere"));
    EXPECT_FALSE(tree.contains("nowhere", "gov"));
    EXPECT_EQ(tree.find("nowhere"), nullptr);
}

TEST(UnitTreeTest, ResolveMixesUnitsAndSubtreesOnce) {
    auto result = UnitsFile::load(kSample);
    ASSERT_TRUE(result.ok()) << result.error().format();
    const UnitTree& tree = result.value();

    const std::vector<Invitation> invited = {
        Invitation::subtree("thanh-son.h-yen-phu"),
        Invitation::unit("thanh-son.x-phu-loc"),  // already in the sub-tree above
        Invitation::unit("binh-hai"),             // the province itself, not its communes
        Invitation::subtree("binh-hai.x-ea-rok"),
        Invitation::unit("gov"),
        Invitation::unit("binh-hai"),  // twice
    };
    auto resolved = tree.resolve(invited);
    ASSERT_TRUE(resolved.ok());
    EXPECT_EQ(ids(resolved.value()),
              (std::vector<std::string>{"gov", "thanh-son.h-yen-phu", "thanh-son.tt-yen-phu",
                                        "thanh-son.x-phu-loc", "thanh-son.x-hoa-binh",
                                        "thanh-son.x-nghia-hung", "thanh-son.x-dong-tam",
                                        "binh-hai", "binh-hai.x-ea-rok"}));

    const std::vector<Invitation> nested = {Invitation::subtree("thanh-son"),
                                            Invitation::subtree("gov")};
    auto all = tree.resolve(nested);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all.value().size(), tree.size());
    for (size_t i = 0; i < tree.size(); ++i) EXPECT_EQ(all.value()[i], &tree.units()[i]);

    EXPECT_TRUE(tree.resolve({}).value().empty());

    const std::vector<Invitation> unknown = {Invitation::unit("gov"),
                                             Invitation::subtree("tinh-khac")};
    auto bad = tree.resolve(unknown);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().position, 1u);
    EXPECT_EQ(bad.error().unitId, "tinh-khac");
}

TEST(UnitsFileTest, AProvinceOnlyFileMayHaveSeveralRoots) {
    const UnitTree tree = mustParse(
        "tiers:\n"
        "  - name: province\n"
        "  - name: commune\n"
        "    parents: [province]\n"
        "units:\n"
        "  - {id: x1, name: Xã Một, tier: commune, parent: p2}\n"  // before its parent
        "  - {id: p1, name: Tỉnh Một, tier: province}\n"
        "  - {id: p2, name: Tỉnh Hai, tier: province}\n"
        "  - {id: x2, name: Xã Hai, tier: commune, parent: p1}\n");
    EXPECT_EQ(idsOf(tree.roots()), (std::vector<std::string>{"p1", "p2"}));
    EXPECT_EQ(idsOf(tree.units()), (std::vector<std::string>{"p1", "x2", "p2", "x1"}));
    EXPECT_EQ(tree.find("x1")->line, 6u);
    EXPECT_EQ(tree.tier(*tree.find("x1")).depth, 1u);
}

TEST(UnitsFileTest, NamesRoundTripByteForByte) {
    // Precomposed (NFC) and decomposed (NFD: "e" + U+0302 + U+0323) spellings are both kept as
    // written; nothing normalises them.
    const std::string nfc = "X\xC3\xA3 \xC4\x90\xE1\xBB\x93ng T\xC3\xA2m";       // Xã Đồng Tâm
    const std::string nfd = "Ph\xC6\xB0\xE1\xBB\x9Dng Ngh\x65\xCC\x82\xCC\xA3";  // Phường Nghệ
    const std::string quoted = "Xã \"Hòa\" Lợi, Ấp 3";  // a quote and a comma (CSV, JSON)
    const UnitTree tree =
        mustParse(kHeader + "  - {id: gov, name: Chính phủ, tier: government}\n" +
                  "  - {id: p, name: Tỉnh A, tier: province, parent: gov}\n" +
                  "  - {id: a, name: " + nfc + ", tier: commune, parent: p}\n" +
                  "  - {id: b, name: " + nfd + ", tier: commune, parent: p}\n" +
                  "  - {id: c, name: '" + quoted + "', tier: commune, parent: p}\n");
    ASSERT_EQ(tree.size(), 5u);
    EXPECT_EQ(tree.find("a")->name, nfc);
    EXPECT_EQ(tree.find("b")->name, nfd);
    EXPECT_EQ(tree.find("c")->name, quoted);
    EXPECT_EQ(tree.find("gov")->name, "Ch\xC3\xADnh ph\xE1\xBB\xA7");

    // Through JSON (what the protocol and the API write) and back.
    for (const Unit& u : tree.units()) {
        boost::json::object o{{"id", u.id}, {"name", u.name}};
        const std::string text = boost::json::serialize(o);
        EXPECT_EQ(boost::json::parse(text).at("name").as_string(), u.name) << text;
    }
}

TEST(UnitsFileTest, NameValidation) {
    EXPECT_TRUE(isValidUnitName("Thị trấn Mường Khoa"));
    EXPECT_TRUE(isValidUnitName("\xF0\x9F\x87\xBB\xF0\x9F\x87\xB3"));  // 4-byte sequences
    EXPECT_FALSE(isValidUnitName("\xC3"));                             // truncated
    EXPECT_FALSE(isValidUnitName("\xC0\xAF"));                         // overlong
    EXPECT_FALSE(isValidUnitName("\xE0\x80\xAF"));                     // overlong
    EXPECT_FALSE(isValidUnitName("\xED\xA0\x80"));                     // a surrogate
    EXPECT_FALSE(isValidUnitName("\xF4\x90\x80\x80"));                 // above U+10FFFF
    EXPECT_FALSE(isValidUnitName("\xA9"));                             // a lone continuation
    EXPECT_FALSE(isValidUnitName("a\nb"));
    EXPECT_FALSE(isValidUnitName("a\x7F"));
    EXPECT_FALSE(isValidUnitName("a\xC2\x85"));  // C1 NEL
    EXPECT_TRUE(isValidUnitId("thanh-son.x-phu_loc2"));
    EXPECT_FALSE(isValidUnitId(""));
    EXPECT_FALSE(isValidUnitId("xã"));
    EXPECT_FALSE(isValidUnitId("a b"));
    EXPECT_FALSE(isValidUnitId("a/b"));
}

}  // namespace
}  // namespace vcb::rooms
