#pragma once
// The JSON of Janus's HTTP API (https://janus.conf.meetecho.com/docs/rest.html) and its VideoRoom
// plugin, as JanusVideoRoomDriver uses them: request builders and reply parsers, without I/O so
// they can be tested against captured replies.
#include <cstdint>
#include <optional>
#include <string>

namespace vcb::loadgen {

// A VideoRoom reply: the synchronous "success" of a plugin request or an asynchronous "event".
struct JanusReply {
    std::string videoroom;  // plugindata.data.videoroom: "created", "joined", "attached", "event"
    uint64_t id = 0;        // data.id: the feed id of a publisher that "joined"
    int errorCode = 0;      // data.error_code, or the core error's code; 0 = no error
    std::string error;
    std::string jsepType;  // "offer" / "answer", empty without jsep
    std::string jsepSdp;
};

class JanusMessages {
  public:
    static constexpr const char* kPlugin = "janus.plugin.videoroom";
    static constexpr int kRoomExists = 427;  // JANUS_VIDEOROOM_ERROR_ROOM_EXISTS
    static constexpr int kNoSuchFeed = 428;  // JANUS_VIDEOROOM_ERROR_NO_SUCH_FEED

    static std::string createSession(const std::string& transaction);
    static std::string attach(const std::string& transaction);
    static std::string keepalive(const std::string& transaction);
    static std::string destroy(const std::string& transaction);
    // A room for VP8 + Opus that takes `publishers` publishers and sends them no periodic PLI.
    static std::string createRoom(const std::string& transaction, uint64_t room,
                                  unsigned publishers);
    static std::string joinPublisher(const std::string& transaction, uint64_t room,
                                     const std::string& display);
    // Our offer (candidates inside, no trickle) with audio and video on.
    static std::string configure(const std::string& transaction, const std::string& offerSdp);
    static std::string joinSubscriber(const std::string& transaction, uint64_t room, uint64_t feed);
    static std::string start(const std::string& transaction, const std::string& answerSdp);

    // data.id of a core "success" (create, attach); nullopt and error set otherwise.
    static std::optional<uint64_t> parseId(const std::string& body, std::string& error);
    // "ack" to an asynchronous request: true; a core error: false and error set.
    static bool parseAck(const std::string& body, const std::string& transaction,
                         std::string& error);
    // The reply to `transaction` in a POST response or a long-poll body (one object or an array
    // of them). nullopt when the body holds none (keep polling); error set if it does not parse.
    static std::optional<JanusReply> findReply(const std::string& body,
                                               const std::string& transaction, std::string& error);
    // Whether the body (object or array) holds a core event {"janus": kind}, e.g. "webrtcup".
    static bool hasEvent(const std::string& body, const std::string& kind, std::string& error);

    // A stable numeric room id for a meeting name (1 .. 2^53-1, exact in any JSON parser).
    static uint64_t roomFor(const std::string& meeting);
};

}  // namespace vcb::loadgen
