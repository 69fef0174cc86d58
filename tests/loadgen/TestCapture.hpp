#pragma once
// Builds small RFC 4571 capture files for the loadgen tests.
#include <cstdint>
#include <vector>

namespace vcb::loadgen::test {

inline void appendPacket(std::vector<uint8_t>& file, uint8_t pt, bool marker, uint16_t seq,
                         uint32_t ts, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> p = {0x80,
                              static_cast<uint8_t>((marker ? 0x80 : 0) | pt),
                              static_cast<uint8_t>(seq >> 8),
                              static_cast<uint8_t>(seq),
                              static_cast<uint8_t>(ts >> 24),
                              static_cast<uint8_t>(ts >> 16),
                              static_cast<uint8_t>(ts >> 8),
                              static_cast<uint8_t>(ts),
                              0x11,
                              0x22,
                              0x33,
                              0x44};
    p.insert(p.end(), payload.begin(), payload.end());
    file.push_back(static_cast<uint8_t>(p.size() >> 8));
    file.push_back(static_cast<uint8_t>(p.size()));
    file.insert(file.end(), p.begin(), p.end());
}

// VP8: descriptor S=1 PID=0, then a complete key frame header (P=0, start code, 640x360).
inline std::vector<uint8_t> vp8KeyFrameStart() {
    return {0x10, 0x50, 0x2a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0xAA, 0xBB};
}
// VP8: start of an inter frame (P=1).
inline std::vector<uint8_t> vp8InterFrameStart() { return {0x10, 0x51, 0x10, 0x00, 0xCC, 0xDD}; }
// VP8: a continuation packet of any frame (S=0).
inline std::vector<uint8_t> vp8Continuation() { return {0x00, 0x01, 0x02, 0x03, 0x04}; }
inline std::vector<uint8_t> opusFrame() { return {0xFC, 0x01, 0x02, 0x03}; }

// Video: 6 frames at 3000-tick spacing (30 fps); frames 0 and 3 are key frames, every frame has
// two packets. Audio: 5 packets 960 ticks apart. Packets 0..11 video, 12.. audio in file order
// interleaved.
inline std::vector<uint8_t> smallCapture() {
    std::vector<uint8_t> file;
    uint16_t vseq = 100;
    uint32_t vts = 1000;
    for (int frame = 0; frame < 6; ++frame) {
        bool key = frame % 3 == 0;
        appendPacket(file, 96, false, vseq++, vts, key ? vp8KeyFrameStart() : vp8InterFrameStart());
        appendPacket(file, 96, true, vseq++, vts, vp8Continuation());
        if (frame < 5)
            appendPacket(file, 111, true, static_cast<uint16_t>(7 + frame),
                         0xFFFFFC00u + 960u * static_cast<uint32_t>(frame), opusFrame());
        vts += 3000;
    }
    return file;
}

}  // namespace vcb::loadgen::test
