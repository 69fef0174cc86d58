#pragma once
// Recognises the test pictures the clients send, on decoded RGB frames, so tests can check that
// media went through the SFU intact (not just that bytes arrived).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::gstclient {

// Names understood by the sender and the classifier: "smpte" (videotestsrc 75 % colour bars) and
// the solid colours "black", "red", "green", "blue", "yellow", "cyan", "magenta", "white".
bool isKnownPicture(std::string_view name);
// Big-endian ARGB for videotestsrc foreground-color; nullopt for "smpte" and unknown names.
std::optional<std::uint32_t> solidColourArgb(std::string_view name);

// Classifies a packed RGB (3 bytes per pixel) frame: "smpte" when the centres of the 7 top bars
// (sampled at 1/3 of the height) have the SMPTE colours, a colour name when five points spread
// over the frame all show that colour, otherwise "unknown". Thresholds are coarse (a channel is
// "on" above 150 and "off" below 70, averaged over 5x5 pixels) so VP8 at 500 kbps and 4:2:0
// chroma still match while a wrong colour, a grey or a garbled frame do not.
std::string classifyRgbFrame(const std::uint8_t* data, std::size_t size, int width, int height,
                             int stride);

}  // namespace vcb::gstclient
