#include "clients/loadgen/LoadSummary.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace vcb::loadgen {

namespace {
namespace json = boost::json;

json::value optionalNumber(const std::optional<uint64_t>& v, double scale = 1.0) {
    if (!v) return nullptr;
    if (scale == 1.0) return *v;
    return std::round(static_cast<double>(*v) / scale * 10.0) / 10.0;
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

json::object percentilesMs(const LatencyHistogram& h) {
    return json::object{{"p50", optionalNumber(h.percentile(50), 1000.0)},
                        {"p95", optionalNumber(h.percentile(95), 1000.0)},
                        {"max", optionalNumber(h.max(), 1000.0)},
                        {"samples", h.count()}};
}

// Boost.JSON prints every double in exponent form ("4E0"); people read this output, so doubles
// are written as plain decimals with at most three fractional digits.
void writeJson(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::string(key));
                out += ':';
                writeJson(out, value);
            }
            out += '}';
            break;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& value : v.get_array()) {
                if (!first) out += ',';
                first = false;
                writeJson(out, value);
            }
            out += ']';
            break;
        }
        case json::kind::double_: {
            double d = v.get_double();
            if (!std::isfinite(d)) {
                out += "null";
                break;
            }
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.3f", d);
            std::string text(buf);
            while (text.back() == '0') text.pop_back();
            if (text.back() == '.') text.pop_back();
            out += text == "-0" ? "0" : text;
            break;
        }
        default:
            out += json::serialize(v);
    }
}
}  // namespace

void LoadSummary::addMessage(const std::string& message) {
    if (messages.size() >= kMaxMessages) return;
    if (std::find(messages.begin(), messages.end(), message) != messages.end()) return;
    messages.push_back(message);
}

double LoadSummary::lossPercent() const {
    return expectedPackets == 0
               ? 0.0
               : 100.0 * static_cast<double>(lostPackets) / static_cast<double>(expectedPackets);
}

std::string LoadSummary::toJson() const {
    json::object o;
    o["server"] = server;
    o["protocol"] = protocol;
    o["publishers"] = publishers;
    o["subscribers"] = subscribers;
    o["mesh"] = mesh;
    o["threads"] = threads;
    o["durationS"] = durationS;
    o["rampUpS"] = rampUpS;
    o["elapsedS"] = round2(elapsedS);
    o["capture"] = json::object{{"videoKbps", round2(captureVideoKbps)},
                                {"videoPacketRate", round2(captureVideoPacketRate)},
                                {"videoReplication", round2(videoReplication)}};
    o["sent"] = json::object{{"packets", sentVideoPackets + sentAudioPackets},
                             {"video", sentVideoPackets},
                             {"audio", sentAudioPackets},
                             {"bytes", sentBytes},
                             {"sendFailures", sendFailures},
                             {"keyFrameRequests", keyFrameRequests},
                             {"keyFramesForced", keyFramesForced}};
    o["received"] = json::object{{"packets", receivedPackets},
                                 {"expected", expectedPackets},
                                 {"lost", lostPackets},
                                 {"duplicates", duplicatePackets},
                                 {"late", latePackets},
                                 {"unstamped", unstampedPackets},
                                 {"srtpAuthFailures", srtpFailures},
                                 {"plisSent", subscriberPlis}};
    o["lossPercent"] = std::round(lossPercent() * 1000.0) / 1000.0;
    o["latencyUs"] = json::object{{"p50", optionalNumber(latencyUs.percentile(50))},
                                  {"p95", optionalNumber(latencyUs.percentile(95))},
                                  {"p99", optionalNumber(latencyUs.percentile(99))},
                                  {"max", optionalNumber(latencyUs.max())},
                                  {"mean", round2(latencyUs.mean())},
                                  {"samples", latencyUs.count()}};
    o["joinTimeMs"] = percentilesMs(joinTimeUs);
    o["iceConnectMs"] = percentilesMs(iceConnectUs);
    o["dtlsConnectMs"] = percentilesMs(dtlsConnectUs);
    json::object profiles;
    for (const auto& [name, count] : srtpProfiles) profiles[name] = count;
    o["srtpProfiles"] = std::move(profiles);
    json::array msgs;
    for (const auto& m : messages) msgs.emplace_back(m);
    o["failures"] = json::object{{"total", failures()},        {"signaling", signalingFailures},
                                 {"connect", connectFailures}, {"noMedia", noMediaSubscribers},
                                 {"close", closeFailures},     {"messages", std::move(msgs)}};
    std::string out;
    writeJson(out, o);
    return out;
}

}  // namespace vcb::loadgen
