#include "recorder/Sidecar.hpp"
#include "recorder/Storage.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vcb::recorder {
namespace {

TEST(RecorderStorage, SanitizedNamesAreNeverPaths) {
    EXPECT_EQ(sanitizeName("Meeting 42"), "meeting-42");
    EXPECT_EQ(sanitizeName("../../etc/passwd"), "_.-..-etc-passwd");
    EXPECT_EQ(sanitizeName(".hidden"), "_hidden");
    EXPECT_EQ(sanitizeName(".."), "_.");
    EXPECT_EQ(sanitizeName(""), "x");
    EXPECT_EQ(sanitizeName("Tỉnh Hà Nội"), "t---nh-h---n---i");
    EXPECT_EQ(sanitizeName(std::string(200, 'a')).size(), 64u);
    for (const char* raw : {"a/b", "a\\b", "a\0b", "x y\nz"})
        for (char c : sanitizeName(raw)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
}

TEST(RecorderStorage, ExclusiveCreateNeverOverwrites) {
    char tmpl[] = "/tmp/vcb-rec-unit-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    ASSERT_EQ(prepareDirectory(dir + "/d"), "");
    struct stat st{};
    ASSERT_EQ(::stat((dir + "/d").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    auto a = createExclusive(dir + "/d", "rec", ".webm");
    ASSERT_GE(a.fd, 0) << a.error;
    ASSERT_EQ(::write(a.fd, "first", 5), 5);
    ::close(a.fd);
    auto b = createExclusive(dir + "/d", "rec", ".webm");
    ASSERT_GE(b.fd, 0);
    ::close(b.fd);
    EXPECT_EQ(a.name, "rec.webm");
    EXPECT_EQ(b.name, "rec-1.webm");
    EXPECT_EQ(std::filesystem::file_size(dir + "/d/rec.webm"), 5u);
    ASSERT_EQ(::stat((dir + "/d/rec-1.webm").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(sha256File(dir + "/d/rec.webm").value_or(""),
              "a7937b64b8caa58f03721bb6bacf5c78cb235febe0e70b1b84cd99541461a08e");  // sha256("first")
    std::filesystem::remove_all(dir);
}

TEST(RecorderStorage, SidecarRoundTrip) {
    Sidecar s;
    s.recording = "r1";
    s.meeting = "m";
    s.title = "Họp";
    s.pid = 42;
    s.startedMs = 1000;
    s.units = {"a"};
    s.unitsPresent = {"a", "b"};
    s.marks.push_back({2000, "floor: b", {{"r1-x-programme.webm", 1500}}});
    SidecarFile f;
    f.name = "r1-x-programme.webm";
    f.group = "programme";
    f.startedMs = 1000;
    f.mediaStartMs = 500;
    f.closedMs = 3000;
    f.bytes = 10;
    f.sha256 = "ab";
    s.files.push_back(f);
    auto back = Sidecar::fromJson(s.toJson());
    ASSERT_TRUE(back);
    EXPECT_EQ(boost::json::serialize(back->toJson()), boost::json::serialize(s.toJson()));
}

}  // namespace
}  // namespace vcb::recorder
