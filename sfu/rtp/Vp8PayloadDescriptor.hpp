#pragma once
// VP8 RTP payload descriptor (RFC 7741 §4.2), at the start of every VP8 RTP payload:
//
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |X|R|N|S|R| PID | (REQUIRED)
//      +-+-+-+-+-+-+-+-+
// X:   |I|L|T|K| RSV   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// I:   |M| PictureID   | (OPTIONAL)  M = 1: 15-bit PictureID, continued in the next byte
//      +-+-+-+-+-+-+-+-+
//      |   PictureID   | (if M)
//      +-+-+-+-+-+-+-+-+
// L:   |   TL0PICIDX   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// T/K: |TID|Y| KEYIDX  | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
//
// followed, at the start of a frame (S = 1, PID = 0), by the VP8 payload header (RFC 7741 §4.3):
//
//      +-+-+-+-+-+-+-+-+
//      |Size0|H| VER |P|  P = 0: key frame (inverse key frame flag)
//      +-+-+-+-+-+-+-+-+
//      |     Size1     |
//      +-+-+-+-+-+-+-+-+
//      |     Size2     |
//      +-+-+-+-+-+-+-+-+
//      | 0x9d 0x01 0x2a | width (2) | height (2)   key frames only (RFC 6386 §9.1)
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

class Vp8PayloadDescriptor {
  public:
    static constexpr size_t kKeyFrameHeaderSize = 10;

    // Fails if the descriptor is truncated or nothing follows it.
    static bool parse(std::span<const uint8_t> payload, Vp8PayloadDescriptor& out);

    bool nonReference() const { return nonReference_; }
    bool startOfPartition() const { return startOfPartition_; }
    uint8_t partitionId() const { return partitionId_; }
    bool hasPictureId() const { return pictureIdSize_ != 0; }
    bool hasLongPictureId() const { return pictureIdSize_ == 2; }
    uint16_t pictureId() const { return pictureId_; }
    bool hasTl0PicIdx() const { return tl0PicIdxOffset_ != 0; }
    uint8_t tl0PicIdx() const { return tl0PicIdx_; }
    bool hasTid() const { return hasTid_; }
    uint8_t tid() const { return tid_; }
    bool layerSync() const { return layerSync_; }
    bool hasKeyIdx() const { return hasKeyIdx_; }
    uint8_t keyIdx() const { return keyIdx_; }

    // Descriptor length: the VP8 payload starts at this offset.
    size_t size() const { return size_; }
    // Byte offsets inside the payload for in-place rewriting by a simulcast forwarder (0 = absent).
    size_t pictureIdOffset() const { return pictureIdOffset_; }
    size_t tl0PicIdxOffset() const { return tl0PicIdxOffset_; }

    // First packet of a key frame: S = 1, PID = 0, P = 0 with a complete key frame header.
    bool isKeyFrame() const { return keyFrame_; }

  private:
    bool nonReference_ = false;
    bool startOfPartition_ = false;
    uint8_t partitionId_ = 0;
    uint8_t pictureIdSize_ = 0;
    uint16_t pictureId_ = 0;
    uint8_t tl0PicIdx_ = 0;
    bool hasTid_ = false;
    uint8_t tid_ = 0;
    bool layerSync_ = false;
    bool hasKeyIdx_ = false;
    uint8_t keyIdx_ = 0;
    size_t size_ = 0;
    size_t pictureIdOffset_ = 0;
    size_t tl0PicIdxOffset_ = 0;
    bool keyFrame_ = false;
};

}  // namespace vcb::rtp
