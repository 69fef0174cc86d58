#pragma once
// One meeting while it runs: its participants and their media (router, producers, consumers) and,
// for a government meeting, the policy that gates that media. Lives on the worker the meeting is
// pinned to: every method runs on that worker's thread, nothing here locks. Conference finds the
// meeting, posts the call to its worker and hands the answer back through the callback.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rooms/Conference.hpp"
#include "rooms/EndpointReport.hpp"
#include "rooms/MediaGate.hpp"
#include "rooms/MeetingStats.hpp"
#include "rooms/MeetingFloor.hpp"
#include "rooms/MeetingJournal.hpp"
#include "rooms/RecordingSession.hpp"

namespace vcb::media {
class AudioMixer;
class MixerHost;
}  // namespace vcb::media

namespace vcb::rooms {

class LiveMeeting final : public sfu::Router::Listener,
                          public std::enable_shared_from_this<LiveMeeting> {
  public:
    LiveMeeting(std::string id, bool adHoc, size_t maxParticipants, sfu::Worker& worker,
                size_t workerIndex);
    ~LiveMeeting() override;

    const std::string& id() const { return id_; }
    sfu::Worker& worker() const { return worker_; }
    size_t workerIndex() const { return workerIndex_; }
    bool empty() const { return meeting_.empty(); }
    bool closed() const { return closed_; }
    bool permanent() const { return permanent_; }
    void setPermanent() { permanent_ = true; }
    // Called (posted to the worker) when a WHIP/WHEP participant's connection ended and the
    // meeting may have become empty: the conference then removes an empty ad-hoc meeting.
    void setEmptiedHandler(std::function<void()> handler) { emptied_ = std::move(handler); }
    // Where the programme audio mix runs (null: no mix, the programme participant's audio).
    // Before the router is created; the host outlives the meeting's close().
    void setMixerHost(media::MixerHost* host) { mixerHost_ = host; }
    // The mix's producer and its plain transport in the router (ids no client can take: client
    // transports are random hex).
    static constexpr const char* kMixTransportId = "programme-mix";
    static constexpr const char* kMixProducerId = "programme-mix:audio";

    // Recording (docs/recording.md "The server side"); a config without dir: disabled.
    void setRecordingConfig(RecordingConfig config) { recConfig_ = std::move(config); }
    static constexpr const char* kRecordingTransportPrefix = "rec:";

    // --- on the worker
    // Starts or stops the meeting's recording for `requester` (a participant; "" = an
    // authorised REST caller): technician or chair only.
    RecordingError startRecording(const std::string& requester, std::string& detail);
    RecordingError stopRecording(const std::string& requester);
    bool recording() const { return recorder_ != nullptr; }
    void createRouter(const sfu::RouterConfig& config);
    // Makes this a government meeting under `info`'s policy (restored from info.restored when
    // set), its lobby opening `lobbyOpensBefore` ahead of the scheduled start, and starts its
    // timer (kTickMs); `journal` (may be null) gets every change of the policy for the record.
    void govern(const policy::MeetingInfo& info,
                std::chrono::milliseconds lobbyOpensBefore = std::chrono::milliseconds(0),
                std::shared_ptr<MeetingJournal> journal = nullptr);
    // The governed meeting's timer period: lobby opening, speaker time limits, active speaker.
    static constexpr uint32_t kTickMs = 250;
    // A government meeting's record as its policy stands (to carry on after it went empty);
    // nullopt for other meetings.
    std::optional<policy::RestoredRecord> policyRecord(policy::TimePoint now) const;
    // Closes every participant's media (DTLS close_notify) and the router; the meeting is done.
    void close(const char* reason);

    void join(Participant participant, std::shared_ptr<MeetingObserver> observer,
              const std::function<void(JoinResult)>& done);
    // Removes a participant and everything it had. Safe for one already gone.
    void removePerson(const std::string& participantId);
    TransportResult createTransport(const std::string& participantId, size_t maxTransports);
    void closeTransport(const std::string& participantId, const std::string& transportId);
    IceRestartResult restartIce(const std::string& participantId, const std::string& transportId,
                                const sfu::RemoteTransportParameters& remote);
    PublishResult publish(const std::string& participantId, const std::string& transportId,
                          const sfu::RemoteTransportParameters& remote,
                          const std::vector<PublishTrack>& tracks);
    std::pair<RoomError, std::string> view(
        const std::string& participantId, const std::string& transportId,
        const std::optional<sfu::RemoteTransportParameters>& remote,
        const std::vector<ViewTrack>& tracks);
    // Answers through `done` first, then applies the change it caused.
    void floorCommand(const std::string& participantId, const FloorCommand& command,
                      const std::function<void(policy::PolicyError)>& done);
    std::vector<Participant> participants() const;
    // The technician's link-quality snapshot (rooms/MeetingStats.hpp); rates over the interval
    // since `requester`'s previous snapshot. `nowUs` is the worker's monotonic clock.
    // `viewer` (a participant asking over its session; "" = an authorised REST caller) must be
    // present with a role that may ViewStats (checked on every call): else NotJoined/Forbidden.
    RoomError stats(const std::string& requester, const std::string& viewer, int64_t nowUs,
                    int64_t wallMs, MeetingStats& out);
    // The technician's subscription (rooms/LiveMeetingStats.cpp): `first` is a snapshot now, then
    // a worker timer hands `push` one every intervalMs while `viewer` is present and may
    // ViewStats (checked at every push; it ends when the viewer leaves or loses the right). A new
    // subscription of the same viewer replaces the old. Errors as stats().
    RoomError subscribeStats(const std::string& viewer, uint32_t intervalMs,
                             std::function<void(const MeetingStats&)> push, MeetingStats& first);
    void unsubscribeStats(const std::string& viewer);
    size_t statsSubscriptionCount() const { return statsSubscriptions_.size(); }

    // Hall endpoints (rooms/LiveMeetingEndpoints.cpp). The sender of a report must be present
    // with role room; its report replaces the previous one and goes with the participant.
    EndpointError endpointReport(const std::string& participantId, EndpointReport report);
    // `requester` must be present and may ControlEndpoints (technician); `target` present with
    // role room. The target gets an EndpointCommand event; the request is logged as a meeting
    // event (endpoint_restart_requested / endpoint_reload_requested).
    EndpointError endpointCommand(const std::string& requester, const std::string& target,
                                  EndpointAction action);

  private:
    struct Person {
        std::shared_ptr<MeetingObserver> observer;
        ClientKind kind = ClientKind::WebSocket;
        std::set<std::string> transports;
        std::map<MediaSource, std::string> producers;  // source → producer id
        std::map<MediaSource, std::string> codecs;     // source → its codec's name
        std::optional<EndpointReport> endpoint;        // a hall endpoint's latest report
    };
    struct ConsumerState {
        std::string transportId;
        MediaSelector source;
    };

    void onTransportConnected(const std::string&) override {}
    void onTransportClosed(const std::string& transportId, std::string_view reason) override;

    std::string producerFor(const MediaSelector& s) const;
    void repoint();
    // The programme audio mix follows the audio producers: started with the first, one input
    // (a plain consumer on a plain transport of its own) per audio producer. Called by repoint().
    void syncMix();
    void startMix();
    MediaGate::Producers producers() const;
    // After every policy call: gates and programme follow the policy's snapshot, and everyone is
    // told what changed. Sessions the policy closes (replaced, removed, meeting ended) leave.
    void applyFloor(policy::Outcome outcome);
    void broadcast(const MeetingEvent& e, const std::string& except);
    // The timer (government meetings): opens the lobby when due, runs the policy's time-based
    // logic and feeds it the publishers' audio levels; clients hear of any change.
    void onTick();
    void dropProducersOf(const std::string& pid, Person& person, const std::string& onlyTransport);

    // Recording: the recorder's groups follow the programme and the publishers (called by
    // repoint()); events from the recorder's reader thread arrive posted to the worker.
    struct RecGroup {
        std::string participantId;  // "" = the programme
        uint32_t audioSsrc = 0;
        uint32_t videoSsrc = 0;
        std::string videoCodec;  // VP8 or H264
        uint8_t videoPt = 96;
        bool connected = false;  // groupAdded came, consumers exist
    };
    RecordingError authorizeRecording(const std::string& requester) const;
    void syncRecording();
    void addRecGroup(const std::string& name, const std::string& participantId);
    void removeRecGroup(const std::string& name, bool tellRecorder);
    void onRecorderEvent(const boost::json::object& event);
    void connectRecGroup(const std::string& name, const boost::json::array& streams);
    std::string recProducer(const RecGroup& g, sfu::MediaKind kind) const;
    void recordingNote(const std::string& type, policy::EventDetail detail);
    void endRecording();

    std::string id_;
    sfu::Worker& worker_;
    size_t workerIndex_;
    Meeting meeting_;
    std::unique_ptr<sfu::Router> router_;
    bool permanent_ = false;
    bool closed_ = false;
    std::function<void()> emptied_;
    std::map<std::string, Person> people_;
    std::map<std::string, std::string> transportOwner_;  // transport → participant
    std::set<std::string> connected_;                    // transports given remote parameters
    std::map<std::string, ConsumerState> consumers_;     // consumer id = transport:mid
    // Government meetings only: the meeting's policy (null: a plain meeting, everything flows).
    std::unique_ptr<MeetingFloor> floor_;
    guint tickTimer_ = 0;  // on worker_, while governed and not closed
    std::shared_ptr<MeetingJournal> journal_;
    StatsSampler statsSampler_;  // the meeting's record; null: none kept
    struct StatsSubscription {
        guint timer = 0;  // on worker_
        std::function<void(const MeetingStats&)> push;
    };
    bool pushStats(const std::string& viewer);  // the subscription's timer; false ends it
    // Every LinkMetrics::kPublishIntervalMs the figures go to /metrics (rooms/LinkMetrics.hpp).
    void startLinkMetrics();
    bool publishLinkMetrics();
    // A participant left: its subscription and its /metrics series go.
    void forgetStatsOf(const std::string& pid);
    // Closing: every subscription, the metrics timer and the meeting's series go.
    void stopStatsSubscriptions();
    guint linkMetricsTimer_ = 0;
    std::map<std::string, StatsSubscription> statsSubscriptions_;  // viewer → subscription
    media::MixerHost* mixerHost_ = nullptr;
    std::shared_ptr<media::AudioMixer> mixer_;        // null until the first audio producer
    std::map<std::string, std::string> mixInputs_;    // producer id → its input's transport id
    bool mixFailed_ = false;                          // not retried (logged)
    RecordingConfig recConfig_;
    std::shared_ptr<RecordingSession> recorder_;  // while recording
    bool recReady_ = false;
    bool recStopRequested_ = false;
    std::string recStopReason_;
    std::map<std::string, RecGroup> recGroups_;  // by group name
    std::string recLastProgramme_;               // for the chapter marks
    std::vector<std::string> recLastUnits_;
};

}  // namespace vcb::rooms
