// vcb-recorder end to end: the recorder as a child process, fed by real GStreamer RTP/RTCP
// senders over UDP on 127.0.0.1, its files read back with gst-discoverer-1.0, GStreamer decoders
// and sha256sum.

#include "tests/recorder/RecorderHarness.hpp"

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace vcb::rectest {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RecorderTest : public ::testing::Test {
protected:
    void SetUp() override {
        gst_init(nullptr, nullptr);
        char tmpl[] = "/tmp/vcb-recorder-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        dir_ = root_ + "/rec";
    }
    void TearDown() override {
        if (!mounted_.empty()) ::umount(mounted_.c_str());
        if (!HasFailure()) std::filesystem::remove_all(root_);
        else std::cerr << "kept " << root_ << " for inspection\n";
    }

    void startRecorder(RecorderProcess& rec, const std::string& id, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--dir", dir_, "--id", id, "--meeting", "m-1", "--title", "Họp giao ban",
                                      "--min-free-mb", "10"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::string err;
        ASSERT_TRUE(rec.start(args, &err)) << err;
        ASSERT_TRUE(rec.waitEvent("ready", 10s)) << rec.transcript();
    }
    std::vector<StreamPorts> addGroup(RecorderProcess& rec, const std::string& name, bool h264 = false) {
        rec.send({{"cmd", "addGroup"},
                  {"name", name},
                  {"streams", json::array{json::object{{"kind", "video"}, {"codec", h264 ? "H264" : "VP8"},
                                                       {"payloadType", h264 ? 102 : 96},
                                                       {"clockRate", 90000}, {"ssrc", 1111}},
                                          json::object{{"kind", "audio"}, {"codec", "opus"}, {"payloadType", 111},
                                                       {"clockRate", 48000}, {"ssrc", 2222}}}}});
        auto ev = rec.waitEvent("groupAdded", 5s);
        if (!ev) {
            ADD_FAILURE() << "no groupAdded: " << rec.transcript();
            return {};
        }
        auto ports = portsOf(*ev);
        EXPECT_EQ(ports.size(), 2u);
        return ports;
    }
    json::object readSidecar() {
        for (const auto& e : std::filesystem::directory_iterator(dir_))
            if (e.path().extension() == ".json") {
                std::ifstream in(e.path());
                std::stringstream ss;
                ss << in.rdbuf();
                return json::parse(ss.str()).as_object();
            }
        ADD_FAILURE() << "no sidecar in " << dir_;
        return {};
    }
    std::string sha256sum(const std::string& path) {
        auto out = runCommand({"sha256sum", path}, 10s);
        return out ? out->substr(0, 64) : std::string("sha256sum failed");
    }
    static unsigned mode(const std::string& path) {
        struct stat st{};
        return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
    }
    std::vector<std::string> mediaFiles() {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(dir_))
            if (e.path().extension() == ".webm" || e.path().extension() == ".mkv") out.push_back(e.path().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    std::string root_, dir_;
    std::string mounted_;
};

// Two groups (programme + one participant) for ~9 s; stop; every file has the right duration and
// streams, the sidecar's hashes are the files' and everything is private to the service account.
TEST_F(RecorderTest, RecordsProgrammeAndParticipantPlayable) {
    RecorderProcess rec;
    startRecorder(rec, "Meeting 42/Rec");
    auto prog = addGroup(rec, "programme");
    auto part = addGroup(rec, "Participant ../7");
    ASSERT_EQ(prog.size(), 2u);
    ASSERT_EQ(part.size(), 2u);
    rec.send({{"cmd", "units"}, {"list", json::array{"ubnd-ha-noi", "ubnd-hue"}}});
    Sender s1, s2;
    std::string err;
    ASSERT_TRUE(s1.start(prog[0], prog[1], {}, &err)) << err;
    ASSERT_TRUE(s2.start(part[0], part[1], {}, &err)) << err;
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(4s);
    rec.send({{"cmd", "mark"}, {"text", "floor: ubnd-hue"}});
    ASSERT_TRUE(rec.waitEvent("marked", 2s));
    std::this_thread::sleep_until(t0 + 9s);
    {
        // The recorder's CPU for two groups (4 streams, 320x240 VP8 + Opus): printed for the record.
        std::ifstream stat("/proc/" + std::to_string(rec.pid()) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        std::istringstream fields(text.substr(text.rfind(')') + 2));
        std::string f;
        unsigned long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && fields >> f; ++i) {
            if (i == 14) utime = std::stoull(f);
            if (i == 15) stime = std::stoull(f);
        }
        const double cpu = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
        std::cerr << "recorder CPU: " << cpu << " s in " << std::chrono::duration<double>(Clock::now() - t0).count()
                  << " s (" << 100.0 * cpu / std::chrono::duration<double>(Clock::now() - t0).count() << " % of one core)\n";
    }
    rec.send({{"cmd", "stop"}});
    const double sent = std::chrono::duration<double>(Clock::now() - t0).count();
    auto rc = rec.wait(10s);
    s1.stop();
    s2.stop();
    ASSERT_EQ(rc, std::optional<int>(0)) << rec.transcript();
    ASSERT_TRUE(rec.waitEvent("stopped", 1s)) << rec.transcript();

    EXPECT_EQ(mode(dir_), 0700u);
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 2u);
    for (const auto& f : files) {
        const std::string base = std::filesystem::path(f).filename().string();
        EXPECT_EQ(base.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-"), std::string::npos) << base;
        EXPECT_EQ(mode(f), 0600u) << f;
        auto out = runCommand({"gst-discoverer-1.0", f}, 20s);
        ASSERT_TRUE(out) << "gst-discoverer-1.0 failed on " << f;
        const double d = discovererDuration(*out);
        std::cerr << base << ": duration " << d << " s for " << sent << " s sent\n";
        EXPECT_NEAR(d, sent, 1.0) << *out;
        EXPECT_NE(out->find("video #"), std::string::npos) << *out;
        EXPECT_NE(out->find("VP8"), std::string::npos) << *out;
        EXPECT_NE(out->find("audio #"), std::string::npos) << *out;
        EXPECT_NE(out->find("Opus"), std::string::npos) << *out;
        const Decoded dec = decodeFile(f, true, true, 20s);
        EXPECT_TRUE(dec.ok) << dec.error;
        EXPECT_GT(dec.videoFrames, 200);
    }
    const json::object side = readSidecar();
    EXPECT_EQ(side.at("state").as_string(), "complete");
    EXPECT_EQ(side.at("meeting").as_string(), "m-1");
    EXPECT_EQ(side.at("title").as_string(), "Họp giao ban");
    EXPECT_EQ(side.at("recording").as_string(), "meeting-42-rec");
    EXPECT_EQ(side.at("unitsPresent").as_array().size(), 2u);
    ASSERT_EQ(side.at("marks").as_array().size(), 1u);
    EXPECT_EQ(side.at("marks").as_array()[0].at("text").as_string(), "floor: ubnd-hue");
    // The mark was sent 4 s after the senders started: that is where it falls in both files.
    const auto& positions = side.at("marks").as_array()[0].at("positionsMs").as_object();
    EXPECT_EQ(positions.size(), 2u);
    for (const auto& [file, ms] : positions) {
        std::cerr << "mark at " << ms.as_int64() << " ms in " << std::string(file) << "\n";
        EXPECT_NEAR(static_cast<double>(ms.as_int64()), 4000.0, 300.0) << file;
    }
    EXPECT_TRUE(side.at("end").is_string());
    ASSERT_EQ(side.at("files").as_array().size(), 2u);
    for (const auto& fv : side.at("files").as_array()) {
        const std::string path = dir_ + "/" + std::string(fv.at("name").as_string());
        EXPECT_EQ(std::string(fv.at("sha256").as_string()), sha256sum(path)) << path;
        EXPECT_EQ(fv.at("bytes").to_number<std::uint64_t>(), std::filesystem::file_size(path));
    }
    for (const auto& e : std::filesystem::directory_iterator(dir_)) EXPECT_EQ(mode(e.path().string()), 0600u) << e.path();
}

// kill -9 after ~6 s: every file decodes to within 2 s of the kill, and --finalize completes the
// sidecar (interrupted, hashes) without touching the media.
TEST_F(RecorderTest, KillNineLeavesPlayableFilesAndFinalizeCompletesSidecar) {
    RecorderProcess rec;
    startRecorder(rec, "crash");
    auto prog = addGroup(rec, "programme");
    auto part = addGroup(rec, "p1");
    ASSERT_EQ(prog.size(), 2u);
    ASSERT_EQ(part.size(), 2u);
    Sender s1, s2;
    std::string err;
    ASSERT_TRUE(s1.start(prog[0], prog[1], {}, &err)) << err;
    ASSERT_TRUE(s2.start(part[0], part[1], {}, &err)) << err;
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(6s);
    rec.kill9();
    const double killedAt = std::chrono::duration<double>(Clock::now() - t0).count();
    s1.stop();
    s2.stop();
    EXPECT_EQ(readSidecar().at("state").as_string(), "recording");

    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 2u);
    std::map<std::string, std::string> before;
    std::map<std::string, std::filesystem::file_time_type> mtimes;
    for (const auto& f : files) {
        before[f] = sha256sum(f);
        mtimes[f] = std::filesystem::last_write_time(f);
        const Decoded dec = decodeFile(f, true, true, 20s);
        EXPECT_TRUE(dec.ok) << f << ": " << dec.error;
        const double v = static_cast<double>(dec.lastVideoEnd) / GST_SECOND;
        const double a = static_cast<double>(dec.lastAudioEnd) / GST_SECOND;
        std::cerr << std::filesystem::path(f).filename().string() << ": killed at " << killedAt
                  << " s, decodes to video " << v << " s, audio " << a << " s\n";
        EXPECT_GE(v, killedAt - 2.0);
        EXPECT_GE(a, killedAt - 2.0);
        auto out = runCommand({"gst-discoverer-1.0", f}, 20s);
        EXPECT_TRUE(out) << "gst-discoverer-1.0 failed on the killed file " << f;
    }

    auto out = runCommand({VCB_RECORDER_BIN, "--finalize", dir_}, 20s);
    ASSERT_TRUE(out);
    EXPECT_NE(out->find("interrupted:"), std::string::npos) << *out;
    const json::object side = readSidecar();
    EXPECT_EQ(side.at("state").as_string(), "interrupted");
    EXPECT_TRUE(side.at("end").is_string());
    ASSERT_EQ(side.at("files").as_array().size(), 2u);
    for (const auto& fv : side.at("files").as_array()) {
        const std::string path = dir_ + "/" + std::string(fv.at("name").as_string());
        EXPECT_EQ(std::string(fv.at("sha256").as_string()), sha256sum(path));
        EXPECT_EQ(before[path], sha256sum(path)) << "finalize changed " << path;
        EXPECT_EQ(mtimes[path], std::filesystem::last_write_time(path));
    }
    // A second pass has nothing left to do.
    out = runCommand({VCB_RECORDER_BIN, "--finalize", dir_}, 20s);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->find("interrupted:"), std::string::npos) << *out;
}

// Video and audio carry one event (white picture, 1 kHz tone) at the same capture instant; the
// audio leaves the sender 400 ms later, so arrival times disagree and only the sender reports
// (NTP ↔ RTP, with unrelated random RTP timestamp bases) can put them back together.
TEST_F(RecorderTest, AudioAndVideoInSyncFromSenderReports) {
    RecorderProcess rec;
    startRecorder(rec, "sync");
    auto ports = addGroup(rec, "programme");
    ASSERT_EQ(ports.size(), 2u);
    SenderOptions o;
    o.blackThenWhite = true;
    o.silenceThenTone = true;
    o.eventAt = 5 * GST_SECOND;
    o.audioSendDelay = 400 * GST_MSECOND;
    o.rtcpIntervalNs = 500 * GST_MSECOND;
    Sender s;
    std::string err;
    ASSERT_TRUE(s.start(ports[0], ports[1], o, &err)) << err;
    std::this_thread::sleep_for(7500ms);
    rec.send({{"cmd", "stop"}});
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    s.stop();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    const Decoded dec = decodeFile(files[0], true, true, 20s);
    ASSERT_TRUE(dec.ok) << dec.error;
    ASSERT_TRUE(GST_CLOCK_TIME_IS_VALID(dec.firstWhiteVideo));
    ASSERT_TRUE(GST_CLOCK_TIME_IS_VALID(dec.firstLoudAudio));
    const double offsetMs = (static_cast<double>(dec.firstLoudAudio) - static_cast<double>(dec.firstWhiteVideo)) / GST_MSECOND;
    std::cerr << "event: video " << static_cast<double>(dec.firstWhiteVideo) / GST_SECOND << " s, audio "
              << static_cast<double>(dec.firstLoudAudio) / GST_SECOND << " s, audio - video = " << offsetMs << " ms\n";
    EXPECT_LE(std::abs(offsetMs), 40.0);
}

// Audio pauses for 3 s, later video pauses for 3 s: the muxer goes on writing during each pause
// (a silent track does not hold the file back), and the file plays through with the right
// duration.
TEST_F(RecorderTest, PausedStreamNeitherStallsRecordingNorPlayback) {
    RecorderProcess rec;
    startRecorder(rec, "gap");
    auto ports = addGroup(rec, "programme");
    ASSERT_EQ(ports.size(), 2u);
    Sender s;
    std::string err;
    ASSERT_TRUE(s.start(ports[0], ports[1], {}, &err)) << err;
    const auto t0 = Clock::now();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    auto grewDuringPause = [&](std::chrono::milliseconds start, bool audio) {
        std::this_thread::sleep_until(t0 + start);
        audio ? s.pauseAudio(true) : s.pauseVideo(true);
        std::this_thread::sleep_until(t0 + start + 1s);
        const auto early = std::filesystem::file_size(files[0]);
        std::this_thread::sleep_until(t0 + start + 2800ms);
        const auto late = std::filesystem::file_size(files[0]);
        std::this_thread::sleep_until(t0 + start + 3s);
        audio ? s.pauseAudio(false) : s.pauseVideo(false);
        std::cerr << "file grew " << late - early << " bytes during the " << (audio ? "audio" : "video") << " pause\n";
        return late - early;
    };
    EXPECT_GT(grewDuringPause(2s, true), 5000u) << "the muxer waited for the silent audio track";
    // Audio is ~10 kB/s: a muxer held back by the video track would write next to nothing.
    EXPECT_GT(grewDuringPause(6s, false), 5000u) << "the muxer waited for the silent video track";
    std::this_thread::sleep_until(t0 + 11s);
    rec.send({{"cmd", "stop"}});
    const double sent = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    s.stop();

    auto out = runCommand({"gst-discoverer-1.0", files[0]}, 20s);
    ASSERT_TRUE(out);
    EXPECT_NEAR(discovererDuration(*out), sent, 1.0) << *out;
    const Decoded dec = decodeFile(files[0], true, true, 20s);
    ASSERT_TRUE(dec.ok) << dec.error;
    const double v = static_cast<double>(dec.lastVideoEnd) / GST_SECOND;
    const double a = static_cast<double>(dec.lastAudioEnd) / GST_SECOND;
    std::cerr << "decoded to video " << v << " s, audio " << a << " s; largest video step "
              << static_cast<double>(dec.maxVideoGap) / GST_MSECOND << " ms\n";
    EXPECT_NEAR(v, sent, 1.0);
    EXPECT_NEAR(a, sent, 1.0);
    // During the video pause the last key frame stands in twice a second; after it, the
    // stream resumes at its next key frame (at most 1 s with the sender's key-frame interval).
    EXPECT_LT(dec.maxVideoGap, 1200 * GST_MSECOND);
}

// A group with H.264 video goes into Matroska (.mkv) through h264parse.
TEST_F(RecorderTest, RecordsH264IntoMatroska) {
    RecorderProcess rec;
    startRecorder(rec, "h264");
    auto ports = addGroup(rec, "programme", true);
    ASSERT_EQ(ports.size(), 2u);
    SenderOptions o;
    o.h264 = true;
    Sender s;
    std::string err;
    ASSERT_TRUE(s.start(ports[0], ports[1], o, &err)) << err;
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(5s);
    rec.send({{"cmd", "stop"}});
    const double sent = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    s.stop();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(std::filesystem::path(files[0]).extension(), ".mkv");
    auto out = runCommand({"gst-discoverer-1.0", files[0]}, 20s);
    ASSERT_TRUE(out);
    EXPECT_NEAR(discovererDuration(*out), sent, 1.0) << *out;
    EXPECT_NE(out->find("H.264"), std::string::npos) << *out;
    EXPECT_NE(out->find("Opus"), std::string::npos) << *out;
    const Decoded dec = decodeFile(files[0], true, true, 20s);
    EXPECT_TRUE(dec.ok) << dec.error;
    EXPECT_GT(dec.videoFrames, 100);
}

// A group's video never arrives (camera off from the start): after 3 s the file is written
// without that track (streamMissing) instead of waiting for it for ever.
TEST_F(RecorderTest, StreamThatNeverStartsIsLeftOut) {
    RecorderProcess rec;
    startRecorder(rec, "novideo");
    auto ports = addGroup(rec, "p1");
    ASSERT_EQ(ports.size(), 2u);
    SenderOptions o;
    o.videoOff = true;
    Sender s;
    std::string err;
    ASSERT_TRUE(s.start(ports[0], ports[1], o, &err)) << err;
    const auto t0 = Clock::now();
    auto missing = rec.waitEvent("streamMissing", 6s);
    ASSERT_TRUE(missing) << rec.transcript();
    EXPECT_EQ(missing->at("kind").as_string(), "video");
    std::this_thread::sleep_until(t0 + 6s);
    rec.send({{"cmd", "stop"}});
    const double sent = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    s.stop();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    auto out = runCommand({"gst-discoverer-1.0", files[0]}, 20s);
    ASSERT_TRUE(out);
    EXPECT_NEAR(discovererDuration(*out), sent, 1.0) << *out;
    EXPECT_EQ(out->find("video #"), std::string::npos) << *out;
    const Decoded dec = decodeFile(files[0], false, true, 20s);
    EXPECT_TRUE(dec.ok) << dec.error;
    EXPECT_NEAR(static_cast<double>(dec.lastAudioEnd) / GST_SECOND, sent, 1.0);
}

// A participant leaves (removeGroup: its file is finished and hashed) and comes back: a new file,
// the first one untouched.
TEST_F(RecorderTest, RemovedGroupComesBackInANewFile) {
    RecorderProcess rec;
    startRecorder(rec, "rejoin");
    std::vector<std::string> names;
    for (int round = 0; round < 2; ++round) {
        auto ports = addGroup(rec, "p1");
        ASSERT_EQ(ports.size(), 2u);
        Sender s;
        std::string err;
        ASSERT_TRUE(s.start(ports[0], ports[1], {}, &err)) << err;
        std::this_thread::sleep_for(2s);
        rec.send({{"cmd", "removeGroup"}, {"name", "p1"}});
        auto closed = rec.waitEvent("fileClosed", 8s);
        s.stop();
        ASSERT_TRUE(closed) << rec.transcript();
        EXPECT_TRUE(closed->at("complete").as_bool());
        const std::string path = dir_ + "/" + std::string(closed->at("file").as_string());
        EXPECT_EQ(std::string(closed->at("sha256").as_string()), sha256sum(path));
        names.push_back(path);
    }
    EXPECT_NE(names[0], names[1]);
    rec.send({{"cmd", "stop"}});
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    const json::object side = readSidecar();
    ASSERT_EQ(side.at("files").as_array().size(), 2u);
    for (const auto& fv : side.at("files").as_array())
        EXPECT_EQ(std::string(fv.at("sha256").as_string()), sha256sum(dir_ + "/" + std::string(fv.at("name").as_string())));
    for (const auto& n : names) {
        const Decoded dec = decodeFile(n, true, true, 20s);
        EXPECT_TRUE(dec.ok) << n << ": " << dec.error;
        EXPECT_GT(static_cast<double>(dec.lastVideoEnd) / GST_SECOND, 1.5) << n;
    }
}

// The sender is replaced mid-recording (new SSRCs, new RTP sequence and timestamp bases, 0.3 s
// without packets), as when the server's plain transport is recreated: the file goes on.
TEST_F(RecorderTest, NewSenderWithNewSsrcContinuesTheFile) {
    RecorderProcess rec;
    startRecorder(rec, "switch");
    auto ports = addGroup(rec, "programme");
    ASSERT_EQ(ports.size(), 2u);
    const auto t0 = Clock::now();
    {
        Sender first;
        std::string err;
        ASSERT_TRUE(first.start(ports[0], ports[1], {}, &err)) << err;
        std::this_thread::sleep_until(t0 + 3s);
    }
    std::this_thread::sleep_until(t0 + 3300ms);
    Sender second;
    std::string err;
    ASSERT_TRUE(second.start(ports[0], ports[1], {}, &err)) << err;
    std::this_thread::sleep_until(t0 + 8s);
    rec.send({{"cmd", "stop"}});
    const double sent = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
    second.stop();
    EXPECT_EQ(rec.waitEvent("failed", 0ms), std::nullopt) << rec.transcript();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    auto out = runCommand({"gst-discoverer-1.0", files[0]}, 20s);
    ASSERT_TRUE(out);
    EXPECT_NEAR(discovererDuration(*out), sent, 1.0) << *out;
    const Decoded dec = decodeFile(files[0], true, true, 20s);
    ASSERT_TRUE(dec.ok) << dec.error;
    const double v = static_cast<double>(dec.lastVideoEnd) / GST_SECOND;
    const double a = static_cast<double>(dec.lastAudioEnd) / GST_SECOND;
    std::cerr << "after the switch: decoded to video " << v << " s, audio " << a << " s of " << sent
              << " s; largest video step " << static_cast<double>(dec.maxVideoGap) / GST_MSECOND << " ms\n";
    EXPECT_NEAR(v, sent, 1.0);
    EXPECT_NEAR(a, sent, 1.0);
    EXPECT_LT(dec.maxVideoGap, 1200 * GST_MSECOND);
}

TEST_F(RecorderTest, RefusesToStartBelowMinimumFreeSpace) {
    RecorderProcess rec;
    std::string err;
    ASSERT_TRUE(rec.start({"--dir", dir_, "--id", "full", "--min-free-mb", "1000000000"}, &err)) << err;
    auto ev = rec.waitEvent("failed", 10s);
    ASSERT_TRUE(ev) << rec.transcript();
    EXPECT_EQ(ev->at("reason").as_string(), "diskLow");
    EXPECT_EQ(rec.wait(10s), std::optional<int>(2));
    EXPECT_FALSE(rec.waitEvent("ready", 100ms));
    EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

// The disk fills during a recording (a 64 MiB tmpfs, --min-free-mb 40, then 30 MiB of something
// else): diskLow, a clean stop with exit code 3, a playable file and a complete sidecar.
TEST_F(RecorderTest, DiskFillingStopsCleanly) {
    const std::string fs = root_ + "/fs";
    std::filesystem::create_directories(fs);
    if (::mount("tmpfs", fs.c_str(), "tmpfs", 0, "size=64m,mode=0700") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
    mounted_ = fs;
    dir_ = fs + "/rec";
    RecorderProcess rec;
    std::string err;
    ASSERT_TRUE(rec.start({"--dir", dir_, "--id", "fill", "--min-free-mb", "40"}, &err)) << err;
    ASSERT_TRUE(rec.waitEvent("ready", 10s)) << rec.transcript();
    auto ports = addGroup(rec, "programme");
    ASSERT_EQ(ports.size(), 2u);
    Sender s;
    ASSERT_TRUE(s.start(ports[0], ports[1], {}, &err)) << err;
    std::this_thread::sleep_for(3s);
    {
        std::ofstream filler(fs + "/filler", std::ios::binary);
        const std::string mb(1 << 20, 'x');
        for (int i = 0; i < 30; ++i) filler << mb;
    }
    auto low = rec.waitEvent("diskLow", 5s);
    ASSERT_TRUE(low) << rec.transcript();
    EXPECT_EQ(rec.wait(10s), std::optional<int>(3)) << rec.transcript();
    s.stop();
    EXPECT_TRUE(rec.waitEvent("stopped", 1s)) << rec.transcript();
    const auto files = mediaFiles();
    ASSERT_EQ(files.size(), 1u);
    const Decoded dec = decodeFile(files[0], true, true, 20s);
    EXPECT_TRUE(dec.ok) << dec.error;
    EXPECT_GT(static_cast<double>(dec.lastVideoEnd) / GST_SECOND, 2.5);
    const json::object side = readSidecar();
    EXPECT_EQ(side.at("state").as_string(), "complete");
    EXPECT_NE(std::string(side.at("error").as_string()).find("free space"), std::string::npos);
    EXPECT_EQ(std::string(side.at("files").as_array()[0].at("sha256").as_string()), sha256sum(files[0]));
}

// A restart with the same id makes new names: decoys with every name the recorder could pick in
// the next seconds are left alone, and so are the first run's files. EOF on stdin stops cleanly.
TEST_F(RecorderTest, RestartWithSameIdNeverOverwrites) {
    std::filesystem::create_directories(dir_);
    ::chmod(dir_.c_str(), 0700);
    std::map<std::string, std::string> decoys;
    const auto now = std::chrono::system_clock::now();
    for (int s = 0; s < 6; ++s) {
        const std::time_t t = std::chrono::system_clock::to_time_t(now + std::chrono::seconds(s));
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y%m%dt%H%M%Sz", &tm);
        for (const std::string suffix : {".json", "-programme.webm"}) {
            const std::string path = dir_ + "/same-" + stamp + suffix;
            std::ofstream(path) << "decoy " << path;
            decoys[path] = sha256sum(path);
        }
    }
    std::vector<std::string> firstRun;
    for (int run = 0; run < 2; ++run) {
        RecorderProcess rec;
        startRecorder(rec, "same");
        auto ports = addGroup(rec, "programme");
        ASSERT_EQ(ports.size(), 2u);
        Sender s;
        std::string err;
        ASSERT_TRUE(s.start(ports[0], ports[1], {}, &err)) << err;
        std::this_thread::sleep_for(2s);
        rec.closeStdin();  // the server died: finish cleanly
        ASSERT_EQ(rec.wait(10s), std::optional<int>(0)) << rec.transcript();
        s.stop();
        auto closed = rec.waitEvent("fileClosed", 1s);
        ASSERT_TRUE(closed) << rec.transcript();
        const std::string file = dir_ + "/" + std::string(closed->at("file").as_string());
        EXPECT_EQ(decoys.count(file), 0u) << file;
        if (run == 0) {
            firstRun.push_back(file);
            decoys[file] = sha256sum(file);
        } else {
            EXPECT_NE(file, firstRun.at(0));
        }
    }
    for (const auto& [path, hash] : decoys) EXPECT_EQ(sha256sum(path), hash) << path << " was overwritten";
}

}  // namespace
}  // namespace vcb::rectest
