#include "clients/loadgen/JanusMessages.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace vcb::loadgen {

namespace json = boost::json;

namespace {

std::string core(const char* verb, const std::string& transaction) {
    return json::serialize(json::object{{"janus", verb}, {"transaction", transaction}});
}

std::string message(const std::string& transaction, json::object body,
                    const char* jsepType = nullptr, const std::string& sdp = {}) {
    json::object o{{"janus", "message"}, {"transaction", transaction}, {"body", std::move(body)}};
    // trickle false: our candidates are all in the SDP, none will follow.
    if (jsepType != nullptr)
        o["jsep"] = json::object{{"type", jsepType}, {"sdp", sdp}, {"trickle", false}};
    return json::serialize(o);
}

const json::object* objectAt(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    return v != nullptr ? v->if_object() : nullptr;
}

std::string stringAt(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->get_string());
}

uint64_t idAt(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    if (v == nullptr) return 0;
    if (v->is_uint64()) return v->get_uint64();
    if (v->is_int64() && v->get_int64() > 0) return static_cast<uint64_t>(v->get_int64());
    return 0;
}

std::optional<json::value> parse(const std::string& body, std::string& error) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) {
        error = "Janus reply is not JSON: " + ec.message();
        return std::nullopt;
    }
    return v;
}

// A core {"janus":"error","error":{"code":..,"reason":..}} as text.
std::string coreError(const json::object& o) {
    const json::object* e = objectAt(o, "error");
    if (e == nullptr) return "Janus error";
    return "Janus error " + std::to_string(idAt(*e, "code")) + ": " + stringAt(*e, "reason");
}

std::optional<JanusReply> replyOf(const json::object& o, const std::string& transaction) {
    if (stringAt(o, "transaction") != transaction) return std::nullopt;
    const std::string kind = stringAt(o, "janus");
    JanusReply r;
    if (kind == "error") {
        const json::object* e = objectAt(o, "error");
        r.errorCode = e != nullptr ? static_cast<int>(idAt(*e, "code")) : -1;
        r.error = coreError(o);
        return r;
    }
    if (kind != "success" && kind != "event") return std::nullopt;  // "ack": the event follows
    const json::object* plugin = objectAt(o, "plugindata");
    const json::object* data = plugin != nullptr ? objectAt(*plugin, "data") : nullptr;
    if (data == nullptr) return std::nullopt;
    r.videoroom = stringAt(*data, "videoroom");
    r.id = idAt(*data, "id");
    if (auto* code = data->if_contains("error_code"); code != nullptr && code->is_number()) {
        r.errorCode = static_cast<int>(code->to_number<int64_t>());
        r.error =
            "VideoRoom error " + std::to_string(r.errorCode) + ": " + stringAt(*data, "error");
    }
    if (const json::object* jsep = objectAt(o, "jsep")) {
        r.jsepType = stringAt(*jsep, "type");
        r.jsepSdp = stringAt(*jsep, "sdp");
    }
    return r;
}

}  // namespace

std::string JanusMessages::createSession(const std::string& transaction) {
    return core("create", transaction);
}

std::string JanusMessages::attach(const std::string& transaction) {
    return json::serialize(
        json::object{{"janus", "attach"}, {"plugin", kPlugin}, {"transaction", transaction}});
}

std::string JanusMessages::keepalive(const std::string& transaction) {
    return core("keepalive", transaction);
}

std::string JanusMessages::destroy(const std::string& transaction) {
    return core("destroy", transaction);
}

std::string JanusMessages::createRoom(const std::string& transaction, uint64_t room,
                                      unsigned publishers) {
    return message(transaction, json::object{{"request", "create"},
                                             {"room", room},
                                             {"publishers", publishers},
                                             {"audiocodec", "opus"},
                                             {"videocodec", "vp8"},
                                             {"bitrate", 0},
                                             {"fir_freq", 0},
                                             {"notify_joining", false},
                                             {"permanent", false}});
}

std::string JanusMessages::joinPublisher(const std::string& transaction, uint64_t room,
                                         const std::string& display) {
    return message(
        transaction,
        json::object{
            {"request", "join"}, {"ptype", "publisher"}, {"room", room}, {"display", display}});
}

std::string JanusMessages::configure(const std::string& transaction, const std::string& offerSdp) {
    return message(transaction,
                   json::object{{"request", "configure"}, {"audio", true}, {"video", true}},
                   "offer", offerSdp);
}

std::string JanusMessages::joinSubscriber(const std::string& transaction, uint64_t room,
                                          uint64_t feed) {
    return message(transaction,
                   json::object{{"request", "join"},
                                {"ptype", "subscriber"},
                                {"room", room},
                                {"streams", json::array{json::object{{"feed", feed}}}}});
}

std::string JanusMessages::start(const std::string& transaction, const std::string& answerSdp) {
    return message(transaction, json::object{{"request", "start"}}, "answer", answerSdp);
}

std::optional<uint64_t> JanusMessages::parseId(const std::string& body, std::string& error) {
    auto v = parse(body, error);
    if (!v) return std::nullopt;
    const json::object* o = v->if_object();
    if (o == nullptr) {
        error = "Janus reply is not an object";
        return std::nullopt;
    }
    if (stringAt(*o, "janus") != "success") {
        error = stringAt(*o, "janus") == "error" ? coreError(*o)
                                                 : "unexpected Janus reply: " + body.substr(0, 200);
        return std::nullopt;
    }
    const json::object* data = objectAt(*o, "data");
    uint64_t id = data != nullptr ? idAt(*data, "id") : 0;
    if (id == 0) {
        error = "Janus success without data.id";
        return std::nullopt;
    }
    return id;
}

bool JanusMessages::parseAck(const std::string& body, const std::string& transaction,
                             std::string& error) {
    auto v = parse(body, error);
    if (!v) return false;
    const json::object* o = v->if_object();
    if (o == nullptr) {
        error = "Janus reply is not an object";
        return false;
    }
    const std::string kind = stringAt(*o, "janus");
    if (kind == "ack" && stringAt(*o, "transaction") == transaction) return true;
    error = kind == "error" ? coreError(*o) : "expected an ack, got: " + body.substr(0, 200);
    return false;
}

std::optional<JanusReply> JanusMessages::findReply(const std::string& body,
                                                   const std::string& transaction,
                                                   std::string& error) {
    auto v = parse(body, error);
    if (!v) return std::nullopt;
    if (const json::object* o = v->if_object()) return replyOf(*o, transaction);
    if (const json::array* a = v->if_array()) {
        for (const auto& item : *a) {
            if (const json::object* o = item.if_object()) {
                if (auto r = replyOf(*o, transaction)) return r;
            }
        }
        return std::nullopt;
    }
    error = "Janus reply is neither an object nor an array";
    return std::nullopt;
}

bool JanusMessages::hasEvent(const std::string& body, const std::string& kind, std::string& error) {
    auto v = parse(body, error);
    if (!v) return false;
    auto is = [&kind](const json::value& item) {
        const json::object* o = item.if_object();
        return o != nullptr && stringAt(*o, "janus") == kind;
    };
    if (const json::array* a = v->if_array()) return std::any_of(a->begin(), a->end(), is);
    return is(*v);
}

uint64_t JanusMessages::roomFor(const std::string& meeting) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : meeting) {
        h ^= c;
        h *= 1099511628211ull;
    }
    h &= (uint64_t{1} << 53) - 1;
    return h == 0 ? 1 : h;
}

}  // namespace vcb::loadgen
