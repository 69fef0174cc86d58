#include "clients/gst/SdpUtil.hpp"

#include <vector>

namespace vcb::gstclient {
namespace {

std::vector<std::string_view> splitLines(std::string_view sdp) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < sdp.size()) {
        std::size_t end = sdp.find('\n', pos);
        if (end == std::string_view::npos) end = sdp.size();
        std::string_view line = sdp.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        pos = end + 1;
    }
    return lines;
}

char invertHex(char c) {
    static constexpr std::string_view kDigits = "0123456789ABCDEF";
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) return c;
    return kDigits[static_cast<std::size_t>(15 - v)];
}

}  // namespace

std::map<std::string, Msid> msidByMid(std::string_view sdp) {
    std::map<std::string, Msid> out;
    std::string mid;
    Msid msid;
    bool inMedia = false;
    auto flush = [&] {
        if (inMedia && !mid.empty()) out[mid] = msid;
        mid.clear();
        msid = Msid{};
    };
    for (std::string_view line : splitLines(sdp)) {
        if (line.starts_with("m=")) {
            flush();
            inMedia = true;
        } else if (inMedia && line.starts_with("a=mid:")) {
            mid = std::string(line.substr(6));
        } else if (inMedia && line.starts_with("a=msid:")) {
            std::string_view v = line.substr(7);
            const std::size_t space = v.find(' ');
            msid.stream = std::string(v.substr(0, space));
            msid.track =
                space == std::string_view::npos ? std::string() : std::string(v.substr(space + 1));
        }
    }
    flush();
    return out;
}

std::string corruptFingerprint(std::string_view sdp, bool* changed) {
    std::string out(sdp);
    bool any = false;
    static constexpr std::string_view kAttr = "a=fingerprint:";
    std::size_t pos = 0;
    while ((pos = out.find(kAttr, pos)) != std::string::npos) {
        // "a=fingerprint:sha-256 AB:CD:..." – alter the first byte of the hash.
        const std::size_t space = out.find(' ', pos + kAttr.size());
        const std::size_t eol = out.find_first_of("\r\n", pos);
        if (space == std::string::npos || (eol != std::string::npos && space > eol)) {
            pos += kAttr.size();
            continue;
        }
        for (std::size_t i = space + 1; i < space + 3 && i < out.size(); ++i) {
            out[i] = invertHex(out[i]);
        }
        any = true;
        pos = space;
    }
    if (changed) *changed = any;
    return out;
}

}  // namespace vcb::gstclient
