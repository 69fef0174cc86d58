#include "clients/loadgen/CaptureFile.hpp"

#include <fstream>
#include <iterator>

#include "sfu/rtp/RtpPacket.hpp"
#include "sfu/rtp/Vp8PayloadDescriptor.hpp"

namespace vcb::loadgen {

namespace {

bool setError(std::string* error, std::string text) {
    if (error != nullptr) *error = std::move(text);
    return false;
}

// Derives offsets and the loop length once every packet of the stream is known.
bool finishStream(CapturedStream& s, const char* name, std::string* error) {
    if (s.packets.empty())
        return setError(error, std::string("capture has no ") + name + " packets");
    size_t frames = 1;
    for (size_t i = 1; i < s.packets.size(); ++i) {
        if (s.packets[i].tickOffset != s.packets[i - 1].tickOffset) ++frames;
    }
    if (frames < 2) {
        return setError(error, std::string(name) + " stream needs at least two timestamps");
    }
    uint32_t last = s.packets.back().tickOffset;
    s.loopTicks = last + last / static_cast<uint32_t>(frames - 1);
    s.loopDurationUs = static_cast<int64_t>(s.loopTicks) * 1000000 / s.clockRate;
    for (auto& p : s.packets) {
        p.offsetUs = static_cast<int64_t>(p.tickOffset) * 1000000 / s.clockRate;
    }
    if (s.video) {
        bool anyKey = false;
        for (const auto& p : s.packets) anyKey = anyKey || p.keyFrameStart;
        if (!anyKey) return setError(error, "video stream has no key frame");
    }
    return true;
}

}  // namespace

double CapturedStream::bitrateBps() const {
    if (loopDurationUs <= 0) return 0;
    return static_cast<double>(payloadBytes) * 8.0 * 1e6 / static_cast<double>(loopDurationUs);
}

double CapturedStream::packetRate() const {
    if (loopDurationUs <= 0) return 0;
    return static_cast<double>(packets.size()) * 1e6 / static_cast<double>(loopDurationUs);
}

std::optional<CaptureFile> CaptureFile::parse(std::span<const uint8_t> bytes, std::string* error) {
    CaptureFile file;
    file.video_.payloadType = kVideoPayloadType;
    file.video_.clockRate = 90000;
    file.video_.video = true;
    file.audio_.payloadType = kAudioPayloadType;
    file.audio_.clockRate = 48000;
    uint32_t firstTs[2] = {0, 0};
    std::vector<uint8_t> scratch;
    size_t pos = 0;
    // Every iteration consumes at least the 2-byte length, so the loop ends.
    while (pos < bytes.size()) {
        if (bytes.size() - pos < 2) {
            setError(error, "truncated length at offset " + std::to_string(pos));
            return std::nullopt;
        }
        size_t len = (size_t{bytes[pos]} << 8) | bytes[pos + 1];
        pos += 2;
        if (len > bytes.size() - pos) {
            setError(error, "truncated packet at offset " + std::to_string(pos));
            return std::nullopt;
        }
        scratch.assign(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                       bytes.begin() + static_cast<std::ptrdiff_t>(pos + len));
        pos += len;
        rtp::RtpPacket rtp;
        if (!rtp::RtpPacket::parse(scratch.data(), scratch.size(), rtp)) {
            setError(error, "invalid RTP packet before offset " + std::to_string(pos));
            return std::nullopt;
        }
        bool isVideo = rtp.payloadType() == kVideoPayloadType;
        if (!isVideo && rtp.payloadType() != kAudioPayloadType) {
            setError(error, "unexpected payload type " + std::to_string(rtp.payloadType()));
            return std::nullopt;
        }
        if (rtp.payloadSize() == 0 || rtp.payloadSize() > kMaxPayload) {
            setError(error, "payload size " + std::to_string(rtp.payloadSize()) + " out of range");
            return std::nullopt;
        }
        CapturedStream& stream = isVideo ? file.video_ : file.audio_;
        uint32_t& ts0 = firstTs[isVideo ? 0 : 1];
        if (stream.packets.empty()) ts0 = rtp.timestamp();
        uint32_t offset = rtp.timestamp() - ts0;
        // Serial arithmetic: a timestamp "before" the previous one shows up as a huge offset.
        if (!stream.packets.empty() && (offset < stream.packets.back().tickOffset ||
                                        offset - stream.packets.back().tickOffset > 0x7FFFFFFF)) {
            setError(error, "RTP timestamps go backwards");
            return std::nullopt;
        }
        CapturedPacket p;
        auto payload = rtp.payload();
        p.payload.assign(payload.begin(), payload.end());
        p.marker = rtp.marker();
        p.tickOffset = offset;
        if (isVideo) {
            rtp::Vp8PayloadDescriptor vp8;
            p.keyFrameStart = rtp::Vp8PayloadDescriptor::parse(payload, vp8) && vp8.isKeyFrame();
        }
        stream.payloadBytes += p.payload.size();
        stream.packets.push_back(std::move(p));
    }
    if (!finishStream(file.video_, "video", error) || !finishStream(file.audio_, "audio", error)) {
        return std::nullopt;
    }
    return file;
}

std::optional<CaptureFile> CaptureFile::load(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        setError(error, "cannot open " + path);
        return std::nullopt;
    }
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    if (size < 0 || static_cast<uint64_t>(size) > kMaxFileBytes) {
        setError(error, path + ": size out of range");
        return std::nullopt;
    }
    in.seekg(0, std::ios::beg);
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) {
        setError(error, "cannot read " + path);
        return std::nullopt;
    }
    return parse(bytes, error);
}

}  // namespace vcb::loadgen
