#include "sfu/rtp/RtcpSenderReport.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpSenderReport::parse(const uint8_t* data, size_t len, RtcpSenderReport& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpSenderReport::parse(const RtcpHeader& header, RtcpSenderReport& out) {
    if (header.packetType() != rtcp::kSenderReport) {
        return false;
    }
    const auto body = header.body();
    const size_t blocks = header.count();
    const size_t info = kFixedSize - rtcp::kHeaderSize;
    if (body.size() < info || (body.size() - info) / ReportBlock::kSize < blocks) {
        return false;
    }
    const uint8_t* p = body.data();
    out.ssrc_ = readU32(p);
    out.ntpTimestamp_ = readU64(p + 4);
    out.rtpTimestamp_ = readU32(p + 12);
    out.packetCount_ = readU32(p + 16);
    out.octetCount_ = readU32(p + 20);
    out.wireBlocks_ = p + info;
    out.wireBlockCount_ = blocks;
    out.blocks_ = {};
    return true;
}

size_t RtcpSenderReport::reportBlockCount() const {
    return wireBlocks_ != nullptr ? wireBlockCount_ : blocks_.size();
}

ReportBlock RtcpSenderReport::reportBlock(size_t i) const {
    if (wireBlocks_ != nullptr) {
        return i < wireBlockCount_ ? ReportBlock::read(wireBlocks_ + ReportBlock::kSize * i)
                                   : ReportBlock{};
    }
    return i < blocks_.size() ? blocks_[i] : ReportBlock{};
}

void RtcpSenderReport::setReportBlocks(std::span<const ReportBlock> blocks) {
    wireBlocks_ = nullptr;
    wireBlockCount_ = 0;
    blocks_ = blocks;
}

size_t RtcpSenderReport::write(uint8_t* out, size_t capacity) const {
    const size_t blocks = reportBlockCount();
    const size_t total = size();
    if (out == nullptr || blocks > rtcp::kMaxCount || total > capacity) {
        return 0;
    }
    RtcpHeader::write(out, false, static_cast<uint8_t>(blocks), rtcp::kSenderReport, total);
    writeU32(out + 4, ssrc_);
    writeU64(out + 8, ntpTimestamp_);
    writeU32(out + 16, rtpTimestamp_);
    writeU32(out + 20, packetCount_);
    writeU32(out + 24, octetCount_);
    for (size_t i = 0; i < blocks; ++i) {
        reportBlock(i).write(out + kFixedSize + ReportBlock::kSize * i);
    }
    return total;
}

}  // namespace vcb::rtp
