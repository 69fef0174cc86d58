#include "clients/room/StateReport.hpp"

#include <algorithm>

#include "protocol/Limits.hpp"

namespace vcb::room {

std::optional<std::string> reportText(std::string_view value) {
    std::string out(value.substr(0, protocol::kMaxEndpointTextBytes));
    // Cut back to a character boundary: drop continuation bytes and the lead byte they follow
    // if the cut split that character.
    if (value.size() > out.size()) {
        std::size_t end = out.size();
        while (end > 0 && (static_cast<unsigned char>(out[end - 1]) & 0xC0) == 0x80) --end;
        if (end > 0 && (static_cast<unsigned char>(out[end - 1]) & 0x80) != 0) {
            const unsigned char lead = static_cast<unsigned char>(out[end - 1]);
            const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (out.size() - (end - 1) < length) out.resize(end - 1);
        }
    }
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) c = ' ';
    }
    if (out.empty()) return std::nullopt;
    return out;
}

protocol::EndpointReportFields makeReport(const RoomConfig& config, const ReportInputs& in) {
    protocol::EndpointReportFields f;
    f.version = reportText(in.version);
    f.camera = reportText(config.camera == "test" ? "test:" + config.testPattern : config.camera);
    f.cameraAvailable = in.cameraAvailable;
    f.microphone = reportText(config.microphone);
    f.display = reportText(config.display);
    f.speaker = reportText(config.speaker);
    if (in.encoder) {
        f.encoder = reportText(in.encoder->element + " (" + in.encoder->codec +
                               (in.encoder->hardware ? ", hardware)" : ", software)"));
    }
    const auto side = [](int v) -> std::optional<std::int64_t> {
        if (v < 1 || v > protocol::kMaxEndpointVideoSide) return std::nullopt;
        return v;
    };
    f.videoWidth = side(in.sending ? in.sending->width : config.width);
    f.videoHeight = side(in.sending ? in.sending->height : config.height);
    if (config.framerate >= 1 && config.framerate <= protocol::kMaxEndpointFps)
        f.fps = config.framerate;
    f.restarts = std::max(0, in.restarts);
    f.uptimeS = std::max<std::int64_t>(0, in.uptime.count());
    return f;
}

namespace {
// The report without its uptime, which changes every second and is no news by itself.
protocol::EndpointReportFields news(protocol::EndpointReportFields f) {
    f.uptimeS.reset();
    return f;
}
}  // namespace

bool ReportPacer::due(const protocol::EndpointReportFields& report, Clock::time_point now) const {
    if (!sentInSession_ || !last_) return true;
    if (now - lastAt_ >= kRefresh) return true;
    return news(report) != news(*last_) && now - lastAt_ >= kMinGap;
}

void ReportPacer::sent(const protocol::EndpointReportFields& report, Clock::time_point now) {
    sentInSession_ = true;
    last_ = report;
    lastAt_ = now;
}

}  // namespace vcb::room
