// MeetingStoreWriter: acknowledgement after commit, batching with per-write failures, the bounded
// queue, draining on stop, a reader thread beside the writer, and kill -9 of a writing process.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "rooms/store/MeetingStoreWriter.hpp"
#include "tests/store/TempDir.hpp"

namespace vcb::store {
namespace {

using namespace std::chrono_literals;

const std::string kSpeaker = "Đại biểu Nguyễn Thị Ngọc Hường";

StoredMeeting meeting(const std::string& id) {
    StoredMeeting m;
    m.id = id;
    m.title = "Họp giao ban trực tuyến";
    m.convenedBy = "vn.chinh-phu";
    m.invited = {{"vn.tinh.hue", true}};
    m.chair = "chủ.tọa";
    return m;
}

StoredEvent tick(int64_t i) {
    return StoredEvent{
        0, 1000 + i, "test.tick", "vn.tinh.hue", kSpeaker, R"({"i":)" + std::to_string(i) + "}"};
}

WriterOptions options(size_t queueCapacity, size_t maxBatch) {
    WriterOptions o;
    o.queueCapacity = queueCapacity;
    o.maxBatch = maxBatch;
    return o;
}

std::unique_ptr<MeetingStoreWriter> startWriter(const std::string& path,
                                                WriterOptions options = {}) {
    auto w = MeetingStoreWriter::start(path, options);
    EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
    return w.ok() ? std::move(w.value()) : nullptr;
}

TEST(MeetingStoreWriterTest, AcknowledgedWritesAreVisibleToAnotherConnection) {
    test::TempDir dir;
    const auto path = dir.file("m.db");
    auto writer = startWriter(path);
    ASSERT_TRUE(writer);
    EXPECT_EQ(writer->schemaVersion(), kSchemaVersion);
    ASSERT_TRUE(
        writer->submit([](MeetingStore& s) { return s.createMeeting(meeting("a")); }).get().ok());

    std::promise<std::pair<int64_t, size_t>> seen;
    // In the callback (writer thread), a fresh connection must already see the event: the
    // acknowledgement comes after the commit.
    ASSERT_TRUE(writer->appendEvent("a", tick(0), [&](const Expected<int64_t, StoreError>& r) {
        auto reader = MeetingStore::open(path);
        size_t n = 0;
        if (reader.ok()) {
            auto events = reader.value()->listEvents("a");
            if (events.ok()) n = events.value().size();
        }
        seen.set_value({r.ok() ? r.value() : -1, n});
    }));
    auto [seq, visible] = seen.get_future().get();
    EXPECT_EQ(seq, 1);
    EXPECT_EQ(visible, 1u);
}

TEST(MeetingStoreWriterTest, OneFailingWriteDoesNotFailItsBatch) {
    test::TempDir dir;
    auto writer = startWriter(dir.file("m.db"), options(100, 50));
    ASSERT_TRUE(writer);
    // Hold the writer so that everything below lands in one batch.
    std::promise<void> release;
    std::promise<void> holding;
    auto gate = release.get_future().share();
    ASSERT_TRUE(writer->post(
        [&, gate](MeetingStore&) -> Status {
            holding.set_value();
            gate.wait();
            return Ok{};
        },
        nullptr));
    holding.get_future().wait();

    std::vector<std::future<Status>> results;
    results.push_back(
        writer->submit([](MeetingStore& s) { return s.createMeeting(meeting("b")); }));
    for (int i = 0; i < 10; ++i) {
        const std::string target = i == 5 ? "khong-co" : "b";
        results.push_back(writer->submit([target, i](MeetingStore& s) -> Status {
            auto r = s.appendEvent(target, tick(i));
            if (!r) return r.error();
            return Ok{};
        }));
    }
    results.push_back(writer->submit([](MeetingStore& s) -> Status {
        auto r = s.appendEvent("b", StoredEvent{0, 1, "t", "", "", "not json"});
        if (!r) return r.error();
        return Ok{};
    }));
    release.set_value();
    for (size_t i = 0; i < results.size(); ++i) {
        Status s = results[i].get();
        if (i == 6) {
            ASSERT_FALSE(s.ok());
            EXPECT_EQ(s.error().code, StoreErrorCode::NotFound);
        } else if (i == results.size() - 1) {
            ASSERT_FALSE(s.ok());
            EXPECT_EQ(s.error().code, StoreErrorCode::Invalid);
        } else {
            EXPECT_TRUE(s.ok()) << i << ": " << s.error().message;
        }
    }
    writer->stop();
    auto reader = MeetingStore::open(dir.file("m.db"));
    ASSERT_TRUE(reader.ok());
    auto events = reader.value()->listEvents("b");
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events.value().size(), 9u);
    EXPECT_EQ(events.value().back().seq, 9);
}

TEST(MeetingStoreWriterTest, FullQueueRefusesWithoutBlocking) {
    test::TempDir dir;
    auto writer = startWriter(dir.file("m.db"), options(2, 8));
    ASSERT_TRUE(writer);
    std::promise<void> release;
    std::promise<void> holding;
    auto gate = release.get_future().share();
    ASSERT_TRUE(writer->post(
        [&, gate](MeetingStore&) -> Status {
            holding.set_value();
            gate.wait();
            return Ok{};
        },
        nullptr));
    holding.get_future().wait();
    std::atomic<int> done{0};
    auto count = [&](const Status&) { ++done; };
    EXPECT_TRUE(writer->createMeeting(meeting("q1"), count));
    EXPECT_TRUE(writer->createMeeting(meeting("q2"), count));
    bool calledInline = false;
    EXPECT_FALSE(writer->createMeeting(meeting("q3"), [&](const Status&) { calledInline = true; }));
    auto refused = writer->submit([](MeetingStore&) -> Status { return Ok{}; });
    ASSERT_EQ(refused.wait_for(0s), std::future_status::ready);
    EXPECT_EQ(refused.get().error().code, StoreErrorCode::QueueFull);
    release.set_value();
    writer->stop();
    EXPECT_EQ(done.load(), 2);
    EXPECT_FALSE(calledInline);
}

TEST(MeetingStoreWriterTest, StopDrainsTheQueue) {
    test::TempDir dir;
    const auto path = dir.file("m.db");
    auto writer = startWriter(path, options(1000, 16));
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->createMeeting(meeting("d"), nullptr));
    std::atomic<int> acked{0};
    for (int i = 0; i < 300; ++i) {
        ASSERT_TRUE(writer->appendEvent("d", tick(i), [&](const Expected<int64_t, StoreError>& r) {
            if (r.ok()) ++acked;
        }));
    }
    writer->stop();
    EXPECT_EQ(acked.load(), 300);
    EXPECT_FALSE(writer->createMeeting(meeting("late"), nullptr));
    EXPECT_EQ(writer->submit([](MeetingStore&) -> Status { return Ok{}; }).get().error().code,
              StoreErrorCode::Stopped);
    writer.reset();
    auto reader = MeetingStore::open(path);
    ASSERT_TRUE(reader.ok());
    auto events = reader.value()->listEvents("d", 1, 1000);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events.value().size(), 300u);
    for (size_t i = 0; i < 300; ++i) {
        EXPECT_EQ(events.value()[i].seq, static_cast<int64_t>(i + 1));
        EXPECT_EQ(events.value()[i].detail, R"({"i":)" + std::to_string(i) + "}");
    }
}

TEST(MeetingStoreWriterTest, ReaderThreadBesideTheWriter) {
    test::TempDir dir;
    const auto path = dir.file("m.db");
    auto writer = startWriter(path, options(4096, 8));
    ASSERT_TRUE(writer);
    ASSERT_TRUE(
        writer->submit([](MeetingStore& s) { return s.createMeeting(meeting("r")); }).get().ok());
    constexpr int kEvents = 400;
    std::atomic<bool> writing{true};
    std::atomic<int> readerErrors{0};
    std::atomic<int> reads{0};
    std::promise<void> readerReady;
    std::thread reader([&] {
        auto store = MeetingStore::open(path);
        readerReady.set_value();
        if (!store.ok()) {
            ++readerErrors;
            return;
        }
        size_t last = 0;
        while (writing.load() || last < static_cast<size_t>(kEvents)) {
            auto events = store.value()->listEvents("r", 1, 100000);
            ++reads;
            if (!events.ok()) {
                ++readerErrors;
                break;
            }
            const auto& v = events.value();
            // A snapshot: never fewer events than before, always 1..n without a gap.
            if (v.size() < last) ++readerErrors;
            for (size_t i = 0; i < v.size(); ++i) {
                if (v[i].seq != static_cast<int64_t>(i + 1)) ++readerErrors;
            }
            last = v.size();
            if (!writing.load() && last == static_cast<size_t>(kEvents)) break;
        }
    });
    readerReady.get_future().wait();
    std::vector<std::future<Status>> acks;
    for (int i = 0; i < kEvents; ++i) {
        acks.push_back(writer->submit([i](MeetingStore& s) -> Status {
            auto r = s.appendEvent("r", tick(i));
            if (!r) return r.error();
            return Ok{};
        }));
        if (i % 50 == 0) std::this_thread::sleep_for(2ms);
    }
    for (auto& a : acks) EXPECT_TRUE(a.get().ok());
    writing = false;
    reader.join();
    EXPECT_EQ(readerErrors.load(), 0);
    EXPECT_GT(reads.load(), 1);
}

// A child process writes events through the writer and reports every acknowledged seq on a
// pipe; the parent kills it with SIGKILL mid-stream. Returns the acknowledged seqs; `killed`
// tells whether the kill came before the child finished (it always should).
std::vector<int64_t> writeUntilKilled(const std::string& path, int64_t firstTick, size_t killAfter,
                                      bool& killed) {
    killed = false;
    int fds[2];
    if (::pipe(fds) != 0) return {};
    constexpr int kTotal = 1000000;  // far more than get written before the kill
    const pid_t child = ::fork();
    if (child < 0) return {};
    if (child == 0) {
        ::close(fds[0]);
        const int out = fds[1];
        auto w = MeetingStoreWriter::start(path, options(64, 8));
        if (!w.ok()) ::_exit(3);
        for (int64_t i = firstTick; i < firstTick + kTotal; ++i) {
            while (!w.value()->appendEvent("k9", tick(i),
                                           [out](const Expected<int64_t, StoreError>& r) {
                                               const int64_t seq = r.ok() ? r.value() : -1;
                                               if (::write(out, &seq, sizeof seq) != sizeof seq)
                                                   ::_exit(4);
                                           })) {
                ::usleep(100);
            }
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::vector<int64_t> acked;
    int64_t buffer = 0;
    size_t have = 0;  // bytes of `buffer` filled
    bool sent = false;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
        if (!sent && acked.size() >= killAfter) {
            sent = ::kill(child, SIGKILL) == 0;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        const ssize_t n =
            ::read(fds[0], reinterpret_cast<char*>(&buffer) + have, sizeof buffer - have);
        if (n <= 0) break;  // EOF: the child is gone and everything it acknowledged was read
        have += static_cast<size_t>(n);
        if (have == sizeof buffer) {
            acked.push_back(buffer);
            have = 0;
        }
    }
    ::close(fds[0]);
    if (!sent) ::kill(child, SIGKILL);
    int status = 0;
    if (::waitpid(child, &status, 0) != child) return acked;
    killed = sent && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    return acked;
}

// Three rounds of write-and-kill on one database: after each, every acknowledged event is
// there, with its content, and the log has no gap. (Events committed but not yet acknowledged
// when the kill came may be there too.)
TEST(MeetingStoreKillTest, AcknowledgedEventsSurviveKill9) {
    test::TempDir dir;
    const auto path = dir.file("k9.db");
    {
        auto store = MeetingStore::open(path);
        ASSERT_TRUE(store.ok()) << store.error().message;
        ASSERT_TRUE(store.value()->createMeeting(meeting("k9")).ok());
    }
    constexpr size_t kKillAfter = 400;
    int64_t stored = 0;
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        bool killed = false;
        const auto acked = writeUntilKilled(path, stored, kKillAfter, killed);
        ASSERT_TRUE(killed) << "the child was not killed mid-stream (" << acked.size()
                            << " acknowledgements)";
        ASSERT_GE(acked.size(), kKillAfter);
        for (size_t i = 0; i < acked.size(); ++i) {
            ASSERT_EQ(acked[i], stored + static_cast<int64_t>(i) + 1);
        }

        auto store = MeetingStore::open(path);
        ASSERT_TRUE(store.ok()) << store.error().message;
        auto events = store.value()->listEvents("k9", 1, 10000000);
        ASSERT_TRUE(events.ok()) << events.error().message;
        const auto& v = events.value();
        ASSERT_GE(v.size(), static_cast<size_t>(acked.back())) << "acknowledged events were lost";
        for (size_t i = 0; i < v.size(); ++i) {
            ASSERT_EQ(v[i].seq, static_cast<int64_t>(i + 1));
            ASSERT_EQ(v[i].detail, R"({"i":)" + std::to_string(i) + "}");
            ASSERT_EQ(v[i].subject, kSpeaker);
        }
        stored = static_cast<int64_t>(v.size());
    }
}

}  // namespace
}  // namespace vcb::store
