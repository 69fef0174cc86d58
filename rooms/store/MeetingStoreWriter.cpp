#include "rooms/store/MeetingStoreWriter.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace vcb::store {

Expected<std::unique_ptr<MeetingStoreWriter>, StoreError> MeetingStoreWriter::start(
    const std::string& path, const WriterOptions& options) {
    auto store = MeetingStore::open(path, options.sqlite);
    if (!store) return store.error();
    return std::unique_ptr<MeetingStoreWriter>(
        new MeetingStoreWriter(std::move(store.value()), options));
}

MeetingStoreWriter::MeetingStoreWriter(std::unique_ptr<MeetingStore> store,
                                       const WriterOptions& options)
    : store_(std::move(store)),
      options_(options),
      path_(store_->db().path()),
      schemaVersion_(store_->schemaVersion()) {
    thread_ = std::thread([this] { run(); });
}

MeetingStoreWriter::~MeetingStoreWriter() { stop(); }

void MeetingStoreWriter::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

bool MeetingStoreWriter::post(Write write, Done done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= options_.queueCapacity) return false;
        queue_.push_back(Item{std::move(write), std::move(done)});
    }
    wake_.notify_one();
    return true;
}

void MeetingStoreWriter::run() {
    std::deque<Item> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            const size_t n =
                std::min(options_.maxBatch == 0 ? 1 : options_.maxBatch, queue_.size());
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commitBatch(batch);  // no lock held: posters never wait for the disk
        batch.clear();
    }
}

void MeetingStoreWriter::commitBatch(std::deque<Item>& batch) {
    std::vector<Status> results;
    results.reserve(batch.size());
    auto tx = Transaction::begin(store_->db());
    if (!tx) {
        for (auto& item : batch) {
            if (item.done) item.done(tx.error());
        }
        return;
    }
    for (auto& item : batch) {
        if (sqlite3_get_autocommit(store_->db().handle()) != 0) {
            // SQLite rolled the whole transaction back (disk full, I/O error): what ran before
            // is gone, so nothing of this batch may be acknowledged.
            results.push_back(StoreError{StoreErrorCode::Io, 0,
                                         "transaction rolled back by an earlier write's error"});
            continue;
        }
        // MeetingStore's writes are atomic on their own (savepoint or single statement).
        results.push_back(item.write(*store_));
    }
    if (sqlite3_get_autocommit(store_->db().handle()) != 0) {
        for (auto& r : results) {
            if (r) r = StoreError{StoreErrorCode::Io, 0, "transaction rolled back"};
        }
        return finish(batch, results);
    }
    if (auto committed = tx.value().commit(); !committed) {
        for (auto& r : results) r = committed.error();
    }
    // Acknowledge only now: everything in `results` that is Ok is on disk.
    finish(batch, results);
}

void MeetingStoreWriter::finish(std::deque<Item>& batch, const std::vector<Status>& results) {
    for (size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].done) batch[i].done(results[i]);
    }
}

std::future<Status> MeetingStoreWriter::submit(Write write) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    const bool queued =
        post(std::move(write), [promise](const Status& s) { promise->set_value(s); });
    if (!queued) {
        bool stopped;
        {
            std::lock_guard lock(mutex_);
            stopped = stopping_;
        }
        promise->set_value(
            stopped ? StoreError{StoreErrorCode::Stopped, 0, "store writer stopped"}
                    : StoreError{StoreErrorCode::QueueFull, 0, "store writer queue full"});
    }
    return future;
}

bool MeetingStoreWriter::createMeeting(StoredMeeting meeting, Done done) {
    return post([m = std::move(meeting)](MeetingStore& s) { return s.createMeeting(m); },
                std::move(done));
}

bool MeetingStoreWriter::updateMeeting(StoredMeeting meeting, Done done) {
    return post([m = std::move(meeting)](MeetingStore& s) { return s.updateMeeting(m); },
                std::move(done));
}

bool MeetingStoreWriter::deleteMeeting(std::string id, Done done) {
    return post([id = std::move(id)](MeetingStore& s) { return s.deleteMeeting(id); },
                std::move(done));
}

bool MeetingStoreWriter::appendEvent(
    std::string meetingId, StoredEvent event,
    std::function<void(const Expected<int64_t, StoreError>&)> done) {
    auto seq = std::make_shared<int64_t>(0);
    return post(
        [id = std::move(meetingId), e = std::move(event), seq](MeetingStore& s) -> Status {
            auto r = s.appendEvent(id, e);
            if (!r) return r.error();
            *seq = r.value();
            return Ok{};
        },
        [seq, done = std::move(done)](const Status& s) {
            if (!done) return;
            if (s) {
                done(*seq);
            } else {
                done(s.error());
            }
        });
}

bool MeetingStoreWriter::upsertAttendance(std::string meetingId, AttendanceRow row, Done done) {
    return post([id = std::move(meetingId),
                 r = std::move(row)](MeetingStore& s) { return s.upsertAttendance(id, r); },
                std::move(done));
}

bool MeetingStoreWriter::saveRollCall(std::string meetingId, RollCallRecord rollCall, Done done) {
    return post([id = std::move(meetingId),
                 r = std::move(rollCall)](MeetingStore& s) { return s.saveRollCall(id, r); },
                std::move(done));
}

bool MeetingStoreWriter::addRemovedIdentity(std::string meetingId, RemovedIdentity removed,
                                            Done done) {
    return post([id = std::move(meetingId),
                 r = std::move(removed)](MeetingStore& s) { return s.addRemovedIdentity(id, r); },
                std::move(done));
}

bool MeetingStoreWriter::setMeetingState(std::string meetingId, MeetingState state, bool locked,
                                         int64_t updatedMs, Done done) {
    return post([id = std::move(meetingId), state, locked, updatedMs](
                    MeetingStore& s) { return s.setMeetingState(id, state, locked, updatedMs); },
                std::move(done));
}

}  // namespace vcb::store
