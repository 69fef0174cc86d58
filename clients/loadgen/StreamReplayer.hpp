#pragma once
// Replays one CapturedStream forever as a new RTP stream: own SSRC, contiguous sequence numbers,
// a continuous RTP timeline across loops, the original pacing (each packet is due at the loop
// start plus its capture offset) and a PacketStamp in every packet. I/O-free: the caller asks
// when the next packet is due and has it written into its buffer.
//
// Scaling: with replication r >= 1 each capture packet is sent floor-accumulated r times on
// average (r = 2.5 sends 2, 3, 2, 3 ... copies), every copy a packet of its own (own sequence
// number and stamp counter, same payload and timestamp), which multiplies packet and bit rate.
//
// Key frame requests (PLI/FIR from the SFU) make the replay jump, at the next frame boundary, to
// the capture's next key frame, as an encoder would answer with a key frame; the RTP timeline
// continues without a gap.
#include <cstddef>
#include <cstdint>

#include "clients/loadgen/CaptureFile.hpp"

namespace vcb::loadgen {

struct ReplayConfig {
    uint32_t ssrc = 0;
    uint16_t firstSequenceNumber = 0;
    uint32_t firstTimestamp = 0;
    double replication = 1.0;  // clamped to [1, kMaxReplication]
};

class StreamReplayer {
  public:
    static constexpr double kMaxReplication = 64.0;
    static constexpr size_t kHeaderSize = 12;

    // The stream must outlive the replayer and be non-empty (CaptureFile guarantees it).
    StreamReplayer(const CapturedStream& stream, const ReplayConfig& config, int64_t startUs);

    // When the next packet is due (monotonic µs).
    int64_t nextDueUs() const;

    // Writes the next packet (12-byte header, payload, stamp padding with sendTimeUs) and
    // advances. Returns its size, or 0 (nothing advanced) if capacity is too small.
    size_t writeNext(int64_t sendTimeUs, uint8_t* out, size_t capacity);

    void requestKeyFrame();
    bool keyFramePending() const { return keyFramePending_; }

    uint64_t packetsWritten() const { return packetsWritten_; }
    uint64_t keyFramesForced() const { return keyFramesForced_; }
    uint32_t ssrc() const { return config_.ssrc; }
    uint8_t payloadType() const { return stream_.payloadType; }

  private:
    size_t nextIndexAfter(size_t index) const;
    void advance();

    const CapturedStream& stream_;
    ReplayConfig config_;
    size_t index_ = 0;
    // Due time and RTP timestamp of packet i are timeBaseUs_ + offsetUs, tsBase_ + tickOffset.
    int64_t timeBaseUs_;
    uint32_t tsBase_;
    uint16_t nextSeq_;
    uint32_t nextCounter_ = 0;
    double replicationCredit_ = 0;  // copies still owed for the current capture packet
    uint32_t copiesLeft_ = 0;
    bool copyInProgress_ = false;  // some copies of packets_[index_] were already written
    bool keyFramePending_ = false;
    uint64_t packetsWritten_ = 0;
    uint64_t keyFramesForced_ = 0;
};

}  // namespace vcb::loadgen
