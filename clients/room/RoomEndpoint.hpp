#pragma once
// The hall endpoint: joins the configured meeting with the unit's room token over the WebSocket
// protocol (WsParticipant), publishes the camera and microphone (encoder from MediaChoice),
// shows the programme with its sound on the TV (RoomDisplay) with the state overlaid, and comes
// back by itself: any loss (WebSocket closed, no server message for link_timeout_s, the media
// connection failed, a pipeline error) ends the session and RoomState schedules the next try.
//
// Threads: run() drives everything on the calling thread (each step bounded); the control HTTP
// thread only queues requests and reads a status snapshot.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "clients/room/ControlServer.hpp"
#include "clients/room/KeyInput.hpp"
#include "clients/room/MediaChoice.hpp"
#include "clients/room/MeetingFinder.hpp"
#include "clients/room/PublishWatch.hpp"
#include "clients/room/RateControl.hpp"
#include "clients/room/RoomConfig.hpp"
#include "clients/room/RoomDisplay.hpp"
#include "clients/room/RoomState.hpp"
#include "clients/room/SizeControl.hpp"
#include "clients/room/StateReport.hpp"
#include "protocol/ServerMessages.hpp"

namespace vcb::gstclient {
class WsParticipant;
}

namespace vcb::room {

inline constexpr const char* kRoomVersion = "0.1.0";

struct RoomStatus {
    Phase phase = Phase::Starting;
    std::string participantId;
    std::string unit;
    std::string subject;  // the token's sub
    int joins = 0;        // sessions that joined and published
    int attempts = 0;     // connections tried (joined or not: a refused TLS certificate counts)
    int reconnects = 0;
    int displayRestarts = 0;  // the TV's pipeline restarted after an error or a stall
    int publishRestarts = 0;  // sessions ended because the publish pipeline stopped sending
    std::string lastPublishStall;  // "camera pipeline stalled: ...", "" if none yet
    std::uint64_t sentVideoBuffers = 0, sentAudioBuffers = 0;  // by this session's pipeline
    std::string lastProblem;
    std::string overlay;         // the text on the TV now (Vietnamese)
    std::string publishState;    // publish PC connection state
    std::string subscribeState;  // subscribe PC connection state
    bool cameraAvailable = true;
    std::optional<EncoderChoice> encoder;
    DisplayCounters display;
    std::string meetingState;
    std::optional<std::string> programmeParticipant;
    std::vector<std::string> serverErrors;  // error codes the current session received
    int restarts = 0;  // sessions restarted at a technician's request (restart or reload)
    int reloads = 0;   // configuration files re-read (a technician's reload)
    std::string lastCommand;  // "restart by tech-huyen", "" if none yet
    // The raise-hand key (raise_hand_key_device): its device open, its presses so far.
    bool keyDeviceOpen = false;
    std::uint64_t keyPresses = 0;
    int reportsSent = 0;      // endpointReports queued to the server
    // The camera's rate as the link allows (RateControl): the encoder's target now, the loss the
    // server last reported (percent, -1 before a report), how often the rate was cut.
    int videoTargetKbps = 0;
    double linkLossPercent = -1;
    int rateDecreases = 0;
    int linkQueueMs = 0;  // the round trip above the least seen (RateControl::queueingDelay)
    // The size the camera is encoded at (SizeControl): the configured one unless the rate is
    // too low for it; how often it changed.
    VideoSize videoSize{};
    int sizeChanges = 0;
    // The configuration in effect (a reload replaces it on run()'s thread; the control HTTP
    // thread reads this copy).
    std::string meeting, camera, microphone, displayDevice, speaker, keyDevice, key;
    // How `meeting` was chosen: "config", or "next_meeting" (asked of the server; `lookup` is
    // MeetingFinder::lookupState() and `nextMeeting` what it answered last).
    std::string meetingChosenBy, lookup;
    std::optional<NextMeeting> nextMeeting;
    bool echoCancel = true;
};

class RoomEndpoint {
  public:
    // `configPath`: the file `config` came from, re-read on a technician's reload ("" = none:
    // a reload then re-reads the token file only).
    explicit RoomEndpoint(RoomConfig config, std::string configPath = {});
    ~RoomEndpoint();
    RoomEndpoint(const RoomEndpoint&) = delete;
    RoomEndpoint& operator=(const RoomEndpoint&) = delete;

    // Chooses the encoder, starts the display and the control HTTP. false with *error.
    bool start(std::string* error);
    // Runs until `stop` is true. `onAlive` is called at least once a second while the loop is
    // healthy (the systemd watchdog).
    void run(const std::atomic<bool>& stop, const std::function<void()>& onAlive = {});

    // Thread-safe.
    void requestRaiseHand() { raiseHand_ = true; }
    void requestLowerHand() { lowerHand_ = true; }
    void requestReload() { reload_ = true; }
    // Fault injection for tests: the session's "video" or "audio" publish stream stops sending
    // without an error (WebRtcPeer::injectSendStall), as a hung driver would.
    void injectPublishStall(const std::string& kind) { stallKind_ = kind == "audio" ? 2 : 1; }
    RoomStatus status() const;
    std::string statusJson() const;
    std::uint16_t controlPort() const { return control_.port(); }

  private:
    void connectSession(RoomState::Clock::time_point now);
    // No `meeting` configured: the meeting the unit is invited to next (MeetingFinder).
    bool findsMeeting() const { return config_.meeting.empty(); }
    std::string meetingInEffect() const;
    void lookUpMeeting(RoomState::Clock::time_point now);
    // The meeting in effect ended or is refused as over: look up the next one.
    void watchMeetingGone(RoomState::Clock::time_point now);
    std::string overlayText(RoomState::Clock::time_point now) const;
    void endSession(const std::string& why, bool tellState);
    void serviceSession(RoomState::Clock::time_point now);
    void watchTokenFile(RoomState::Clock::time_point now);
    void publishStatus();
    void watchDisplay(RoomState::Clock::time_point now);
    // The raise-hand key: each press turns the hand over (raised if it is down, else lowered).
    void pollKey(RoomState::Clock::time_point now);
    void openKeyDevice();
    // A technician's endpointCommand: restart the session, or re-read the configuration first.
    void handleCommand(const protocol::EndpointCommandNotice& command,
                       RoomState::Clock::time_point now);
    bool reloadConfig();
    void sendReport(RoomState::Clock::time_point now);
    std::string cameraSource();
    // Reads the server's latest receiver report of the publish connection (asked for once a
    // second) and moves the camera's encoder rate with RateControl.
    void adaptRate(RoomState::Clock::time_point now);
    void applyRate();
    // The capsfilter before the encoder, at size_'s size (gst-launch fragment, and its caps).
    std::string scaleLaunch() const;
    std::string sizeCaps() const;

    RoomConfig config_;  // replaced by a technician's reload (run()'s thread only)
    const std::string configPath_;
    const RoomState::Clock::time_point startedAt_;
    RoomState state_;
    MeetingFinder finder_;
    std::optional<EncoderChoice> encoder_;
    RoomDisplay display_;
    ControlServer control_;
    std::unique_ptr<KeyDevice> key_;  // none without raise_hand_key_device
    std::unique_ptr<gstclient::WsParticipant> session_;
    std::string token_;
    struct stat tokenStat_ {};
    RoomState::Clock::time_point nextTokenCheck_{}, nextPing_{}, publishBadSince_{};
    std::string lastOverlay_;
    std::uint64_t lastDisplayFrames_ = 0;
    RoomState::Clock::time_point displayProgressAt_{};
    int displayRestarts_ = 0;
    PublishWatch publishWatch_;
    int publishRestarts_ = 0;
    RateControl rate_;  // kept across sessions: a new session starts at the rate the link took
    SizeControl size_;  // likewise: the size that rate carries
    int sizeChanges_ = 0;
    RoomState::Clock::time_point nextRateCheck_{};
    std::uint64_t rateAnswers_ = 0;
    double linkLossPercent_ = -1;
    std::uint64_t rateBytes_ = 0;  // RTP bytes the publish connection had sent at rateBytesAt_
    RoomState::Clock::time_point rateBytesAt_{};
    double sentKbps_ = 0;  // what it sent between the last two reports (all streams)
    std::string lastPublishStall_;
    int joins_ = 0;
    int attempts_ = 0;
    int restarts_ = 0;
    int reloads_ = 0;
    int reportsSent_ = 0;
    std::string lastCommand_;
    ReportPacer reportPacer_;
    bool cameraAvailable_ = true;
    std::atomic<bool> raiseHand_{false}, lowerHand_{false}, reload_{false};
    std::atomic<int> stallKind_{0};  // injectPublishStall: 1 video, 2 audio

    mutable std::mutex statusMutex_;
    RoomStatus status_;
};

}  // namespace vcb::room
