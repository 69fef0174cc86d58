#pragma once
// What the government-meeting integration tests (FloorControlTest, ScreenShareTest,
// ProgrammeMixTest, RecordingTest) share: a bounded wait, a chair command, what a participant
// received, and the participants' threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clients/gst/WhepClient.hpp"
#include "clients/gst/WsParticipant.hpp"
#include "protocol/ClientMessages.hpp"

namespace vcb::integration {

// Polls `done` every `poll` until it holds or `timeout` has passed; its last answer.
inline bool waitFor(const std::function<bool()>& done, std::chrono::steady_clock::duration timeout,
                    std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(poll);
    }
    return done();
}

// A meeting command (grant the floor, start the session, ...), about `unit` when it names one.
inline protocol::MeetingControl control(protocol::MeetingAction action,
                                        std::optional<std::string> unit = std::nullopt) {
    protocol::MeetingControl m;
    m.action = action;
    m.unit = std::move(unit);
    return m;
}

// What `receiver` decoded of the participant whose display name is `from` (empty when nothing).
inline gstclient::RemotePeerReport received(const gstclient::WsParticipant& receiver,
                                            const std::string& from) {
    for (const auto& r : receiver.remotePeers())
        if (r.displayName == from) return r;
    return {};
}

// Frames of the WHEP programme that looked like `picture` (PictureClassifier's names).
inline std::uint64_t programmeFrames(gstclient::WhepClient& viewer, const std::string& picture) {
    std::uint64_t n = 0;
    for (const auto& s : viewer.peer().incomingStreams()) n += s.framesMatching(picture);
    return n;
}

// Whether `p` received a meetingEvent of `type`.
inline bool hasEvent(const gstclient::WsParticipant& p, const std::string& type) {
    for (const auto& e : p.meetingEvents())
        if (e.event == type) return true;
    return false;
}

// One thread per participant, stopped and joined on destruction (also when an ASSERT returns
// early). The default body connects, publishes (when `publishes(i)`), and runs the participant's
// loop until stopped or `deadline`.
class ParticipantThreads {
  public:
    using People = std::vector<std::unique_ptr<gstclient::WsParticipant>>;
    // A body reports a failure into `error`; `stop` says when to end.
    using Body = std::function<void(std::size_t i, gstclient::WsParticipant& p, std::string& error,
                                    const std::atomic<bool>& stop)>;

    ParticipantThreads(People& people, std::chrono::steady_clock::time_point deadline,
                       std::function<bool(std::size_t)> publishes = {})
        : ParticipantThreads(people, [deadline, publishes](std::size_t i,
                                                          gstclient::WsParticipant& p,
                                                          std::string& error,
                                                          const std::atomic<bool>& stop) {
              if (!p.connect(&error)) return;
              if ((!publishes || publishes(i)) && !p.publish(&error)) return;
              p.runUntil([&] { return stop.load(); }, deadline);
          }) {}

    ParticipantThreads(People& people, Body body) : errors_(people.size()) {
        for (std::size_t i = 0; i < people.size(); ++i) {
            threads_.emplace_back([this, i, body, &p = *people[i]] {
                std::string error;
                body(i, p, error, stop_);
                std::lock_guard lock(mutex_);
                errors_[i] = error;
            });
        }
    }
    ~ParticipantThreads() { join(); }
    ParticipantThreads(const ParticipantThreads&) = delete;
    ParticipantThreads& operator=(const ParticipantThreads&) = delete;

    // Stops every participant's loop and waits for the threads.
    void join() {
        stop_ = true;
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }
    // Participant i's failure, once its body has returned ("" when none, or still running).
    std::string error(std::size_t i) const {
        std::lock_guard lock(mutex_);
        return errors_.at(i);
    }
    std::string allErrors() const {
        std::lock_guard lock(mutex_);
        std::string all;
        for (const auto& e : errors_) all += e.empty() ? "" : e + "; ";
        return all;
    }

  private:
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> errors_;
    std::vector<std::thread> threads_;
};

}  // namespace vcb::integration
