#include "sfu/core/Consumer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "sfu/CodecMatch.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/rtp/RtcpSdes.hpp"
#include "sfu/rtp/RtcpSenderReport.hpp"
#include "sfu/rtp/RtpExtensionValues.hpp"
#include "sfu/rtp/SequenceNumber.hpp"

namespace vcb::sfu {

namespace {
constexpr size_t kOutCapacity = 1600;  // MTU-sized packet + SRTP trailer
constexpr size_t kSrtpRoom = 64;       // left free for the SRTP trailer
constexpr size_t kRtxOsnSize = 2;      // RFC 4588 original sequence number ahead of the payload
// How far behind the newest input packet the switch point may lie (packets older than that are
// dropped anyway, and far beyond any NACK history).
constexpr uint16_t kMaxEpochSpan = 0x4000;
// Forwarded packets are written here and encrypted in place: no allocation per packet.
thread_local std::array<uint8_t, kOutCapacity> tSendBuffer;

}  // namespace

Consumer::Consumer(ConsumerOptions options, PacketSink& subscriber, Listener& listener,
                   uint16_t initialSeq, uint32_t initialTimestamp, uint16_t initialRtxSeq)
    : options_(std::move(options)),
      subscriber_(subscriber),
      listener_(listener),
      nextRtxSeq_(initialRtxSeq),
      lastOutSeq_(static_cast<uint16_t>(initialSeq - 1)),
      lastOutTs_(initialTimestamp),
      historySize_(options_.kind == MediaKind::Video ? kVideoHistory : kAudioHistory),
      sent_(std::make_unique<SentSlot[]>(historySize_)) {
    Metrics::instance().consumersOpen.fetch_add(1, std::memory_order_relaxed);
}

Consumer::~Consumer() { Metrics::instance().consumersOpen.fetch_sub(1, std::memory_order_relaxed); }

void Consumer::setProducer(Producer* producer, int64_t nowUs) {
    producer_ = producer;
    syncPending_ = true;
    rebuildMapping();
    // A subscriber still in its DTLS handshake would lose the key frame: the router asks when
    // its transport connects instead.
    if (producer_ != nullptr && options_.kind == MediaKind::Video && subscriber_.connected()) {
        listener_.onConsumerKeyFrameRequest(*this, nowUs);
    }
}

void Consumer::rebuildMapping() {
    idMap_.fill(0);
    outPayloadType_ = -1;
    outRtxPayloadType_ = -1;
    if (producer_ == nullptr) return;
    const ProducerOptions& p = producer_->options();
    clockRate_ = p.clockRate;
    for (const auto& codec : options_.codecs) {
        // H.264 also needs the same profile and packetization-mode: a subscriber that accepts
        // only Constrained Baseline mode 1 must never get High or mode 0.
        if (codecsMatch(codec.name, codec.clockRate, codec.fmtp, p.codecName, p.clockRate,
                        p.codecFmtp)) {
            outPayloadType_ = codec.payloadType;
            if (options_.rtxSsrc != 0 && codec.rtxPayloadType) {
                outRtxPayloadType_ = *codec.rtxPayloadType;
            }
            break;
        }
    }
    // Only audio level passes through unchanged in meaning; mid, abs-send-time and transport-cc
    // describe this hop and are written fresh per packet; rid is meaningless to the subscriber.
    if (p.extensions.audioLevel != 0 && options_.extensions.audioLevel != 0) {
        idMap_[p.extensions.audioLevel] = options_.extensions.audioLevel;
    }
}

void Consumer::forward(const rtp::RtpPacket& packet, int64_t nowUs) {
    if (outPayloadType_ < 0 || producer_ == nullptr || !subscriber_.connected()) {
        // Not connected yet: keep waiting for a key frame rather than spend it on nobody.
        ++packetsDropped_;
        return;
    }
    uint16_t inSeq = packet.sequenceNumber();
    bool startsEpoch = false;
    if (syncPending_) {
        if (options_.kind == MediaKind::Video && !producer_->isKeyFramePacket(packet)) {
            // A decoder cannot start mid-GOP: wait for the key frame we asked for.
            ++packetsDropped_;
            listener_.onConsumerKeyFrameRequest(*this, nowUs);
            return;
        }
        uint16_t outSeq = static_cast<uint16_t>(lastOutSeq_ + 1);
        uint32_t outTs = lastOutTs_;
        if (started_) {
            // Keep the timeline moving by the wall-clock gap so the jitter buffer stays sane.
            int64_t gapTicks = std::max<int64_t>(1, (nowUs - lastOutUs_) * clockRate_ / 1000000);
            outTs = lastOutTs_ + static_cast<uint32_t>(gapTicks);
        }
        // H.264: the IDR's SPS/PPS came in packets of their own just before it; the decoder
        // needs them, so the epoch starts at them and they are resent from the buffer.
        const uint16_t lead = options_.kind == MediaKind::Video
                                  ? producer_->parameterSetPacketsBefore(packet, nowUs)
                                  : 0;
        const uint16_t startSeq = static_cast<uint16_t>(inSeq - lead);
        seqOffset_ = static_cast<uint16_t>(outSeq - startSeq);
        tsOffset_ = outTs - packet.timestamp();
        epochStartSeq_ = startSeq;
        maxInSeq_ = inSeq;
        syncPending_ = false;
        startsEpoch = true;
        if (++epoch_ == 0) epoch_ = 1;  // 0 marks an empty history slot
        for (uint16_t seq = startSeq; seq != inSeq; ++seq) {
            rtp::RtpPacket parameterSets;
            if (!producer_->findPacket(seq, nowUs, parameterSets)) continue;
            const auto psOutSeq = static_cast<uint16_t>(seq + seqOffset_);
            const size_t bytes = send(parameterSets, psOutSeq, outTs, nowUs, nullptr);
            if (rtp::isNewer(psOutSeq, lastOutSeq_)) lastOutSeq_ = psOutSeq;  // spent either way
            if (bytes != 0) {
                ++packetsSent_;
                octetsSent_ += parameterSets.payloadSize();
                earnNackBudget(bytes, nowUs);
            }
        }
    } else if (inSeq != epochStartSeq_ && !rtp::isNewer(inSeq, epochStartSeq_)) {
        ++packetsDropped_;  // older than the switch point: belongs to a frame we never started
        return;
    }
    uint16_t outSeq = static_cast<uint16_t>(inSeq + seqOffset_);
    uint32_t outTs = packet.timestamp() + tsOffset_;
    if (!startsEpoch && alreadyUsed(outSeq)) {
        // A duplicate from the publisher (network duplication, its own retransmission of a packet
        // we had): sealing other header bytes under this number again would reuse the SRTP
        // nonce, and the subscriber has the packet anyway.
        ++packetsDropped_;
        count(Metrics::instance().rtpRepeatsDropped);
        return;
    }
    if (rtp::isNewer(inSeq, maxInSeq_)) {
        maxInSeq_ = inSeq;
        // Serial-number comparison only works within half the sequence space: let the switch
        // point trail the newest packet by at most kMaxEpochSpan, or after 2^15 packets every
        // new packet would look older than it and be dropped.
        if (static_cast<uint16_t>(maxInSeq_ - epochStartSeq_) > kMaxEpochSpan) {
            epochStartSeq_ = static_cast<uint16_t>(maxInSeq_ - kMaxEpochSpan);
        }
    }
    size_t sentBytes = send(packet, outSeq, outTs, nowUs, nullptr);
    // The number is spent even if the transport refused the packet (it may have been sealed):
    // a new epoch continues after it.
    if (rtp::isNewer(outSeq, lastOutSeq_)) lastOutSeq_ = outSeq;
    if (sentBytes != 0) {
        if (outSeq == lastOutSeq_) {
            lastOutTs_ = outTs;
            lastOutUs_ = nowUs;
        }
        started_ = true;
        ++packetsSent_;
        octetsSent_ += packet.payloadSize();
        earnNackBudget(sentBytes, nowUs);
        count(Metrics::instance().rtpForwarded);
    } else if (startsEpoch) {
        // The key frame never reached the subscriber (e.g. its DTLS is not up yet): starting the
        // stream on the frames after it would only show garbage, so wait for the next one.
        syncPending_ = true;
    }
}

bool Consumer::alreadyUsed(uint16_t outSeq) {
    if (!rtp::isNewer(outSeq, lastOutSeq_) &&
        static_cast<uint16_t>(lastOutSeq_ - outSeq) >= historySize_) {
        return true;  // beyond the ring: cannot prove it was never sent, and far too late anyway
    }
    const SentSlot& slot = slotFor(outSeq);
    return slot.epoch != 0 && slot.seq == outSeq;
}

void Consumer::earnNackBudget(size_t bytes, int64_t nowUs) {
    constexpr int64_t kWindowUs = 1'000'000;
    if (nowUs - windowStartUs_ >= kWindowUs) {
        lastWindowBytes_ = nowUs - windowStartUs_ < 2 * kWindowUs ? windowBytes_ : 0;
        windowBytes_ = 0;
        windowStartUs_ = nowUs;
    }
    windowBytes_ += bytes;
    const double depth = std::max<double>(
        kNackBurstFloorBytes,
        kNackBudgetShare * static_cast<double>(std::max(lastWindowBytes_, windowBytes_)));
    nackTokens_ = std::min(depth, nackTokens_ + kNackBudgetShare * static_cast<double>(bytes));
}

int64_t Consumer::resendIntervalUs() const {
    if (rttUs_ < 0) return kDefaultResendIntervalUs;
    return std::clamp(rttUs_, kMinResendIntervalUs, kMaxResendIntervalUs);
}

size_t Consumer::write(const rtp::RtpPacket& packet, const rtp::RtpHeaderRewrite& header,
                       int64_t nowUs, const SentSlot* replay, SentSlot& fresh, size_t capacity) {
    std::array<uint8_t, 2> transportSeq{};
    std::array<rtp::RtpExtensionElement, 3> extra{};
    size_t extraCount = 0;
    const ExtensionIds& ids = options_.extensions;
    if (ids.mid != 0 && !options_.mid.empty()) {
        extra[extraCount++] = {
            ids.mid, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(options_.mid.data()),
                                              options_.mid.size())};
    }
    if (ids.absSendTime != 0) {
        if (replay != nullptr) {
            fresh.absSendTime = replay->absSendTime;
        } else {
            rtp::writeAbsSendTime(fresh.absSendTime,
                                  rtp::absSendTimeFromMicros(static_cast<uint64_t>(nowUs)));
        }
        extra[extraCount++] = {ids.absSendTime, fresh.absSendTime};
    }
    if (ids.transportCc != 0) {
        fresh.transportSeq =
            replay != nullptr ? replay->transportSeq : subscriber_.nextTransportSequence();
        rtp::writeTransportSequenceNumber(transportSeq, fresh.transportSeq);
        extra[extraCount++] = {ids.transportCc, transportSeq};
    }
    return rtp::RtpPacketWriter::write(
        packet, header, idMap_, std::span<const rtp::RtpExtensionElement>(extra.data(), extraCount),
        tSendBuffer.data(), capacity);
}

size_t Consumer::send(const rtp::RtpPacket& packet, uint16_t outSeq, uint32_t outTs, int64_t nowUs,
                      const SentSlot* replay) {
    const rtp::RtpHeaderRewrite header{options_.ssrc, outSeq, outTs,
                                       static_cast<uint8_t>(outPayloadType_), packet.marker()};
    SentSlot fresh{};
    const size_t len = write(packet, header, nowUs, replay, fresh, kOutCapacity - kSrtpRoom);
    if (len == 0) {
        ++packetsDropped_;
        return 0;
    }
    if (replay != nullptr) {
        if (len != replay->size) return 0;  // not the packet that went out under this number
    } else {
        // Recorded before the transport sees it: once sealed, this number belongs to these bytes.
        SentSlot& slot = slotFor(outSeq);
        slot = SentSlot{};
        slot.epoch = epoch_;
        slot.timestamp = outTs;
        slot.seq = outSeq;
        slot.inSeq = packet.sequenceNumber();
        slot.transportSeq = fresh.transportSeq;
        slot.size = static_cast<uint16_t>(len);
        slot.absSendTime = fresh.absSendTime;
    }
    return subscriber_.sendRtp(tSendBuffer.data(), len, kOutCapacity) ? len : 0;
}

size_t Consumer::sendRtx(const rtp::RtpPacket& original, const SentSlot& slot, int64_t nowUs) {
    // RFC 4588 §4: RTX header (own SSRC, payload type, sequence number; the original's timestamp
    // and marker), then the original sequence number as the subscriber saw it, then the payload.
    const rtp::RtpHeaderRewrite header{options_.rtxSsrc, nextRtxSeq_, slot.timestamp,
                                       static_cast<uint8_t>(outRtxPayloadType_), original.marker()};
    SentSlot fresh{};
    size_t len =
        write(original, header, nowUs, nullptr, fresh, kOutCapacity - kSrtpRoom - kRtxOsnSize);
    if (len == 0) {
        ++packetsDropped_;
        return 0;
    }
    // Same extension elements as the original, so the same size unless it is another packet.
    if (len != slot.size) return 0;
    uint8_t* buf = tSendBuffer.data();
    const size_t tail = original.payloadSize() + original.paddingSize();
    const size_t headerSize = len - tail;
    std::memmove(buf + headerSize + kRtxOsnSize, buf + headerSize, tail);
    buf[headerSize] = static_cast<uint8_t>(slot.seq >> 8);
    buf[headerSize + 1] = static_cast<uint8_t>(slot.seq);
    len += kRtxOsnSize;
    // Spent whether or not the transport takes it: it may have been sealed.
    ++nextRtxSeq_;
    return subscriber_.sendRtp(buf, len, kOutCapacity) ? len : 0;
}

void Consumer::receiveNack(std::span<const uint16_t> lostSeqs, int64_t nowUs) {
    auto& m = Metrics::instance();
    count(m.nacksReceived, lostSeqs.size());
    nacksReceived_ += lostSeqs.size();
    if (!options_.nack) {
        // Not an unanswered repair: nothing was promised (audio; webrtcbin NACKs it regardless).
        count(m.nacksRefusedNotNegotiated, lostSeqs.size());
        return;
    }
    if (producer_ == nullptr || syncPending_) {
        count(m.nacksUnanswered, lostSeqs.size());
        return;
    }
    if (lostSeqs.size() > kMaxNackSeqsPerMessage) {
        count(m.nacksRefusedCap, lostSeqs.size() - kMaxNackSeqsPerMessage);
        lostSeqs = lostSeqs.first(kMaxNackSeqsPerMessage);
    }
    if (++nackRound_ == 0) nackRound_ = 1;
    const int64_t interval = resendIntervalUs();
    const bool rtx = sendsRtx();
    for (uint16_t outSeq : lostSeqs) {
        SentSlot& slot = slotFor(outSeq);
        // Only what this epoch sent under that number (not before a switch, not overwritten).
        if (slot.epoch != epoch_ || slot.seq != outSeq) {
            count(m.nacksUnanswered);
            continue;
        }
        if (slot.nackRound == nackRound_) {
            count(m.nacksRefusedDuplicate);
            continue;
        }
        slot.nackRound = nackRound_;
        if (slot.lastResentUs != 0 && nowUs - slot.lastResentUs < interval) {
            count(m.nacksRefusedRecent);
            continue;
        }
        rtp::RtpPacket original;
        if (!producer_->findPacket(slot.inSeq, nowUs, original) ||
            original.timestamp() + tsOffset_ != slot.timestamp) {
            count(m.nacksUnanswered);
            continue;
        }
        const size_t cost = slot.size + (rtx ? kRtxOsnSize : 0);
        if (nackTokens_ < static_cast<double>(cost)) {
            count(m.nacksRefusedBudget);
            continue;
        }
        const size_t sent = rtx ? sendRtx(original, slot, nowUs)
                                : send(original, outSeq, slot.timestamp, nowUs, &slot);
        if (sent != 0) {
            nackTokens_ -= static_cast<double>(sent);
            slot.lastResentUs = nowUs;
            count(m.rtpRetransmitted);
            count(m.rtpRetransmittedBytes, sent);
            if (rtx) count(m.rtpRetransmittedRtx);
        } else {
            count(m.nacksUnanswered);
        }
    }
}

size_t Consumer::writeSenderReport(uint8_t* out, size_t capacity, uint64_t ntp, int64_t nowUs) {
    if (!started_) return 0;
    srNtpMiddle_[srNext_] = static_cast<uint32_t>(ntp >> 16);
    srSentUs_[srNext_] = nowUs;
    srNext_ = (srNext_ + 1) % srSentUs_.size();
    rtp::RtcpSenderReport sr;
    sr.setSsrc(options_.ssrc);
    sr.setNtpTimestamp(ntp);
    int64_t elapsedTicks = (nowUs - lastOutUs_) * clockRate_ / 1000000;
    sr.setRtpTimestamp(lastOutTs_ + static_cast<uint32_t>(elapsedTicks));
    sr.setPacketCount(static_cast<uint32_t>(packetsSent_));
    sr.setOctetCount(static_cast<uint32_t>(octetsSent_));
    size_t len = sr.write(out, capacity);
    if (len == 0) return 0;
    rtp::SdesChunk chunk{options_.ssrc, options_.cname};
    rtp::RtcpSdes sdes;
    sdes.setChunks(std::span<const rtp::SdesChunk>(&chunk, 1));
    size_t sdesLen = sdes.write(out + len, capacity - len);
    return sdesLen == 0 ? len : len + sdesLen;
}

void Consumer::receiveReportBlock(const rtp::ReportBlock& block, int64_t nowUs) {
    fractionLost_ = block.fractionLost;
    reportedJitter_ = block.jitter;
    if (block.lastSr == 0) return;  // no SR received yet
    for (size_t i = 0; i < srSentUs_.size(); ++i) {
        if (srSentUs_[i] == 0 || srNtpMiddle_[i] != block.lastSr) continue;
        // RFC 3550 §6.4.1: RTT = arrival - LSR - DLSR (DLSR in 1/65536 s).
        const int64_t rtt =
            nowUs - srSentUs_[i] - static_cast<int64_t>(block.delaySinceLastSr) * 1'000'000 / 65536;
        if (rtt < -1'000 || rtt > 10'000'000) return;  // a lying or confused receiver
        const int64_t sample = std::max<int64_t>(rtt, 0);
        rttUs_ = rttUs_ < 0 ? sample : (7 * rttUs_ + sample) / 8;
        return;
    }
}

}  // namespace vcb::sfu
