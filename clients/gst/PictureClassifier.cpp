#include "clients/gst/PictureClassifier.hpp"

#include <array>
#include <utility>

namespace vcb::gstclient {
namespace {

constexpr int kOn = 150;  // SMPTE bars are 75 % (191); mid-grey (128) must not count as on
constexpr int kOff = 70;
constexpr int kBoxRadius = 2;  // 5x5 box

struct NamedColour {
    std::string_view name;
    bool r, g, b;
    std::uint32_t argb;
};

constexpr std::array<NamedColour, 8> kColours{{
    {"black", false, false, false, 0xFF000000u},
    {"red", true, false, false, 0xFFFF0000u},
    {"green", false, true, false, 0xFF00FF00u},
    {"blue", false, false, true, 0xFF0000FFu},
    {"yellow", true, true, false, 0xFFFFFF00u},
    {"cyan", false, true, true, 0xFF00FFFFu},
    {"magenta", true, false, true, 0xFFFF00FFu},
    {"white", true, true, true, 0xFFFFFFFFu},
}};

// Left to right, the top bars of videotestsrc pattern=smpte.
constexpr std::array<std::string_view, 7> kSmpteBars{"white",   "yellow", "cyan", "green",
                                                     "magenta", "red",    "blue"};

// -1 ambiguous, 0 off, 1 on
int level(int v) {
    if (v >= kOn) return 1;
    if (v <= kOff) return 0;
    return -1;
}

struct Frame {
    const std::uint8_t* data;
    std::size_t size;
    int width;
    int height;
    int stride;
};

// Colour name at (x, y) averaged over a small box, or empty when a channel is ambiguous.
std::string_view colourAt(const Frame& f, int x, int y) {
    long sum[3] = {0, 0, 0};
    int count = 0;
    for (int dy = -kBoxRadius; dy <= kBoxRadius; ++dy) {
        for (int dx = -kBoxRadius; dx <= kBoxRadius; ++dx) {
            const int px = x + dx;
            const int py = y + dy;
            if (px < 0 || py < 0 || px >= f.width || py >= f.height) continue;
            const std::size_t off =
                static_cast<std::size_t>(py) * static_cast<std::size_t>(f.stride) +
                static_cast<std::size_t>(px) * 3;
            if (off + 3 > f.size) continue;
            for (int c = 0; c < 3; ++c) sum[c] += f.data[off + c];
            ++count;
        }
    }
    if (count == 0) return {};
    const int r = level(static_cast<int>(sum[0] / count));
    const int g = level(static_cast<int>(sum[1] / count));
    const int b = level(static_cast<int>(sum[2] / count));
    if (r < 0 || g < 0 || b < 0) return {};
    for (const NamedColour& c : kColours) {
        if (c.r == (r == 1) && c.g == (g == 1) && c.b == (b == 1)) return c.name;
    }
    return {};
}

bool isSmpte(const Frame& f) {
    const int y = f.height / 3;
    for (std::size_t i = 0; i < kSmpteBars.size(); ++i) {
        const int x = static_cast<int>((2 * i + 1) * static_cast<std::size_t>(f.width) / 14);
        if (colourAt(f, x, y) != kSmpteBars[i]) return false;
    }
    return true;
}

std::string_view solidColour(const Frame& f) {
    const int w = f.width;
    const int h = f.height;
    const std::array<std::pair<int, int>, 5> points{{{w / 2, h / 2},
                                                     {w / 4, h / 4},
                                                     {3 * w / 4, h / 4},
                                                     {w / 4, 3 * h / 4},
                                                     {3 * w / 4, 3 * h / 4}}};
    std::string_view first = colourAt(f, points[0].first, points[0].second);
    if (first.empty()) return {};
    for (std::size_t i = 1; i < points.size(); ++i) {
        if (colourAt(f, points[i].first, points[i].second) != first) return {};
    }
    return first;
}

}  // namespace

bool isKnownPicture(std::string_view name) {
    return name == "smpte" || solidColourArgb(name).has_value();
}

std::optional<std::uint32_t> solidColourArgb(std::string_view name) {
    for (const NamedColour& c : kColours) {
        if (c.name == name) return c.argb;
    }
    return std::nullopt;
}

std::string classifyRgbFrame(const std::uint8_t* data, std::size_t size, int width, int height,
                             int stride) {
    if (data == nullptr || width < 14 || height < 3 || stride < width * 3) return "unknown";
    const std::size_t needed =
        static_cast<std::size_t>(stride) * static_cast<std::size_t>(height - 1) +
        static_cast<std::size_t>(width) * 3;
    if (needed > size) return "unknown";
    const Frame f{data, size, width, height, stride};
    if (isSmpte(f)) return "smpte";
    std::string_view solid = solidColour(f);
    return solid.empty() ? "unknown" : std::string(solid);
}

}  // namespace vcb::gstclient
