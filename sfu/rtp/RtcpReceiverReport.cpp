#include "sfu/rtp/RtcpReceiverReport.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpReceiverReport::parse(const uint8_t* data, size_t len, RtcpReceiverReport& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpReceiverReport::parse(const RtcpHeader& header, RtcpReceiverReport& out) {
    if (header.packetType() != rtcp::kReceiverReport) {
        return false;
    }
    const auto body = header.body();
    const size_t blocks = header.count();
    if (body.size() < 4 || (body.size() - 4) / ReportBlock::kSize < blocks) {
        return false;
    }
    out.ssrc_ = readU32(body.data());
    out.wireBlocks_ = body.data() + 4;
    out.wireBlockCount_ = blocks;
    out.blocks_ = {};
    return true;
}

size_t RtcpReceiverReport::reportBlockCount() const {
    return wireBlocks_ != nullptr ? wireBlockCount_ : blocks_.size();
}

ReportBlock RtcpReceiverReport::reportBlock(size_t i) const {
    if (wireBlocks_ != nullptr) {
        return i < wireBlockCount_ ? ReportBlock::read(wireBlocks_ + ReportBlock::kSize * i)
                                   : ReportBlock{};
    }
    return i < blocks_.size() ? blocks_[i] : ReportBlock{};
}

void RtcpReceiverReport::setReportBlocks(std::span<const ReportBlock> blocks) {
    wireBlocks_ = nullptr;
    wireBlockCount_ = 0;
    blocks_ = blocks;
}

size_t RtcpReceiverReport::write(uint8_t* out, size_t capacity) const {
    const size_t blocks = reportBlockCount();
    const size_t total = size();
    if (out == nullptr || blocks > rtcp::kMaxCount || total > capacity) {
        return 0;
    }
    RtcpHeader::write(out, false, static_cast<uint8_t>(blocks), rtcp::kReceiverReport, total);
    writeU32(out + 4, ssrc_);
    for (size_t i = 0; i < blocks; ++i) {
        reportBlock(i).write(out + kFixedSize + ReportBlock::kSize * i);
    }
    return total;
}

}  // namespace vcb::rtp
