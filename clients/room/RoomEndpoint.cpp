#include "clients/room/RoomEndpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <iostream>
#include <random>
#include <tuple>

#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WebRtcPeer.hpp"
#include "clients/gst/WsParticipant.hpp"

namespace vcb::room {
namespace {

using Clock = RoomState::Clock;
constexpr auto kSlice = std::chrono::milliseconds(100);
constexpr auto kPingEvery = std::chrono::seconds(3);
constexpr auto kTokenCheckEvery = std::chrono::seconds(1);
constexpr auto kMediaGrace = std::chrono::seconds(8);  // publish PC not connected for this long
constexpr auto kDisplayStall = std::chrono::seconds(5);
constexpr auto kLookupTimeout = std::chrono::seconds(5);
// A looked-up meeting refused with these is over (or gone): look up the next one.
constexpr std::string_view kMeetingGoneCodes[] = {"wrong_state", "meeting_not_found",
                                                  "meeting_ended"};
// RTCP of each of the hall's RTP sessions (bit/s; WebRtcPeerOptions::rtcpBandwidth): a report
// about every 100 ms. The clients' 40 kbit/s a session would take ≈ 160 kbit/s of a thin uplink
// for the four sessions (camera, microphone, the programme's picture and sound).
constexpr int kRtcpBandwidth = 8000;
// What the camera's RTX may resend (ms): a NACK comes about one round trip after the loss, so
// this repairs random loss on a link of up to ≈ 300 ms; when the link's queue is deeper (it is
// congested), the packets are gone and nothing is resent: resending then only adds to the
// congestion (every lost packet would go out again on each of the server's NACKs).
constexpr int kRtxHistoryMs = 300;
// At most one key frame a second on the viewers' requests (WebRtcPeerOptions::
// minKeyFrameIntervalMs): on a congested uplink each loss makes every viewer ask for one.
constexpr int kMinKeyFrameIntervalMs = 1000;
// The microphone in Opus at 32 kbit/s (libwebrtc's default for mono speech), not opusenc's 64:
// on a 400 kbit/s uplink the difference is 8 % of the link, given to the picture.
constexpr int kAudioBitrate = 32000;

std::int64_t systemNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void log(const std::string& line) { std::cerr << "vcb-room: " << line << std::endl; }

MeetingView toView(const protocol::MeetingStateMessage& m) {
    MeetingView v;
    v.state = m.state;
    v.floor = m.floor;
    for (const auto& h : m.queue) v.queueUnits.push_back(h.unit);
    v.speakers = m.speakers;
    v.floorEndsAtMs = m.floorEndsAt;
    v.programmeParticipant = m.programmeParticipant;
    return v;
}

// The local time zone's offset from UTC at `ms` (for the next meeting's start on the TV).
long utcOffsetAt(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

bool sameFile(const struct stat& a, const struct stat& b) {
    return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

RoomEndpoint::RoomEndpoint(RoomConfig config, std::string configPath)
    : config_(std::move(config)),
      configPath_(std::move(configPath)),
      startedAt_(Clock::now()),
      state_(RoomStateOptions{.backoffMin = config_.backoffMin,
                              .backoffMax = config_.backoffMax,
                              .replacedHoldoff = config_.replacedHoldoff,
                              .seed = static_cast<std::uint32_t>(std::random_device{}())}),
      display_(config_),
      rate_(config_.videoBitrateKbps),
      size_({config_.width, config_.height}, config_.framerate) {}

RoomEndpoint::~RoomEndpoint() {
    control_.stop();
    session_.reset();
    display_.detachAll();
}

bool RoomEndpoint::start(std::string* error) {
    encoder_ = chooseEncoder(config_.codec, config_.videoBitrateKbps, gstRegistry(), error);
    if (!encoder_) return false;
    log("video encoder " + encoder_->element + " (" + encoder_->codec +
        (encoder_->hardware ? ", hardware)" : ", software)"));
    if (!display_.start(error)) return false;
    display_.setOverlay(message(MessageId::Starting));
    if (config_.control != "off") {
        ControlHandlers handlers{
            .raiseHand = [this] { requestRaiseHand(); },
            .lowerHand = [this] { requestLowerHand(); },
            .reload = [this] { requestReload(); },
            .status = [this] { return statusJson(); },
        };
        if (!control_.start(config_.control, std::move(handlers), error)) return false;
        log("control on 127.0.0.1:" + std::to_string(control_.port()));
    }
    openKeyDevice();
    publishStatus();
    return true;
}

void RoomEndpoint::openKeyDevice() {
    if (config_.raiseHandKeyDevice.empty()) {
        key_.reset();
        return;
    }
    if (key_ && key_->path() == config_.raiseHandKeyDevice && key_->code() == config_.raiseHandKey)
        return;
    key_ = std::make_unique<KeyDevice>(config_.raiseHandKeyDevice, config_.raiseHandKey, log);
}

void RoomEndpoint::pollKey(Clock::time_point now) {
    if (!key_) return;
    const int presses = key_->poll(now);
    // Out of the meeting a press is dropped, as a /raise-hand is: nobody would see it.
    if (presses == 0 || !session_ || !state_.inMeeting()) return;
    if (presses % 2 == 0) return;  // pressed twice before the loop saw it: as it was
    // Holding the floor counts as raised: pressing gives it back (lowerHand does).
    const Phase p = state_.phase();
    if (p == Phase::HandRaised || p == Phase::Floor || p == Phase::Muted)
        requestLowerHand();
    else
        requestRaiseHand();
}

std::string RoomEndpoint::cameraSource() {
    const bool device = config_.camera.starts_with("/dev/");
    cameraAvailable_ = !device || ::access(config_.camera.c_str(), R_OK) == 0;
    if (cameraAvailable_) return cameraLaunch(config_);
    // A still picture saying so; the microphone keeps working.
    return "videotestsrc is-live=true pattern=black ! video/x-raw,width=" +
           std::to_string(config_.width) + ",height=" + std::to_string(config_.height) +
           ",framerate=" + std::to_string(config_.framerate) +
           "/1 ! textoverlay valignment=center halignment=center font-desc=\"Sans Bold " +
           std::to_string(std::max(10, config_.height / 12)) + "px\" text=\"" +
           message(MessageId::CameraUnavailable) + "\"";
}

std::string RoomEndpoint::meetingInEffect() const {
    if (!findsMeeting()) return config_.meeting;
    const auto m = finder_.joinable();
    return m ? m->id : std::string();
}

void RoomEndpoint::lookUpMeeting(Clock::time_point now) {
    if (session_ || !finder_.lookupDue(now)) return;
    std::string error;
    const auto token = currentToken(config_, &error);
    const auto url = nextMeetingUrl(config_.server);
    LookupAnswer answer;
    if (!token || !url) {
        answer = parseLookupAnswer(0, "", token ? "server: not a ws:// or wss:// address" : error);
    } else {
        const auto r = gstclient::HttpClient(kLookupTimeout, config_.caFile)
                           .request("GET", *url, "", "", {{"Authorization", "Bearer " + *token}});
        answer = parseLookupAnswer(r.status, r.body, r.error);
    }
    const std::string before = finder_.lookupState();
    finder_.answer(answer, Clock::now(), systemNowMs());
    const std::string after = finder_.lookupState();
    if (const auto m = finder_.joinable()) {
        log("next meeting: " + m->id + " (" + m->state + "): joining");
        state_.retryNow(Clock::now());
    } else if (after != before) {
        log("next meeting: " + after + (finder_.meeting() ? " " + finder_.meeting()->id : ""));
    }
}

void RoomEndpoint::watchMeetingGone(Clock::time_point now) {
    if (!findsMeeting() || !finder_.joinable()) return;
    const Phase p = state_.phase();
    const auto* code =
        std::find(std::begin(kMeetingGoneCodes), std::end(kMeetingGoneCodes), state_.lastProblem());
    const bool refusedAsGone =
        (p == Phase::Refused || p == Phase::Reconnecting) && code != std::end(kMeetingGoneCodes);
    if (p != Phase::Ended && !refusedAsGone) return;
    log("meeting " + finder_.joinable()->id + " is over: looking up the next one");
    if (session_) endSession("meeting ended", false);
    finder_.meetingGone(now);
}

std::string RoomEndpoint::overlayText(Clock::time_point now) const {
    const std::int64_t wall = systemNowMs();
    if (findsMeeting() && !session_ && !finder_.joinable()) {
        const auto& m = finder_.meeting();
        return finder_.overlay(now, wall, utcOffsetAt(m ? m->scheduledStartMs : wall));
    }
    return state_.overlay(now, wall);
}

void RoomEndpoint::connectSession(Clock::time_point now) {
    std::string error;
    auto token = currentToken(config_, &error);
    if (!token) {
        log(error);
        state_.refused(now, "token: " + error);
        return;
    }
    token_ = *token;
    state_.setUnit(tokenClaim(token_, "unit").value_or(""));
    state_.connecting(now);
    ++attempts_;
    display_.setOverlay(state_.overlay(now, systemNowMs()));
    const std::string camera = cameraSource();
    const std::string mic = microphoneLaunch(config_);
    const std::string encoder = scaleLaunch() + encoder_->launch;
    const std::string filter =
        config_.echoCancel
            ? "audio/x-raw,format=S16LE,rate=48000,channels=1 ! webrtcdsp probe=" +
                  display_.echoProbeName() +
                  " echo-cancel=true noise-suppression=true gain-control=true ! audioconvert"
            : std::string();
    gstclient::WsParticipantOptions options{
        .url = config_.server,
        .caFile = config_.caFile,
        .meeting = meetingInEffect(),
        .displayName = config_.displayName,
        .token = token_,
        .autoSubscribe = true,
        .timeout = std::chrono::seconds(5),
    };
    options.customizePublish = [=](gstclient::WebRtcPeerOptions& o) {
        o.videoSource = camera;
        o.videoEncoder = encoder;
        o.audioSource = mic;
        o.audioFilter = filter;
        o.rtcpBandwidth = kRtcpBandwidth;
        o.rtxHistoryMs = kRtxHistoryMs;
        o.minKeyFrameIntervalMs = kMinKeyFrameIntervalMs;
        o.audioBitrate = kAudioBitrate;
        o.name = "room publish";
    };
    RoomDisplay* display = &display_;
    options.customizeSubscribe = [display](gstclient::WebRtcPeerOptions& o) {
        o.extraDescription = display->subscribeDescription();
        o.decodedSink = [display](GstElement* pipeline, GstPad* pad, const std::string& kind,
                                  const std::string& msid) {
            display->attach(pipeline, pad, kind, msid);
        };
        o.rtcpBandwidth = kRtcpBandwidth;
        o.name = "room subscribe";
    };
    session_ = std::make_unique<gstclient::WsParticipant>(std::move(options));
    if (!session_->connect(&error)) {
        const auto codes = session_->errorCodes();
        log("join failed: " + error);
        session_.reset();
        display_.detachAll();
        if (!codes.empty())
            state_.refused(Clock::now(), codes.back());
        else
            state_.lost(Clock::now(), error);
        return;
    }
    if (!session_->publish(&error)) {
        log("publish failed: " + error);
        endSession("publish failed: " + error, true);
        return;
    }
    ++joins_;
    rateAnswers_ = 0;
    rateBytes_ = 0;
    rateBytesAt_ = {};
    nextRateCheck_ = Clock::now() + std::chrono::seconds(1);
    applyRate();  // the pipeline was built at the configured rate
    state_.joined(Clock::now(), session_->participantId());
    reportPacer_.joined();  // the server forgot the previous session's report
    nextPing_ = Clock::now() + kPingEvery;
    publishBadSince_ = {};
    log("joined " + meetingInEffect() + " as " + session_->participantId() + " (unit " +
        state_.unit() + ")");
}

void RoomEndpoint::endSession(const std::string& why, bool tellState) {
    if (session_) {
        session_->close();
        session_.reset();  // stops both pipelines: no more attach() calls
    }
    display_.detachAll();
    display_.setProgramme(std::nullopt);
    publishWatch_ = {};
    if (tellState) state_.lost(Clock::now(), why);
    log("session ended: " + why);
}

void RoomEndpoint::serviceSession(Clock::time_point) {
    session_->runUntil([] { return false; }, Clock::now() + kSlice);
    const auto now = Clock::now();
    if (auto st = session_->meetingState()) state_.meetingState(toView(*st), now);
    display_.setProgramme(state_.meeting().programmeParticipant);

    if (auto reason = session_->sessionClosedReason()) {
        state_.sessionClosed(now, *reason);
        endSession("sessionClosed " + *reason, false);
        return;
    }
    if (!session_->isOpen()) {
        endSession("WebSocket closed: " + session_->lastError(), true);
        return;
    }
    if (now - session_->lastMessageAt() > config_.linkTimeout) {
        endSession(
            "no message from the server for " + std::to_string(config_.linkTimeout.count()) + " s",
            true);
        return;
    }
    if (const std::string e = display_.attachError(); !e.empty()) {
        endSession("display: " + e, true);
        return;
    }
    if (const std::string e = session_->peerPipelineError(); !e.empty()) {
        endSession("pipeline error: " + e, true);
        return;
    }
    const std::string pc = session_->publishConnectionState();
    if (pc == "failed" || pc == "closed") {
        endSession("publish media " + pc, true);
        return;
    }
    if (pc != "connected") {
        if (publishBadSince_ == Clock::time_point{}) publishBadSince_ = now;
        if (now - publishBadSince_ > kMediaGrace) {
            endSession("publish media not connected for " + std::to_string(kMediaGrace.count()) +
                           " s (" + pc + ")",
                       true);
            return;
        }
    } else {
        publishBadSince_ = {};
    }
    if (const int kind = stallKind_.exchange(0); kind != 0)
        session_->injectPublishStall(kind == 2 ? "audio" : "video");
    // A stopped camera or microphone: a new session builds the publish pipeline afresh.
    const auto [video, audio] = session_->publishSentBuffers();
    if (auto stalled = publishWatch_.update(now, pc == "connected", video, audio)) {
        ++publishRestarts_;
        lastPublishStall_ = std::string(*stalled == "video" ? "camera" : "microphone") +
                            " pipeline stalled: no " + *stalled + " sent for " +
                            std::to_string(PublishWatch::kStall.count()) + " s";
        endSession(lastPublishStall_, true);
        return;
    }
    adaptRate(now);
    if (now >= nextPing_) {
        session_->queuePing();
        nextPing_ = now + kPingEvery;
    }
    if (auto command = session_->takeEndpointCommand()) {
        handleCommand(*command, now);
        return;
    }
    sendReport(now);
    if (raiseHand_.exchange(false)) {
        protocol::MeetingControl m;
        m.action = protocol::MeetingAction::RaiseHand;
        session_->queueControl(m);
    }
    if (lowerHand_.exchange(false)) {
        protocol::MeetingControl m;
        m.action = protocol::MeetingAction::LowerHand;
        session_->queueControl(m);
    }
}

void RoomEndpoint::adaptRate(Clock::time_point now) {
    if (now < nextRateCheck_) return;
    nextRateCheck_ = now + std::chrono::seconds(1);
    const auto report = session_->publishLinkReport();
    session_->requestPublishStats();  // read at the next check
    if (report.answers == rateAnswers_ || report.streams == 0) return;
    rateAnswers_ = report.answers;
    if (rateBytesAt_ != Clock::time_point{} && report.bytesSent >= rateBytes_) {
        const double s = std::chrono::duration<double>(now - rateBytesAt_).count();
        if (s > 0.2) sentKbps_ = (report.bytesSent - rateBytes_) * 8 / s / 1000;
    }
    rateBytes_ = report.bytesSent;
    rateBytesAt_ = now;
    linkLossPercent_ = report.fractionLost * 100.0;
    const int before = rate_.target();
    const auto next = rate_.onReport(now, report.fractionLost, report.roundTripS);
    const VideoSize sizeBefore = size_.current();
    if (const auto size = size_.onRate(now, rate_.target())) {
        ++sizeChanges_;
        if (!session_->setPublishElementCaps(kScalerName, sizeCaps()))
            log("cannot set the camera's size: no " + std::string(kScalerName));
        log("video size " + std::to_string(sizeBefore.width) + "x" +
            std::to_string(sizeBefore.height) + " -> " + std::to_string(size->width) + "x" +
            std::to_string(size->height) + " at " + std::to_string(rate_.target()) + " kbps");
    }
    if (!next) return;
    applyRate();
    // Every cut is logged (a technician reading the journal sees the link's trouble); the climb
    // back only when it is complete, not at each 5 % step.
    if (*next < before) {
        log("video rate " + std::to_string(before) + " -> " + std::to_string(*next) +
            " kbps: the server lost " + std::to_string(static_cast<int>(linkLossPercent_ + 0.5)) +
            " % of what the hall sent (" + std::to_string(static_cast<int>(sentKbps_)) +
            " kbit/s of RTP sent), queueing delay " +
            std::to_string(static_cast<int>(rate_.queueingDelay() * 1000)) + " ms");
    } else if (*next == rate_.max()) {
        log("video rate back to " + std::to_string(*next) + " kbps");
    }
}

std::string RoomEndpoint::sizeCaps() const {
    const VideoSize s = size_.current();
    return "video/x-raw,width=" + std::to_string(s.width) + ",height=" + std::to_string(s.height) +
           ",pixel-aspect-ratio=1/1";
}

std::string RoomEndpoint::scaleLaunch() const {
    return "videoscale ! capsfilter name=" + std::string(kScalerName) + " caps=\"" + sizeCaps() +
           "\" ! ";
}

void RoomEndpoint::applyRate() {
    if (!session_ || !encoder_ || encoder_->bitrateProperty.empty()) return;
    const std::int64_t value =
        static_cast<std::int64_t>(rate_.target()) * 1000 / encoder_->bitsPerUnit;
    if (!session_->setPublishElementNumber(kEncoderName, encoder_->bitrateProperty, value))
        log("cannot set " + encoder_->element + "'s " + encoder_->bitrateProperty + " to " +
            std::to_string(value));
}

void RoomEndpoint::sendReport(Clock::time_point now) {
    const auto report = makeReport(
        config_, ReportInputs{kRoomVersion, cameraAvailable_, encoder_, restarts_,
                              std::chrono::duration_cast<std::chrono::seconds>(now - startedAt_),
                              size_.current()});
    if (!reportPacer_.due(report, now)) return;
    session_->queueEndpointReport(report);
    reportPacer_.sent(report, now);
    ++reportsSent_;
}

bool RoomEndpoint::reloadConfig() {
    if (configPath_.empty()) {
        log("reload: no configuration file (started without one): the token is re-read only");
        return false;
    }
    auto loaded = loadRoomConfig(configPath_);
    if (!loaded.config) {
        // A broken file must not take the hall out of the meeting: keep what runs.
        log("reload: " + loaded.error->message + ": keeping the running configuration");
        return false;
    }
    RoomConfig next = std::move(*loaded.config);
    if (next.control != config_.control)
        log("reload: `control` changes only when the process restarts");
    if (next.display != config_.display || next.speaker != config_.speaker ||
        next.displayWidth != config_.displayWidth || next.displayHeight != config_.displayHeight)
        log("reload: the TV's settings (display, speaker, display size) change only when the "
            "process restarts");
    if (next.codec != config_.codec || next.videoBitrateKbps != config_.videoBitrateKbps) {
        std::string error;
        auto encoder = chooseEncoder(next.codec, next.videoBitrateKbps, gstRegistry(), &error);
        if (!encoder) {
            log("reload: " + error + ": keeping the running configuration");
            return false;
        }
        encoder_ = std::move(encoder);
        rate_.setMax(next.videoBitrateKbps);
        log("video encoder " + encoder_->element + " (" + encoder_->codec +
            (encoder_->hardware ? ", hardware)" : ", software)"));
    }
    // Those the process keeps (its local HTTP, its TV, the state machine's delays) stay as they
    // run, so that the status and the report say what is in effect.
    next.backoffMin = config_.backoffMin;
    next.backoffMax = config_.backoffMax;
    next.replacedHoldoff = config_.replacedHoldoff;
    next.control = config_.control;
    next.display = config_.display;
    next.speaker = config_.speaker;
    next.displayWidth = config_.displayWidth;
    next.displayHeight = config_.displayHeight;
    if (next.width != config_.width || next.height != config_.height ||
        next.framerate != config_.framerate)
        size_ = SizeControl({next.width, next.height}, next.framerate);
    config_ = std::move(next);
    finder_ = MeetingFinder{};  // the meeting (or the unit) may have changed: ask again
    tokenStat_ = {};
    if (!config_.tokenFile.empty()) ::stat(config_.tokenFile.c_str(), &tokenStat_);
    openKeyDevice();
    ++reloads_;
    return true;
}

void RoomEndpoint::handleCommand(const protocol::EndpointCommandNotice& command,
                                 Clock::time_point now) {
    const bool reload = command.action == protocol::EndpointAction::Reload;
    lastCommand_ = std::string(reload ? "reload" : "restart") + " by " + command.by;
    log("technician's request: " + lastCommand_);
    ++restarts_;
    if (reload) reloadConfig();
    // As the local /reload: leave now and come back at once (a new session, new pipelines,
    // the token read again), whatever the hold-off.
    endSession(lastCommand_, false);
    token_.clear();
    state_.lost(now, lastCommand_);
    state_.retryNow(now);
}

void RoomEndpoint::watchTokenFile(Clock::time_point now) {
    if (config_.tokenFile.empty() || now < nextTokenCheck_) return;
    nextTokenCheck_ = now + kTokenCheckEvery;
    struct stat st {};
    if (::stat(config_.tokenFile.c_str(), &st) != 0 || sameFile(st, tokenStat_)) return;
    tokenStat_ = st;
    std::string error;
    auto token = readTokenFile(config_.tokenFile, &error);
    if (!token || *token == token_) return;
    log("the token file changed: rejoining with the new token");
    finder_ = MeetingFinder{};  // another unit's token, maybe
    if (session_) endSession("token changed", false);
    token_.clear();
    state_.lost(now, "token changed");
    state_.retryNow(now);
}

void RoomEndpoint::watchDisplay(Clock::time_point now) {
    // The TV's pipeline is live (intervideosrc makes frames even without a programme): no new
    // frame for kDisplayStall, or an error, and it is rebuilt. The session goes with it, since
    // the microphone's echo canceller is tied to the old pipeline's echo probe.
    const auto frames = display_.counters().displayFrames;
    if (frames != lastDisplayFrames_ || displayProgressAt_ == Clock::time_point{}) {
        lastDisplayFrames_ = frames;
        displayProgressAt_ = now;
    }
    std::string why = display_.pipelineError();
    if (why.empty() && now - displayProgressAt_ > kDisplayStall) why = "no frame for 5 s";
    if (why.empty()) return;
    log("display pipeline restarted: " + why);
    ++displayRestarts_;
    if (session_) endSession("display restarted", true);
    display_.stop();
    std::string error;
    if (!display_.start(&error)) log(error);  // tried again at the next stall check
    display_.setOverlay(lastOverlay_);
    displayProgressAt_ = now;
}

void RoomEndpoint::run(const std::atomic<bool>& stop, const std::function<void()>& onAlive) {
    auto lastAlive = Clock::time_point{};
    if (!config_.tokenFile.empty()) ::stat(config_.tokenFile.c_str(), &tokenStat_);
    while (!stop.load()) {
        auto now = Clock::now();
        state_.tick(now);
        if (reload_.exchange(false)) {
            if (session_) endSession("reload requested", false);
            state_.lost(now, "reload requested");
            state_.retryNow(now);
        }
        watchTokenFile(now);
        watchDisplay(now);
        pollKey(now);
        if (findsMeeting()) lookUpMeeting(now);
        if (!session_ && state_.shouldConnect(now) && !meetingInEffect().empty())
            connectSession(now);
        if (session_) {
            serviceSession(now);
        } else {
            raiseHand_ = false;  // a hand raised while out of the meeting is not kept
            lowerHand_ = false;
            std::this_thread::sleep_for(kSlice);
        }
        now = Clock::now();
        watchMeetingGone(now);
        const std::string text = overlayText(now);
        if (text != lastOverlay_) {
            display_.setOverlay(text);
            log("state " + std::string(phaseName(state_.phase())) + ": " + text);
            lastOverlay_ = text;
        }
        publishStatus();
        if (onAlive && now - lastAlive >= std::chrono::seconds(1)) {
            onAlive();
            lastAlive = now;
        }
    }
    endSession("stopping", false);
}

void RoomEndpoint::publishStatus() {
    RoomStatus s;
    s.phase = state_.phase();
    s.participantId = state_.participantId();
    s.unit = state_.unit();
    s.subject = tokenClaim(token_, "sub").value_or("");
    s.joins = joins_;
    s.attempts = attempts_;
    s.reconnects = state_.reconnects();
    s.displayRestarts = displayRestarts_;
    s.publishRestarts = publishRestarts_;
    s.lastPublishStall = lastPublishStall_;
    s.lastProblem = state_.lastProblem();
    s.overlay = lastOverlay_;
    if (session_) {
        s.publishState = session_->publishConnectionState();
        s.subscribeState = session_->subscribeConnectionState();
        s.serverErrors = session_->errorCodes();
        std::tie(s.sentVideoBuffers, s.sentAudioBuffers) = session_->publishSentBuffers();
    }
    s.cameraAvailable = cameraAvailable_;
    s.encoder = encoder_;
    s.display = display_.counters();
    s.meetingState = state_.meeting().state;
    s.programmeParticipant = state_.meeting().programmeParticipant;
    s.restarts = restarts_;
    s.reloads = reloads_;
    s.lastCommand = lastCommand_;
    s.reportsSent = reportsSent_;
    s.videoTargetKbps = rate_.target();
    s.linkLossPercent = linkLossPercent_;
    s.rateDecreases = rate_.decreases();
    s.linkQueueMs = static_cast<int>(rate_.queueingDelay() * 1000);
    s.videoSize = size_.current();
    s.sizeChanges = sizeChanges_;
    s.keyDeviceOpen = key_ && key_->isOpen();
    s.keyPresses = key_ ? key_->presses() : 0;
    s.keyDevice = config_.raiseHandKeyDevice;
    s.key = config_.raiseHandKey ? keyName(config_.raiseHandKey) : "";
    s.meeting = meetingInEffect();
    s.meetingChosenBy = findsMeeting() ? "next_meeting" : "config";
    if (findsMeeting()) {
        s.lookup = finder_.lookupState();
        s.nextMeeting = finder_.meeting();
    }
    s.camera = config_.camera;
    s.microphone = config_.microphone;
    s.displayDevice = config_.display;
    s.speaker = config_.speaker;
    s.echoCancel = config_.echoCancel;
    std::lock_guard lock(statusMutex_);
    status_ = std::move(s);
}

RoomStatus RoomEndpoint::status() const {
    std::lock_guard lock(statusMutex_);
    return status_;
}

std::string RoomEndpoint::statusJson() const {
    const RoomStatus s = status();
    namespace json = boost::json;
    json::object o;
    o["version"] = kRoomVersion;
    o["phase"] = phaseName(s.phase);
    o["meeting"] = s.meeting;
    o["meetingChosenBy"] = s.meetingChosenBy;
    if (!s.lookup.empty()) {
        o["lookup"] = s.lookup;
        o["nextMeeting"] = s.nextMeeting
                               ? json::value(json::object{{"id", s.nextMeeting->id},
                                                          {"title", s.nextMeeting->title},
                                                          {"state", s.nextMeeting->state}})
                               : json::value(nullptr);
    }
    o["meetingState"] = s.meetingState;
    o["participantId"] = s.participantId;
    o["unit"] = s.unit;
    o["subject"] = s.subject;
    o["joins"] = s.joins;
    o["attempts"] = s.attempts;
    o["reconnects"] = s.reconnects;
    o["displayRestarts"] = s.displayRestarts;
    o["publishRestarts"] = s.publishRestarts;
    o["lastPublishStall"] = s.lastPublishStall;
    o["sentVideoBuffers"] = s.sentVideoBuffers;
    o["sentAudioBuffers"] = s.sentAudioBuffers;
    o["restarts"] = s.restarts;
    o["reloads"] = s.reloads;
    o["lastCommand"] = s.lastCommand;
    o["reportsSent"] = s.reportsSent;
    o["videoTargetKbps"] = s.videoTargetKbps;
    o["linkLossPercent"] =
        s.linkLossPercent < 0 ? json::value(nullptr) : json::value(s.linkLossPercent);
    o["rateDecreases"] = s.rateDecreases;
    o["linkQueueMs"] = s.linkQueueMs;
    o["videoSize"] = std::to_string(s.videoSize.width) + "x" + std::to_string(s.videoSize.height);
    o["sizeChanges"] = s.sizeChanges;
    o["lastProblem"] = s.lastProblem;
    o["overlay"] = s.overlay;
    o["publish"] = s.publishState;
    o["subscribe"] = s.subscribeState;
    o["programmeParticipant"] =
        s.programmeParticipant ? json::value(*s.programmeParticipant) : json::value(nullptr);
    json::object devices;
    devices["camera"] = s.camera;
    devices["cameraAvailable"] = s.cameraAvailable;
    devices["microphone"] = s.microphone;
    devices["display"] = s.displayDevice;
    devices["speaker"] = s.speaker;
    devices["echoCancel"] = s.echoCancel;
    if (!s.keyDevice.empty()) {
        devices["raiseHandKey"] = json::object{{"device", s.keyDevice},
                                               {"key", s.key},
                                               {"open", s.keyDeviceOpen},
                                               {"presses", s.keyPresses}};
    }
    o["devices"] = std::move(devices);
    if (s.encoder) {
        o["encoder"] = json::object{{"element", s.encoder->element},
                                    {"codec", s.encoder->codec},
                                    {"hardware", s.encoder->hardware}};
    }
    o["displayFrames"] = s.display.displayFrames;
    o["programmeFrames"] = s.display.programmeFrames;
    o["soundBuffers"] = s.display.soundBuffers;
    return json::serialize(o);
}

}  // namespace vcb::room
