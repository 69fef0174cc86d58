#include "clients/loadgen/Subscriber.hpp"

#include <glib.h>

#include <algorithm>
#include <cstdint>

#include "clients/loadgen/CaptureFile.hpp"
#include "clients/loadgen/PacketStamp.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/Vp8PayloadDescriptor.hpp"

namespace vcb::loadgen {

Subscriber::Subscriber(LoopThread& loop, PeerConfig config, LatencyHistogram& latency,
                       int64_t pliIntervalUs)
    : PeerConnection(loop, std::move(config)),
      latency_(latency),
      pliIntervalUs_(pliIntervalUs),
      rtcpSsrc_(0x53554230 ^ static_cast<uint32_t>(reinterpret_cast<uintptr_t>(this))) {}

void Subscriber::sendPli(uint32_t mediaSsrc, int64_t nowUs) {
    // Compound RTCP (RFC 3550 §6.1): an empty receiver report, then the PLI.
    constexpr size_t kRoom =
        sizeof(rtcpBuffer_) - dtls::SrtpSession::maxRtcpOverhead(dtls::SrtpProfile::AeadAes128Gcm);
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(rtcpSsrc_);
    size_t len = rr.write(rtcpBuffer_, kRoom);
    rtp::RtcpPli pli;
    pli.setSenderSsrc(rtcpSsrc_);
    pli.setMediaSsrc(mediaSsrc);
    size_t pliLen = len == 0 ? 0 : pli.write(rtcpBuffer_ + len, kRoom - len);
    if (pliLen == 0) return;
    lastPliUs_ = nowUs;
    if (sendRtcp(rtcpBuffer_, len + pliLen, sizeof(rtcpBuffer_))) ++plisSent_;
}

void Subscriber::onConnectedTick(int64_t nowUs) {
    if (lastReportUs_ != 0 && nowUs - lastReportUs_ < kReportIntervalUs) return;
    lastReportUs_ = nowUs;
    constexpr size_t kRoom =
        sizeof(rtcpBuffer_) - dtls::SrtpSession::maxRtcpOverhead(dtls::SrtpProfile::AeadAes128Gcm);
    rtp::RtcpReceiverReport rr;
    rr.setSsrc(rtcpSsrc_);
    size_t len = rr.write(rtcpBuffer_, kRoom);
    if (len != 0) sendRtcp(rtcpBuffer_, len, sizeof(rtcpBuffer_));
}

std::vector<signaling::MediaSection> Subscriber::offerMedia() {
    // What a browser viewer offers, minus what would make us answer feedback (no NACK): mid,
    // abs-send-time and transport-cc keep the SFU's per-packet work realistic.
    std::vector<signaling::MediaSection> media(2);
    auto& audio = media[0];
    audio.mid = "0";
    audio.kind = sfu::MediaKind::Audio;
    audio.direction = signaling::Direction::RecvOnly;
    audio.codecs.push_back({CaptureFile::kAudioPayloadType,
                            "opus",
                            48000,
                            2,
                            "minptime=10;useinbandfec=1",
                            {},
                            std::nullopt});
    // Audio with mid only, video with all three: what Janus's VideoRoom offers its subscribers,
    // so both servers do the same header work per packet in tests/bench/fanout.sh.
    audio.extensions = {{1, sfu::ext::kMid}};
    auto& video = media[1];
    video.mid = "1";
    video.kind = sfu::MediaKind::Video;
    video.direction = signaling::Direction::RecvOnly;
    video.codecs.push_back(
        {CaptureFile::kVideoPayloadType, "VP8", 90000, 0, "", {"nack pli"}, std::nullopt});
    video.extensions = {
        {1, sfu::ext::kMid}, {3, sfu::ext::kAbsSendTime}, {4, sfu::ext::kTransportCc}};
    return media;
}

bool Subscriber::acceptAnswerMedia(const signaling::SessionDescription& answer,
                                   std::string& error) {
    if (answer.media.size() != 2 || answer.media[0].rejected || answer.media[1].rejected) {
        error = "server did not accept both audio and video";
        return false;
    }
    for (const auto& m : answer.media) {
        uint8_t want = m.kind == sfu::MediaKind::Audio ? CaptureFile::kAudioPayloadType
                                                       : CaptureFile::kVideoPayloadType;
        if (m.codecs.empty() || m.codecs.front().payloadType != want) {
            error = "answer changed the payload type of mid " + m.mid;
            return false;
        }
    }
    return true;
}

std::optional<std::vector<signaling::MediaSection>> Subscriber::answerMedia(
    const signaling::SessionDescription& offer, std::string& error) {
    const auto ours = offerMedia();  // what we would have offered, per kind
    std::vector<signaling::MediaSection> media;
    bool audio = false;
    bool video = false;
    for (const auto& m : offer.media) {
        signaling::MediaSection a;
        a.mid = m.mid;
        a.kind = m.kind;
        a.direction = signaling::Direction::RecvOnly;
        a.rejected = true;
        const auto& own = ours[m.kind == sfu::MediaKind::Audio ? 0 : 1];
        const bool sends = m.direction == signaling::Direction::SendOnly ||
                           m.direction == signaling::Direction::SendRecv;
        bool& have = m.kind == sfu::MediaKind::Audio ? audio : video;
        if (!m.rejected && sends && !have) {
            for (const auto& c : m.codecs) {
                const auto& want = own.codecs.front();
                if (c.payloadType != want.payloadType ||
                    g_ascii_strcasecmp(c.name.c_str(), want.name.c_str()) != 0) {
                    continue;
                }
                sfu::RtpCodec codec = c;
                codec.rtxPayloadType.reset();
                codec.rtcpFeedback.clear();
                for (const auto& fb : want.rtcpFeedback) {
                    if (std::find(c.rtcpFeedback.begin(), c.rtcpFeedback.end(), fb) !=
                        c.rtcpFeedback.end()) {
                        codec.rtcpFeedback.push_back(fb);
                    }
                }
                a.codecs.push_back(std::move(codec));
                a.rejected = false;
                have = true;
                break;
            }
            for (const auto& e : m.extensions) {
                for (const auto& x : own.extensions) {
                    if (x.uri == e.uri) a.extensions.push_back(e);
                }
            }
        }
        if (a.rejected) a.extensions.clear();
        media.push_back(std::move(a));
    }
    if (!audio || !video) {
        error = "offer lacks Opus/" + std::to_string(CaptureFile::kAudioPayloadType) + " or VP8/" +
                std::to_string(CaptureFile::kVideoPayloadType);
        return std::nullopt;
    }
    return media;
}

void Subscriber::onRtp(const rtp::RtpPacket& packet, int64_t nowUs) {
    bool isVideo = packet.payloadType() == CaptureFile::kVideoPayloadType;
    if (!isVideo && packet.payloadType() != CaptureFile::kAudioPayloadType) {
        ++unstamped_;
        return;
    }
    auto stamp = PacketStamp::read(packet);
    if (!stamp) {
        ++unstamped_;
        return;
    }
    if (isVideo && !firstKeyFrameUs_) {
        rtp::Vp8PayloadDescriptor vp8;
        if (rtp::Vp8PayloadDescriptor::parse(packet.payload(), vp8) && vp8.isKeyFrame()) {
            firstKeyFrameUs_ = nowUs;
        } else if (pliIntervalUs_ > 0 &&
                   (lastPliUs_ == 0 || nowUs - lastPliUs_ >= pliIntervalUs_)) {
            sendPli(packet.ssrc(), nowUs);
        }
    }
    StreamReceiveStats& stats = isVideo ? video_ : audio_;
    uint64_t before = stats.received();
    stats.onPacket(stamp->counter);
    // Latency of distinct packets only: a duplicate says nothing new about the path.
    if (stats.received() != before) latency_.record(nowUs - stamp->sendTimeUs);
}

SubscriberStats Subscriber::stats() const {
    SubscriberStats s;
    s.audioPackets = audio_.received();
    s.videoPackets = video_.received();
    s.expected = audio_.expected() + video_.expected();
    s.lost = audio_.lost() + video_.lost();
    s.duplicates = audio_.duplicates() + video_.duplicates();
    s.late = audio_.late() + video_.late();
    s.unstamped = unstamped_;
    s.srtpFailures = srtpFailures();
    s.plisSent = plisSent_;
    s.firstKeyFrameUs = firstKeyFrameUs_;
    return s;
}

}  // namespace vcb::loadgen
