#pragma once
// The private directory an app test writes its vcbridge config, key and units files into.
#include <sys/types.h>

#include <string>

namespace vcb::integration {

// Province ts with districts ts.a and ts.b, and province hl outside ts's sub-tree.
extern const char* const kTwoTierUnits;

// A fresh temporary directory (mode 0700) removed with its contents when the object goes.
class TestConfigDir {
  public:
    explicit TestConfigDir(const std::string& prefix);  // $TMPDIR/vcb-<prefix>-XXXXXX
    ~TestConfigDir();
    TestConfigDir(const TestConfigDir&) = delete;
    TestConfigDir& operator=(const TestConfigDir&) = delete;

    bool ok() const { return !path_.empty(); }
    const std::string& path() const { return path_; }
    // Writes a file in the directory (mode `mode`) and returns its path.
    std::string write(const std::string& name, const std::string& content, mode_t mode = 0600) const;
    // Writes an HS256 secret (key_file) and returns its path.
    std::string writeSecret(const std::string& name = "secret",
                            const std::string& secret =
                                "test-secret-0123456789-0123456789-abcdef") const;

  private:
    std::string path_;
};

// The `auth:` section of a config for an HS256 key file.
std::string jwtAuthYaml(const std::string& keyFile, const std::string& issuer);

}  // namespace vcb::integration
