#pragma once
// The asynchronous front of MeetingStore: one writer thread, a bounded queue, completion
// callbacks after COMMIT. The control path (HTTP/WebSocket strands, meeting policy) posts writes
// here and never touches the disk itself; media workers never call it at all.
//
// Contract:
//  * post() and the typed helpers never block on the disk: they take the queue's mutex for a
//    push and return. When the queue is full (or the writer stopped) they return false and the
//    callback is never called; the caller decides (log, answer "unavailable").
//  * "Acknowledged" means committed: a write's callback runs on the writer thread only after
//    the transaction holding it was committed (WAL + synchronous=FULL, so it is on disk and
//    survives kill -9 and power loss), or with the error when it failed. Callbacks run in
//    posting order.
//  * Writes are batched: the writer takes up to maxBatch queued writes into one transaction,
//    each in its own savepoint, so one failing write (unknown meeting, bad JSON) fails alone
//    and the others still commit.
//  * No caller ever waits on the writer while holding one of its own locks. Code that must wait
//    for a result (tests, start-up, shutdown) waits on submit()'s std::future with no lock held,
//    and never on a media worker or an io_context thread. The writer thread holds no lock of
//    its own while it writes or calls back, so post() from any thread, lock held or not, never
//    waits for a transaction. Callbacks must be short and must not block (a brief lock is fine):
//    they are expected to post the result to the caller's own executor (strand, worker). They
//    must not throw. They may post new writes; they must not call stop() or destroy the writer.
//  * stop() (and the destructor) refuses new writes, drains the queue (every queued write is
//    committed and its callback called) and joins the writer thread.
//
// Reads do not go through the writer: open a MeetingStore on the reading thread.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rooms/store/MeetingStore.hpp"

namespace vcb::store {

struct WriterOptions {
    size_t queueCapacity = 4096;  // writes waiting for the writer thread
    size_t maxBatch = 64;         // writes per transaction
    SqliteOptions sqlite;
};

class MeetingStoreWriter {
  public:
    using Write = std::function<Status(MeetingStore&)>;  // runs on the writer thread
    using Done = std::function<void(const Status&)>;     // after commit, on the writer thread

    // Opens (and migrates) the database and starts the writer thread.
    static Expected<std::unique_ptr<MeetingStoreWriter>, StoreError> start(
        const std::string& path, const WriterOptions& options = {});
    ~MeetingStoreWriter();  // stop()
    MeetingStoreWriter(const MeetingStoreWriter&) = delete;
    MeetingStoreWriter& operator=(const MeetingStoreWriter&) = delete;

    // Queues `write`; `done` (may be empty) gets its result once committed. False: queue full or
    // stopped, nothing queued, `done` not called.
    bool post(Write write, Done done);

    // Typed helpers over post().
    bool createMeeting(StoredMeeting meeting, Done done);
    bool updateMeeting(StoredMeeting meeting, Done done);
    bool deleteMeeting(std::string id, Done done);
    // `done` gets the seq the store assigned.
    bool appendEvent(std::string meetingId, StoredEvent event,
                     std::function<void(const Expected<int64_t, StoreError>&)> done);
    bool upsertAttendance(std::string meetingId, AttendanceRow row, Done done);
    bool saveRollCall(std::string meetingId, RollCallRecord rollCall, Done done);
    bool addRemovedIdentity(std::string meetingId, RemovedIdentity removed, Done done);
    bool setMeetingState(std::string meetingId, MeetingState state, bool locked, int64_t updatedMs,
                         Done done);

    // post() with a future instead of a callback; the future holds QueueFull/Stopped when the
    // write was refused. Never wait on it from the writer's callbacks or with a lock held.
    std::future<Status> submit(Write write);

    // Refuses new writes, commits everything queued, joins the thread. Idempotent; from the
    // owner's thread only, never from a callback.
    void stop();

    int schemaVersion() const { return schemaVersion_; }
    const std::string& path() const { return path_; }

  private:
    struct Item {
        Write write;
        Done done;
    };
    MeetingStoreWriter(std::unique_ptr<MeetingStore> store, const WriterOptions& options);
    void run();
    void commitBatch(std::deque<Item>& batch);
    static void finish(std::deque<Item>& batch, const std::vector<Status>& results);

    std::unique_ptr<MeetingStore> store_;  // used by the writer thread only
    const WriterOptions options_;
    const std::string path_;
    const int schemaVersion_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vcb::store
