#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "protocol/ClientMessages.hpp"
#include "protocol/ServerMessages.hpp"
#include "rooms/Conference.hpp"
#include "signaling/http/WsConnection.hpp"
#include "signaling/sdp/Negotiator.hpp"

namespace vcb::signaling {

// One WebSocket participant: its meeting membership, its publish peer connection and its
// subscribe peer connection (server offers). Messages arrive on the connection's strand, meeting
// events on the meeting's worker; a mutex orders them, and no conference call is made while it
// is held (the conference may answer synchronously).
class WsClient final : public rooms::MeetingObserver,
                       public std::enable_shared_from_this<WsClient> {
  public:
    WsClient(rooms::Conference& conference, std::weak_ptr<WsConnection> connection,
             std::string remoteAddress)
        : conference_(conference),
          connection_(std::move(connection)),
          remoteAddress_(std::move(remoteAddress)) {}

    void handle(const protocol::ClientMessage& message);
    void onMeetingEvent(const rooms::MeetingEvent& event) override;
    // The socket closed: leave the meeting.
    void disconnect();
    // The conference transport of the subscribe peer connection; empty while there is none.
    std::string subscribeTransportId();

  private:
    struct SubscribedTrack {
        std::string participantId;
        sfu::MediaKind kind = sfu::MediaKind::Video;
        uint32_t ssrc = 0;
        uint32_t rtxSsrc = 0;  // video: offered for RFC 4588 retransmissions
        std::string codec{};   // video: the codec it is sent in (rooms::TrackInfo::codec)
    };

    bool isJoined();
    bool startJoin(const protocol::Join& m);
    void join(const protocol::Join& m);
    void publish(const protocol::Publish& m);
    void unpublish(const protocol::Unpublish& m);
    void subscribe(const std::vector<std::string>& trackIds, bool add,
                   std::optional<int64_t> requestId, bool iceRestart = false);
    void answer(const protocol::SubscribeAnswer& m);
    void leave(std::optional<int64_t> requestId);

    void addTracksLocked(const std::vector<rooms::TrackInfo>& tracks,
                         const std::string& participantId);
    void renegotiate();
    void send(const protocol::ServerMessage& message);
    void sendError(protocol::ErrorCode code, std::string message, std::optional<int64_t> requestId);

    rooms::Conference& conference_;
    std::weak_ptr<WsConnection> connection_;
    std::string remoteAddress_;

    std::mutex mutex_;
    bool joining_ = false;
    bool joined_ = false;
    bool left_ = false;
    bool autoSubscribe_ = true;
    std::string meetingId_;
    std::string participantId_;

    std::string publishTransport_;
    bool publishBusy_ = false;
    sfu::LocalTransportParameters publishLocal_;

    std::string subscribeTransport_;
    bool subscribeTransportPending_ = false;
    bool subscribeConnected_ = false;
    sfu::LocalTransportParameters subscribeLocal_;
    Negotiator subscribeNegotiator_;
    std::optional<SessionDescription> lastOffer_;
    int64_t revision_ = 0;
    bool offerInFlight_ = false;
    bool renegotiateNeeded_ = false;
    // ICE restart of the subscribe connection: asked for (next offer restarts), and offered (the
    // client's answer brings its new ufrag).
    bool iceRestartWanted_ = false;
    bool iceRestartOffered_ = false;
    std::map<std::string, SubscribedTrack> subscribed_;  // by track id, ≤ kMaxSubscribedTracks
    // Tracks other participants publish now (from joined and meeting events): subscribe accepts
    // only these. Bounded by the meeting's participants and their tracks.
    std::map<std::string, SubscribedTrack> meetingTracks_;
};

}  // namespace vcb::signaling
