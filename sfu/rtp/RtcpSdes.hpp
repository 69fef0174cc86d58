#pragma once
// RTCP Source Description (RFC 3550 §6.5), PT = 202:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    SC   |  PT=SDES=202  |             length            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                          SSRC/CSRC_1                          |  chunk 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |    type (1=CNAME)   |     length    | text (length bytes) ... |  items
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  ... more items ... |  0 (END)  | 0-padding to a 32-bit boundary  |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                          SSRC/CSRC_2  ...                     |  chunk 2
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// parse() validates every chunk and item against the packet. Serialization writes one CNAME item
// per chunk (all an SFU sends); a parsed packet is re-serialized byte for byte.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

struct SdesChunk {
    uint32_t ssrc = 0;
    std::string_view cname;  // at most 255 bytes
};

class RtcpSdes {
  public:
    static constexpr uint8_t kEnd = 0;
    static constexpr uint8_t kCname = 1;

    static bool parse(const uint8_t* data, size_t len, RtcpSdes& out);
    static bool parse(const RtcpHeader& header, RtcpSdes& out);

    size_t chunkCount() const;
    // Chunk i's SSRC and first CNAME (empty if it has none); i < chunkCount().
    SdesChunk chunk(size_t i) const;
    // CNAME of the chunk for `ssrc`, if present.
    std::optional<std::string_view> cname(uint32_t ssrc) const;

    // Calls f(uint32_t ssrc, uint8_t type, std::string_view text) for every item of every chunk.
    template <typename F>
    void forEachItem(F&& f) const {
        if (wire_ != nullptr) {
            walk(wire_, wireSize_, wireCount_, &ItemThunk<F>::call, &f);
        } else {
            for (const auto& c : chunks_) {
                f(c.ssrc, kCname, c.cname);
            }
        }
    }

    // The strings must outlive this object.
    void setChunks(std::span<const SdesChunk> chunks);

    size_t size() const;
    // Returns bytes written, 0 if it does not fit, > 31 chunks or a CNAME > 255 bytes.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    // Called per item and, with type kEnd and empty text, at the end of each chunk.
    using ItemFn = void (*)(void* ctx, size_t chunkIndex, uint32_t ssrc, uint8_t type,
                            std::string_view text);
    template <typename F>
    struct ItemThunk {
        static void call(void* ctx, size_t, uint32_t ssrc, uint8_t type, std::string_view text) {
            if (type != kEnd) {
                (*static_cast<F*>(ctx))(ssrc, type, text);
            }
        }
    };
    // Returns the offset just past the last chunk, or 0 if malformed.
    static size_t walk(const uint8_t* body, size_t len, size_t chunks, ItemFn fn, void* ctx);

    const uint8_t* wire_ = nullptr;
    size_t wireSize_ = 0;  // bytes of the chunks, a multiple of 4
    size_t wireCount_ = 0;
    std::span<const SdesChunk> chunks_;
};

}  // namespace vcb::rtp
