#include "protocol/Codec.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "protocol/Limits.hpp"
#include "protocol/Validation.hpp"

namespace vcb::protocol {
namespace json = boost::json;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Reads typed fields of one JSON object; remembers the first violation so parsers can read all
// fields linearly and check once at the end.
class FieldReader {
  public:
    explicit FieldReader(const json::object& object) : object_(object) {}

    bool failed() const { return code_.has_value(); }
    ErrorCode code() const { return code_.value_or(ErrorCode::BadMessage); }
    const std::string& message() const { return message_; }

    void fail(std::string message, ErrorCode code = ErrorCode::BadMessage) {
        if (code_) return;
        code_ = code;
        message_ = std::move(message);
    }

    const json::value* find(std::string_view key) const { return object_.if_contains(key); }

    std::string requiredString(std::string_view key, std::size_t maxBytes,
                               ErrorCode tooLong = ErrorCode::BadMessage) {
        const json::value* v = find(key);
        if (!v) {
            fail("missing field '" + std::string(key) + "'");
            return {};
        }
        return stringValue(key, *v, maxBytes, tooLong);
    }

    std::optional<std::string> optionalString(std::string_view key, std::size_t maxBytes) {
        const json::value* v = find(key);
        if (!v || v->is_null()) return std::nullopt;
        return stringValue(key, *v, maxBytes, ErrorCode::BadMessage);
    }

    std::optional<bool> optionalBool(std::string_view key) {
        const json::value* v = find(key);
        if (!v) return std::nullopt;
        if (!v->is_bool()) {
            fail("field '" + std::string(key) + "' must be a boolean");
            return std::nullopt;
        }
        return v->get_bool();
    }

    // Non-negative integer within JavaScript's safe range. JSON numbers written as 3.0 are
    // accepted because JavaScript does not distinguish them.
    std::optional<std::int64_t> optionalInteger(std::string_view key) {
        const json::value* v = find(key);
        if (!v) return std::nullopt;
        std::optional<std::int64_t> result;
        if (v->is_int64()) {
            result = v->get_int64();
        } else if (v->is_uint64()) {
            if (v->get_uint64() <= static_cast<std::uint64_t>(kMaxSafeInteger)) {
                result = static_cast<std::int64_t>(v->get_uint64());
            }
        } else if (v->is_double()) {
            const double d = v->get_double();
            if (std::isfinite(d) && std::trunc(d) == d && d >= 0.0 &&
                d <= static_cast<double>(kMaxSafeInteger)) {
                result = static_cast<std::int64_t>(d);
            }
        } else {
            fail("field '" + std::string(key) + "' must be a number");
            return std::nullopt;
        }
        if (!result || *result < 0 || *result > kMaxSafeInteger) {
            fail("field '" + std::string(key) + "' must be an integer in [0, 2^53)");
            return std::nullopt;
        }
        return result;
    }

    std::int64_t requiredInteger(std::string_view key) {
        if (!find(key)) {
            fail("missing field '" + std::string(key) + "'");
            return 0;
        }
        return optionalInteger(key).value_or(0);
    }

    // Array of ids (trackIds).
    std::vector<std::string> requiredIdArray(std::string_view key, std::size_t maxEntries) {
        std::vector<std::string> out;
        const json::value* v = find(key);
        if (!v) {
            fail("missing field '" + std::string(key) + "'");
            return out;
        }
        if (!v->is_array()) {
            fail("field '" + std::string(key) + "' must be an array");
            return out;
        }
        const json::array& a = v->get_array();
        if (a.size() > maxEntries) {
            fail("field '" + std::string(key) + "' has more than " + std::to_string(maxEntries) +
                     " entries",
                 ErrorCode::TooLarge);
            return out;
        }
        out.reserve(a.size());
        for (const json::value& e : a) {
            if (!e.is_string() || !isValidId(std::string_view(e.get_string()))) {
                fail("field '" + std::string(key) + "' must contain valid ids");
                out.clear();
                return out;
            }
            out.emplace_back(e.get_string());
        }
        return out;
    }

  private:
    std::string stringValue(std::string_view key, const json::value& v, std::size_t maxBytes,
                            ErrorCode tooLong) {
        if (!v.is_string()) {
            fail("field '" + std::string(key) + "' must be a string");
            return {};
        }
        const json::string& s = v.get_string();
        if (s.size() > maxBytes) {
            fail("field '" + std::string(key) + "' is longer than " + std::to_string(maxBytes) +
                     " bytes",
                 tooLong);
            return {};
        }
        return std::string(s.data(), s.size());
    }

    const json::object& object_;
    std::optional<ErrorCode> code_;
    std::string message_;
};

std::string requiredSdp(FieldReader& r) {
    std::string sdp = r.requiredString("sdp", kMaxSdpBytes, ErrorCode::TooLarge);
    if (!r.failed() && sdp.empty()) r.fail("field 'sdp' must not be empty");
    return sdp;
}

std::string requiredId(FieldReader& r, std::string_view key) {
    std::string id = r.requiredString(key, kMaxIdBytes);
    if (!r.failed() && !isValidId(id)) r.fail("field '" + std::string(key) + "' is not a valid id");
    return id;
}

// Parses the frame into an object and extracts "type" and "requestId". Returns the error if the
// frame is not even an object with a string type.
struct Envelope {
    json::value root;
    std::string type;
    std::optional<std::int64_t> requestId;
};

std::variant<Envelope, ProtocolError> openEnvelope(std::string_view frame) {
    if (frame.size() > kMaxFrameBytes) {
        return ProtocolError{ErrorCode::TooLarge, "frame larger than 64 KiB", std::nullopt};
    }
    json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    options.allow_comments = false;
    options.allow_trailing_commas = false;
    options.allow_invalid_utf8 = false;
    boost::system::error_code ec;
    json::value root = json::parse(frame, ec, json::storage_ptr(), options);
    if (ec) {
        return ProtocolError{ErrorCode::BadJson, "invalid JSON: " + ec.message(), std::nullopt};
    }
    if (!root.is_object()) {
        return ProtocolError{ErrorCode::BadMessage, "message must be a JSON object", std::nullopt};
    }
    Envelope env;
    FieldReader r(root.get_object());
    env.requestId = r.optionalInteger("requestId");
    if (r.failed()) return ProtocolError{r.code(), r.message(), std::nullopt};
    const json::value* type = r.find("type");
    if (!type) return ProtocolError{ErrorCode::BadMessage, "missing field 'type'", env.requestId};
    if (!type->is_string()) {
        return ProtocolError{ErrorCode::BadMessage, "field 'type' must be a string", env.requestId};
    }
    env.type = std::string(type->get_string());
    env.root = std::move(root);
    return env;
}

template <typename T>
ParseResult<T> finish(const FieldReader& r, const Envelope& env, T message) {
    if (r.failed()) return ProtocolError{r.code(), r.message(), env.requestId};
    return message;
}

std::optional<PcRole> pcRoleFromString(std::string_view s) {
    if (s == "publish") return PcRole::Publish;
    if (s == "subscribe") return PcRole::Subscribe;
    return std::nullopt;
}

std::optional<TrackKind> trackKindFromString(std::string_view s) {
    if (s == "audio") return TrackKind::Audio;
    if (s == "video") return TrackKind::Video;
    return std::nullopt;
}

std::optional<TrackSource> trackSourceFromString(std::string_view s) {
    if (s == "microphone") return TrackSource::Microphone;
    if (s == "camera") return TrackSource::Camera;
    if (s == "screen") return TrackSource::Screen;
    return std::nullopt;
}

constexpr std::pair<MeetingAction, std::string_view> kMeetingActions[] = {
    {MeetingAction::StartSession, "startSession"},
    {MeetingAction::EndMeeting, "endMeeting"},
    {MeetingAction::RaiseHand, "raiseHand"},
    {MeetingAction::LowerHand, "lowerHand"},
    {MeetingAction::GrantFloor, "grantFloor"},
    {MeetingAction::DenyFloor, "denyFloor"},
    {MeetingAction::RevokeFloor, "revokeFloor"},
    {MeetingAction::Mute, "mute"},
    {MeetingAction::UnmuteUnit, "unmuteUnit"},
    {MeetingAction::MuteAll, "muteAll"},
    {MeetingAction::Spotlight, "spotlight"},
    {MeetingAction::LockMeeting, "lockMeeting"},
    {MeetingAction::UnlockMeeting, "unlockMeeting"},
    {MeetingAction::RemoveParticipant, "removeParticipant"},
    {MeetingAction::StartRollCall, "startRollCall"},
    {MeetingAction::ConfirmRollCall, "confirmRollCall"},
    {MeetingAction::EndRollCall, "endRollCall"},
    {MeetingAction::SetSpeakerTimeLimit, "setSpeakerTimeLimit"},
    {MeetingAction::HandOverChair, "handOverChair"},
    {MeetingAction::MuteUnit, "muteUnit"},
};

std::optional<MeetingAction> meetingActionFromString(std::string_view s) {
    for (const auto& [a, name] : kMeetingActions) {
        if (name == s) return a;
    }
    return std::nullopt;
}

std::string_view meetingActionName(MeetingAction action) {
    for (const auto& [a, name] : kMeetingActions) {
        if (a == action) return name;
    }
    return "raiseHand";
}

std::string optString(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::string> optNullableString(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    return std::nullopt;
}

// A statistic (kbps, %, ms, fps): a number from 0 to 1e9, kept to 1/1000 (a value out of that
// range, or not a number, is unknown: nullopt). On that grid a value survives serialize → parse
// exactly (Boost.JSON 1.81 does not parse 17-digit mantissas exactly), so messages round-trip.
std::optional<double> optDouble(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v) return std::nullopt;
    double d = 0;
    if (v->is_double()) {
        d = v->get_double();
    } else if (v->is_int64()) {
        d = static_cast<double>(v->get_int64());
    } else if (v->is_uint64()) {
        d = static_cast<double>(v->get_uint64());
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(d) || d < 0 || d > 1e9) return std::nullopt;
    return std::round(d * 1000) / 1000;
}

std::optional<std::int64_t> optNullableInt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_int64()) return v->get_int64();
    return std::nullopt;
}

std::int64_t optCount(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_int64() && v->get_int64() >= 0) return v->get_int64();
    if (v && v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v->get_uint64());
    }
    return 0;
}

std::optional<StatsStream> optStatsStream(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_object()) return std::nullopt;
    const json::object& s = v->get_object();
    StatsStream out;
    out.kbps = optDouble(s, "kbps");
    if (const json::value* l = s.if_contains("packetsLost"); l && l->is_int64()) {
        out.packetsLost = l->get_int64();
    }
    out.lossPercent = optDouble(s, "lossPercent");
    out.width = optNullableInt(s, "width");
    out.height = optNullableInt(s, "height");
    out.fps = optDouble(s, "fps");
    out.jitterMs = optDouble(s, "jitterMs");
    out.packetsRecovered = optCount(s, "packetsRecovered");
    out.nacksSent = optCount(s, "nacksSent");
    out.keyFrameRequestsSent = optCount(s, "keyFrameRequestsSent");
    out.msSinceLastPacket = optNullableInt(s, "msSinceLastPacket");
    return out;
}

json::value statsStreamToJson(const std::optional<StatsStream>& s, bool video) {
    if (!s) return nullptr;
    const auto num = [](const std::optional<double>& d) {
        return d ? json::value(*d) : json::value(nullptr);
    };
    json::object o{{"kbps", num(s->kbps)},
                   {"packetsLost", s->packetsLost},
                   {"lossPercent", num(s->lossPercent)}};
    if (video) {
        o["width"] = s->width ? json::value(*s->width) : json::value(nullptr);
        o["height"] = s->height ? json::value(*s->height) : json::value(nullptr);
        o["fps"] = num(s->fps);
    }
    o["jitterMs"] = num(s->jitterMs);
    o["packetsRecovered"] = s->packetsRecovered;
    o["nacksSent"] = s->nacksSent;
    o["keyFrameRequestsSent"] = s->keyFrameRequestsSent;
    o["msSinceLastPacket"] =
        s->msSinceLastPacket ? json::value(*s->msSinceLastPacket) : json::value(nullptr);
    return o;
}

std::int64_t optInt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_int64()) return v->get_int64();
    if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
    return 0;
}

std::string limitedTypeName(std::string_view type) {
    constexpr std::size_t kMax = 32;  // keep error messages small when echoing input
    return std::string(type.substr(0, kMax));
}

constexpr std::pair<EndpointAction, std::string_view> kEndpointActions[] = {
    {EndpointAction::Restart, "restart"},
    {EndpointAction::Reload, "reload"},
};

std::optional<EndpointAction> endpointActionFromString(std::string_view s) {
    for (const auto& [a, name] : kEndpointActions) {
        if (name == s) return a;
    }
    return std::nullopt;
}

std::string_view endpointActionName(EndpointAction action) {
    return action == EndpointAction::Reload ? "reload" : "restart";
}

// An endpointReport's text: 1..kMaxEndpointTextBytes of UTF-8 (the parser checked that) without
// control characters, so that a panel can show it as it is.
bool isEndpointText(std::string_view s) {
    if (s.empty() || s.size() > kMaxEndpointTextBytes) return false;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return false;
    }
    return true;
}

// The report's fields, strictly (client → server).
EndpointReportFields readEndpointReport(FieldReader& r) {
    EndpointReportFields f;
    const auto text = [&](std::string_view key) {
        std::optional<std::string> v = r.optionalString(key, kMaxEndpointTextBytes);
        if (!r.failed() && v && !isEndpointText(*v)) {
            r.fail("field '" + std::string(key) + "' must be 1..200 bytes without control characters");
        }
        return v;
    };
    const auto bounded = [&](std::string_view key, std::int64_t min, std::int64_t max) {
        std::optional<std::int64_t> v;
        if (const json::value* raw = r.find(key); raw && !raw->is_null()) v = r.optionalInteger(key);
        if (!r.failed() && v && (*v < min || *v > max)) {
            r.fail("field '" + std::string(key) + "' must be " + std::to_string(min) + ".." +
                   std::to_string(max));
        }
        return v;
    };
    f.version = text("version");
    f.camera = text("camera");
    if (const json::value* v = r.find("cameraAvailable"); v && !v->is_null()) {
        f.cameraAvailable = r.optionalBool("cameraAvailable");
    }
    f.microphone = text("microphone");
    f.display = text("display");
    f.speaker = text("speaker");
    f.encoder = text("encoder");
    f.videoWidth = bounded("videoWidth", 1, kMaxEndpointVideoSide);
    f.videoHeight = bounded("videoHeight", 1, kMaxEndpointVideoSide);
    f.fps = bounded("fps", 1, kMaxEndpointFps);
    f.restarts = bounded("restarts", 0, kMaxSafeInteger);
    f.uptimeS = bounded("uptimeS", 0, kMaxSafeInteger);
    return f;
}

// The same fields, leniently as every `stats` field (server → client): a value of the wrong type
// or out of range is unknown.
EndpointReportFields readEndpointReportLenient(const json::object& o) {
    EndpointReportFields f;
    const auto text = [&](std::string_view key) -> std::optional<std::string> {
        const json::value* v = o.if_contains(key);
        if (!v || !v->is_string() || !isEndpointText(std::string_view(v->get_string())))
            return std::nullopt;
        return std::string(v->get_string());
    };
    const auto bounded = [&](std::string_view key, std::int64_t min,
                             std::int64_t max) -> std::optional<std::int64_t> {
        const json::value* v = o.if_contains(key);
        if (!v || !v->is_int64() || v->get_int64() < min || v->get_int64() > max)
            return std::nullopt;
        return v->get_int64();
    };
    f.version = text("version");
    f.camera = text("camera");
    if (const json::value* v = o.if_contains("cameraAvailable"); v && v->is_bool()) {
        f.cameraAvailable = v->get_bool();
    }
    f.microphone = text("microphone");
    f.display = text("display");
    f.speaker = text("speaker");
    f.encoder = text("encoder");
    f.videoWidth = bounded("videoWidth", 1, kMaxEndpointVideoSide);
    f.videoHeight = bounded("videoHeight", 1, kMaxEndpointVideoSide);
    f.fps = bounded("fps", 1, kMaxEndpointFps);
    f.restarts = bounded("restarts", 0, kMaxSafeInteger);
    f.uptimeS = bounded("uptimeS", 0, kMaxSafeInteger);
    return f;
}

// Every field, null when unknown (the panel needs no guessing which are there).
void putEndpointReport(json::object& o, const EndpointReportFields& f) {
    const auto text = [](const std::optional<std::string>& v) {
        return v ? json::value(*v) : json::value(nullptr);
    };
    const auto num = [](const std::optional<std::int64_t>& v) {
        return v ? json::value(*v) : json::value(nullptr);
    };
    o["version"] = text(f.version);
    o["camera"] = text(f.camera);
    o["cameraAvailable"] = f.cameraAvailable ? json::value(*f.cameraAvailable) : json::value(nullptr);
    o["microphone"] = text(f.microphone);
    o["display"] = text(f.display);
    o["speaker"] = text(f.speaker);
    o["encoder"] = text(f.encoder);
    o["videoWidth"] = num(f.videoWidth);
    o["videoHeight"] = num(f.videoHeight);
    o["fps"] = num(f.fps);
    o["restarts"] = num(f.restarts);
    o["uptimeS"] = num(f.uptimeS);
}

// ---- client messages -------------------------------------------------------------------------

ParseResult<ClientMessage> parseClientBody(const Envelope& env) {
    const json::object& o = env.root.get_object();
    FieldReader r(o);
    const std::string& t = env.type;
    if (t == "join") {
        Join m;
        m.requestId = env.requestId;
        m.meeting = r.requiredString("meeting", kMaxMeetingIdBytes);
        if (!r.failed() && !isValidMeetingId(m.meeting)) {
            r.fail("field 'meeting' must match [A-Za-z0-9_-]{1,64}");
        }
        m.displayName = r.requiredString("displayName", kMaxDisplayNameBytes);
        if (!r.failed() && !isValidDisplayName(m.displayName)) {
            r.fail("field 'displayName' must be 1..64 bytes of UTF-8 without control characters");
        }
        m.token = r.optionalString("token", kMaxTokenBytes);
        m.unit = r.optionalString("unit", kMaxUnitIdBytes);
        m.role = r.optionalString("role", kMaxRoleBytes);
        m.autoSubscribe = r.optionalBool("autoSubscribe").value_or(true);
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "publish") {
        Publish m;
        m.requestId = env.requestId;
        m.sdp = requiredSdp(r);
        m.screenMid = r.optionalString("screenMid", kMaxMidBytes);
        if (!r.failed() && m.screenMid && !isValidId(*m.screenMid)) {
            r.fail("field 'screenMid' must be 1..64 RFC 4566 token characters (a mid)");
        }
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "unpublish") return finish<ClientMessage>(r, env, Unpublish{env.requestId});
    if (t == "subscribe" || t == "unsubscribe") {
        std::vector<std::string> ids = r.requiredIdArray("trackIds", kMaxTrackIds);
        if (t == "subscribe") {
            const bool restart = r.optionalBool("iceRestart").value_or(false);
            return finish<ClientMessage>(r, env, Subscribe{std::move(ids), env.requestId, restart});
        }
        return finish<ClientMessage>(r, env, Unsubscribe{std::move(ids), env.requestId});
    }
    if (t == "answer") {
        SubscribeAnswer m;
        m.requestId = env.requestId;
        m.sdp = requiredSdp(r);
        m.revision = r.requiredInteger("revision");
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "trickle") {
        Trickle m;
        m.requestId = env.requestId;
        const std::string pc = r.requiredString("pc", 16);
        if (!r.failed()) {
            if (auto role = pcRoleFromString(pc)) {
                m.pc = *role;
            } else {
                r.fail("field 'pc' must be \"publish\" or \"subscribe\"");
            }
        }
        m.candidate = r.requiredString("candidate", kMaxCandidateBytes);
        m.sdpMid = r.optionalString("sdpMid", kMaxMidBytes);
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "leave") return finish<ClientMessage>(r, env, Leave{env.requestId});
    if (t == "ping") return finish<ClientMessage>(r, env, Ping{env.requestId});
    if (t == "getStats") return finish<ClientMessage>(r, env, GetStats{env.requestId});
    if (t == "startRecording" || t == "stopRecording")
        return finish<ClientMessage>(r, env, RecordingControl{t == "startRecording", env.requestId});
    if (t == "subscribeStats") {
        SubscribeStats m;
        m.requestId = env.requestId;
        m.intervalMs = r.requiredInteger("intervalMs");
        if (!r.failed() && (m.intervalMs < kMinStatsIntervalMs || m.intervalMs > kMaxStatsIntervalMs)) {
            r.fail("field 'intervalMs' must be 1000..5000");
        }
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "unsubscribeStats") {
        return finish<ClientMessage>(r, env, UnsubscribeStats{env.requestId});
    }
    if (t == "endpointReport") {
        EndpointReport m;
        m.requestId = env.requestId;
        m.fields = readEndpointReport(r);
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (t == "endpointCommand") {
        EndpointCommand m;
        m.requestId = env.requestId;
        m.participantId = requiredId(r, "participantId");
        const std::string action = r.requiredString("action", 16);
        if (!r.failed()) {
            if (auto a = endpointActionFromString(action)) {
                m.action = *a;
            } else {
                r.fail("field 'action' must be \"restart\" or \"reload\"");
            }
        }
        return finish<ClientMessage>(r, env, std::move(m));
    }
    if (auto action = meetingActionFromString(t)) {
        MeetingControl m;
        m.action = *action;
        m.requestId = env.requestId;
        if (m.action == MeetingAction::GrantFloor || m.action == MeetingAction::DenyFloor ||
            m.action == MeetingAction::UnmuteUnit || m.action == MeetingAction::MuteUnit) {
            m.unit = r.requiredString("unit", kMaxUnitIdBytes);
            if (!r.failed() && m.unit->empty()) r.fail("field 'unit' must not be empty");
        }
        if (m.action == MeetingAction::Spotlight) {
            m.unit = r.optionalString("unit", kMaxUnitIdBytes);
            if (!r.failed() && m.unit && m.unit->empty()) r.fail("field 'unit' must not be empty");
        }
        if (m.action == MeetingAction::Mute || m.action == MeetingAction::RemoveParticipant)
            m.participantId = requiredId(r, "participantId");
        if (m.action == MeetingAction::HandOverChair) {
            m.subject = r.requiredString("subject", kMaxSubjectBytes);
            if (!r.failed() && m.subject->empty()) r.fail("field 'subject' must not be empty");
        }
        if (m.action == MeetingAction::SetSpeakerTimeLimit) {
            // Present and null clears the limit; absent is a mistake rather than a clear.
            if (!r.find("limitSeconds")) {
                r.fail("missing field 'limitSeconds'");
            } else if (!r.find("limitSeconds")->is_null()) {
                m.limitSeconds = r.optionalInteger("limitSeconds");
                if (!r.failed() &&
                    (*m.limitSeconds < 1 || *m.limitSeconds > kMaxSpeakerTimeLimitSeconds)) {
                    r.fail("field 'limitSeconds' must be 1..86400 or null");
                }
            }
            m.warningSeconds = r.optionalInteger("warningSeconds").value_or(0);
            // The policy wants the warning strictly before the limit (or none).
            if (!r.failed() && m.limitSeconds && m.warningSeconds >= *m.limitSeconds) {
                r.fail("field 'warningSeconds' must be less than 'limitSeconds'");
            }
            if (!r.failed() && !m.limitSeconds && m.warningSeconds != 0) {
                r.fail("field 'warningSeconds' needs a 'limitSeconds'");
            }
        }
        return finish<ClientMessage>(r, env, std::move(m));
    }
    return ProtocolError{ErrorCode::UnknownType, "unknown type '" + limitedTypeName(t) + "'",
                         env.requestId};
}

// ---- server messages -------------------------------------------------------------------------

std::optional<Track> readTrack(FieldReader& outer, const json::value& v) {
    if (!v.is_object()) {
        outer.fail("track must be an object");
        return std::nullopt;
    }
    FieldReader r(v.get_object());
    Track track;
    track.id = requiredId(r, "id");
    const std::string kind = r.requiredString("kind", 16);
    if (!r.failed()) {
        if (auto k = trackKindFromString(kind)) {
            track.kind = *k;
        } else {
            r.fail("track 'kind' must be \"audio\" or \"video\"");
        }
    }
    if (auto source = r.optionalString("source", 16); !r.failed() && source) {
        auto s = trackSourceFromString(*source);
        if (!s) {
            r.fail("track 'source' must be \"microphone\", \"camera\" or \"screen\"");
        } else if ((*s == TrackSource::Microphone) != (track.kind == TrackKind::Audio)) {
            r.fail("track 'source' does not fit its 'kind'");
        } else {
            track.screen = *s == TrackSource::Screen;
        }
    }
    if (r.failed()) {
        outer.fail(r.message(), r.code());
        return std::nullopt;
    }
    return track;
}

std::optional<Participant> readParticipant(FieldReader& outer, const json::value& v) {
    if (!v.is_object()) {
        outer.fail("participant must be an object");
        return std::nullopt;
    }
    FieldReader r(v.get_object());
    Participant p;
    p.id = requiredId(r, "id");
    p.displayName = r.requiredString("displayName", kMaxDisplayNameBytes);
    if (!r.failed() && !isValidDisplayName(p.displayName)) {
        r.fail("participant 'displayName' is invalid");
    }
    p.unit = r.optionalString("unit", kMaxUnitIdBytes).value_or("");
    p.role = r.optionalString("role", kMaxRoleBytes).value_or("");
    p.subject = r.optionalString("subject", kMaxSubjectBytes).value_or("");
    if (const json::value* tracks = r.find("tracks")) {
        if (!tracks->is_array() || tracks->get_array().size() > kMaxTracksPerParticipant) {
            r.fail("participant 'tracks' must be an array of at most 64 tracks");
        } else {
            for (const json::value& tv : tracks->get_array()) {
                auto track = readTrack(r, tv);
                if (!track) break;
                p.tracks.push_back(std::move(*track));
            }
        }
    } else {
        r.fail("missing field 'tracks'");
    }
    if (r.failed()) {
        outer.fail(r.message(), r.code());
        return std::nullopt;
    }
    return p;
}

void requirePc(FieldReader& r, std::string_view expected) {
    const std::string pc = r.requiredString("pc", 16);
    if (!r.failed() && pc != expected)
        r.fail("field 'pc' must be \"" + std::string(expected) + "\"");
}

ParseResult<ServerMessage> parseServerBody(const Envelope& env) {
    const json::object& o = env.root.get_object();
    FieldReader r(o);
    const std::string& t = env.type;
    if (t == "joined") {
        Joined m;
        m.requestId = env.requestId;
        m.participantId = requiredId(r, "participantId");
        m.meeting = r.requiredString("meeting", kMaxMeetingIdBytes);
        if (!r.failed() && !isValidMeetingId(m.meeting)) r.fail("field 'meeting' is invalid");
        const json::value* list = r.find("participants");
        if (!list) {
            r.fail("missing field 'participants'");
        } else if (!list->is_array() || list->get_array().size() > kMaxParticipants) {
            r.fail("field 'participants' must be an array of at most 1024 participants");
        } else {
            for (const json::value& pv : list->get_array()) {
                auto p = readParticipant(r, pv);
                if (!p) break;
                m.participants.push_back(std::move(*p));
            }
        }
        if (const json::value* u = o.if_contains("units"); u && u->is_array()) {
            for (const json::value& e : u->get_array()) {
                if (!e.is_object()) continue;
                const json::object& unit = e.get_object();
                m.units.push_back({optString(unit, "id"), optString(unit, "name"),
                                   optInt(unit, "tier"), optString(unit, "parent"),
                                   optString(unit, "tierName")});
            }
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "answer") {
        PublishAnswer m;
        m.requestId = env.requestId;
        requirePc(r, "publish");
        m.sdp = requiredSdp(r);
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "offer") {
        SubscribeOffer m;
        m.requestId = env.requestId;
        requirePc(r, "subscribe");
        m.sdp = requiredSdp(r);
        m.revision = r.requiredInteger("revision");
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "participantJoined") {
        ParticipantJoined m;
        const json::value* pv = r.find("participant");
        if (!pv) {
            r.fail("missing field 'participant'");
        } else if (auto p = readParticipant(r, *pv)) {
            m.participant = std::move(*p);
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "participantLeft") {
        ParticipantLeft m;
        m.participantId = requiredId(r, "participantId");
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "trackPublished") {
        TrackPublished m;
        m.participantId = requiredId(r, "participantId");
        const json::value* tv = r.find("track");
        if (!tv) {
            r.fail("missing field 'track'");
        } else if (auto track = readTrack(r, *tv)) {
            m.track = std::move(*track);
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "trackUnpublished") {
        TrackUnpublished m;
        m.participantId = requiredId(r, "participantId");
        m.trackId = requiredId(r, "trackId");
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "error") {
        Error m;
        m.requestId = env.requestId;
        const std::string code = r.requiredString("code", 64);
        if (!r.failed()) {
            if (auto c = errorCodeFromString(code)) {
                m.code = *c;
            } else {
                r.fail("unknown error code");
            }
        }
        m.message = r.requiredString("message", kMaxErrorMessageBytes);
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "pong") return finish<ServerMessage>(r, env, Pong{env.requestId});
    if (t == "meetingState") {
        MeetingStateMessage m;
        m.state = r.requiredString("state", 32);
        m.chair = optString(o, "chair");
        m.floor = optNullableString(o, "floor");
        m.programmeUnit = optNullableString(o, "programmeUnit");
        m.programmeParticipant = optNullableString(o, "programmeParticipant");
        if (const json::value* q = o.if_contains("queue"); q && q->is_array()) {
            for (const json::value& e : q->get_array()) {
                if (!e.is_object()) continue;
                const json::object& h = e.get_object();
                m.queue.push_back({optString(h, "unit"), optString(h, "unitName"),
                                   optInt(h, "tier"), optString(h, "subject"), optInt(h, "since")});
            }
        }
        if (const json::value* sp = o.if_contains("speakers"); sp && sp->is_array()) {
            for (const json::value& e : sp->get_array())
                if (e.is_string()) m.speakers.emplace_back(e.get_string());
        }
        m.activeSpeaker = optNullableString(o, "activeSpeaker");
        if (const json::value* e = o.if_contains("floorEndsAt"); e && e->is_int64()) {
            m.floorEndsAt = e->get_int64();
        }
        if (const json::value* e = o.if_contains("recording"); e && e->is_bool()) {
            m.recording = e->get_bool();
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "meetingEvent") {
        MeetingEventMessage m;
        m.event = r.requiredString("event", 64);
        m.seq = optInt(o, "seq");
        m.time = optInt(o, "time");
        m.unit = optString(o, "unit");
        m.subject = optString(o, "subject");
        if (const json::value* d = o.if_contains("detail"); d && d->is_object()) {
            for (const auto& kv : d->get_object())
                if (kv.value().is_string())
                    m.detail.emplace_back(std::string(kv.key()),
                                          std::string(kv.value().get_string()));
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "stats") {
        Stats m;
        m.requestId = env.requestId;
        m.time = optInt(o, "time");
        const json::value* list = r.find("participants");
        if (!list || !list->is_array() || list->get_array().size() > kMaxParticipants) {
            r.fail("field 'participants' must be an array of at most 1024 participants");
        } else {
            for (const json::value& pv : list->get_array()) {
                if (!pv.is_object()) continue;
                const json::object& p = pv.get_object();
                StatsParticipant sp;
                sp.participantId = optString(p, "participantId");
                sp.unit = optString(p, "unit");
                sp.role = optString(p, "role");
                if (const json::value* pub = p.if_contains("publish"); pub && pub->is_object()) {
                    sp.audio = optStatsStream(pub->get_object(), "audio");
                    if (sp.audio) {  // audio has no picture
                        sp.audio->width.reset();
                        sp.audio->height.reset();
                        sp.audio->fps.reset();
                    }
                    sp.video = optStatsStream(pub->get_object(), "video");
                    sp.screen = optStatsStream(pub->get_object(), "screen");
                }
                if (const json::value* sub = p.if_contains("subscribe"); sub && sub->is_object()) {
                    sp.subscribeKbps = optDouble(sub->get_object(), "kbps");
                    sp.rttMs = optDouble(sub->get_object(), "rttMs");
                    sp.subscribeLossPercent = optDouble(sub->get_object(), "lossPercent");
                    sp.subscribeJitterMs = optDouble(sub->get_object(), "jitterMs");
                    sp.nacksReceived = optCount(sub->get_object(), "nacksReceived");
                    sp.keyFrameRequestsReceived =
                        optCount(sub->get_object(), "keyFrameRequestsReceived");
                }
                if (const json::value* e = p.if_contains("endpoint"); e && e->is_object()) {
                    StatsParticipant::Endpoint ep;
                    ep.report = readEndpointReportLenient(e->get_object());
                    ep.time = optCount(e->get_object(), "time");
                    sp.endpoint = std::move(ep);
                }
                if (const json::value* ts = p.if_contains("transports"); ts && ts->is_array()) {
                    for (const json::value& tv : ts->get_array()) {
                        if (!tv.is_object() || sp.transports.size() >= kMaxStatsTransports) break;
                        const json::object& to = tv.get_object();
                        sp.transports.push_back({optString(to, "ice"), optString(to, "dtls"),
                                                 optString(to, "address"),
                                                 optNullableInt(to, "msSinceLastPacket")});
                    }
                }
                m.participants.push_back(std::move(sp));
            }
        }
        if (const json::value* tv = r.find("totals"); tv && tv->is_object()) {
            const json::object& to = tv->get_object();
            m.totals.participants = optCount(to, "participants");
            m.totals.publishers = optCount(to, "publishers");
            m.totals.publishKbps = optDouble(to, "publishKbps");
            m.totals.subscribeKbps = optDouble(to, "subscribeKbps");
            m.totals.packetsLost = optCount(to, "packetsLost");
            m.totals.nacks = optCount(to, "nacks");
            m.totals.keyFrameRequests = optCount(to, "keyFrameRequests");
            m.totals.worstLossPercent = optDouble(to, "worstLossPercent");
            m.totals.worstRttMs = optDouble(to, "worstRttMs");
        }
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "endpointCommand") {
        EndpointCommandNotice m;
        const std::string action = r.requiredString("action", 16);
        if (!r.failed()) {
            if (auto a = endpointActionFromString(action)) {
                m.action = *a;
            } else {
                r.fail("field 'action' must be \"restart\" or \"reload\"");
            }
        }
        m.by = r.optionalString("by", kMaxSubjectBytes).value_or("");
        return finish<ServerMessage>(r, env, std::move(m));
    }
    if (t == "sessionClosed") {
        SessionClosed m;
        m.reason = r.requiredString("reason", 32);
        return finish<ServerMessage>(r, env, std::move(m));
    }
    return ProtocolError{ErrorCode::UnknownType, "unknown type '" + limitedTypeName(t) + "'",
                         env.requestId};
}

// ---- serialization ---------------------------------------------------------------------------

void putRequestId(json::object& o, const std::optional<std::int64_t>& requestId) {
    if (requestId) o["requestId"] = *requestId;
}

json::object trackToJson(const Track& t) {
    json::object o;
    o["id"] = t.id;
    o["kind"] = toString(t.kind);
    o["source"] = toString(t.source());
    return o;
}

json::object participantToJson(const Participant& p) {
    json::object o;
    o["id"] = p.id;
    o["displayName"] = p.displayName;
    if (!p.unit.empty()) o["unit"] = p.unit;
    if (!p.role.empty()) o["role"] = p.role;
    if (!p.subject.empty()) o["subject"] = p.subject;
    json::array tracks;
    tracks.reserve(p.tracks.size());
    for (const Track& t : p.tracks) tracks.emplace_back(trackToJson(t));
    o["tracks"] = std::move(tracks);
    return o;
}

json::array idsToJson(const std::vector<std::string>& ids) {
    json::array a;
    a.reserve(ids.size());
    for (const std::string& id : ids) a.emplace_back(id);
    return a;
}

}  // namespace

std::string_view toString(PcRole role) { return role == PcRole::Publish ? "publish" : "subscribe"; }

std::string_view toString(TrackKind kind) { return kind == TrackKind::Audio ? "audio" : "video"; }

std::string_view toString(TrackSource source) {
    switch (source) {
        case TrackSource::Microphone:
            return "microphone";
        case TrackSource::Camera:
            return "camera";
        case TrackSource::Screen:
            return "screen";
    }
    return "camera";
}

ParseResult<ClientMessage> parseClientMessage(std::string_view frame) {
    auto env = openEnvelope(frame);
    if (auto* error = std::get_if<ProtocolError>(&env)) return std::move(*error);
    return parseClientBody(std::get<Envelope>(env));
}

ParseResult<ServerMessage> parseServerMessage(std::string_view frame) {
    auto env = openEnvelope(frame);
    if (auto* error = std::get_if<ProtocolError>(&env)) return std::move(*error);
    return parseServerBody(std::get<Envelope>(env));
}

std::string_view typeName(const ClientMessage& message) {
    return std::visit(Overloaded{
                          [](const Join&) { return std::string_view("join"); },
                          [](const Publish&) { return std::string_view("publish"); },
                          [](const Unpublish&) { return std::string_view("unpublish"); },
                          [](const Subscribe&) { return std::string_view("subscribe"); },
                          [](const Unsubscribe&) { return std::string_view("unsubscribe"); },
                          [](const SubscribeAnswer&) { return std::string_view("answer"); },
                          [](const Trickle&) { return std::string_view("trickle"); },
                          [](const Leave&) { return std::string_view("leave"); },
                          [](const Ping&) { return std::string_view("ping"); },
                          [](const GetStats&) { return std::string_view("getStats"); },
                          [](const RecordingControl& m) {
                              return std::string_view(m.start ? "startRecording"
                                                              : "stopRecording");
                          },
                          [](const SubscribeStats&) { return std::string_view("subscribeStats"); },
                          [](const UnsubscribeStats&) {
                              return std::string_view("unsubscribeStats");
                          },
                          [](const EndpointReport&) { return std::string_view("endpointReport"); },
                          [](const EndpointCommand&) {
                              return std::string_view("endpointCommand");
                          },
                          [](const MeetingControl& m) { return meetingActionName(m.action); },
                      },
                      message);
}

std::string_view typeName(const ServerMessage& message) {
    return std::visit(
        Overloaded{
            [](const Joined&) { return std::string_view("joined"); },
            [](const PublishAnswer&) { return std::string_view("answer"); },
            [](const SubscribeOffer&) { return std::string_view("offer"); },
            [](const ParticipantJoined&) { return std::string_view("participantJoined"); },
            [](const ParticipantLeft&) { return std::string_view("participantLeft"); },
            [](const TrackPublished&) { return std::string_view("trackPublished"); },
            [](const TrackUnpublished&) { return std::string_view("trackUnpublished"); },
            [](const Error&) { return std::string_view("error"); },
            [](const Pong&) { return std::string_view("pong"); },
            [](const MeetingStateMessage&) { return std::string_view("meetingState"); },
            [](const MeetingEventMessage&) { return std::string_view("meetingEvent"); },
            [](const SessionClosed&) { return std::string_view("sessionClosed"); },
            [](const Stats&) { return std::string_view("stats"); },
            [](const EndpointCommandNotice&) { return std::string_view("endpointCommand"); },
        },
        message);
}

std::string serialize(const ClientMessage& message) {
    json::object o;
    o["type"] = typeName(message);
    std::visit(Overloaded{
                   [&](const Join& m) {
                       o["meeting"] = m.meeting;
                       o["displayName"] = m.displayName;
                       if (m.token) o["token"] = *m.token;
                       if (m.unit) o["unit"] = *m.unit;
                       if (m.role) o["role"] = *m.role;
                       o["autoSubscribe"] = m.autoSubscribe;
                       putRequestId(o, m.requestId);
                   },
                   [&](const Publish& m) {
                       o["sdp"] = m.sdp;
                       if (m.screenMid) o["screenMid"] = *m.screenMid;
                       putRequestId(o, m.requestId);
                   },
                   [&](const Unpublish& m) { putRequestId(o, m.requestId); },
                   [&](const Subscribe& m) {
                       o["trackIds"] = idsToJson(m.trackIds);
                       if (m.iceRestart) o["iceRestart"] = true;
                       putRequestId(o, m.requestId);
                   },
                   [&](const Unsubscribe& m) {
                       o["trackIds"] = idsToJson(m.trackIds);
                       putRequestId(o, m.requestId);
                   },
                   [&](const SubscribeAnswer& m) {
                       o["sdp"] = m.sdp;
                       o["revision"] = m.revision;
                       putRequestId(o, m.requestId);
                   },
                   [&](const Trickle& m) {
                       o["pc"] = toString(m.pc);
                       o["candidate"] = m.candidate;
                       if (m.sdpMid) {
                           o["sdpMid"] = *m.sdpMid;
                       } else {
                           o["sdpMid"] = nullptr;
                       }
                       putRequestId(o, m.requestId);
                   },
                   [&](const Leave& m) { putRequestId(o, m.requestId); },
                   [&](const Ping& m) { putRequestId(o, m.requestId); },
                   [&](const GetStats& m) { putRequestId(o, m.requestId); },
                   [&](const RecordingControl& m) { putRequestId(o, m.requestId); },
                   [&](const SubscribeStats& m) {
                       o["intervalMs"] = m.intervalMs;
                       putRequestId(o, m.requestId);
                   },
                   [&](const UnsubscribeStats& m) { putRequestId(o, m.requestId); },
                   [&](const EndpointReport& m) {
                       // Only the known fields: absent rather than null, like the client's
                       // other optional fields.
                       json::object all;
                       putEndpointReport(all, m.fields);
                       for (const auto& kv : all)
                           if (!kv.value().is_null()) o[kv.key()] = kv.value();
                       putRequestId(o, m.requestId);
                   },
                   [&](const EndpointCommand& m) {
                       o["participantId"] = m.participantId;
                       o["action"] = endpointActionName(m.action);
                       putRequestId(o, m.requestId);
                   },
                   [&](const MeetingControl& m) {
                       if (m.unit) o["unit"] = *m.unit;
                       if (m.participantId) o["participantId"] = *m.participantId;
                       if (m.subject) o["subject"] = *m.subject;
                       if (m.action == MeetingAction::SetSpeakerTimeLimit) {
                           if (m.limitSeconds) {
                               o["limitSeconds"] = *m.limitSeconds;
                           } else {
                               o["limitSeconds"] = nullptr;
                           }
                           o["warningSeconds"] = m.warningSeconds;
                       }
                       putRequestId(o, m.requestId);
                   },
               },
               message);
    return json::serialize(o);
}

std::string serialize(const ServerMessage& message) {
    json::object o;
    o["type"] = typeName(message);
    std::visit(Overloaded{
                   [&](const Joined& m) {
                       o["participantId"] = m.participantId;
                       o["meeting"] = m.meeting;
                       json::array list;
                       list.reserve(m.participants.size());
                       for (const Participant& p : m.participants) {
                           list.emplace_back(participantToJson(p));
                       }
                       o["participants"] = std::move(list);
                       if (!m.units.empty()) {
                           json::array units;
                           for (const auto& u : m.units) {
                               units.emplace_back(json::object{{"id", u.id},
                                                               {"name", u.name},
                                                               {"tier", u.tier},
                                                               {"parent", u.parent},
                                                               {"tierName", u.tierName}});
                           }
                           o["units"] = std::move(units);
                       }
                       putRequestId(o, m.requestId);
                   },
                   [&](const PublishAnswer& m) {
                       o["pc"] = "publish";
                       o["sdp"] = m.sdp;
                       putRequestId(o, m.requestId);
                   },
                   [&](const SubscribeOffer& m) {
                       o["pc"] = "subscribe";
                       o["sdp"] = m.sdp;
                       o["revision"] = m.revision;
                       putRequestId(o, m.requestId);
                   },
                   [&](const ParticipantJoined& m) {
                       o["participant"] = participantToJson(m.participant);
                   },
                   [&](const ParticipantLeft& m) { o["participantId"] = m.participantId; },
                   [&](const TrackPublished& m) {
                       o["participantId"] = m.participantId;
                       o["track"] = trackToJson(m.track);
                   },
                   [&](const TrackUnpublished& m) {
                       o["participantId"] = m.participantId;
                       o["trackId"] = m.trackId;
                   },
                   [&](const Error& m) {
                       o["code"] = toString(m.code);
                       o["message"] = m.message;
                       putRequestId(o, m.requestId);
                   },
                   [&](const Pong& m) { putRequestId(o, m.requestId); },
                   [&](const MeetingStateMessage& m) {
                       const auto orNull = [](const std::optional<std::string>& v) {
                           return v ? json::value(*v) : json::value(nullptr);
                       };
                       o["state"] = m.state;
                       o["chair"] = m.chair;
                       o["floor"] = orNull(m.floor);
                       o["programmeUnit"] = orNull(m.programmeUnit);
                       o["programmeParticipant"] = orNull(m.programmeParticipant);
                       json::array queue;
                       for (const auto& h : m.queue) {
                           queue.emplace_back(json::object{{"unit", h.unit},
                                                           {"unitName", h.unitName},
                                                           {"tier", h.tier},
                                                           {"subject", h.subject},
                                                           {"since", h.since}});
                       }
                       o["queue"] = std::move(queue);
                       o["speakers"] = idsToJson(m.speakers);
                       o["activeSpeaker"] = orNull(m.activeSpeaker);
                       o["floorEndsAt"] =
                           m.floorEndsAt ? json::value(*m.floorEndsAt) : json::value(nullptr);
                       o["recording"] = m.recording;
                   },
                   [&](const MeetingEventMessage& m) {
                       o["seq"] = m.seq;
                       o["time"] = m.time;
                       o["event"] = m.event;
                       o["unit"] = m.unit;
                       o["subject"] = m.subject;
                       json::object detail;
                       for (const auto& [k, v] : m.detail) detail[k] = v;
                       o["detail"] = std::move(detail);
                   },
                   [&](const SessionClosed& m) { o["reason"] = m.reason; },
                   [&](const EndpointCommandNotice& m) {
                       o["action"] = endpointActionName(m.action);
                       o["by"] = m.by;
                   },
                   [&](const Stats& m) {
                       const auto num = [](const std::optional<double>& d) {
                           return d ? json::value(*d) : json::value(nullptr);
                       };
                       o["time"] = m.time;
                       json::array list;
                       for (const StatsParticipant& p : m.participants) {
                           list.emplace_back(json::object{
                               {"participantId", p.participantId},
                               {"unit", p.unit},
                               {"role", p.role},
                               {"publish", json::object{{"audio", statsStreamToJson(p.audio, false)},
                                                        {"video", statsStreamToJson(p.video, true)},
                                                        {"screen", statsStreamToJson(p.screen, true)}}},
                               {"subscribe", json::object{{"kbps", num(p.subscribeKbps)},
                                                          {"rttMs", num(p.rttMs)},
                                                          {"lossPercent",
                                                           num(p.subscribeLossPercent)},
                                                          {"jitterMs", num(p.subscribeJitterMs)},
                                                          {"nacksReceived", p.nacksReceived},
                                                          {"keyFrameRequestsReceived",
                                                           p.keyFrameRequestsReceived}}}});
                           json::array transports;
                           for (const StatsTransport& t : p.transports) {
                               transports.emplace_back(json::object{
                                   {"ice", t.ice},
                                   {"dtls", t.dtls},
                                   {"address", t.address},
                                   {"msSinceLastPacket", t.msSinceLastPacket
                                                             ? json::value(*t.msSinceLastPacket)
                                                             : json::value(nullptr)}});
                           }
                           list.back().as_object()["transports"] = std::move(transports);
                           if (p.endpoint) {
                               json::object e;
                               putEndpointReport(e, p.endpoint->report);
                               e["time"] = p.endpoint->time;
                               list.back().as_object()["endpoint"] = std::move(e);
                           } else {
                               list.back().as_object()["endpoint"] = nullptr;
                           }
                       }
                       o["participants"] = std::move(list);
                       const StatsTotals& t = m.totals;
                       o["totals"] = json::object{{"participants", t.participants},
                                                  {"publishers", t.publishers},
                                                  {"publishKbps", num(t.publishKbps)},
                                                  {"subscribeKbps", num(t.subscribeKbps)},
                                                  {"packetsLost", t.packetsLost},
                                                  {"nacks", t.nacks},
                                                  {"keyFrameRequests", t.keyFrameRequests},
                                                  {"worstLossPercent", num(t.worstLossPercent)},
                                                  {"worstRttMs", num(t.worstRttMs)}};
                       putRequestId(o, m.requestId);
                   },
               },
               message);
    return json::serialize(o);
}

}  // namespace vcb::protocol
