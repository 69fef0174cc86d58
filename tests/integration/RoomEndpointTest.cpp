// Issue 13, the hall endpoint (clients/room, vcb-room's library) against the real server in auth
// mode jwt, with a real chair (WsParticipant, GStreamer webrtcbin) and headless devices: the hall
// publishes a green test picture and a sine, shows the programme on a test display (frames
// classified by colour) and plays the sound to a test speaker (buffers with signal counted).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/input.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "clients/gst/GstRuntime.hpp"
#include "clients/gst/HttpClient.hpp"
#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WsParticipant.hpp"
#include "clients/room/Messages.hpp"
#include "clients/room/RoomEndpoint.hpp"
#include "protocol/Codec.hpp"
#include "tests/integration/NetNamespace.hpp"
#include "tests/integration/ServerProcess.hpp"
#include "tests/integration/TestHttp.hpp"
#include "tests/integration/TestTokens.hpp"

namespace vcb::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using gstclient::WsParticipant;
using gstclient::WsParticipantOptions;

constexpr const char* kIssuer = "vcb-room-test";
constexpr const char* kMeeting = "council";
constexpr const char* kHallUnit = "thanh-son.x-phu-loc";

bool waitFor(const std::function<bool()>& done, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

long long msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

protocol::MeetingControl control(protocol::MeetingAction action,
                                 std::optional<std::string> unit = std::nullopt) {
    protocol::MeetingControl m;
    m.action = action;
    m.unit = std::move(unit);
    return m;
}

// A participant driven by its own thread until destroyed (publishing unless told not to).
class Runner {
  public:
    explicit Runner(WsParticipantOptions options, bool publish = true)
        : participant_(std::make_unique<WsParticipant>(std::move(options))) {
        thread_ = std::thread([this, publish] {
            if (!participant_->connect(&error_)) return;
            if (publish && !participant_->publish(&error_)) return;
            participant_->runUntil([this] { return stop_.load(); }, Clock::now() + 120s);
        });
    }
    ~Runner() {
        stop_ = true;
        thread_.join();
        participant_->close();
    }
    WsParticipant& operator*() { return *participant_; }
    WsParticipant* operator->() { return participant_.get(); }
    const std::string& error() const { return error_; }

  private:
    std::unique_ptr<WsParticipant> participant_;
    std::string error_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// The endpoint's run() on its own thread until destroyed.
class Hall {
  public:
    explicit Hall(room::RoomConfig config, std::string configPath = {})
        : endpoint_(std::move(config), std::move(configPath)) {}
    bool start(std::string* error) {
        if (!endpoint_.start(error)) return false;
        thread_ = std::thread([this] { endpoint_.run(stop_); });
        return true;
    }
    ~Hall() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    room::RoomEndpoint& operator*() { return endpoint_; }
    room::RoomEndpoint* operator->() { return &endpoint_; }

  private:
    room::RoomEndpoint endpoint_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

gstclient::RemotePeerReport heard(const WsParticipant& receiver, const std::string& id) {
    for (const auto& r : receiver.remotePeers())
        if (r.participantId == id) return r;
    return {};
}

// The chair hears the hall: its audio is forwarded (buffers decoded: withheld audio gives none)
// and is the sine, not silence. Only a few buffers need the signal's level: the hall's
// microphone goes through webrtcdsp, whose noise suppression soon damps a steady test tone.
bool hallHeard(const WsParticipant& chair, const std::string& hallId) {
    const auto r = heard(chair, hallId);
    return r.audioBuffers > 50 && r.audioBuffersWithSignal > 5;
}

std::uint64_t displayed(const room::RoomStatus& s, const std::string& picture) {
    auto it = s.display.framesByPicture.find(picture);
    return it == s.display.framesByPicture.end() ? 0 : it->second;
}

// The hall joined, publishes and waits for the chair, who has it among the participants.
bool inLobbySeenByChair(Hall& hall, Runner& chair) {
    auto s = hall->status();
    return s.phase == room::Phase::WaitingForChair && s.publishState == "connected" &&
           chair->meetingState() && !heard(*chair, s.participantId).participantId.empty();
}

// A button box raises the hall's hand over its local HTTP; once the chair sees it in the queue,
// the chair grants the hall the floor.
::testing::AssertionResult raiseHandAndGrantFloor(Hall& hall, Runner& chair) {
    gstclient::HttpClient http(5s);
    const int status =
        http.post("http://127.0.0.1:" + std::to_string(hall->controlPort()) + "/raise-hand",
                  "text/plain", "")
            .status;
    if (status != 200) return ::testing::AssertionFailure() << "POST /raise-hand: " << status;
    if (!waitFor(
            [&] {
                auto st = chair->meetingState();
                return st && !st->queue.empty();
            },
            10s))
        return ::testing::AssertionFailure() << "the chair never saw the raised hand";
    chair->queueControl(control(protocol::MeetingAction::GrantFloor, std::string(kHallUnit)));
    return ::testing::AssertionSuccess();
}

// A hall that refused the server's certificate: within 10 s its TV names the certificate (not only
// "reconnecting", since waiting will not fix it) and counts down to the next attempt.
::testing::AssertionResult tvNamesTheRefusedCertificate(Hall& hall) {
    const std::string expected = "Chứng chỉ bảo mật của máy chủ không hợp lệ — thử lại sau ";
    if (waitFor([&] { return hall->status().overlay.starts_with(expected); }, 10s))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "the TV shows: " << hall->status().overlay;
}

class RoomEndpointTest : public ::testing::Test {
  protected:
    void SetUp() override {
#if !defined(VCB_SERVER_BIN) || !defined(VCB_UNITS_FILE) || !defined(VCB_TOKEN_BIN)
        GTEST_SKIP() << "the vcbridge and vcb-token targets are not part of this build";
#else
        std::string tmpl = (fs::temp_directory_path() / "vcb-room-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        secret_ = dir_ + "/secret";
        std::ofstream(secret_) << "room-test-secret-0123456789-0123456789-abc\n";
        ::chmod(secret_.c_str(), 0600);
        std::ofstream(dir_ + "/vcbridge.yaml")
            << "auth:\n  mode: jwt\n  algorithm: HS256\n  key_file: " << secret_
            << "\n  issuer: " << kIssuer << "\nunits_file: " << VCB_UNITS_FILE << "\n"
            << "meetings:\n  - id: " << kMeeting << "\n    title: Họp giao ban\n"
            << "    convening_unit: gov\n    chair: chu-tich\n"
            << "    scheduled_start: 2026-01-01T08:00:00Z\n"
            << "    invited:\n      - {unit: thanh-son, subtree: true}\n"
            << extraConfig();
        server_.setExtraArgs({"--config", dir_ + "/vcbridge.yaml"});
        std::string error;
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
        tokenFile_ = dir_ + "/hall.token";
        std::ofstream(tokenFile_) << hallToken("hall-phu-loc") << "\n";
#endif
    }
    // More of the server's config (a derived fixture's), appended to the meeting's.
    virtual std::string extraConfig() const { return {}; }

    void TearDown() override {
        if (server_.pid() > 0) {
            const bool wasAlive = server_.alive();
            auto problem = server_.stop();
            EXPECT_TRUE(wasAlive) << server_.outputTail();
            EXPECT_FALSE(problem.has_value()) << problem.value_or("") << "\n"
                                              << server_.outputTail();
        }
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }

    std::string mint(const std::string& args) {
#ifdef VCB_TOKEN_BIN
        int status = -1;
        std::string out = mintToken(VCB_TOKEN_BIN, secret_, kIssuer, "--ttl 600 " + args, &status);
        EXPECT_EQ(status, 0) << out;
        return out;
#else
        return args;
#endif
    }
    // The hall's display name (token claim) is its colour, so the chair's classifier checks it.
    std::string hallToken(const std::string& subject) {
        return mint(std::string("--meeting ") + kMeeting + " --subject " + subject + " --unit " +
                    kHallUnit + " --role room --name green");
    }

    WsParticipantOptions chairOptions() {
        return WsParticipantOptions{
            .url = server_.wsUrl(),
            .meeting = kMeeting,
            .displayName = "red",
            .pattern = "red",
            .token = mint(std::string("--meeting ") + kMeeting +
                          " --subject chu-tich --unit gov --role chair --name red"),
            .timeout = 10s,
        };
    }

    room::RoomConfig hallConfig() {
        room::RoomConfig c;
        c.server = server_.wsUrl();
        c.meeting = kMeeting;
        c.displayName = "green";
        c.tokenFile = tokenFile_;
        c.camera = "test";
        c.testPattern = "green";
        c.microphone = "test";
        c.display = "test";
        c.speaker = "test";
        c.codec = room::CodecPreference::Vp8;
        c.width = c.displayWidth = 320;
        c.height = c.displayHeight = 240;
        c.framerate = 25;
        c.videoBitrateKbps = 500;
        c.control = "127.0.0.1:0";
        return c;
    }

    // A self-signed certificate and key for localhost and 127.0.0.1 in dir_/NAME (vcbridge
    // --generate-self-signed): NAME/cert.pem and NAME/key.pem.
    ::testing::AssertionResult selfSigned(const std::string& name) {
#ifdef VCB_SERVER_BIN
        int status = -1;
        const auto out = runCommand(
            std::string(VCB_SERVER_BIN) + " --generate-self-signed " + dir_ + "/" + name, &status);
        if (status != 0) return ::testing::AssertionFailure() << out;
#endif
        return ::testing::AssertionSuccess();
    }
    // Restarts the server serving only TLS (https://, wss://) with this certificate and key.
    ::testing::AssertionResult restartWithTls(const std::string& cert, const std::string& key) {
#ifdef VCB_SERVER_BIN
        if (auto problem = server_.stop())
            return ::testing::AssertionFailure() << *problem << server_.outputTail();
        server_.setExtraArgs(
            {"--config", dir_ + "/vcbridge.yaml", "--tls-cert", cert, "--tls-key", key});
        std::string error;
        if (!server_.start(VCB_SERVER_BIN, 20s, &error))
            return ::testing::AssertionFailure() << error;
        if (!server_.wsUrl().starts_with("wss://"))
            return ::testing::AssertionFailure() << "not TLS: " << server_.wsUrl();
#endif
        return ::testing::AssertionSuccess();
    }

    std::string dir_, secret_, tokenFile_;
    ServerProcess server_;
};

TEST_F(RoomEndpointTest, HallJoinsShowsTheProgrammeAndIsHeardOnlyWithTheFloor) {
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    Runner chair(chairOptions());

    // Lobby: the hall joined with its room token, publishes and says it waits for the chair.
    ASSERT_TRUE(waitFor([&] { return inLobbySeenByChair(hall, chair); }, 25s))
        << hall->statusJson() << " chair: " << chair.error() << chair->summaryJson();
    const std::string hallId = hall->status().participantId;
    EXPECT_EQ(hall->status().unit, kHallUnit);

    // In session: the chair sees the hall's picture; the hall's TV shows the chair (the
    // programme while nobody has the floor) and its speaker plays the chair's voice.
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    const auto started = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return heard(*chair, hallId).videoFramesMatchingName > 10 && displayed(s, "red") > 10 &&
                   s.display.soundBuffersWithSignal > 10;
        },
        20s))
        << hall->statusJson() << " chair: " << chair->summaryJson();
    std::printf(
        "[ room ] session start -> hall seen by the chair, chair on the hall's TV and "
        "speaker: %lld ms\n",
        msSince(started));
    EXPECT_EQ(hall->status().phase, room::Phase::InSession);
    EXPECT_GT(hall->status().display.programmeFrames, 10u);

    // Without the floor the hall is not heard.
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(heard(*chair, hallId).audioBuffers, 0u) << "heard without the floor";

    // A button box raises the hand over the local HTTP; the chair sees it as a meetingEvent.
    gstclient::HttpClient http(5s);
    const std::string controlUrl = "http://127.0.0.1:" + std::to_string(hall->controlPort());
    EXPECT_EQ(http.post(controlUrl + "/raise-hand", "text/plain", "").status, 200);
    EXPECT_EQ(http.get(controlUrl + "/raise-hand").status, 405);
    ASSERT_TRUE(waitFor(
        [&] {
            for (const auto& e : chair->meetingEvents())
                if (e.event == "hand_raised" && e.unit == kHallUnit) return true;
            return false;
        },
        10s))
        << hall->statusJson();
    EXPECT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::HandRaised; }, 5s));

    // The chair grants the floor: the hall is heard; revokes: it is not.
    chair->queueControl(control(protocol::MeetingAction::GrantFloor, std::string(kHallUnit)));
    const auto granted = Clock::now();
    EXPECT_TRUE(waitFor([&] { return hallHeard(*chair, hallId); }, 15s))
        << chair->summaryJson();
    std::printf("[ room ] grant -> the hall heard at the chair (50 buffers): %lld ms\n",
                msSince(granted));
    EXPECT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::Floor; }, 5s))
        << hall->statusJson();
    const auto statusBody = http.get(controlUrl + "/status");
    EXPECT_EQ(statusBody.status, 200);
    EXPECT_NE(statusBody.body.find("\"phase\":\"floor\""), std::string::npos) << statusBody.body;

    chair->queueControl(control(protocol::MeetingAction::RevokeFloor));
    ASSERT_TRUE(waitFor(
        [&] {
            auto st = chair->meetingState();
            return st && !st->floor && hall->status().phase == room::Phase::InSession;
        },
        10s));
    std::this_thread::sleep_for(1s);  // packets already on their way
    const auto before = heard(*chair, hallId).audioBuffers;
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(heard(*chair, hallId).audioBuffers, before) << "heard after the revoke";
    EXPECT_EQ(hall->status().joins, 1);
}

// What a WHEP viewer of the meeting's programme (/whep/{meeting}) got: frames of a picture, and
// buffers in which a tone was present.
std::uint64_t programmeFramesOf(gstclient::WhepClient& viewer, const std::string& picture) {
    std::uint64_t n = 0;
    for (const auto& s : viewer.peer().incomingStreams()) n += s.framesMatching(picture);
    return n;
}
std::uint64_t programmeTone(gstclient::WhepClient& viewer, int hz) {
    std::uint64_t n = 0;
    for (const auto& s : viewer.peer().incomingStreams()) {
        auto it = s.toneBuffers.find(hz);
        if (it != s.toneBuffers.end()) n += it->second;
    }
    return n;
}

// The meeting's programme as a WHEP viewer (a screen in another hall, a stream to the web) gets
// it: the chair while nobody has the floor; the hall's picture and its voice once the chair
// gives it the floor (its voice with the chair's: the programme's sound is a mix).
TEST_F(RoomEndpointTest, AWhepViewerOfTheProgrammeSeesAndHearsTheHallWithTheFloor) {
    constexpr int kHallHz = 440;  // the hall's test microphone
    constexpr int kChairHz = 1000;
    room::RoomConfig config = hallConfig();
    // webrtcdsp's noise suppression damps a steady test tone within seconds (hallHeard above);
    // this test follows the tone through the programme's mix, so the hall sends it undamped.
    config.echoCancel = false;
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    auto chairOpts = chairOptions();
    chairOpts.audioFrequency = kChairHz;
    Runner chair(chairOpts);
    ASSERT_TRUE(waitFor([&] { return inLobbySeenByChair(hall, chair); }, 25s))
        << hall->statusJson() << " chair: " << chair.error() << chair->summaryJson();

    // The viewer's token: a province screen (an observer, whatever its role: WHEP only watches).
    gstclient::WhepClient viewer(gstclient::WhepOptions{
        .url = server_.baseUrl() + "/whep/" + kMeeting,
        .toneFrequencies = {kHallHz, kChairHz},
        .token = mint(std::string("--meeting ") + kMeeting +
                      " --subject man-hinh-tinh --unit thanh-son --role delegate --name screen"),
    });
    ASSERT_TRUE(viewer.start(&error)) << error;

    chair->queueControl(control(protocol::MeetingAction::StartSession));
    ASSERT_TRUE(waitFor(
        [&] {
            return programmeFramesOf(viewer, "red") > 20 && programmeTone(viewer, kChairHz) > 25;
        },
        20s))
        << "nobody has the floor: the chair is the programme";
    EXPECT_EQ(programmeFramesOf(viewer, "green"), 0u);
    EXPECT_EQ(programmeTone(viewer, kHallHz), 0u) << "the hall in the programme without the floor";

    ASSERT_TRUE(raiseHandAndGrantFloor(hall, chair));
    const auto granted = Clock::now();
    EXPECT_TRUE(waitFor(
        [&] {
            return programmeFramesOf(viewer, "green") > 30 && programmeTone(viewer, kHallHz) > 25;
        },
        20s))
        << "green frames " << programmeFramesOf(viewer, "green") << ", hall tone buffers "
        << programmeTone(viewer, kHallHz) << "; " << hall->statusJson();
    std::printf(
        "[ room ] grant -> the hall's picture (30 frames) and voice (25 buffers) in the "
        "WHEP programme: %lld ms\n",
        msSince(granted));
    EXPECT_EQ(hall->status().joins, 1);
}

// A keyboard's evdev records, as a remote's USB dongle sends them.
std::vector<unsigned char> keyRecords(const std::vector<std::pair<int, int>>& codeValues) {
    std::vector<unsigned char> out;
    for (const auto& [code, value] : codeValues) {
        for (const auto& [type, c, v] :
             {std::tuple{EV_KEY, code, value}, std::tuple{EV_SYN, int(SYN_REPORT), 0}}) {
            input_event e{};
            e.type = static_cast<decltype(e.type)>(type);
            e.code = static_cast<decltype(e.code)>(c);
            e.value = v;
            const auto* p = reinterpret_cast<const unsigned char*>(&e);
            out.insert(out.end(), p, p + sizeof e);
        }
    }
    return out;
}

bool handsUp(const WsParticipant& chair) {
    auto st = chair.meetingState();
    if (!st) return false;
    for (const auto& h : st->queue)
        if (h.unit == kHallUnit) return true;
    return false;
}

int eventCount(const WsParticipant& p, const std::string& type) {
    int n = 0;
    for (const auto& e : p.meetingEvents()) n += e.event == type && e.unit == kHallUnit;
    return n;
}

// The hall's remote: a key press raises the hand, the next lowers it; the key's auto-repeat and
// other keys do nothing. The "device" (a FIFO the test writes evdev records into) appears only
// after the hall started, as a USB dongle plugged in later.
TEST_F(RoomEndpointTest, ARemotesKeyRaisesAndLowersTheHand) {
    room::RoomConfig config = hallConfig();
    const std::string device = dir_ + "/usb-Remote-event-kbd";
    config.raiseHandKeyDevice = device;
    config.raiseHandKey = KEY_F5;
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.phase == room::Phase::WaitingForChair && s.publishState == "connected" &&
                   chair->meetingState();
        },
        25s))
        << hall->statusJson() << " chair: " << chair.error();
    EXPECT_FALSE(hall->status().keyDeviceOpen);
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    ASSERT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::InSession; }, 10s))
        << hall->statusJson();

    ASSERT_EQ(::mkfifo(device.c_str(), 0600), 0);
    const int fd = ::open(device.c_str(), O_RDWR | O_NONBLOCK);  // never waits for the reader
    ASSERT_GE(fd, 0);
    const auto send = [&](const std::vector<unsigned char>& bytes) {
        return ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    };
    // Found at a retry (every 3 s).
    ASSERT_TRUE(waitFor([&] { return hall->status().keyDeviceOpen; }, 8s)) << hall->statusJson();

    // Pressed and held (auto-repeats), released: raised once.
    ASSERT_TRUE(
        send(keyRecords({{KEY_F5, 1}, {KEY_F5, 2}, {KEY_F5, 2}, {KEY_F5, 2}, {KEY_F5, 0}})));
    ASSERT_TRUE(
        waitFor([&] { return handsUp(*chair) && eventCount(*chair, "hand_raised") == 1; }, 10s))
        << hall->statusJson();
    EXPECT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::HandRaised; }, 5s));

    // A repeat alone, another key, a release: the hand stays up.
    ASSERT_TRUE(send(keyRecords({{KEY_F5, 2}, {KEY_F6, 1}, {KEY_F6, 0}, {KEY_F5, 0}})));
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(handsUp(*chair));
    EXPECT_EQ(eventCount(*chair, "hand_lowered"), 0);
    EXPECT_EQ(hall->status().phase, room::Phase::HandRaised);

    // Pressed again: lowered.
    ASSERT_TRUE(send(keyRecords({{KEY_F5, 1}, {KEY_F5, 0}})));
    ASSERT_TRUE(
        waitFor([&] { return !handsUp(*chair) && eventCount(*chair, "hand_lowered") == 1; }, 10s))
        << hall->statusJson();
    EXPECT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::InSession; }, 5s));
    EXPECT_EQ(eventCount(*chair, "hand_raised"), 1);
    EXPECT_EQ(hall->status().keyPresses, 2u);
    EXPECT_NE(hall->statusJson().find(R"("raiseHandKey":{"device":")" + device +
                                      R"(","key":"KEY_F5","open":true,"presses":2})"),
              std::string::npos)
        << hall->statusJson();
    ::close(fd);
}

// The camera's (then the microphone's) stream stops without an error, as a hung driver or
// encoder does (a blocking pad probe in the hall's publish pipeline): the publish connection
// stays up and the server still hears the pings, so only the hall's own watch notices. It leaves
// and rejoins with a new pipeline, and the chair sees the hall again.
TEST_F(RoomEndpointTest, AStalledPublishPipelineIsRebuiltAndTheHallIsSeenAgain) {
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    // A chair that joins after the hall's (re)join: the test client's subscribe PC does not take
    // the server's renegotiation for a participant who left and came back ("Fingerprint in media
    // 1 differs"), so each check of the hall's picture is made by a chair that joins afresh.
    std::optional<Runner> chair(std::in_place, chairOptions());
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.publishState == "connected" && (*chair)->meetingState() &&
                   !heard(**chair, s.participantId).participantId.empty();
        },
        25s))
        << hall->statusJson() << " chair: " << chair->error();
    (*chair)->queueControl(control(protocol::MeetingAction::StartSession));
    const auto seenAgain = [&](const std::string& hallId) {
        return waitFor([&] { return heard(**chair, hallId).videoFramesMatchingName > 10; }, 20s);
    };
    const std::string firstId = hall->status().participantId;
    ASSERT_TRUE(seenAgain(firstId)) << (*chair)->summaryJson();
    EXPECT_GT(hall->status().sentVideoBuffers, 0u);
    EXPECT_GT(hall->status().sentAudioBuffers, 0u);

    hall->injectPublishStall("video");
    const auto stalled = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.publishRestarts == 1 && s.publishState == "connected";
        },
        15s))
        << hall->statusJson();
    const long long rejoinMs = msSince(stalled);
    EXPECT_EQ(hall->status().lastPublishStall, "camera pipeline stalled: no video sent for 5 s");
    const std::string secondId = hall->status().participantId;
    EXPECT_NE(secondId, firstId);
    chair.reset();
    chair.emplace(chairOptions());
    ASSERT_TRUE(seenAgain(secondId)) << hall->statusJson() << " chair: " << (*chair)->summaryJson();
    std::printf("[ room ] camera stream stalled -> hall rejoined: %lld ms, seen again: %lld ms\n",
                rejoinMs, msSince(stalled));
    EXPECT_NE(hall->statusJson().find(R"("publishRestarts":1)"), std::string::npos);

    hall->injectPublishStall("audio");
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 3 && s.publishRestarts == 2 && s.publishState == "connected";
        },
        15s))
        << hall->statusJson();
    EXPECT_EQ(hall->status().lastPublishStall,
              "microphone pipeline stalled: no audio sent for 5 s");
    const std::string thirdId = hall->status().participantId;
    chair.reset();
    chair.emplace(chairOptions());
    EXPECT_TRUE(seenAgain(thirdId)) << hall->statusJson() << " chair: " << (*chair)->summaryJson();
    EXPECT_TRUE(waitFor([&] { return hall->status().sentAudioBuffers > 50; }, 5s))
        << hall->statusJson();
}

TEST_F(RoomEndpointTest, HallIsBackWithinTenSecondsOfAServerRestart) {
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    {
        Runner chair(chairOptions());
        ASSERT_TRUE(waitFor(
            [&] {
                auto s = hall->status();
                return s.publishState == "connected" && chair->meetingState() &&
                       !heard(*chair, s.participantId).participantId.empty();
            },
            25s))
            << hall->statusJson();
        chair->queueControl(control(protocol::MeetingAction::StartSession));
        ASSERT_TRUE(waitFor([&] { return displayed(hall->status(), "red") > 10; }, 20s))
            << hall->statusJson();
        // kill -9: no goodbye to anyone
        ASSERT_EQ(::kill(server_.pid(), SIGKILL), 0);
        server_.stop();
    }
    const auto port = server_.port();
    server_.setListen("127.0.0.1:" + std::to_string(port));
    const auto killed = Clock::now();
    ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
    ASSERT_EQ(server_.port(), port);
    const auto restarted = Clock::now();
    std::printf(
        "[ room ] server restart took %lld ms\n",
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(restarted - killed).count()));

    // Back in the meeting, publishing, within 10 s of the server being up again.
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.publishState == "connected";
        },
        10s))
        << hall->statusJson();
    const long long backAfter = msSince(restarted);
    std::printf("[ room ] server up again -> hall joined and publishing: %lld ms\n", backAfter);
    EXPECT_LE(backAfter, 10000);

    // And the media flows both ways again once a chair starts the (new) session.
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor([&] { return chair->meetingState().has_value(); }, 15s)) << chair.error();
    const auto redBefore = displayed(hall->status(), "red");
    const auto programmeBefore = hall->status().display.programmeFrames;
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    EXPECT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return heard(*chair, s.participantId).videoFramesMatchingName > 10 &&
                   displayed(s, "red") > redBefore + 10 &&
                   s.display.programmeFrames > programmeBefore + 10;
        },
        20s))
        << hall->statusJson() << " chair: " << chair->summaryJson();
    std::printf("[ room ] kill -9 -> frames both ways again (incl. a new chair joining): %lld ms\n",
                msSince(killed));
}

// Drops every packet to and from this test server's TCP port and UDP media ports (nftables, in
// the output hook, which loopback traffic passes in both directions) while it exists: the link
// is cut for this server only, other processes on the host are untouched.
class LinkCut {
  public:
    LinkCut(std::uint16_t tcpPort, const std::string& udpRange)
        : table_("vcbroomcut" + std::to_string(::getpid())) {
        const std::string t = "nft add rule inet " + table_ + " out ";
        const std::string range = udpRange;  // "20000-20099" is nft syntax too
        int status = -1;
        runCommand("nft add table inet " + table_, &status);
        ok_ = status == 0;
        for (const std::string cmd :
             {"nft 'add chain inet " + table_ + " out { type filter hook output priority 0 ; }'",
              t + "tcp dport " + std::to_string(tcpPort) + " drop",
              t + "tcp sport " + std::to_string(tcpPort) + " drop",
              t + "udp dport " + range + " drop", t + "udp sport " + range + " drop"}) {
            if (!ok_) break;
            output_ += runCommand(cmd, &status);
            ok_ = status == 0;
        }
    }
    ~LinkCut() { restore(); }
    void restore() { runCommand("nft delete table inet " + table_ + " 2>/dev/null"); }
    bool ok() const { return ok_; }
    const std::string& output() const { return output_; }

  private:
    std::string table_;
    std::string output_;
    bool ok_ = false;
};

TEST_F(RoomEndpointTest, HallIsBackWithinTenSecondsOfTheLinkReturning) {
    if (::geteuid() != 0 || runCommand("nft --version").find("nftables") == std::string::npos) {
        GTEST_SKIP() << "needs root and nft to cut the link";
    }
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.phase == room::Phase::WaitingForChair && s.publishState == "connected";
        },
        25s))
        << hall->statusJson();

    // 20 s without a link: the hall notices (no answer to its pings) and keeps trying.
    auto cut = std::make_unique<LinkCut>(server_.port(), server_.rtcPorts());
    ASSERT_TRUE(cut->ok()) << cut->output();
    const auto cutAt = Clock::now();
    EXPECT_TRUE(waitFor([&] { return hall->status().phase != room::Phase::WaitingForChair; }, 19s))
        << "the cut was not noticed: " << hall->statusJson();
    std::printf("[ room ] link cut -> noticed: %lld ms (%s)\n", msSince(cutAt),
                hall->status().lastProblem.c_str());
    std::this_thread::sleep_until(cutAt + 20s);
    EXPECT_EQ(hall->status().joins, 1);
    cut.reset();  // the link returns
    const auto restored = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.publishState == "connected" &&
                   s.phase == room::Phase::WaitingForChair;
        },
        12s))
        << hall->statusJson();
    const long long back = msSince(restored);
    std::printf("[ room ] link back -> hall joined and publishing again: %lld ms\n", back);
    EXPECT_LE(back, 10000);
}

TEST_F(RoomEndpointTest, ReplacedByAnotherSessionTheHallHoldsOffInsteadOfFighting) {
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return hall->status().publishState == "connected"; }, 25s))
        << hall->statusJson();

    // Another box with the same token (the same identity) joins: the server closes the hall's
    // session with sessionClosed{replaced}; the hall stays out and the other keeps its seat.
    std::string token;
    std::ifstream(tokenFile_) >> token;
    WsParticipant other(WsParticipantOptions{.url = server_.wsUrl(),
                                             .meeting = kMeeting,
                                             .displayName = "green",
                                             .token = token,
                                             .timeout = 10s});
    ASSERT_TRUE(other.connect(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return hall->status().phase == room::Phase::Replaced; }, 10s))
        << hall->statusJson();
    other.runUntil([] { return false; }, Clock::now() + 5s);
    EXPECT_TRUE(other.isOpen()) << "the hall fought back: " << other.lastError();
    EXPECT_FALSE(other.sessionClosedReason().has_value());
    EXPECT_EQ(hall->status().joins, 1);
    EXPECT_EQ(hall->status().phase, room::Phase::Replaced);
    other.close();

    // An operator's reload ends the hold-off at once.
    gstclient::HttpClient http(5s);
    EXPECT_EQ(http.post("http://127.0.0.1:" + std::to_string(hall->controlPort()) + "/reload",
                        "text/plain", "")
                  .status,
              200);
    EXPECT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.publishState == "connected";
        },
        10s))
        << hall->statusJson();
}

TEST_F(RoomEndpointTest, WithoutItsCameraTheHallSendsAStillPictureAndIsStillHeard) {
    room::RoomConfig config = hallConfig();
    config.camera = "/dev/video-unplugged";
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.publishState == "connected" && chair->meetingState() &&
                   !heard(*chair, s.participantId).participantId.empty();
        },
        25s))
        << hall->statusJson() << chair.error();
    EXPECT_FALSE(hall->status().cameraAvailable);
    EXPECT_NE(hall->statusJson().find("\"cameraAvailable\":false"), std::string::npos);
    const std::string hallId = hall->status().participantId;
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    // The still picture (black with "Không có camera") arrives: frames, not the green camera.
    EXPECT_TRUE(waitFor([&] { return heard(*chair, hallId).videoFrames > 10; }, 20s))
        << chair->summaryJson();
    EXPECT_EQ(heard(*chair, hallId).videoFramesMatchingName, 0u);
    // The microphone still works: raised, granted, heard.
    ASSERT_TRUE(raiseHandAndGrantFloor(hall, chair));
    EXPECT_TRUE(waitFor([&] { return hallHeard(*chair, hallId); }, 15s))
        << chair->summaryJson();
}

// A hall on a PC without a hardware encoder nor x264 (Debian's default packages: no
// gstreamer1.0-plugins-ugly) sends H.264 from openh264 with `codec = auto` or `h264`: the chair
// decodes the hall's camera (once, the payloader's fixed profile-level-id made that pipeline
// not-negotiated and such a hall never published).
TEST_F(RoomEndpointTest, AHallSendingH264IsSeenByTheChair) {
    std::string why;
    const auto choice =
        room::chooseEncoder(room::CodecPreference::H264, 500, room::gstRegistry(), &why);
    ASSERT_TRUE(choice) << why << " (deploy/packages.txt brings openh264 with plugins-bad)";
    room::RoomConfig config = hallConfig();
    config.codec = room::CodecPreference::H264;
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor([&] { return inLobbySeenByChair(hall, chair); }, 25s))
        << hall->statusJson() << " chair: " << chair.error() << chair->summaryJson();
    ASSERT_TRUE(hall->status().encoder);
    EXPECT_EQ(hall->status().encoder->codec, "H264");
    EXPECT_EQ(hall->status().encoder->element, choice->element);
    const std::string hallId = hall->status().participantId;
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    EXPECT_TRUE(waitFor([&] { return heard(*chair, hallId).videoFramesMatchingName > 25; }, 20s))
        << hall->statusJson() << " chair: " << chair->summaryJson() << "\n"
        << gstclient::HttpClient(5s).get(server_.baseUrl() + "/metrics").body;
    std::printf("[ room ] %s: the chair decoded %llu green frames of the hall\n",
                choice->element.c_str(),
                static_cast<unsigned long long>(heard(*chair, hallId).videoFramesMatchingName));
}

// This process's thread count and resident memory (kB) from /proc/self/status.
std::pair<long, long> threadsAndRssKb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    long threads = -1, rss = -1;
    while (std::getline(status, line)) {
        if (line.rfind("Threads:", 0) == 0) threads = std::stol(line.substr(8));
        if (line.rfind("VmRSS:", 0) == 0) rss = std::stol(line.substr(6));
    }
    return {threads, rss};
}

TEST_F(RoomEndpointTest, RepeatedServerRestartsLeakNoThreadsNorMemory) {
    // Sessions here last less than the 10 s that resets the backoff: keep its ceiling low so the
    // cycles stay short (this test is about leaks; the backoff has its unit tests).
    room::RoomConfig config = hallConfig();
    config.backoffMax = std::chrono::milliseconds(1500);
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return hall->status().publishState == "connected"; }, 25s))
        << hall->statusJson();
    const auto port = server_.port();
    server_.setListen("127.0.0.1:" + std::to_string(port));
    // VCB_ROOM_SOAK_CYCLES=N runs a longer soak by hand (each cycle takes about 2 s).
    const char* soak = std::getenv("VCB_ROOM_SOAK_CYCLES");
    const int kCycles = soak ? std::max(3, std::atoi(soak)) : 10;
    std::vector<std::pair<long, long>> samples;
    for (int i = 0; i < kCycles; ++i) {
        ASSERT_EQ(::kill(server_.pid(), SIGKILL), 0);
        server_.stop();
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
        ASSERT_TRUE(waitFor(
            [&] {
                auto s = hall->status();
                return s.joins == i + 2 && s.publishState == "connected";
            },
            10s))
            << "cycle " << i << ": " << hall->statusJson();
        std::this_thread::sleep_for(700ms);  // settled: the old session's threads are gone
        samples.push_back(threadsAndRssKb());
        std::printf("[ room ] cycle %d: %ld threads, RSS %ld kB\n", i, samples.back().first,
                    samples.back().second);
    }
    // The first cycles warm up GStreamer's registry, pools and caches; compare after them.
    const auto [threads0, rss0] = samples[1];
    const auto [threadsN, rssN] = samples.back();
    std::printf("[ room ] %d kill -9 + restart cycles: threads %ld -> %ld, RSS %ld -> %ld kB\n",
                kCycles, threads0, threadsN, rss0, rssN);
    EXPECT_LE(threadsN, threads0 + 3) << "threads grow with each reconnect";
    EXPECT_LT(rssN - rss0, 24 * 1024) << "memory grows with each reconnect";
    EXPECT_EQ(hall->status().joins, kCycles + 1);
}

// Issue 13's long run: "Run for ten minutes with a few link cuts and a server restart: no growth
// in memory or threads, no pipeline left behind." Phases alternate until the time is used: a
// chair joins, starts the session and media is checked both ways, then leaves; a link cut of
// 8-12 s; a chair again; a kill -9 + restart of the server. After each phase (settled) the test
// process (the hall runs in it, and each chair) is sampled: threads, RSS and the pipelines alive
// (a weak reference on each, so a leaked reference keeps one counted).
// Its own fixture name so ctest selects it apart (label soak, tests/integration/CMakeLists.txt):
// ten minutes is too long for the normal pass, so it runs only with VCB_SOAK=1;
// VCB_ROOM_SOAK_SECONDS (default 600) shortens it for a run by hand.
class RoomEndpointSoakTest : public RoomEndpointTest {};

// "programme 120, red 100 green 20": what the hall's TV showed, for a failure's message.
std::string pictures(const room::DisplayCounters& d) {
    std::string out = "programme " + std::to_string(d.programmeFrames) + ",";
    for (const auto& [picture, frames] : d.framesByPicture)
        out += " " + picture + " " + std::to_string(frames);
    return out;
}

bool inMeeting(room::Phase p) {
    return p == room::Phase::WaitingForChair || p == room::Phase::InSession ||
           p == room::Phase::HandRaised || p == room::Phase::Floor || p == room::Phase::Muted;
}

TEST_F(RoomEndpointSoakTest, TenMinutesOfLinkCutsAndServerRestartsLeaveNothingBehind) {
    if (const char* on = std::getenv("VCB_SOAK"); !on || std::string(on) != "1") {
        GTEST_SKIP() << "a ten-minute soak: runs with VCB_SOAK=1 (ctest -L soak)";
    }
    const char* secondsEnv = std::getenv("VCB_ROOM_SOAK_SECONDS");
    const auto duration =
        std::chrono::seconds(secondsEnv ? std::max(30, std::atoi(secondsEnv)) : 600);
    const bool canCut =
        ::geteuid() == 0 && runCommand("nft --version").find("nftables") != std::string::npos;
    if (!canCut) std::printf("[ soak ] no root or no nft: link cuts left out\n");

    // Before the hall: whatever this process already holds (other tests run before, by hand).
    const int pipelinesBefore = gstclient::livePipelines();
    auto hall = std::make_unique<Hall>(hallConfig());
    std::string error;
    ASSERT_TRUE(hall->start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return (*hall)->status().publishState == "connected"; }, 25s))
        << (*hall)->statusJson();
    const auto port = server_.port();
    server_.setListen("127.0.0.1:" + std::to_string(port));

    // A hall, with no chair, holds its publish pipeline and its TV's, and the subscribe one once
    // the server offered it something: two or three. More is a pipeline left behind (the
    // previous session's, or a chair's that left).
    const int hallMin = pipelinesBefore + 2, hallMax = pipelinesBefore + 3;
    struct Sample {
        std::string phase;
        long threads, rssKb;
        int pipelines;
        Clock::duration at;  // since the first phase began
    };
    std::vector<Sample> samples;
    const Clock::time_point begun = Clock::now();
    const auto settleAndSample = [&](const std::string& phase) {
        std::this_thread::sleep_for(1s);  // the old session's threads wind down
        // A pipeline goes when its last reference does, which may be a streaming thread's a
        // moment later: wait for it rather than sample a pipeline on its way out.
        waitFor([&] { return gstclient::livePipelines() <= hallMax; }, 5s);
        const auto [threads, rss] = threadsAndRssKb();
        samples.push_back({phase, threads, rss, gstclient::livePipelines(), Clock::now() - begun});
        std::printf("[ soak ] %3zu %-8s %4lld s: %ld threads, RSS %ld kB, %d pipelines\n",
                    samples.size(), phase.c_str(), msSince(begun) / 1000, threads, rss,
                    samples.back().pipelines);
        std::fflush(stdout);
        EXPECT_LE(samples.back().pipelines, hallMax) << "a pipeline left behind after " << phase;
        EXPECT_GE(samples.back().pipelines, hallMin) << "the hall's pipelines are not counted";
    };
    int expectedJoins = 1, chairs = 0, cuts = 0, restarts = 0;

    // The bounds are looser than the dedicated tests' 10 s on purpose: in CI this soak runs beside
    // CPU-heavy jobs (sanitizer builds, fuzzing) on a 2-core machine, and it is about what is
    // left behind, not about how fast the hall is back.
    const auto chairPhase = [&] {
        Runner chair(chairOptions());
        ASSERT_TRUE(waitFor(
            [&] {
                auto s = (*hall)->status();
                return s.publishState == "connected" && chair->meetingState() &&
                       chair->publishConnectionState() == "connected" &&
                       !heard(*chair, s.participantId).participantId.empty();
            },
            25s))
            << (*hall)->statusJson() << " chair: " << chair.error();
        const std::string hallId = (*hall)->status().participantId;
        const auto before = (*hall)->status().display;
        const auto redBefore = displayed((*hall)->status(), "red");
        // After a server restart it is a new meeting that needs starting; after a link cut it is
        // still in session, and starting it again would be refused (wrong_state): not sent, a
        // chair whose publish is still being answered takes that error for its publish's.
        if (chair->meetingState()->state != "in_session")
            chair->queueControl(control(protocol::MeetingAction::StartSession));
        ASSERT_TRUE(waitFor(
            [&] {
                return heard(*chair, hallId).videoFramesMatchingName > 10 &&
                       displayed((*hall)->status(), "red") > redBefore + 10;
            },
            20s))
            << (*hall)->statusJson() << " chair: " << chair->summaryJson() << " (publish "
            << chair->publishConnectionState() << ", " << chair.error()
            << ")\nTV: " << pictures(before) << " -> " << pictures((*hall)->status().display);
        ++chairs;
    };  // the chair leaves
    const auto backWithin20s = [&](Clock::time_point since, const char* what) {
        ASSERT_TRUE(waitFor(
            [&] {
                auto s = (*hall)->status();
                return s.joins == expectedJoins && s.publishState == "connected";
            },
            20s))
            << what << ": " << (*hall)->statusJson();
        std::printf("[ soak ] %s -> hall joined and publishing: %lld ms\n", what, msSince(since));
    };
    const auto cutPhase = [&] {
        const auto planned = std::chrono::seconds(8 + cuts % 5);  // 8..12 s
        auto cut = std::make_unique<LinkCut>(server_.port(), server_.rtcPorts());
        ASSERT_TRUE(cut->ok()) << cut->output();
        const auto cutAt = Clock::now();
        // Without server messages for its link timeout (10 s) the hall gives the session up.
        ASSERT_TRUE(waitFor([&] { return !inMeeting((*hall)->status().phase); }, 15s))
            << "the cut was not noticed: " << (*hall)->statusJson();
        std::this_thread::sleep_until(std::max(cutAt + planned, Clock::now() + 500ms));
        const long long cutMs = msSince(cutAt);
        cut.reset();  // the link returns
        const auto restored = Clock::now();
        ++expectedJoins;
        backWithin20s(restored, ("link back after " + std::to_string(cutMs) + " ms").c_str());
        ++cuts;
    };
    const auto restartPhase = [&] {
        ASSERT_EQ(::kill(server_.pid(), SIGKILL), 0);  // no goodbye to anyone
        server_.stop();
        ASSERT_TRUE(server_.start(VCB_SERVER_BIN, 20s, &error)) << error;
        ASSERT_EQ(server_.port(), port);
        const auto restarted = Clock::now();
        ++expectedJoins;
        backWithin20s(restarted, "server up again");
        ++restarts;
    };

    // chair, cut, chair, restart, ... (chair, restart, ... without nft).
    for (int i = 0; Clock::now() - begun < duration; ++i) {
        const int kind = canCut ? i % 4 : (i % 2) * 3;
        if (kind == 0 || kind == 2) {
            chairPhase();
            if (HasFatalFailure()) return;
            settleAndSample("chair");
        } else if (kind == 1) {
            cutPhase();
            if (HasFatalFailure()) return;
            settleAndSample("cut");
        } else {
            restartPhase();
            if (HasFatalFailure()) return;
            settleAndSample("restart");
        }
    }
    EXPECT_EQ((*hall)->status().joins, expectedJoins) << (*hall)->statusJson();
    const long long seconds = msSince(begun) / 1000;

    // Compared like with like, per kind of phase: a second after a chair left, GLib's thread
    // pools still keep its streaming threads, idle (GLib ends them after 15 s), which a sample
    // after a cut or a restart no longer sees: 41 threads against 21-25 here. Each kind's
    // reference is its first sample after the warm-up, half the run (and never its first
    // sample): RSS climbs fast for the first two or three minutes (GStreamer's registry, pools
    // and caches, malloc's arenas for the threads of each new session: 62 -> 95 MB), then slowly
    // (+15-20 MB over the next five minutes in a ten-minute run, flat in its last two), and
    // swings by up to 10 MB from one phase to the next. From a quarter of the run the growth
    // came within 5 MB of the bound, too close for a run beside CI's builds; what is checked is
    // that the second half of a ten-minute run does not grow.
    std::string growth;
    for (const char* kind : {"chair", "cut", "restart"}) {
        std::vector<const Sample*> of;
        for (const auto& s : samples)
            if (s.phase == kind) of.push_back(&s);
        std::size_t ref = 1;
        while (ref + 1 < of.size() && of[ref]->at < duration / 2) ++ref;
        if (of.size() < ref + 2) continue;  // too short to compare after the warm-up
        const Sample& warm = *of[ref];
        const Sample& last = *of.back();
        EXPECT_LE(last.threads, warm.threads + 3) << "threads grow with the " << kind << " phases";
        EXPECT_LT(last.rssKb - warm.rssKb, 24 * 1024)
            << "memory grows with the " << kind << " phases";
        char line[160];
        std::snprintf(line, sizeof line, "%s%s: threads %ld -> %ld, RSS %ld -> %ld kB (%+ld)",
                      growth.empty() ? "" : "; ", kind, warm.threads, last.threads, warm.rssKb,
                      last.rssKb, last.rssKb - warm.rssKb);
        growth += line;
    }
    EXPECT_FALSE(growth.empty()) << "too short to compare after the warm-up";

    // Stopping the hall gives every pipeline back.
    hall.reset();
    const bool allGone =
        waitFor([&] { return gstclient::livePipelines() == pipelinesBefore; }, 10s);
    EXPECT_TRUE(allGone) << gstclient::livePipelines() - pipelinesBefore
                         << " pipelines left after the hall stopped";
    int mostPipelines = 0;
    for (const auto& s : samples) mostPipelines = std::max(mostPipelines, s.pipelines);
    std::printf(
        "[ soak ] %lld s: %d chair, %d link cut, %d server restart phases, %d joins; %s; "
        "pipelines at most %d with the hall (%d-%d allowed), %d after it stopped (baseline %d)\n",
        seconds, chairs, cuts, restarts, expectedJoins, growth.c_str(),
        mostPipelines - pipelinesBefore, hallMin - pipelinesBefore, hallMax - pipelinesBefore,
        gstclient::livePipelines() - pipelinesBefore, pipelinesBefore);
}

TEST_F(RoomEndpointTest, ANewTokenFileRejoinsWithTheNewToken) {
    Hall hall(hallConfig());
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.phase == room::Phase::WaitingForChair && s.publishState == "connected";
        },
        25s))
        << hall->statusJson();
    EXPECT_EQ(hall->status().subject, "hall-phu-loc");
    const std::string firstId = hall->status().participantId;

    // Replaced the way an operator's tool does it: a new file renamed over the old one.
    const std::string fresh = tokenFile_ + ".new";
    std::ofstream(fresh) << hallToken("hall-phu-loc-2026") << "\n";
    ASSERT_EQ(std::rename(fresh.c_str(), tokenFile_.c_str()), 0);
    const auto replaced = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.subject == "hall-phu-loc-2026" &&
                   s.phase == room::Phase::WaitingForChair && s.publishState == "connected";
        },
        15s))
        << hall->statusJson();
    std::printf("[ room ] token file replaced -> rejoined with the new token: %lld ms\n",
                msSince(replaced));
    EXPECT_NE(hall->status().participantId, firstId);
}

// wss://: the server serves TLS with a self-signed certificate (vcbridge --generate-self-signed,
// for localhost and 127.0.0.1). A hall whose ca_file is that certificate joins and is seen; a
// hall whose ca_file is another certificate never joins, says the certificate was refused, and
// keeps trying. The chair and --check's HTTPS probe verify the same way.
TEST_F(RoomEndpointTest, OverWssTheHallJoinsOnlyWhenItTrustsTheServersCertificate) {
#ifdef VCB_SERVER_BIN
    ASSERT_TRUE(selfSigned("tls"));
    ASSERT_TRUE(selfSigned("other-tls"));
    const std::string trusted = dir_ + "/tls/cert.pem", untrusted = dir_ + "/other-tls/cert.pem";
    ASSERT_TRUE(restartWithTls(trusted, dir_ + "/tls/key.pem"));
    ASSERT_TRUE(server_.wsUrl().starts_with("wss://127.0.0.1:")) << server_.wsUrl();
    std::string error;

    auto wrongConfig = hallConfig();
    wrongConfig.caFile = untrusted;
    wrongConfig.backoffMin = 200ms;
    wrongConfig.backoffMax = 1000ms;
    Hall wrong(wrongConfig);
    ASSERT_TRUE(wrong.start(&error)) << error;

    auto goodConfig = hallConfig();
    goodConfig.caFile = trusted;
    Hall hall(goodConfig);
    ASSERT_TRUE(hall.start(&error)) << error;
    auto chairOpts = chairOptions();
    chairOpts.caFile = trusted;
    Runner chair(chairOpts);

    ASSERT_TRUE(waitFor([&] { return inLobbySeenByChair(hall, chair); }, 25s))
        << hall->statusJson() << " chair: " << chair.error() << chair->summaryJson();
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return heard(*chair, s.participantId).videoFramesMatchingName > 10 &&
                   displayed(s, "red") > 10;
        },
        20s))
        << hall->statusJson() << " chair: " << chair->summaryJson();
    EXPECT_EQ(hall->status().joins, 1);

    // The other hall: refused at every attempt, for the certificate, never in the meeting.
    ASSERT_TRUE(waitFor([&] { return wrong->status().attempts >= 3; }, 15s)) << wrong->statusJson();
    const auto w = wrong->status();
    EXPECT_EQ(w.joins, 0) << wrong->statusJson();
    EXPECT_TRUE(w.participantId.empty());
    std::printf("[ room ] wrong CA: %d attempts, lastProblem: %s\n", w.attempts,
                w.lastProblem.c_str());
    EXPECT_NE(w.lastProblem.find("certificate verify failed"), std::string::npos)
        << wrong->statusJson();
    EXPECT_TRUE(w.phase == room::Phase::Reconnecting || w.phase == room::Phase::Connecting)
        << wrong->statusJson();
    // Its TV names the certificate; the good hall's shows the meeting.
    ASSERT_TRUE(tvNamesTheRefusedCertificate(wrong)) << wrong->statusJson();
    std::printf("[ room ] wrong CA, the TV: %s\n", wrong->status().overlay.c_str());
    EXPECT_EQ(hall->status().overlay, room::message(room::MessageId::InSession))
        << hall->statusJson();
    EXPECT_EQ(chair->remotePeers().size(), 1u) << chair->summaryJson();  // the good hall only

    // HTTPS (vcb-room --check, REST calls) verifies the same way; the system's store does not
    // know a self-signed certificate.
    const std::string health = server_.baseUrl() + "/healthz";
    ASSERT_TRUE(health.starts_with("https://"));
    EXPECT_EQ(gstclient::HttpClient(5s, trusted).get(health).status, 200);
    for (const std::string& ca : {untrusted, std::string()}) {
        const auto refused = gstclient::HttpClient(5s, ca).get(health);
        EXPECT_EQ(refused.status, 0);
        EXPECT_NE(refused.error.find("certificate verify failed"), std::string::npos)
            << refused.error;
    }
    EXPECT_EQ(hall->status().joins, 1) << hall->statusJson();
#else
    GTEST_SKIP() << "no vcbridge binary";
#endif
}

// The name is checked too: a certificate the client trusts (it is its ca_file) but made for
// another host is refused on wss:// and https:// alike.
TEST_F(RoomEndpointTest, WssRefusesATrustedCertificateMadeForAnotherName) {
#ifdef VCB_SERVER_BIN
    const std::string cert = dir_ + "/other-name.pem", key = dir_ + "/other-name.key";
    int status = -1;
    const auto out = runCommand(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=vcbridge.other.example -addext subjectAltName=DNS:vcbridge.other.example "
        "-keyout " +
            key + " -out " + cert,
        &status);
    ASSERT_EQ(status, 0) << out;
    ASSERT_TRUE(restartWithTls(cert, key));

    std::string error;
    auto options = chairOptions();
    options.caFile = cert;
    options.timeout = 5s;
    WsParticipant chair(options);
    EXPECT_FALSE(chair.connect(&error));
    EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
    EXPECT_NE(error.find("IP address mismatch"), std::string::npos) << error;
    std::printf("[ room ] certificate for another name: %s\n", error.c_str());
    const auto r = gstclient::HttpClient(5s, cert).get(server_.baseUrl() + "/healthz");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("certificate verify failed"), std::string::npos) << r.error;
#else
    GTEST_SKIP() << "no vcbridge binary";
#endif
}

// The hall's technician-facing state as the technician's latest `stats` shows it.
std::optional<protocol::StatsParticipant::Endpoint> reportOf(const WsParticipant& tech,
                                                            const std::string& participantId) {
    auto stats = tech.lastStats();
    if (!stats) return std::nullopt;
    for (const auto& p : stats->participants)
        if (p.participantId == participantId) return p.endpoint;
    return std::nullopt;
}

bool hasEvent(const WsParticipant& p, const std::string& type) {
    for (const auto& e : p.meetingEvents())
        if (e.event == type) return true;
    return false;
}

// The hall reports its state (version, devices, encoder) to the server and a technician sees
// it in the stats; the technician's restart brings the hall back as a new session, its reload
// with the configuration file it re-read. Nobody else may ask either.
TEST_F(RoomEndpointTest, TechnicianSeesTheHallsReportAndRestartsOrReloadsIt) {
    const std::string configFile = dir_ + "/room.conf";
    const auto writeConfig = [&](const std::string& camera) {
        std::ofstream(configFile + ".new")
            << "server = " << server_.wsUrl() << "\nmeeting = " << kMeeting
            << "\ndisplay_name = green\ntoken_file = " << tokenFile_ << "\ncamera = " << camera
            << "\ntest_pattern = green\nmicrophone = test\ndisplay = test\nspeaker = test\n"
            << "codec = vp8\nwidth = 320\nheight = 240\nframerate = 25\n"
            << "video_bitrate_kbps = 500\ndisplay_width = 320\ndisplay_height = 240\n"
            << "control = 127.0.0.1:0\n";
        return std::rename((configFile + ".new").c_str(), configFile.c_str()) == 0;
    };
    ASSERT_TRUE(writeConfig("test"));
    auto loaded = room::loadRoomConfig(configFile);
    ASSERT_TRUE(loaded.config) << loaded.error->message;
    Hall hall(*loaded.config, configFile);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    ASSERT_TRUE(waitFor([&] { return hall->status().publishState == "connected"; }, 25s))
        << hall->statusJson();
    const std::string hallId = hall->status().participantId;

    Runner tech(WsParticipantOptions{
                    .url = server_.wsUrl(),
                    .meeting = kMeeting,
                    .displayName = "tech",
                    .token = mint(std::string("--meeting ") + kMeeting +
                                  " --subject ky-thuat --unit gov --role technician"),
                    .timeout = 10s},
                false);
    Runner delegate(WsParticipantOptions{
                        .url = server_.wsUrl(),
                        .meeting = kMeeting,
                        .displayName = "delegate",
                        .token = mint(std::string("--meeting ") + kMeeting +
                                      " --subject dai-bieu --unit thanh-son.p-hong-ha --role delegate"),
                        .timeout = 10s},
                    false);
    ASSERT_TRUE(waitFor([&] { return !tech->participantId().empty(); }, 10s)) << tech.error();
    ASSERT_TRUE(waitFor([&] { return !delegate->participantId().empty(); }, 10s))
        << delegate.error();
    tech->queueSubscribeStats(1000);

    // The report: what the hall runs, as the technician's panel gets it.
    ASSERT_TRUE(waitFor(
        [&] {
            auto r = reportOf(*tech, hallId);
            return r && r->report.encoder == "vp8enc (VP8, software)";
        },
        10s))
        << hall->statusJson() << " tech: " << tech.error();
    {
        const auto r = *reportOf(*tech, hallId);
        EXPECT_EQ(r.report.version, room::kRoomVersion);
        EXPECT_EQ(r.report.camera, "test:green");
        EXPECT_EQ(r.report.cameraAvailable, true);
        EXPECT_EQ(r.report.videoWidth, 320);
        EXPECT_EQ(r.report.restarts, 0);
        EXPECT_GT(r.time, 0);
        EXPECT_FALSE(reportOf(*tech, delegate->participantId()).has_value())
            << "a delegate is no endpoint";
    }
    // REST shows the same report.
    const std::string techToken = mint(std::string("--meeting ") + kMeeting +
                                       " --subject ky-thuat-2 --unit gov --role technician");
    auto rest = httpRequest(server_.port(), boost::beast::http::verb::get,
                            std::string("/api/meetings/") + kMeeting + "/stats", "", "",
                            "Bearer " + techToken);
    ASSERT_EQ(rest.result(), boost::beast::http::status::ok) << rest.body();
    EXPECT_NE(rest.body().find(R"x("encoder":"vp8enc (VP8, software)")x"), std::string::npos)
        << rest.body();

    // Nobody but a technician asks, and only a hall endpoint is asked.
    delegate->queueEndpointCommand(hallId, protocol::EndpointAction::Restart);
    tech->queueEndpointCommand(delegate->participantId(), protocol::EndpointAction::Restart);
    tech->queueEndpointCommand("p-nobody", protocol::EndpointAction::Reload);
    const auto hasError = [](const WsParticipant& p, const std::string& code) {
        for (const auto& c : p.errorCodes())
            if (c == code) return true;
        return false;
    };
    EXPECT_TRUE(waitFor([&] { return hasError(*delegate, "forbidden_for_role"); }, 5s));
    EXPECT_TRUE(waitFor(
        [&] {
            return hasError(*tech, "not_an_endpoint") && hasError(*tech, "unknown_participant");
        },
        5s))
        << tech->lastError();
    // The hall's report is its own: a delegate's is refused.
    protocol::EndpointReportFields fake;
    fake.version = "9.9";
    delegate->queueEndpointReport(fake);
    EXPECT_TRUE(waitFor(
        [&] {
            int n = 0;
            for (const auto& c : delegate->errorCodes()) n += c == "forbidden_for_role";
            return n == 2;
        },
        5s));
    EXPECT_EQ(hall->status().joins, 1) << "the refused restart restarted the hall";

    // restart: the hall leaves and comes back as a new session, counting it.
    tech->queueEndpointCommand(hallId, protocol::EndpointAction::Restart);
    const auto restartAt = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 2 && s.publishState == "connected" && s.restarts == 1;
        },
        10s))
        << hall->statusJson();
    const long long restartMs = msSince(restartAt);
    const std::string secondId = hall->status().participantId;
    EXPECT_NE(secondId, hallId);
    EXPECT_NE(hall->status().lastCommand.find("restart by ky-thuat"), std::string::npos)
        << hall->statusJson();
    ASSERT_TRUE(waitFor(
        [&] {
            auto r = reportOf(*tech, secondId);
            return r && r->report.restarts == 1;
        },
        10s))
        << hall->statusJson();
    EXPECT_TRUE(hasEvent(*tech, "endpoint_restart_requested"));

    // reload: the configuration file now names a camera that is not there; the hall re-reads
    // it and comes back without a camera, which its report says.
    ASSERT_TRUE(writeConfig("/dev/video-unplugged"));
    tech->queueEndpointCommand(secondId, protocol::EndpointAction::Reload);
    const auto reloadAt = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.joins == 3 && s.publishState == "connected" && s.reloads == 1 &&
                   s.restarts == 2;
        },
        10s))
        << hall->statusJson();
    const long long reloadMs = msSince(reloadAt);
    const std::string thirdId = hall->status().participantId;
    ASSERT_TRUE(waitFor(
        [&] {
            auto r = reportOf(*tech, thirdId);
            return r && r->report.camera == "/dev/video-unplugged" &&
                   r->report.cameraAvailable == false && r->report.restarts == 2;
        },
        10s))
        << hall->statusJson();
    EXPECT_FALSE(hall->status().cameraAvailable);
    EXPECT_NE(hall->statusJson().find(R"("camera":"/dev/video-unplugged")"), std::string::npos)
        << hall->statusJson();
    EXPECT_TRUE(hasEvent(*tech, "endpoint_reload_requested"));
    std::printf("[ room ] technician's restart -> hall back and publishing: %lld ms; reload -> "
                "back with the new configuration: %lld ms\n",
                restartMs, reloadMs);
}

// A hall configured with no meeting and a "*" room token asks the server for its unit's next
// meeting (GET /api/next-meeting), joins it, and when the chair ends it moves by itself to the
// next meeting its unit is invited to (created over REST; its lobby opens as the hall joins).
class RoomEndpointNextMeetingTest : public RoomEndpointTest {
  protected:
    std::string extraConfig() const override { return "database: " + dir_ + "/meetings.db\n"; }
};

// A wss:// server: the next-meeting lookup goes over https:// with the hall's ca_file, and is
// refused, saying why, by a hall that trusts only the system's store.
TEST_F(RoomEndpointNextMeetingTest, OverWssTheLookupVerifiesTheServerLikeTheWebSocket) {
    std::ofstream(tokenFile_) << mint(std::string("--meeting '*' --subject hall-phu-loc --unit ") +
                                      kHallUnit + " --role room --name green")
                              << "\n";
    ASSERT_TRUE(selfSigned("tls"));
    const std::string cert = dir_ + "/tls/cert.pem";
    ASSERT_TRUE(restartWithTls(cert, dir_ + "/tls/key.pem"));

    room::RoomConfig untrusting = hallConfig();
    untrusting.meeting.clear();  // no ca_file: the system's store
    Hall stranger(untrusting);
    std::string error;
    ASSERT_TRUE(stranger.start(&error)) << error;
    room::RoomConfig config = hallConfig();
    config.meeting.clear();
    config.caFile = cert;
    Hall hall(config);
    ASSERT_TRUE(hall.start(&error)) << error;

    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.meeting == kMeeting && s.phase == room::Phase::WaitingForChair &&
                   s.publishState == "connected";
        },
        25s))
        << hall->statusJson();
    EXPECT_EQ(hall->status().meetingChosenBy, "next_meeting");
    ASSERT_TRUE(waitFor(
        [&] {
            return stranger->status().lookup.find("certificate verify failed") != std::string::npos;
        },
        10s))
        << stranger->statusJson();
    EXPECT_EQ(stranger->status().joins, 0) << stranger->statusJson();
    std::printf("[ room ] next-meeting lookup without the CA: %s\n",
                stranger->status().lookup.c_str());
    EXPECT_TRUE(tvNamesTheRefusedCertificate(stranger)) << stranger->statusJson();
}

TEST_F(RoomEndpointNextMeetingTest, AHallWithoutAMeetingJoinsItsUnitsNextOneAndMovesOn) {
    std::ofstream(tokenFile_) << mint(std::string("--meeting '*' --subject hall-phu-loc --unit ") +
                                      kHallUnit + " --role room --name green")
                              << "\n";
    // The next meeting, for the hall's unit alone, scheduled a minute ago (after the council).
    const auto startAt = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                              std::chrono::minutes(1));
    char start[32];
    std::tm tm{};
    ::gmtime_r(&startAt, &tm);
    std::strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const auto created = gstclient::HttpClient(5s).request(
        "POST", "http://127.0.0.1:" + std::to_string(server_.port()) + "/api/meetings",
        "application/json",
        std::string(R"({"id":"hop-2","title":"Họp tiếp theo","convening_unit":"gov",)") +
            R"("invited":[{"unit":")" + kHallUnit + R"("}],"chair":"chu-tich",)" +
            R"("scheduled_start":")" + start + R"("})",
        {{"Authorization", "Bearer " + mint("--admin")}});
    ASSERT_EQ(created.status, 201) << created.body;

    room::RoomConfig config = hallConfig();
    config.meeting.clear();
    Hall hall(config);
    std::string error;
    ASSERT_TRUE(hall.start(&error)) << error;
    // The council is open (or the earlier): the hall joins it and the chair sees it.
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.meeting == kMeeting && s.phase == room::Phase::WaitingForChair &&
                   chair->meetingState() && !heard(*chair, s.participantId).participantId.empty();
        },
        25s))
        << hall->statusJson() << " chair: " << chair.error() << chair->summaryJson();
    EXPECT_EQ(hall->status().meetingChosenBy, "next_meeting");
    EXPECT_EQ(hall->status().lookup, "joining");
    gstclient::HttpClient http(5s);
    const auto statusBody =
        http.get("http://127.0.0.1:" + std::to_string(hall->controlPort()) + "/status");
    EXPECT_NE(statusBody.body.find(R"("meetingChosenBy":"next_meeting")"), std::string::npos)
        << statusBody.body;

    // The chair ends the council: the hall looks up the next meeting and joins hop-2, where its
    // chair sees it.
    chair->queueControl(control(protocol::MeetingAction::EndMeeting));
    const auto ended = Clock::now();
    ASSERT_TRUE(waitFor(
        [&] {
            auto s = hall->status();
            return s.meeting == "hop-2" && s.phase == room::Phase::WaitingForChair &&
                   s.publishState == "connected";
        },
        40s))
        << hall->statusJson();
    std::printf("[ room ] council ended -> the hall in the lobby of hop-2: %lld ms\n",
                msSince(ended));
    auto options = chairOptions();
    options.meeting = "hop-2";
    options.token = mint("--meeting hop-2 --subject chu-tich --unit gov --role chair --name red");
    Runner chair2(options);
    const std::string hallId = hall->status().participantId;
    EXPECT_TRUE(waitFor([&] { return !heard(*chair2, hallId).participantId.empty(); }, 20s))
        << hall->statusJson() << " chair: " << chair2.error() << chair2->summaryJson();
    EXPECT_EQ(hall->status().joins, 2);
}

}  // namespace
}  // namespace vcb::integration

namespace vcb::integration {
namespace {

// A hall on a thin uplink (a commune on 3G): vcb-room runs in a network namespace whose way to
// the server (on the host end of a veth pair) is shaped by tc tbf to 400 kbit/s, while its
// configuration asks for 1500 kbit/s of video. Sending that much would lose most of it (the
// chair sees a broken, frozen picture); the hall must come down to what the link carries, from
// the server's receiver reports. Checked as the chair and a technician see it: the server's
// measured loss of the hall's video falls under 5 % and the chair gets a steady picture.
class RoomLinkRateTest : public RoomEndpointTest {
  protected:
    void SetUp() override {
#ifndef VCB_ROOM_BIN
        GTEST_SKIP() << "the vcb-room target is not part of this build";
#else
        if (runQuiet("command -v tc") != 0) GTEST_SKIP() << "tc (package iproute2) is missing";
        netns_ = std::make_unique<NetNamespace>("vcbrate");
        if (!netns_->ok()) GTEST_SKIP() << netns_->why();
        ASSERT_EQ(netns_->exec("tc qdisc add dev " + netns_->nsDevice() +
                               " root tbf rate 400kbit burst 10kb latency 500ms"),
                  0);
        server_.setHost(netns_->hostIp());
        RoomEndpointTest::SetUp();
#endif
    }
    void TearDown() override {
        stopHall();
        RoomEndpointTest::TearDown();
        netns_.reset();
    }

    void startHall(int kbps) {
#ifdef VCB_ROOM_BIN
        const std::string config = dir_ + "/room.conf";
        std::ofstream(config) << "server = " << server_.wsUrl() << "\nmeeting = " << kMeeting
                              << "\ntoken_file = "
                              << tokenFile_
                              // A moving zone plate and a clock: vp8enc fills 1500 kbit/s
                              // with it (≈ 1360) and still holds 250 (≈ 240).
                              << "\ncamera = pipeline:videotestsrc is-live=true "
                                 "pattern=zone-plate kt=1 kx2=10 ky2=10 ! "
                                 "video/x-raw,width=640,height=360,framerate=25/1 ! timeoverlay"
                                 "\nmicrophone = test"
                                 "\ndisplay = fakesink\nspeaker = fakesink\ncodec = vp8"
                                 "\nwidth = 640\nheight = 360\nframerate = 25"
                                 "\nvideo_bitrate_kbps = "
                              << kbps << "\ncontrol = off\n";
        hallLog_ = dir_ + "/room.log";
        hallPid_ = ::fork();
        if (hallPid_ == 0) {
            const int fd = ::open(hallLog_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execlp("ip", "ip", "netns", "exec", netns_->name().c_str(), VCB_ROOM_BIN,
                     "--config", config.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
#endif
    }
    void stopHall() {
        if (hallPid_ <= 0) return;
        ::kill(hallPid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 50 && ::waitpid(hallPid_, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(100ms);
        if (::waitpid(hallPid_, &status, WNOHANG) == 0) {
            ::kill(hallPid_, SIGKILL);
            ::waitpid(hallPid_, &status, 0);
        }
        hallPid_ = -1;
    }
    std::string hallLog() const {
        std::ifstream in(hallLog_);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    std::unique_ptr<NetNamespace> netns_;
    pid_t hallPid_ = -1;
    std::string hallLog_;
};

const protocol::StatsParticipant* hallIn(const protocol::Stats& s) {
    for (const auto& p : s.participants)
        if (p.unit == kHallUnit) return &p;
    return nullptr;
}

TEST_F(RoomLinkRateTest, OnAThinUplinkTheHallSendsWhatTheLinkCarriesAndTheChairSeesItSteadily) {
    startHall(1500);
    Runner chair(chairOptions());
    ASSERT_TRUE(waitFor([&] { return chair->meetingState().has_value(); }, 15s)) << chair.error();
    chair->queueControl(control(protocol::MeetingAction::StartSession));
    chair->queueSubscribeStats(1000);
    std::string hallId;
    ASSERT_TRUE(waitFor(
        [&] {
            const auto s = chair->lastStats();
            const auto* h = s ? hallIn(*s) : nullptr;
            if (!h || !h->video || !h->video->kbps) return false;
            hallId = h->participantId;
            return true;
        },
        40s))
        << "the hall's video never reached the server\n"
        << hallLog();

    // 35 s to settle (from 1500 kbit/s the cuts take ≈ 10 s), then 12 pushes measured.
    std::this_thread::sleep_for(35s);
    double lossSum = 0, kbpsSum = 0;
    int n = 0;
    const std::uint64_t framesBefore = heard(*chair, hallId).videoFrames;
    const auto measured = Clock::now();
    for (int seen = chair->statsReceived(), end = seen + 12; seen < end;) {
        ASSERT_TRUE(waitFor([&] { return chair->statsReceived() > seen; }, 5s))
            << "the pushes stopped";
        seen = chair->statsReceived();
        const auto s = chair->lastStats();
        const auto* h = s ? hallIn(*s) : nullptr;
        ASSERT_TRUE(h && h->video) << "the hall left the meeting\n" << hallLog();
        std::printf("[ rate ] push: video %.0f kbit/s, %.1f %% lost; audio %.0f kbit/s\n",
                    h->video->kbps.value_or(-1), h->video->lossPercent.value_or(-1),
                    h->audio ? h->audio->kbps.value_or(-1) : -1.0);
        lossSum += h->video->lossPercent.value_or(100);
        kbpsSum += h->video->kbps.value_or(0);
        ++n;
    }
    const double seconds = msSince(measured) / 1000.0;
    const double fps = (heard(*chair, hallId).videoFrames - framesBefore) / seconds;
    const std::string log = hallLog();
    size_t cuts = 0;
    for (size_t at = log.find("video rate "); at != std::string::npos;
         at = log.find("video rate ", at + 1))
        ++cuts;
    // The hall's decisions and what the shaper passed and dropped (bytes, packets), for the log.
    {
        std::istringstream lines(log);
        for (std::string line; std::getline(lines, line);)
            if (line.find("video rate") != std::string::npos ||
                line.find("video size") != std::string::npos)
                std::printf("[ rate ] hall: %s\n", line.c_str());
    }
    std::fflush(stdout);
    std::system(("ip netns exec " + netns_->name() + " tc -s qdisc show dev " + netns_->nsDevice())
                    .c_str());
    const auto seen = heard(*chair, hallId);
    std::printf(
        "[ rate ] 400 kbit/s uplink, 1500 kbit/s configured: the server measured %.1f "
        "kbit/s of video with %.2f %% loss (mean of %d pushes); the chair decoded %.1f "
        "frames/s at %dx%d; %zu rate changes logged by the hall\n",
        kbpsSum / n, lossSum / n, n, fps, seen.videoWidth, seen.videoHeight, cuts);
    EXPECT_LT(lossSum / n, 10.0) << log;
    EXPECT_LT(kbpsSum / n, 400.0);
    EXPECT_GT(kbpsSum / n, 100.0) << "the hall should still send a picture";
    EXPECT_GT(fps, 12.0) << "the chair's picture of the hall is not steady";
    EXPECT_GE(cuts, 1u) << log;
    // 640×360 needs ≈ 290 kbit/s (SizeControl): at what the link carries the hall sends a smaller
    // picture, and the chair decodes it at that size.
    EXPECT_NE(log.find("video size 640x360 -> "), std::string::npos) << log;
    EXPECT_GT(seen.videoWidth, 0);
    EXPECT_LT(seen.videoWidth, 640);
}

}  // namespace
}  // namespace vcb::integration
