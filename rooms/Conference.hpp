#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "rooms/Authenticator.hpp"
#include "rooms/FloorView.hpp"
#include "rooms/MediaSelector.hpp"
#include "rooms/Meeting.hpp"
#include "rooms/MeetingJournal.hpp"
#include "rooms/MeetingStats.hpp"
#include "rooms/RecordingSession.hpp"
#include "rooms/RoomError.hpp"
#include "rooms/policy/MeetingPolicy.hpp"
#include "sfu/core/Router.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/dtls/DtlsContext.hpp"

namespace vcb::media {
class MixerHost;
}

namespace vcb::rooms {

class LiveMeeting;  // one meeting on its worker (rooms/LiveMeeting.hpp)

struct ConferenceConfig {
    size_t workers = 1;
    sfu::IceConfig ice;
    bool allowAdHocMeetings = true;
    size_t maxParticipantsPerMeeting = 500;
    size_t maxMeetings = 1000;
    size_t maxTransports = 2000;        // media sessions on this server (all meetings)
    std::vector<std::string> meetings;  // created at start-up, never removed
    // Government meetings (docs/meeting-policy.md): created at start-up like `meetings`, with the
    // meeting policy enforced in the media path (lobby, floor, mutes, programme). Units resolved.
    // A MeetingInfo's `restored` carries the meeting's stored record (read at start-up).
    std::vector<policy::MeetingInfo> governmentMeetings;
    // A government meeting's lobby opens this long before its scheduled start (joins before are
    // refused with wrong_state); the timer of a live meeting opens it when the time comes.
    std::chrono::milliseconds lobbyOpensBefore = std::chrono::minutes(30);
    // Where government meetings write their record as it happens (events, state, attendance,
    // roll calls, removals); empty: nothing is written (no database).
    MeetingJournalFactory journal;
    // The WHEP programme's audio is the mix of everyone allowed to be heard (media::AudioMixer,
    // one per meeting with audio publishers); false: the programme participant's own audio.
    bool mixProgrammeAudio = true;
    // Recording (rooms/RecordingSession.hpp): an empty dir disables it (recording_disabled).
    RecordingConfig recording;
};

struct MeetingEvent {
    enum class Type {
        ParticipantJoined,
        ParticipantLeft,
        TrackPublished,
        TrackUnpublished,
        TransportClosed,
        FloorChanged,  // government meetings: the policy changed (floor has the view and events)
        // Government meetings, to the closed participant only, just before it is removed (the
        // others get ParticipantLeft): the policy ended its session.
        SessionClosed,
        // To a hall endpoint only: a technician asks it to restart or reload (reason = the
        // action's name, participant = the technician: its id and subject).
        EndpointCommand,
    };
    Type type;
    Participant participant;                      // for joined; id only otherwise
    TrackInfo track;                              // for track events
    std::string transportId;                      // for TransportClosed
    std::shared_ptr<const FloorView> floor = {};  // for FloorChanged
    std::string reason = {};  // for SessionClosed: replaced, removed or meeting_ended
};

// Receives the events of the meeting a participant is in, on the meeting's worker thread.
class MeetingObserver {
  public:
    virtual ~MeetingObserver() = default;
    virtual void onMeetingEvent(const MeetingEvent& event) = 0;
};

// A track to publish, as negotiated from the client's offer.
struct PublishTrack {
    std::string mid;
    sfu::MediaKind kind = sfu::MediaKind::Video;
    MediaSource source = MediaSource::Camera;  // the microphone for audio
    uint32_t ssrc = 0;
    uint32_t rtxSsrc = 0;  // RFC 4588 retransmissions, if signaled (FID group)
    sfu::RtpCodec codec;
    std::vector<sfu::RtpHeaderExtension> extensions;
};

// What the SFU is told about a published track: feedback the publisher accepts (PLI/FIR, REMB,
// NACK and, with NACK, its RTX) from the negotiated codec.
sfu::ProducerOptions producerOptions(const std::string& transportId, const PublishTrack& track);

// A stream to send, as negotiated with a viewer.
struct ViewTrack {
    std::string mid;
    uint32_t ssrc = 0;     // chosen by the server
    uint32_t rtxSsrc = 0;  // RFC 4588 retransmissions, if negotiated (FID group); else 0
    std::string cname;
    std::vector<sfu::RtpCodec> codecs;
    std::vector<sfu::RtpHeaderExtension> extensions;
    MediaSelector source;
};

struct JoinResult {
    RoomError error = RoomError::None;
    std::string participantId;
    std::vector<Participant> others;
    std::string detail = {};   // the policy's code when it refused the join
    std::string message = {};  // for people, when the policy's refusal needs more than its code
    std::shared_ptr<const FloorView> floor = {};  // government meetings: the state on joining
};

struct TransportResult {
    RoomError error = RoomError::None;
    std::string detail;
    std::string transportId;
    sfu::LocalTransportParameters local;
};

struct IceRestartResult {
    RoomError error = RoomError::None;
    std::string detail;
    bool restarted = false;  // false: the client's ufrag is the current one (no restart)
    sfu::LocalTransportParameters local;
};

struct PublishResult {
    RoomError error = RoomError::None;
    std::string detail;
    std::vector<TrackInfo> tracks;
};

// The meetings of this server and their media. Thread-safe entry points; each meeting's state
// lives on the worker it is pinned to, so every operation is posted there and answers through a
// callback invoked on that worker thread.
class Conference final {
  public:
    Conference(ConferenceConfig config, std::shared_ptr<dtls::DtlsContext> dtls,
               std::shared_ptr<const Authenticator> auth);
    ~Conference();
    Conference(const Conference&) = delete;
    Conference& operator=(const Conference&) = delete;

    // Refuses new meetings and closes every meeting's media (DTLS close_notify to each peer).
    // Never waits for a worker, so any thread may call it; the destructor joins the workers.
    void stop();

    void join(JoinCredentials credentials, std::shared_ptr<MeetingObserver> observer,
              std::function<void(JoinResult)> done);
    void leave(const std::string& meetingId, const std::string& participantId);

    void createTransport(const std::string& meetingId, const std::string& participantId,
                         std::function<void(TransportResult)> done);
    void closeTransport(const std::string& meetingId, const std::string& participantId,
                        const std::string& transportId);

    // ICE restart of a connected transport the participant owns, if remote.iceUfrag is new:
    // new local ICE credentials, DTLS/SRTP and streams untouched (sfu::Router::
    // restartTransportIce). A transport not connected yet is left alone (restarted = false).
    void restartIce(const std::string& meetingId, const std::string& participantId,
                    const std::string& transportId, sfu::RemoteTransportParameters remote,
                    std::function<void(IceRestartResult)> done);

    // Connects the transport (first call) and creates its producers.
    void publish(const std::string& meetingId, const std::string& participantId,
                 const std::string& transportId, sfu::RemoteTransportParameters remote,
                 std::vector<PublishTrack> tracks, std::function<void(PublishResult)> done);
    // Connects the transport (if not yet) and makes its outgoing streams exactly `tracks`
    // (matched by mid: new ones created, missing ones closed, changed sources re-pointed).
    void view(const std::string& meetingId, const std::string& participantId,
              const std::string& transportId, std::optional<sfu::RemoteTransportParameters> remote,
              std::vector<ViewTrack> tracks, std::function<void(RoomError, std::string)> done);

    // A chair or floor command of a participant of a government meeting, checked by the meeting
    // policy against the participant's role on every call. done(error) on the worker; on success
    // every participant (the sender too) gets a FloorChanged event. PolicyError::BadRequest for a
    // meeting without a policy.
    void floorCommand(const std::string& meetingId, const std::string& participantId,
                      FloorCommand command, std::function<void(policy::PolicyError)> done);

    // Snapshot of a meeting's participants (for signaling), delivered on the worker.
    void participants(const std::string& meetingId,
                      std::function<void(RoomError, std::vector<Participant>)> done);
    // The technician's link-quality snapshot of a meeting, computed on its worker; `done` runs
    // there. Rates cover the interval since `requester`'s previous snapshot (MeetingStats.hpp).
    // `viewer`: the asking participant, whose role is checked there ("" = the REST API, which
    // checked its caller's token).
    void stats(const std::string& meetingId, const std::string& requester,
               const std::string& viewer, std::function<void(RoomError, MeetingStats)> done);
    // LiveMeeting::subscribeStats on the meeting's worker: `done` gets the first snapshot (or the
    // error), `push` the following ones from the worker's timer. Neither may block the worker.
    void subscribeStats(const std::string& meetingId, const std::string& viewer,
                        uint32_t intervalMs, std::function<void(const MeetingStats&)> push,
                        std::function<void(RoomError, MeetingStats)> done);
    void unsubscribeStats(const std::string& meetingId, const std::string& viewer);

    // Hall endpoints (rooms/EndpointReport.hpp), on the meeting's worker. A room participant's
    // latest report replaces its previous one (shown in stats); others get ForbiddenForRole.
    void endpointReport(const std::string& meetingId, const std::string& participantId,
                        EndpointReport report, std::function<void(EndpointError)> done);
    // A technician's restart/reload request to the room participant `target`: forwarded to it as
    // an EndpointCommand event and written in the meeting's event log; done(error) otherwise.
    void endpointCommand(const std::string& meetingId, const std::string& participantId,
                         const std::string& target, EndpointAction action,
                         std::function<void(EndpointError)> done);

    // Starts (start = true) or stops a meeting's recording for `participantId` ("" = the REST
    // API, which checked its caller's token): technician or chair. done on the worker.
    void recording(const std::string& meetingId, const std::string& participantId, bool start,
                   std::function<void(RecordingError, std::string)> done);

    // Government meetings defined at run time (the REST API's records): a join for `info.id`
    // creates a live meeting governed by `info` (not permanent: it closes when it empties, like
    // an ad-hoc one). Redefining replaces the definition for the next time the meeting goes live,
    // never the live one; forgetting leaves a live meeting until it empties. Thread-safe, never
    // waits for a worker. A meeting of the config's governmentMeetings is not redefined here.
    void defineGovernmentMeeting(policy::MeetingInfo info);
    void forgetGovernmentMeeting(const std::string& id);
    bool governmentMeetingDefined(const std::string& id) const;

    size_t meetingCount() const;
    // Empty unless a worker could not bind its media port (then no meeting can be created).
    const std::string& startError() const { return startError_; }
    // The UDP port of each worker, in worker order.
    std::vector<uint16_t> mediaPorts() const;

  private:
    std::shared_ptr<LiveMeeting> findMeeting(const std::string& id) const;
    std::shared_ptr<LiveMeeting> findOrCreateMeeting(const std::string& id, RoomError& error);
    void removeIfEmpty(const std::shared_ptr<LiveMeeting>& m);

    ConferenceConfig config_;
    std::shared_ptr<dtls::DtlsContext> dtls_;
    std::shared_ptr<const Authenticator> auth_;
    // The programme mixers' thread; reset after the workers stop (meetings close their mixers).
    std::unique_ptr<media::MixerHost> mixerHost_;
    std::vector<std::unique_ptr<sfu::Worker>> workers_;
    // One shared ICE/UDP port per worker; declared after workers_ so it goes first.
    std::vector<std::unique_ptr<sfu::IcePort>> ports_;
    std::string startError_;
    std::vector<size_t> workerLoad_;
    mutable std::mutex mutex_;  // guards meetings_ and workerLoad_ (control path only)
    std::unordered_map<std::string, std::shared_ptr<LiveMeeting>> meetings_;
    std::unordered_map<std::string, policy::MeetingInfo> defined_;  // defineGovernmentMeeting
    std::atomic<bool> stopped_{false};
};

}  // namespace vcb::rooms
