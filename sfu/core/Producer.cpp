#include "sfu/core/Producer.hpp"

#include <array>
#include <cstring>

#include "sfu/core/Metrics.hpp"
#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/RtpExtensionValues.hpp"
#include "sfu/rtp/SequenceNumber.hpp"

namespace vcb::sfu {

namespace {
constexpr int64_t kRetransmitMaxAgeUs = 1'000'000;  // older packets are useless to a decoder
// RTX packets are unwrapped here: no allocation per packet.
thread_local std::array<uint8_t, 1600> tRtxBuffer;
}  // namespace

Producer::Producer(ProducerOptions options, PacketSink& publisher, Listener& listener)
    : options_(std::move(options)),
      publisher_(publisher),
      listener_(listener),
      videoCodec_(options_.kind == MediaKind::Video ? videoCodecFromName(options_.codecName)
                                                    : VideoCodec::Other),
      stats_(options_.clockRate) {
    if (options_.kind == MediaKind::Video) {
        buffer_ = std::make_unique<RetransmissionBuffer>();
        if (options_.nack) nack_ = std::make_unique<NackGenerator>();
    }
    Metrics::instance().producersOpen.fetch_add(1, std::memory_order_relaxed);
}

Producer::~Producer() { Metrics::instance().producersOpen.fetch_sub(1, std::memory_order_relaxed); }

bool Producer::isKeyFramePacket(const rtp::RtpPacket& packet) const {
    return options_.kind == MediaKind::Video && isKeyFrame(videoCodec_, packet.payload());
}

void Producer::receiveRtx(const rtp::RtpPacket& rtx, int64_t nowUs) {
    if (!nack_ || options_.rtxPayloadType == 0 || rtx.payloadType() != options_.rtxPayloadType ||
        options_.ssrc == 0) {
        count(Metrics::instance().droppedMalformed);
        return;
    }
    // RFC 4588 §4: the payload starts with the original sequence number (OSN).
    std::span<const uint8_t> payload = rtx.payload();
    if (payload.size() <= 2) return;  // padding-only bandwidth probe: nothing to repair
    const size_t header = rtx.headerSize();
    const size_t len = header + payload.size() - 2;
    if (len > tRtxBuffer.size()) {
        count(Metrics::instance().droppedMalformed);
        return;
    }
    uint8_t* out = tRtxBuffer.data();
    std::memcpy(out, rtx.data(), header);
    std::memcpy(out + header, payload.data() + 2, payload.size() - 2);
    out[0] &= static_cast<uint8_t>(~0x20);  // padding not copied
    out[1] = static_cast<uint8_t>((out[1] & 0x80) | options_.payloadType);
    out[2] = payload[0];
    out[3] = payload[1];
    for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(options_.ssrc >> (24 - 8 * i));
    rtp::RtpPacket original;
    if (!rtp::RtpPacket::parse(out, len, original)) {
        count(Metrics::instance().droppedMalformed);
        return;
    }
    handleRtp(original, nowUs, true);
}

void Producer::handleRtp(const rtp::RtpPacket& packet, int64_t nowUs, bool retransmission) {
    if (packet.payloadType() != options_.payloadType) {
        // RTX or a codec we did not negotiate for this stream: nothing to forward.
        count(Metrics::instance().droppedMalformed);
        return;
    }
    lastPacketUs_ = nowUs;
    const uint16_t seq = packet.sequenceNumber();
    const bool keyFrame = isKeyFramePacket(packet);
    const uint64_t repairedBefore = nack_ ? nack_->repairedCount() : 0;
    if (nack_ && nack_->repair(seq, nowUs)) {
        // Awaited: the publisher's answer to our NACK (or a reordered packet). It may lie further
        // behind than the statistics' reorder window tolerates, so it skips their validation.
        stats_.onRetransmission();
        count(Metrics::instance().packetsRepaired, nack_->repairedCount() - repairedBefore);
    } else if (retransmission) {
        return;  // an RTX copy of what we have (or gave up on): subscribers have it already
    } else {
        if (!stats_.update(seq, packet.timestamp(), nowUs)) return;
        if (nack_) {
            switch (nack_->onPacket(seq, keyFrame, nowUs)) {
                case NackGenerator::Arrival::Gap:
                    sendNacks(nowUs);  // at once: a round trip sooner than the timer
                    break;
                case NackGenerator::Arrival::Reset:
                    requestKeyFrame(nowUs);  // too much lost to repair
                    break;
                default:
                    break;
            }
        }
    }
    if (awaitingKeyFrame_ && keyFrame) awaitingKeyFrame_ = false;
    if (!retransmission) {
        bytesReceived_ += packet.size();
        const uint32_t ts = packet.timestamp();
        // A newer timestamp starts a frame (reordered packets of older frames are not counted).
        if (framesReceived_ == 0 || static_cast<int32_t>(ts - lastFrameTimestamp_) > 0) {
            ++framesReceived_;
            lastFrameTimestamp_ = ts;
        }
        if (keyFrame && videoCodec_ == VideoCodec::Vp8) {
            uint16_t w = 0, h = 0;
            if (vp8KeyFrameSize(packet.payload(), w, h)) {
                frameWidth_ = w;
                frameHeight_ = h;
            }
        }
    }
    if (!retransmission && options_.extensions.audioLevel != 0 &&
        options_.kind == MediaKind::Audio) {
        if (auto level =
                rtp::readAudioLevel(packet.findExtension(options_.extensions.audioLevel))) {
            levelSum_ += level->level;
            ++levelPackets_;
            voiceActivity_ = voiceActivity_ || level->voiceActivity;
        }
    }
    // Stored late or not, so that subscribers' own NACKs for a repaired packet find it; but a
    // packet a whole buffer behind the newest would evict a newer one from its slot.
    // A withheld packet is not kept: nothing may retransmit it to a subscriber later.
    if (buffer_ && forwarding_ &&
        rtp::seqDiff(static_cast<uint16_t>(stats_.extendedHighestSeq()), seq) <
            static_cast<int32_t>(buffer_->slotCount())) {
        buffer_->store(packet, nowUs);
    }
    listener_.onProducerRtp(*this, packet, nowUs);
}

std::optional<ProducerAudioLevel> Producer::takeAudioLevel() {
    if (levelPackets_ == 0) return std::nullopt;
    ProducerAudioLevel out;
    out.dBov = -static_cast<double>(levelSum_) / levelPackets_;
    out.voiceActivity = voiceActivity_;
    out.packets = levelPackets_;
    levelSum_ = 0;
    levelPackets_ = 0;
    voiceActivity_ = false;
    return out;
}

bool Producer::repeatKeyFrameRequest(int64_t nowUs) {
    if (!awaitingKeyFrame_ || keyFrameRepeats_ >= kMaxKeyFrameRepeats) return false;
    if (!publisher_.connected()) return false;
    if (nowUs - lastKeyFrameRequestUs_ < kKeyFrameRequestIntervalUs) return false;
    if (!requestKeyFrame(nowUs)) return false;
    ++keyFrameRepeats_;
    return true;
}

size_t Producer::sendNacks(int64_t nowUs) {
    if (!nack_) return 0;
    auto& m = Metrics::instance();
    if (nack_->missingCount() == 0 || options_.ssrc == 0 || !publisher_.connected()) {
        count(m.packetsGivenUp, nack_->givenUpCount() - givenUpReported_);
        givenUpReported_ = nack_->givenUpCount();
        return 0;
    }
    std::array<uint16_t, 256> lost;
    const size_t n = nack_->collect(nowUs, lost);
    count(m.packetsGivenUp, nack_->givenUpCount() - givenUpReported_);
    givenUpReported_ = nack_->givenUpCount();
    if (n == 0) return 0;
    std::array<rtp::NackItem, 256> items;
    size_t nItems =
        rtp::RtcpGenericNack::buildItems(std::span<const uint16_t>(lost.data(), n), items);
    // Compound packet led by an empty RR, as for PLI/FIR.
    std::array<uint8_t, 1500> buf{};
    constexpr size_t kRoom = 1400;  // leaves room for the SRTCP trailer
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(publisher_.rtcpSsrc());
    size_t len = rr.write(buf.data(), kRoom);
    rtp::RtcpGenericNack nack;
    nack.setSenderSsrc(publisher_.rtcpSsrc());
    nack.setMediaSsrc(options_.ssrc);
    nack.setItems(std::span<const rtp::NackItem>(items.data(), nItems));
    size_t fb = len == 0 ? 0 : nack.write(buf.data() + len, kRoom - len);
    if (fb == 0) return 0;
    count(m.nacksSent, n);
    nacksSent_ += n;
    publisher_.sendRtcp(buf.data(), len + fb, buf.size());
    return n;
}

bool Producer::requestKeyFrame(int64_t nowUs) {
    if (options_.kind != MediaKind::Video || options_.ssrc == 0) return false;
    if (lastKeyFrameRequestUs_ != 0 &&
        nowUs - lastKeyFrameRequestUs_ <
            (awaitingKeyFrame_ ? kKeyFrameRequestIntervalUs : kKeyFrameMinIntervalUs)) {
        return false;
    }
    lastKeyFrameRequestUs_ = nowUs;
    if (!awaitingKeyFrame_) keyFrameRepeats_ = 0;
    awaitingKeyFrame_ = true;
    // Compound packet (RFC 3550 §6.1): an empty RR first, so receivers that reject reduced-size
    // RTCP still accept the request.
    std::array<uint8_t, 96> buf{};
    constexpr size_t kRoom = 64;  // leaves room for the SRTCP trailer
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(publisher_.rtcpSsrc());
    size_t len = rr.write(buf.data(), kRoom);
    size_t fb = 0;
    const bool pli = options_.pli || !options_.fir;
    if (pli) {
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
    ++(pli ? plisSent_ : firsSent_);
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
