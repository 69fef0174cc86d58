#include "clients/loadgen/JanusVideoRoomDriver.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <vector>

#include "clients/loadgen/Clock.hpp"

namespace vcb::loadgen {

namespace {

constexpr const char* kJson = "application/json";
// Bounds the long-polling for one reply; Janus answers within milliseconds unless broken.
constexpr auto kReplyDeadline = std::chrono::seconds(20);

std::string httpError(const std::string& what, const gstclient::HttpResponse& r) {
    return what + ": " +
           (r.status == 0 ? r.error
                          : "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200));
}

}  // namespace

std::unique_ptr<JanusVideoRoomDriver> JanusVideoRoomDriver::create(
    const std::string& server, std::string& error, std::chrono::milliseconds timeout) {
    auto url = gstclient::Url::parse(server);
    if (!url || url->scheme != "http") {
        error = "--server must be http://host[:port] (Janus HTTP transport): " + server;
        return nullptr;
    }
    url->target = "/janus";
    return std::unique_ptr<JanusVideoRoomDriver>(new JanusVideoRoomDriver(*url, timeout));
}

JanusVideoRoomDriver::JanusVideoRoomDriver(gstclient::Url base, std::chrono::milliseconds timeout)
    : base_(std::move(base)),
      timeout_(timeout),
      http_(timeout),
      poll_(timeout + std::chrono::seconds(30)) {
    unsigned char r[6] = {};
    RAND_bytes(r, sizeof(r));  // only tells runs apart in Janus's logs; zeros would do
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]);
    transactionPrefix_ = std::string(buf) + "-";
    keepalive_ = std::thread([this] { keepaliveLoop(); });
}

JanusVideoRoomDriver::~JanusVideoRoomDriver() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    keepalive_.join();
}

std::string JanusVideoRoomDriver::nextTransaction() {
    std::lock_guard lock(mutex_);
    return transactionPrefix_ + std::to_string(++transactions_);
}

std::optional<JanusVideoRoomDriver::Handle> JanusVideoRoomDriver::open(std::string& error) {
    std::string root = base_.toString();
    auto created = postJson(root, JanusMessages::createSession(nextTransaction()),
                            "POST " + base_.target + " create", error);
    if (!created) return std::nullopt;
    auto session = JanusMessages::parseId(*created, error);
    if (!session) return std::nullopt;
    Handle h;
    h.sessionUrl = root + "/" + std::to_string(*session);
    {
        std::lock_guard lock(mutex_);
        sessions_.insert(h.sessionUrl);
    }
    auto attached =
        postJson(h.sessionUrl, JanusMessages::attach(nextTransaction()), "attach", error);
    auto handle = attached ? JanusMessages::parseId(*attached, error) : std::nullopt;
    if (!handle) {
        close({h.sessionUrl});
        return std::nullopt;
    }
    h.handleUrl = h.sessionUrl + "/" + std::to_string(*handle);
    return h;
}

std::optional<std::string> JanusVideoRoomDriver::postJson(const std::string& url,
                                                          const std::string& body,
                                                          const std::string& what,
                                                          std::string& error) {
    auto r = http_.post(url, kJson, body);
    if (r.status != 200) {
        error = httpError(what, r);
        return std::nullopt;
    }
    return std::move(r.body);
}

bool JanusVideoRoomDriver::pollEvents(
    const Handle& h, const std::function<bool(const std::string&, std::string&)>& match,
    std::string& error) {
    const auto deadline = std::chrono::steady_clock::now() + kReplyDeadline;
    // Each poll returns at the latest after Janus's 30 s long-poll timeout or our HTTP timeout.
    while (std::chrono::steady_clock::now() < deadline) {
        auto events = poll_.get(h.sessionUrl + "?maxev=10");
        if (events.status != 200) {
            error = httpError("GET events", events);
            return false;
        }
        if (match(events.body, error)) return true;
        if (!error.empty()) return false;
    }
    return false;
}

std::optional<JanusReply> JanusVideoRoomDriver::requestSync(const Handle& h,
                                                            const std::string& body,
                                                            const std::string& transaction,
                                                            std::string& error) {
    auto replied = postJson(h.handleUrl, body, "POST message", error);
    if (!replied) return std::nullopt;
    auto reply = JanusMessages::findReply(*replied, transaction, error);
    if (!reply && error.empty()) error = "no reply in: " + replied->substr(0, 200);
    return reply;
}

std::optional<JanusReply> JanusVideoRoomDriver::requestAsync(const Handle& h,
                                                             const std::string& body,
                                                             const std::string& transaction,
                                                             std::string& error) {
    auto acked = postJson(h.handleUrl, body, "POST message", error);
    if (!acked || !JanusMessages::parseAck(*acked, transaction, error)) return std::nullopt;
    std::optional<JanusReply> reply;
    auto found = [&](const std::string& events, std::string& err) {
        reply = JanusMessages::findReply(events, transaction, err);
        return reply.has_value();
    };
    if (pollEvents(h, found, error)) return reply;
    if (error.empty()) error = "no Janus event for transaction " + transaction;
    return std::nullopt;
}

bool JanusVideoRoomDriver::waitWebrtcUp(const Handle& h, std::string& error) {
    auto up = [](const std::string& events, std::string& err) {
        return JanusMessages::hasEvent(events, "webrtcup", err);
    };
    if (pollEvents(h, up, error)) return true;
    if (error.empty()) error = "Janus never reported the publisher's PeerConnection up";
    return false;
}

std::optional<uint64_t> JanusVideoRoomDriver::ensureRoom(const std::string& meeting,
                                                         const Handle& h, std::string& error) {
    std::lock_guard creating(roomCreation_);
    const uint64_t id = JanusMessages::roomFor(meeting);
    {
        std::lock_guard lock(mutex_);
        if (rooms_[meeting].created) return id;
    }
    std::string tx = nextTransaction();
    // Room limit: every publisher of the largest meeting we run fits.
    auto reply = requestSync(h, JanusMessages::createRoom(tx, id, 10000), tx, error);
    if (!reply) return std::nullopt;
    if (reply->errorCode != 0 && reply->errorCode != JanusMessages::kRoomExists) {
        error = "create room: " + reply->error;
        return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    rooms_[meeting].id = id;
    rooms_[meeting].created = true;
    return id;
}

SignalingResult JanusVideoRoomDriver::publish(const std::string& meeting, SdpNegotiation& peer) {
    SignalingResult result;
    result.requestStartUs = nowUs();
    auto h = open(result.error);
    if (!h) return result;
    result.session.resourceUrl = h->sessionUrl;
    auto room = ensureRoom(meeting, *h, result.error);
    if (!room) return result;

    std::string tx = nextTransaction();
    auto joined =
        requestAsync(*h, JanusMessages::joinPublisher(tx, *room, "loadgen"), tx, result.error);
    if (!joined) return result;
    if (joined->errorCode != 0 || joined->videoroom != "joined" || joined->id == 0) {
        result.error =
            "join publisher: " + (joined->error.empty() ? joined->videoroom : joined->error);
        return result;
    }
    auto offer = peer.createOffer(result.error);
    if (!offer) return result;
    tx = nextTransaction();
    auto configured = requestAsync(*h, JanusMessages::configure(tx, *offer), tx, result.error);
    if (!configured) return result;
    if (configured->errorCode != 0 || configured->jsepType != "answer") {
        result.error =
            "configure: " + (configured->error.empty() ? "no answer" : configured->error);
        return result;
    }
    result.httpStatus = 200;
    if (!peer.applyAnswer(configured->jsepSdp, result.error)) return result;
    if (!waitWebrtcUp(*h, result.error)) return result;
    result.participant = std::to_string(joined->id);
    {
        std::lock_guard lock(mutex_);
        rooms_[meeting].lastFeed = result.participant;
    }
    result.ok = true;
    return result;
}

SignalingResult JanusVideoRoomDriver::subscribe(const std::string& meeting,
                                                const std::string& participant,
                                                SdpNegotiation& peer) {
    SignalingResult result;
    uint64_t room = 0;
    std::string feedText = participant;
    {
        std::lock_guard lock(mutex_);
        auto it = rooms_.find(meeting);
        if (it != rooms_.end() && it->second.created) {
            room = it->second.id;
            if (feedText.empty()) feedText = it->second.lastFeed;
        }
    }
    uint64_t feed = 0;
    try {
        feed = feedText.empty() ? 0 : std::stoull(feedText);
    } catch (const std::exception&) {
        feed = 0;
    }
    if (room == 0 || feed == 0) {
        result.error = "no Janus publisher '" + participant + "' in meeting " + meeting;
        return result;
    }
    // Join time starts before the session is created: a viewer needs all four requests, where a
    // WHEP viewer needs one.
    result.requestStartUs = nowUs();
    auto h = open(result.error);
    if (!h) return result;
    result.session.resourceUrl = h->sessionUrl;
    std::string tx = nextTransaction();
    auto attached =
        requestAsync(*h, JanusMessages::joinSubscriber(tx, room, feed), tx, result.error);
    if (!attached) return result;
    if (attached->errorCode != 0 || attached->jsepType != "offer") {
        result.error =
            "join subscriber: " + (attached->error.empty() ? "no offer" : attached->error);
        return result;
    }
    auto answer = peer.createAnswer(attached->jsepSdp, result.error);
    if (!answer) return result;
    tx = nextTransaction();
    auto started = requestAsync(*h, JanusMessages::start(tx, *answer), tx, result.error);
    if (!started) return result;
    if (started->errorCode != 0) {
        result.error = "start: " + started->error;
        return result;
    }
    result.httpStatus = 200;
    result.ok = true;
    return result;
}

std::string JanusVideoRoomDriver::close(const SignalingSession& session) {
    if (session.resourceUrl.empty()) return {};
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(session.resourceUrl);
    }
    std::string tx = nextTransaction();
    auto r = http_.post(session.resourceUrl, kJson, JanusMessages::destroy(tx));
    if (r.status != 200) return httpError("destroy " + session.resourceUrl, r);
    std::string error;
    auto id = JanusMessages::findReply(r.body, tx, error);
    if (id && id->errorCode != 0) return "destroy " + session.resourceUrl + ": " + id->error;
    return {};
}

void JanusVideoRoomDriver::keepaliveLoop() {
    std::unique_lock lock(mutex_);
    // One round per interval until the destructor sets stopping_.
    while (!wake_.wait_for(lock, kKeepaliveInterval, [this] { return stopping_; })) {
        std::vector<std::string> urls(sessions_.begin(), sessions_.end());
        std::string tx = transactionPrefix_ + "keepalive-" + std::to_string(++transactions_);
        lock.unlock();
        for (const auto& url : urls) http_.post(url, kJson, JanusMessages::keepalive(tx));
        lock.lock();
    }
}

}  // namespace vcb::loadgen
