#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "signaling/web/DemoPage.hpp"

namespace {

std::string readSource() {
    std::ifstream in(VCB_DEMO_PAGE_SOURCE, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(DemoPage, EmbedsTheSourceFileByteForByte) {
    const std::string source = readSource();
    ASSERT_FALSE(source.empty()) << "cannot read " << VCB_DEMO_PAGE_SOURCE;
    const std::string_view page = vcb::signaling::demoPageHtml();
    ASSERT_EQ(page.size(), source.size());
    EXPECT_TRUE(page == source) << "embedded page differs from " << VCB_DEMO_PAGE_SOURCE;
}

TEST(DemoPage, IsAnHtmlDocumentWithoutTrailingNul) {
    const std::string_view page = vcb::signaling::demoPageHtml();
    EXPECT_TRUE(page.starts_with("<!doctype html>"));
    EXPECT_TRUE(page.ends_with("</html>\n"));
    EXPECT_EQ(page.find('\0'), std::string_view::npos);
    // Same static storage on every call.
    EXPECT_EQ(page.data(), vcb::signaling::demoPageHtml().data());
}

TEST(DemoPage, KeepsNonAsciiLabelsAsUtf8) {
    const std::string_view page = vcb::signaling::demoPageHtml();
    // "Tiếng Việt": U+1EBF is E1 BA BF in UTF-8.
    EXPECT_NE(page.find("Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t"), std::string_view::npos);
}

}  // namespace
