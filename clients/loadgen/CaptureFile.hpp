#pragma once
// The pre-encoded media every publisher replays: RTP packets in RFC 4571 framing (2-byte
// big-endian length, then the packet), as written by media/make-capture.sh. VP8 (payload type 96)
// and Opus (111) packets may be interleaved; each stream is paced by its own RTP timestamps.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vcb::loadgen {

struct CapturedPacket {
    std::vector<uint8_t> payload;  // RTP payload only: the replayer writes its own header
    bool marker = false;
    uint32_t tickOffset = 0;     // RTP timestamp minus the stream's first timestamp
    int64_t offsetUs = 0;        // tickOffset in microseconds: when to send, from the loop start
    bool keyFrameStart = false;  // first packet of a VP8 key frame
};

struct CapturedStream {
    uint8_t payloadType = 0;
    uint32_t clockRate = 0;
    bool video = false;
    std::vector<CapturedPacket> packets;  // file order (= the payloader's sequence order)
    // One pass through the stream: last offset plus one average frame interval, so the loop
    // restarts one frame after the last one.
    uint32_t loopTicks = 0;
    int64_t loopDurationUs = 0;
    uint64_t payloadBytes = 0;

    // Average payload bit rate of one pass.
    double bitrateBps() const;
    double packetRate() const;
};

class CaptureFile {
  public:
    static constexpr uint8_t kVideoPayloadType = 96;   // VP8/90000
    static constexpr uint8_t kAudioPayloadType = 111;  // opus/48000/2
    static constexpr size_t kMaxFileBytes = 64 * 1024 * 1024;
    static constexpr size_t kMaxPayload = 1400;  // leaves room for header, stamp and SRTP

    // nullopt and *error set on a malformed file, an unknown payload type, a stream with fewer
    // than two distinct timestamps, timestamps that go backwards or video without a key frame.
    static std::optional<CaptureFile> parse(std::span<const uint8_t> bytes, std::string* error);
    static std::optional<CaptureFile> load(const std::string& path, std::string* error);

    const CapturedStream& video() const { return video_; }
    const CapturedStream& audio() const { return audio_; }

  private:
    CapturedStream video_;
    CapturedStream audio_;
};

}  // namespace vcb::loadgen
