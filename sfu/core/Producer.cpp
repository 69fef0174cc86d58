#include "sfu/core/Producer.hpp"

#include <array>

#include "sfu/core/Metrics.hpp"
#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"

namespace vcb::sfu {

namespace {
constexpr int64_t kRetransmitMaxAgeUs = 1'000'000;  // older packets are useless to a decoder
}

Producer::Producer(ProducerOptions options, PacketSink& publisher, Listener& listener)
    : options_(std::move(options)),
      publisher_(publisher),
      listener_(listener),
      videoCodec_(options_.kind == MediaKind::Video ? videoCodecFromName(options_.codecName)
                                                    : VideoCodec::Other),
      stats_(options_.clockRate) {
    if (options_.kind == MediaKind::Video) buffer_ = std::make_unique<RetransmissionBuffer>();
    Metrics::instance().producersOpen.fetch_add(1, std::memory_order_relaxed);
}

Producer::~Producer() { Metrics::instance().producersOpen.fetch_sub(1, std::memory_order_relaxed); }

bool Producer::isKeyFramePacket(const rtp::RtpPacket& packet) const {
    return options_.kind == MediaKind::Video && isKeyFrame(videoCodec_, packet.payload());
}

void Producer::receiveRtp(const rtp::RtpPacket& packet, int64_t nowUs) {
    if (packet.payloadType() != options_.payloadType) {
        // RTX or a codec we did not negotiate for this stream: nothing to forward.
        count(Metrics::instance().droppedMalformed);
        return;
    }
    if (!stats_.update(packet.sequenceNumber(), packet.timestamp(), nowUs)) return;
    if (awaitingKeyFrame_ && isKeyFramePacket(packet)) awaitingKeyFrame_ = false;
    if (buffer_) buffer_->store(packet, nowUs);
    listener_.onProducerRtp(*this, packet, nowUs);
}

bool Producer::requestKeyFrame(int64_t nowUs) {
    if (options_.kind != MediaKind::Video || options_.ssrc == 0) return false;
    if (lastKeyFrameRequestUs_ != 0 &&
        nowUs - lastKeyFrameRequestUs_ <
            (awaitingKeyFrame_ ? kKeyFrameRequestIntervalUs : kKeyFrameMinIntervalUs)) {
        return false;
    }
    lastKeyFrameRequestUs_ = nowUs;
    awaitingKeyFrame_ = true;
    // Compound packet (RFC 3550 §6.1): an empty RR first, so receivers that reject reduced-size
    // RTCP still accept the request.
    std::array<uint8_t, 96> buf{};
    constexpr size_t kRoom = 64;  // leaves room for the SRTCP trailer
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(publisher_.rtcpSsrc());
    size_t len = rr.write(buf.data(), kRoom);
    size_t fb = 0;
    if (options_.pli || !options_.fir) {
        rtp::RtcpPli pli;
        pli.setSenderSsrc(publisher_.rtcpSsrc());
        pli.setMediaSsrc(options_.ssrc);
        fb = pli.write(buf.data() + len, kRoom - len);
    } else {
        rtp::RtcpFir fir;
        fir.setSenderSsrc(publisher_.rtcpSsrc());
        rtp::FirEntry entry{options_.ssrc, ++firSequence_};
        fir.setEntries(std::span<const rtp::FirEntry>(&entry, 1));
        fb = fir.write(buf.data() + len, kRoom - len);
    }
    if (len == 0 || fb == 0) return false;
    len += fb;
    count(Metrics::instance().keyFrameRequestsSent);
    return publisher_.sendRtcp(buf.data(), len, buf.size());
}

uint16_t Producer::parameterSetPacketsBefore(const rtp::RtpPacket& packet, int64_t nowUs) {
    if (videoCodec_ != VideoCodec::H264) return 0;
    uint16_t n = 0;
    rtp::RtpPacket earlier;
    while (n < kMaxParameterSetPackets &&
           findPacket(static_cast<uint16_t>(packet.sequenceNumber() - n - 1), nowUs, earlier) &&
           earlier.timestamp() == packet.timestamp() &&
           isParameterSetsOnly(videoCodec_, earlier.payload())) {
        ++n;
    }
    return n;
}

bool Producer::findPacket(uint16_t seq, int64_t nowUs, rtp::RtpPacket& out) {
    return buffer_ && buffer_->find(seq, nowUs, kRetransmitMaxAgeUs, out);
}

}  // namespace vcb::sfu
