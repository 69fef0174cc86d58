#include "tests/integration/TestConfigDir.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace vcb::integration {

namespace fs = std::filesystem;

const char* const kTwoTierUnits =
    "tiers:\n"
    "  - name: province\n"
    "  - name: district\n"
    "    parents: [province]\n"
    "units:\n"
    "  - id: ts\n    name: Tỉnh Thanh Sơn\n    tier: province\n"
    "  - id: ts.a\n    name: Huyện Hà Giang\n    tier: district\n    parent: ts\n"
    "  - id: ts.b\n    name: Huyện Bình Đông\n    tier: district\n    parent: ts\n"
    "  - id: hl\n    name: Tỉnh Hạ Long\n    tier: province\n";

TestConfigDir::TestConfigDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / ("vcb-" + prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) return;
    ::chmod(tmpl.c_str(), 0700);
    path_ = tmpl;
}

TestConfigDir::~TestConfigDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
}

std::string TestConfigDir::write(const std::string& name, const std::string& content,
                                 mode_t mode) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    ::chmod(file.c_str(), mode);
    return file;
}

std::string TestConfigDir::writeSecret(const std::string& name, const std::string& secret) const {
    return write(name, secret + "\n", 0600);
}

std::string jwtAuthYaml(const std::string& keyFile, const std::string& issuer) {
    return "auth:\n  mode: jwt\n  algorithm: HS256\n  key_file: " + keyFile +
           "\n  issuer: " + issuer + "\n";
}

}  // namespace vcb::integration
