// Video RTP payloads: the VP8 payload descriptor and H.264 (single NAL, STAP-A, FU-A) parsers
// behind the Consumer's key-frame gate, and the gate itself (sfu::isKeyFrame).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfu/core/KeyFrameDetector.hpp"
#include "sfu/rtp/H264Payload.hpp"
#include "sfu/rtp/Vp8PayloadDescriptor.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

using namespace vcb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Exact-size copy: ASan flags any read past the payload.
    const std::vector<uint8_t> buf(data, data + size);
    const std::span<const uint8_t> payload(buf);

    rtp::Vp8PayloadDescriptor vp8;
    const bool vp8Ok = rtp::Vp8PayloadDescriptor::parse(payload, vp8);
    if (vp8Ok) {
        VCB_FUZZ_CHECK(vp8.size() >= 1 && vp8.size() < size);
        VCB_FUZZ_CHECK(vp8.pictureIdOffset() < vp8.size() && vp8.tl0PicIdxOffset() < vp8.size());
        VCB_FUZZ_CHECK(vp8.hasPictureId() == (vp8.pictureIdOffset() != 0));
        VCB_FUZZ_CHECK(!vp8.hasLongPictureId() || vp8.pictureId() < 0x8000);
        VCB_FUZZ_CHECK(vp8.hasLongPictureId() || vp8.pictureId() < 0x80);
        VCB_FUZZ_CHECK(vp8.partitionId() < 16 && vp8.tid() < 4 && vp8.keyIdx() < 32);
        if (vp8.isKeyFrame()) {
            VCB_FUZZ_CHECK(vp8.startOfPartition() && vp8.partitionId() == 0);
            VCB_FUZZ_CHECK(size - vp8.size() >= rtp::Vp8PayloadDescriptor::kKeyFrameHeaderSize);
            const uint8_t* frame = buf.data() + vp8.size();
            VCB_FUZZ_CHECK((frame[0] & 0x01) == 0);
            VCB_FUZZ_CHECK(frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a);
        }
    }
    VCB_FUZZ_CHECK(sfu::isKeyFrame(sfu::VideoCodec::Vp8, payload) == (vp8Ok && vp8.isKeyFrame()));

    rtp::H264Payload h264;
    const bool h264Ok = rtp::H264Payload::parse(payload, h264);
    if (h264Ok) {
        VCB_FUZZ_CHECK(size >= 1 && h264.packetType() == (buf[0] & 0x1F) && h264.packetType() != 0);
        VCB_FUZZ_CHECK(h264.nalType() < 32);
        VCB_FUZZ_CHECK(!(h264.isFragmentStart() && h264.isFragmentEnd()));
        if (h264.packetType() != rtp::H264Payload::kFuA) {
            VCB_FUZZ_CHECK(!h264.isFragmentStart() && !h264.isFragmentEnd());
        }
    }
    const bool h264Key = rtp::H264Payload::isKeyFrame(payload);
    VCB_FUZZ_CHECK(h264Key == (h264Ok && h264.isKeyFrame()));
    VCB_FUZZ_CHECK(sfu::isKeyFrame(sfu::VideoCodec::H264, payload) == h264Key);
    VCB_FUZZ_CHECK(sfu::isKeyFrame(sfu::VideoCodec::Other, payload));
    return 0;
}
