#include "clients/gst/JanusVideoRoom.hpp"

namespace vcb::gstclient {
namespace json = boost::json;

namespace {

// Janus drops a session after session_timeout (default 60 s) without any request.
constexpr auto kKeepaliveInterval = std::chrono::seconds(15);
// Janus answers a long poll after at most 30 s (with a keepalive event when nothing happened).
constexpr auto kLongPollTimeout = std::chrono::seconds(35);
// VideoRoom's "Room already exists".
constexpr std::int64_t kRoomExists = 427;

std::uint64_t toU64(const json::value* v) {
    if (v == nullptr) return 0;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64() && v->as_int64() > 0) return static_cast<std::uint64_t>(v->as_int64());
    return 0;
}

std::string stringAt(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The plugin's data of a reply or event, or null.
const json::object* pluginData(const json::object& message) {
    const json::value* pd = message.if_contains("plugindata");
    if (!pd || !pd->is_object()) return nullptr;
    const json::value* data = pd->as_object().if_contains("data");
    return data && data->is_object() ? &data->as_object() : nullptr;
}

// "code: reason" of a Janus core error or a VideoRoom error, or "" if there is none.
std::string errorOf(const json::object& message) {
    if (stringAt(message, "janus") == "error") {
        const json::value* e = message.if_contains("error");
        if (e && e->is_object()) {
            const json::value* code = e->as_object().if_contains("code");
            return "janus error " + (code ? json::serialize(*code) : std::string("?")) + ": " +
                   stringAt(e->as_object(), "reason");
        }
        return "janus error";
    }
    if (const json::object* data = pluginData(message)) {
        if (const json::value* code = data->if_contains("error_code")) {
            return "videoroom error " + json::serialize(*code) + ": " + stringAt(*data, "error");
        }
    }
    return "";
}

}  // namespace

JanusSession::JanusSession(std::string baseUrl, std::chrono::milliseconds timeout)
    : baseUrl_(std::move(baseUrl)),
      http_(timeout),
      poll_(std::chrono::duration_cast<std::chrono::milliseconds>(kLongPollTimeout)) {}

JanusSession::~JanusSession() { close(); }

std::string JanusSession::nextTransaction() {
    std::lock_guard lock(mutex_);
    return "vcb" + std::to_string(++transactions_);
}

std::string JanusSession::sessionUrl() const { return baseUrl_ + "/" + std::to_string(sessionId_); }

std::string JanusSession::handleUrl() const {
    return sessionUrl() + "/" + std::to_string(handleId_);
}

std::optional<json::object> JanusSession::post(const std::string& url, json::object message,
                                               std::string* error) {
    message["transaction"] = nextTransaction();
    HttpResponse res = http_.post(url, "application/json", json::serialize(message));
    if (res.status != 200) {
        if (error) {
            *error = res.status == 0 ? "POST " + url + " failed: " + res.error
                                     : "POST " + url + " returned " + std::to_string(res.status);
        }
        return std::nullopt;
    }
    json::error_code ec;
    json::value reply = json::parse(res.body, ec);
    if (ec || !reply.is_object()) {
        if (error) *error = "unparsable reply from " + url;
        return std::nullopt;
    }
    return std::move(reply.as_object());
}

bool JanusSession::open(std::string* error) {
    auto created = post(baseUrl_, json::object{{"janus", "create"}}, error);
    if (!created) return false;
    if (std::string e = errorOf(*created); !e.empty()) {
        if (error) *error = "create: " + e;
        return false;
    }
    const json::value* data = created->if_contains("data");
    sessionId_ = data && data->is_object() ? toU64(data->as_object().if_contains("id")) : 0;
    if (sessionId_ == 0) {
        if (error) *error = "create: no session id";
        return false;
    }
    auto attached =
        post(sessionUrl(), json::object{{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}},
             error);
    if (!attached) return false;
    if (std::string e = errorOf(*attached); !e.empty()) {
        if (error) *error = "attach: " + e;
        return false;
    }
    data = attached->if_contains("data");
    handleId_ = data && data->is_object() ? toU64(data->as_object().if_contains("id")) : 0;
    if (handleId_ == 0) {
        if (error) *error = "attach: no handle id";
        return false;
    }
    keepalive_ = std::thread([this] { keepaliveLoop(); });
    return true;
}

void JanusSession::keepaliveLoop() {
    std::unique_lock lock(mutex_);
    while (!stopKeepalive_.wait_for(lock, kKeepaliveInterval, [&] { return stopping_; })) {
        lock.unlock();
        post(sessionUrl(), json::object{{"janus", "keepalive"}}, nullptr);
        lock.lock();
    }
}

void JanusSession::close() {
    if (keepalive_.joinable()) {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        stopKeepalive_.notify_all();
        keepalive_.join();
    }
    if (sessionId_ != 0) {
        post(sessionUrl(), json::object{{"janus", "destroy"}}, nullptr);
        sessionId_ = 0;
        handleId_ = 0;
    }
}

std::optional<json::object> JanusSession::request(const json::object& body, std::string* error) {
    auto reply = post(handleUrl(), json::object{{"janus", "message"}, {"body", body}}, error);
    if (!reply) return std::nullopt;
    if (std::string e = errorOf(*reply); !e.empty()) {
        if (error) *error = e;
        return std::nullopt;
    }
    const json::object* data = pluginData(*reply);
    if (!data) {
        if (error) *error = "reply without plugin data";
        return std::nullopt;
    }
    return *data;
}

std::optional<json::object> JanusSession::requestAsync(const json::object& body,
                                                       const json::object* jsep,
                                                       Clock::time_point deadline,
                                                       std::string* error) {
    json::object message{{"janus", "message"}, {"body", body}};
    if (jsep) message["jsep"] = *jsep;
    auto ack = post(handleUrl(), std::move(message), error);
    if (!ack) return std::nullopt;
    if (std::string e = errorOf(*ack); !e.empty()) {
        if (error) *error = e;
        return std::nullopt;
    }
    // Long-poll the session until the handle's plugin event (other events — webrtcup, media,
    // keepalive — are skipped). Each poll returns within kLongPollTimeout.
    while (Clock::now() < deadline) {
        HttpResponse res = poll_.get(sessionUrl() + "?maxev=1");
        if (res.status != 200) {
            if (error) *error = "long poll failed: " + std::to_string(res.status) + " " + res.error;
            return std::nullopt;
        }
        json::error_code ec;
        json::value polled = json::parse(res.body, ec);
        if (ec) continue;
        json::array events;
        if (polled.is_array()) {
            events = std::move(polled.as_array());
        } else {
            events.emplace_back(std::move(polled));
        }
        for (auto& ev : events) {
            if (!ev.is_object()) continue;
            json::object& event = ev.as_object();
            if (stringAt(event, "janus") != "event" ||
                toU64(event.if_contains("sender")) != handleId_ || !pluginData(event)) {
                continue;
            }
            if (std::string e = errorOf(event); !e.empty()) {
                if (error) *error = e;
                return std::nullopt;
            }
            return std::move(event);
        }
    }
    if (error) *error = "timed out waiting for the videoroom event";
    return std::nullopt;
}

// --- publisher -----------------------------------------------------------------------------

JanusPublisher::JanusPublisher(JanusOptions options)
    : options_(std::move(options)),
      session_(options_.url, options_.timeout),
      peer_(std::make_unique<WebRtcPeer>(
          WebRtcPeerOptions{.mode = PeerMode::Send,
                            .pattern = options_.pattern,
                            .name = "janus-publisher",
                            .iceAddress = iceAddressFor(options_.url)})) {}

JanusPublisher::~JanusPublisher() { stop(); }

bool JanusPublisher::start(std::string* error) {
    const auto deadline = WebRtcPeer::Clock::now() + options_.timeout;
    if (!peer_->start(error) || !session_.open(error)) return false;
    // Room with room for the bench (VP8 + Opus like vcbridge; no bitrate cap, no recording).
    std::string createError;
    auto created = session_.request(json::object{{"request", "create"},
                                                 {"room", options_.room},
                                                 {"publishers", 16},
                                                 {"videocodec", "vp8"},
                                                 {"audiocodec", "opus"},
                                                 {"bitrate", 0}},
                                    &createError);
    if (!created && createError.find(std::to_string(kRoomExists)) == std::string::npos) {
        if (error) *error = "create room: " + createError;
        return false;
    }
    auto offer = peer_->createOffer(deadline, error);
    if (!offer) return false;
    const json::object jsep{{"type", "offer"}, {"sdp", *offer}, {"trickle", false}};
    auto event = session_.requestAsync(json::object{{"request", "joinandconfigure"},
                                                    {"room", options_.room},
                                                    {"ptype", "publisher"},
                                                    {"display", "vcb-publisher"}},
                                       &jsep, deadline, error);
    if (!event) return false;
    feedId_ = toU64(pluginData(*event)->if_contains("id"));
    const json::value* answer = event->if_contains("jsep");
    if (!answer || !answer->is_object() || stringAt(answer->as_object(), "type") != "answer") {
        if (error) *error = "joinandconfigure: no JSEP answer";
        return false;
    }
    if (!peer_->setRemoteAnswer(stringAt(answer->as_object(), "sdp"), deadline, error)) {
        if (error) *error = "cannot apply answer: " + *error;
        return false;
    }
    return true;
}

void JanusPublisher::stop() {
    session_.close();
    peer_->stop();
}

// --- subscriber ----------------------------------------------------------------------------

JanusSubscriber::JanusSubscriber(JanusOptions options)
    : options_(std::move(options)),
      session_(options_.url, options_.timeout),
      peer_(std::make_unique<WebRtcPeer>(
          WebRtcPeerOptions{.mode = PeerMode::ReceiveAnswering,
                            .name = "janus-subscriber",
                            .iceAddress = iceAddressFor(options_.url)})) {}

JanusSubscriber::~JanusSubscriber() { stop(); }

bool JanusSubscriber::start(std::string* error) {
    const auto deadline = WebRtcPeer::Clock::now() + options_.timeout;
    if (!peer_->start(error) || !session_.open(error)) return false;
    std::uint64_t feed = 0;
    while (feed == 0) {
        auto list = session_.request(
            json::object{{"request", "listparticipants"}, {"room", options_.room}}, error);
        if (list) {
            const json::value* participants = list->if_contains("participants");
            if (participants && participants->is_array()) {
                for (const auto& p : participants->as_array()) {
                    const json::value* pub =
                        p.is_object() ? p.as_object().if_contains("publisher") : nullptr;
                    if (pub && pub->is_bool() && pub->as_bool()) {
                        feed = toU64(p.as_object().if_contains("id"));
                        break;
                    }
                }
            }
        }
        if (feed != 0) break;
        if (WebRtcPeer::Clock::now() >= deadline) {
            if (error && error->empty()) *error = "no publisher in room";
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    auto attached =
        session_.requestAsync(json::object{{"request", "join"},
                                           {"room", options_.room},
                                           {"ptype", "subscriber"},
                                           {"streams", json::array{json::object{{"feed", feed}}}}},
                              nullptr, deadline, error);
    if (!attached) return false;
    const json::value* offer = attached->if_contains("jsep");
    if (!offer || !offer->is_object() || stringAt(offer->as_object(), "type") != "offer") {
        if (error) *error = "join: no JSEP offer";
        return false;
    }
    auto answer = peer_->answerOffer(stringAt(offer->as_object(), "sdp"), deadline, error);
    if (!answer) return false;
    const json::object jsep{{"type", "answer"}, {"sdp", *answer}, {"trickle", false}};
    auto started = session_.requestAsync(
        json::object{{"request", "start"}, {"room", options_.room}}, &jsep, deadline, error);
    return started.has_value();
}

void JanusSubscriber::stop() {
    session_.close();
    peer_->stop();
}

}  // namespace vcb::gstclient
