#include "clients/loadgen/StreamReplayer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "clients/loadgen/PacketStamp.hpp"

namespace vcb::loadgen {

StreamReplayer::StreamReplayer(const CapturedStream& stream, const ReplayConfig& config,
                               int64_t startUs)
    : stream_(stream), config_(config), nextSeq_(config.firstSequenceNumber) {
    config_.replication = std::clamp(config_.replication, 1.0, kMaxReplication);
    // Video starts on a key frame, as an encoder's first frame is one.
    if (stream_.video) {
        for (size_t i = 0; i < stream_.packets.size(); ++i) {
            if (stream_.packets[i].keyFrameStart) {
                index_ = i;
                break;
            }
        }
    }
    timeBaseUs_ = startUs - stream_.packets[index_].offsetUs;
    tsBase_ = config_.firstTimestamp - stream_.packets[index_].tickOffset;
    replicationCredit_ = config_.replication;
    copiesLeft_ = static_cast<uint32_t>(std::floor(replicationCredit_));
    replicationCredit_ -= copiesLeft_;
}

int64_t StreamReplayer::nextDueUs() const { return timeBaseUs_ + stream_.packets[index_].offsetUs; }

void StreamReplayer::requestKeyFrame() {
    if (stream_.video) keyFramePending_ = true;
}

size_t StreamReplayer::nextIndexAfter(size_t index) const {
    return index + 1 < stream_.packets.size() ? index + 1 : 0;
}

size_t StreamReplayer::writeNext(int64_t sendTimeUs, uint8_t* out, size_t capacity) {
    const auto& packets = stream_.packets;
    bool frameStart = index_ == 0 || packets[index_ - 1].tickOffset != packets[index_].tickOffset;
    if (keyFramePending_ && !copyInProgress_ && frameStart && !packets[index_].keyFrameStart) {
        // Jump to the next key frame, keeping this slot's due time and RTP timestamp.
        size_t k = nextIndexAfter(index_);
        for (size_t n = 0; n < packets.size() && !packets[k].keyFrameStart; ++n) {
            k = nextIndexAfter(k);
        }
        timeBaseUs_ += packets[index_].offsetUs - packets[k].offsetUs;
        tsBase_ += packets[index_].tickOffset - packets[k].tickOffset;
        index_ = k;
        ++keyFramesForced_;
    }
    const CapturedPacket& p = packets[index_];
    size_t size = kHeaderSize + p.payload.size() + PacketStamp::kPaddingSize;
    if (size > capacity) return 0;
    if (p.keyFrameStart) keyFramePending_ = false;

    uint32_t ts = tsBase_ + p.tickOffset;
    out[0] = 0x80 | 0x20;  // V=2, P=1 (the stamp), no extension, no CSRC
    out[1] = static_cast<uint8_t>((p.marker ? 0x80 : 0) | stream_.payloadType);
    out[2] = static_cast<uint8_t>(nextSeq_ >> 8);
    out[3] = static_cast<uint8_t>(nextSeq_);
    for (int i = 0; i < 4; ++i) {
        out[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
        out[8 + i] = static_cast<uint8_t>(config_.ssrc >> (24 - 8 * i));
    }
    std::memcpy(out + kHeaderSize, p.payload.data(), p.payload.size());
    PacketStamp stamp{nextCounter_, sendTimeUs};
    stamp.writePadding(
        std::span<uint8_t>(out + kHeaderSize + p.payload.size(), PacketStamp::kPaddingSize));
    ++nextSeq_;
    ++nextCounter_;
    ++packetsWritten_;
    advance();
    return size;
}

void StreamReplayer::advance() {
    copyInProgress_ = true;
    if (--copiesLeft_ > 0) return;
    copyInProgress_ = false;
    index_ = nextIndexAfter(index_);
    if (index_ == 0) {
        timeBaseUs_ += stream_.loopDurationUs;
        tsBase_ += stream_.loopTicks;
    }
    replicationCredit_ += config_.replication;
    copiesLeft_ = static_cast<uint32_t>(std::floor(replicationCredit_));
    replicationCredit_ -= copiesLeft_;
}

}  // namespace vcb::loadgen
