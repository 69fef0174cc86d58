#include "sfu/rtp/RtcpSdes.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {

size_t align4(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }

// Chunk with one CNAME item: SSRC, type, length, text, END, padding.
size_t builtChunkSize(const SdesChunk& c) { return align4(4 + 2 + c.cname.size() + 1); }

}  // namespace

size_t RtcpSdes::walk(const uint8_t* body, size_t len, size_t chunks, ItemFn fn, void* ctx) {
    size_t pos = 0;
    for (size_t c = 0; c < chunks; ++c) {
        if (len - pos < 4) {
            return 0;
        }
        const uint32_t ssrc = readU32(body + pos);
        pos += 4;
        // Bounded: each item consumes at least 2 bytes, END ends the chunk.
        while (true) {
            if (pos >= len) {
                return 0;  // no END item
            }
            const uint8_t type = body[pos];
            if (type == kEnd) {
                pos = align4(pos + 1);
                if (pos > len) {
                    return 0;
                }
                if (fn != nullptr) {
                    fn(ctx, c, ssrc, kEnd, {});
                }
                break;
            }
            if (len - pos < 2) {
                return 0;
            }
            const size_t itemLen = body[pos + 1];
            if (len - pos - 2 < itemLen) {
                return 0;
            }
            if (fn != nullptr) {
                fn(ctx, c, ssrc, type,
                   std::string_view(reinterpret_cast<const char*>(body + pos + 2), itemLen));
            }
            pos += 2 + itemLen;
        }
    }
    return pos;
}

bool RtcpSdes::parse(const uint8_t* data, size_t len, RtcpSdes& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpSdes::parse(const RtcpHeader& header, RtcpSdes& out) {
    if (header.packetType() != rtcp::kSdes) {
        return false;
    }
    const auto body = header.body();
    const size_t chunks = header.count();
    const size_t end = walk(body.data(), body.size(), chunks, nullptr, nullptr);
    if (chunks > 0 && end == 0) {
        return false;
    }
    out.wire_ = body.data();
    out.wireSize_ = end;
    out.wireCount_ = chunks;
    out.chunks_ = {};
    return true;
}

size_t RtcpSdes::chunkCount() const { return wire_ != nullptr ? wireCount_ : chunks_.size(); }

SdesChunk RtcpSdes::chunk(size_t i) const {
    if (wire_ == nullptr) {
        return i < chunks_.size() ? chunks_[i] : SdesChunk{};
    }
    struct Ctx {
        size_t index;
        SdesChunk result;
        bool haveCname;
    } ctx{i, {}, false};
    walk(
        wire_, wireSize_, wireCount_,
        [](void* p, size_t chunkIndex, uint32_t ssrc, uint8_t type, std::string_view text) {
            auto* c = static_cast<Ctx*>(p);
            if (chunkIndex != c->index) {
                return;
            }
            c->result.ssrc = ssrc;
            if (type == kCname && !c->haveCname) {
                c->result.cname = text;
                c->haveCname = true;
            }
        },
        &ctx);
    return ctx.result;
}

std::optional<std::string_view> RtcpSdes::cname(uint32_t ssrc) const {
    std::optional<std::string_view> found;
    forEachItem([&](uint32_t s, uint8_t type, std::string_view text) {
        if (!found && s == ssrc && type == kCname) {
            found = text;
        }
    });
    return found;
}

void RtcpSdes::setChunks(std::span<const SdesChunk> chunks) {
    wire_ = nullptr;
    wireSize_ = 0;
    wireCount_ = 0;
    chunks_ = chunks;
}

size_t RtcpSdes::size() const {
    if (wire_ != nullptr) {
        return rtcp::kHeaderSize + wireSize_;
    }
    size_t total = rtcp::kHeaderSize;
    for (const auto& c : chunks_) {
        total += builtChunkSize(c);
    }
    return total;
}

size_t RtcpSdes::write(uint8_t* out, size_t capacity) const {
    const size_t count = chunkCount();
    const size_t total = size();
    if (out == nullptr || count > rtcp::kMaxCount || total > capacity) {
        return 0;
    }
    if (wire_ != nullptr) {
        std::memcpy(out + rtcp::kHeaderSize, wire_, wireSize_);
    } else {
        size_t o = rtcp::kHeaderSize;
        for (const auto& c : chunks_) {
            if (c.cname.size() > 255) {
                return 0;
            }
            const size_t chunkSize = builtChunkSize(c);
            std::memset(out + o, 0, chunkSize);  // END item and padding
            writeU32(out + o, c.ssrc);
            out[o + 4] = kCname;
            out[o + 5] = static_cast<uint8_t>(c.cname.size());
            if (!c.cname.empty()) std::memcpy(out + o + 6, c.cname.data(), c.cname.size());
            o += chunkSize;
        }
    }
    RtcpHeader::write(out, false, static_cast<uint8_t>(count), rtcp::kSdes, total);
    return total;
}

}  // namespace vcb::rtp
