#include "clients/loadgen/Publisher.hpp"

#include <openssl/rand.h>

#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::loadgen {

namespace {
uint32_t randomNonZero() {
    uint32_t v = 0;
    // Any value will do; RAND_bytes only fails without entropy, where a fixed SSRC still works.
    for (int i = 0; i < 4 && v == 0; ++i) RAND_bytes(reinterpret_cast<unsigned char*>(&v), 4);
    return v == 0 ? 0x4C47454E : v;
}
}  // namespace

Publisher::Publisher(LoopThread& loop, PeerConfig config, const CaptureFile& capture,
                     double videoReplication, const std::atomic<bool>& sending)
    : PeerConnection(loop, std::move(config)),
      capture_(capture),
      videoReplication_(videoReplication),
      sending_(sending),
      audioSsrc_(randomNonZero()),
      videoSsrc_(randomNonZero()) {
    if (videoSsrc_ == audioSsrc_) videoSsrc_ ^= 1;
}

std::vector<signaling::MediaSection> Publisher::offerMedia() {
    std::vector<signaling::MediaSection> media(2);
    auto& audio = media[0];
    audio.mid = "0";
    audio.kind = sfu::MediaKind::Audio;
    audio.direction = signaling::Direction::SendOnly;
    audio.codecs.push_back({CaptureFile::kAudioPayloadType,
                            "opus",
                            48000,
                            2,
                            "minptime=10;useinbandfec=1",
                            {},
                            std::nullopt});
    audio.ssrcs = {audioSsrc_};
    audio.cname = "vcb-loadgen";
    audio.msidStream = "loadgen";
    audio.msidTrack = "loadgen-audio";
    auto& video = media[1];
    video.mid = "1";
    video.kind = sfu::MediaKind::Video;
    video.direction = signaling::Direction::SendOnly;
    video.codecs.push_back({CaptureFile::kVideoPayloadType,
                            "VP8",
                            90000,
                            0,
                            "",
                            {"nack", "nack pli", "ccm fir"},
                            std::nullopt});
    video.ssrcs = {videoSsrc_};
    video.cname = "vcb-loadgen";
    video.msidStream = "loadgen";
    video.msidTrack = "loadgen-video";
    return media;
}

bool Publisher::acceptAnswerMedia(const signaling::SessionDescription& answer, std::string& error) {
    if (answer.media.size() != 2 || answer.media[0].rejected || answer.media[1].rejected) {
        error = "server did not accept both audio and video";
        return false;
    }
    return true;
}

void Publisher::onConnected(int64_t nowUs) {
    ReplayConfig audio{audioSsrc_, static_cast<uint16_t>(randomNonZero()), randomNonZero(), 1.0};
    ReplayConfig video{videoSsrc_, static_cast<uint16_t>(randomNonZero()), randomNonZero(),
                       videoReplication_};
    audio_.emplace(capture_.audio(), audio, nowUs);
    video_.emplace(capture_.video(), video, nowUs);
}

void Publisher::onConnectedTick(int64_t nowUs) {
    if (!sending_.load(std::memory_order_relaxed) || !audio_ || !video_) return;
    sendDue(*audio_, stats_.audioPackets, nowUs);
    sendDue(*video_, stats_.videoPackets, nowUs);
}

void Publisher::sendDue(StreamReplayer& replayer, uint64_t& counter, int64_t nowUs) {
    constexpr size_t kCapacity = kPacketCapacity;
    // Leave room for the largest SRTP trailer of any profile we may negotiate.
    constexpr size_t kRoom =
        kCapacity - dtls::SrtpSession::maxRtpOverhead(dtls::SrtpProfile::AeadAes128Gcm);
    for (int i = 0; i < kMaxPacketsPerTick && replayer.nextDueUs() <= nowUs; ++i) {
        size_t len = replayer.writeNext(nowUs, sendBuffer_, kRoom);
        if (len == 0) {
            ++stats_.sendFailures;
            return;
        }
        if (sendRtp(sendBuffer_, len, kCapacity)) {
            ++counter;
            stats_.bytes += len;
        } else {
            ++stats_.sendFailures;
        }
    }
}

void Publisher::onRtcp(const uint8_t* data, size_t len, int64_t) {
    rtp::RtcpCompoundIterator it(data, len);
    rtp::RtcpHeader header;
    // next() consumes at least one packet header per call and stops at the end.
    while (it.next(header)) {
        if (header.packetType() == rtp::rtcp::kPsFeedback &&
            (header.count() == rtp::rtcp::kFmtPli || header.count() == rtp::rtcp::kFmtFir)) {
            ++stats_.keyFrameRequests;
            if (video_) video_->requestKeyFrame();
        }
    }
}

PublisherStats Publisher::stats() const {
    PublisherStats s = stats_;
    s.keyFramesForced = video_ ? video_->keyFramesForced() : 0;
    return s;
}

}  // namespace vcb::loadgen
