#include "clients/loadgen/LoadRunner.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "clients/loadgen/Clock.hpp"
#include "clients/loadgen/LoopThread.hpp"
#include "clients/loadgen/Publisher.hpp"
#include "clients/loadgen/Subscriber.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"

namespace vcb::loadgen {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// One endpoint of the run. The control thread that runs its job fills it; afterwards only the
// main thread reads it, once every control thread has been joined.
struct Slot {
    bool publisher = false;
    unsigned publisherIndex = 0;
    unsigned thread = 0;
    std::unique_ptr<PeerConnection> endpoint;  // created and destroyed on its loop thread
    Publisher* pub = nullptr;
    Subscriber* sub = nullptr;
    SignalingResult signaling;
    std::string error;  // creation or signaling error
};

}  // namespace

LoadRunner::LoadRunner(const LoadOptions& options, const CaptureFile& capture,
                       SignalingDriver& driver, double videoReplication,
                       const std::atomic<bool>* interrupt)
    : options_(options),
      capture_(capture),
      driver_(driver),
      videoReplication_(videoReplication),
      interrupt_(interrupt) {}

std::optional<LoadSummary> LoadRunner::run(std::string& error) {
    std::shared_ptr<const dtls::DtlsCertificate> certificate =
        dtls::DtlsCertificate::generate(&error);
    if (!certificate) return std::nullopt;
    auto dtlsContext = dtls::DtlsContext::create(certificate, &error);
    if (!dtlsContext) return std::nullopt;
    PeerConfig peerConfig{options_.localIp, dtlsContext};

    auto interrupted = [this] {
        return interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed);
    };

    std::vector<std::unique_ptr<LoopThread>> loops;
    std::vector<std::unique_ptr<LatencyHistogram>> latency;
    for (unsigned i = 0; i < options_.threads; ++i) {
        loops.push_back(std::make_unique<LoopThread>());
        latency.push_back(std::make_unique<LatencyHistogram>());
    }

    // Publishers first (their meetings must exist before anyone watches), then the viewers,
    // interleaved across publishers; endpoints go round-robin over the loop threads.
    std::vector<Slot> slots;
    const unsigned totalSubscribers = options_.totalSubscribers();
    slots.reserve(options_.publishers + totalSubscribers);
    for (unsigned p = 0; p < options_.publishers; ++p) {
        Slot s;
        s.publisher = true;
        s.publisherIndex = p;
        slots.push_back(std::move(s));
    }
    if (options_.mesh) {
        // Watcher w's subscriptions to every other publisher; watchers interleaved by source.
        for (unsigned w = 0; w < options_.publishers; ++w) {
            for (unsigned d = 1; d < options_.publishers; ++d) {
                Slot s;
                s.publisherIndex = (w + d) % options_.publishers;
                slots.push_back(std::move(s));
            }
        }
    } else {
        for (unsigned j = 0; j < totalSubscribers; ++j) {
            Slot s;
            s.publisherIndex = j % options_.publishers;
            slots.push_back(std::move(s));
        }
    }
    for (size_t k = 0; k < slots.size(); ++k)
        slots[k].thread = static_cast<unsigned>(k % loops.size());

    std::vector<std::promise<bool>> published(options_.publishers);
    // Written by the publisher's job before its promise is set, read after the future.
    std::vector<std::string> participantOf(options_.publishers);
    std::vector<std::shared_future<bool>> publishedFuture;
    for (auto& p : published) publishedFuture.push_back(p.get_future().share());

    std::atomic<bool> sending{true};
    const auto start = Clock::now();
    const int64_t startUs = nowUs();
    std::atomic<size_t> nextJob{0};

    auto runJob = [&](size_t k) {
        Slot& slot = slots[k];
        LoopThread& loop = *loops[slot.thread];
        if (!slot.publisher && !publishedFuture[slot.publisherIndex].get()) {
            slot.error = "publisher " + std::to_string(slot.publisherIndex) + " failed";
            return;
        }
        std::string createError;
        loop.invoke([&] {
            std::unique_ptr<PeerConnection> endpoint;
            if (slot.publisher) {
                auto pub = std::make_unique<Publisher>(loop, peerConfig, capture_,
                                                       videoReplication_, sending);
                slot.pub = pub.get();
                endpoint = std::move(pub);
            } else {
                auto sub = std::make_unique<Subscriber>(
                    loop, peerConfig, *latency[slot.thread],
                    static_cast<int64_t>(options_.subscriberPliMs * 1000.0));
                slot.sub = sub.get();
                endpoint = std::move(sub);
            }
            if (!endpoint->init(createError)) {
                slot.pub = nullptr;
                slot.sub = nullptr;
                return;  // destroyed here, on its loop thread
            }
            slot.endpoint = std::move(endpoint);
        });
        if (!slot.endpoint) {
            slot.error = "endpoint: " + createError;
        } else {
            std::string meeting = options_.meetingFor(slot.publisherIndex);
            // A mesh watches participants; otherwise subscribers watch the meeting's programme.
            std::string source = options_.mesh ? participantOf[slot.publisherIndex] : "";
            slot.signaling = slot.publisher ? driver_.publish(meeting, *slot.endpoint)
                                            : driver_.subscribe(meeting, source, *slot.endpoint);
            if (!slot.signaling.ok) {
                slot.error = slot.signaling.error;
            } else if (slot.publisher && options_.mesh && slot.signaling.participant.empty()) {
                slot.error = "publish: the server did not return a participant id";
            }
        }
        if (slot.publisher) {
            participantOf[slot.publisherIndex] = slot.signaling.participant;
            published[slot.publisherIndex].set_value(slot.error.empty());
        }
    };

    const double rampStep =
        slots.empty() ? 0 : options_.rampUpS / static_cast<double>(slots.size());
    auto worker = [&] {
        // Each iteration takes a new job index; there are slots.size() of them.
        for (;;) {
            size_t k = nextJob.fetch_add(1);
            if (k >= slots.size()) return;
            const auto due = start + seconds(rampStep * static_cast<double>(k));
            while (Clock::now() < due && !interrupted()) {
                std::this_thread::sleep_for(
                    std::min<Clock::duration>(std::chrono::milliseconds(50), due - Clock::now()));
            }
            if (interrupted()) {
                slots[k].error = "interrupted before start";
                if (slots[k].publisher) published[slots[k].publisherIndex].set_value(false);
                continue;
            }
            runJob(k);
        }
    };
    std::vector<std::thread> workers;
    unsigned workerCount = std::min<unsigned>(
        options_.signalingThreads, static_cast<unsigned>(std::max<size_t>(1, slots.size())));
    for (unsigned i = 0; i < workerCount; ++i) workers.emplace_back(worker);

    const auto sendEnd = start + seconds(options_.rampUpS + options_.durationS);
    while (Clock::now() < sendEnd && !interrupted()) {
        std::this_thread::sleep_for(
            std::min<Clock::duration>(std::chrono::milliseconds(50), sendEnd - Clock::now()));
    }
    for (auto& w : workers) w.join();
    sending.store(false);
    std::this_thread::sleep_for(seconds(options_.drainS));

    LoadSummary summary;
    summary.server = options_.server;
    summary.protocol = options_.protocol;
    summary.publishers = options_.publishers;
    summary.subscribers = totalSubscribers;
    summary.mesh = options_.mesh;
    summary.threads = options_.threads;
    summary.durationS = options_.durationS;
    summary.rampUpS = options_.rampUpS;
    summary.captureVideoKbps = capture_.video().bitrateBps() / 1000.0;
    summary.captureVideoPacketRate = capture_.video().packetRate();
    summary.videoReplication = videoReplication_;

    // Read every endpoint on its own loop thread, then stop it there.
    for (size_t t = 0; t < loops.size(); ++t) {
        loops[t]->invoke([&] {
            for (auto& slot : slots) {
                if (slot.thread != t) continue;
                if (!slot.error.empty()) {
                    ++summary.signalingFailures;
                    summary.addMessage(slot.error);
                    if (!slot.endpoint) continue;
                }
                if (!slot.endpoint) continue;
                bool connected = slot.endpoint->state() == PeerConnection::State::Connected;
                if (slot.error.empty() && !connected) {
                    ++summary.connectFailures;
                    const std::string& reason = slot.endpoint->failureReason();
                    summary.addMessage(reason.empty() ? "ICE/DTLS did not connect" : reason);
                }
                const PeerConnection& pc = *slot.endpoint;
                if (auto profile = pc.srtpProfile())
                    ++summary.srtpProfiles[std::string(dtls::toString(*profile))];
                if (pc.answerAppliedUs() != 0 && pc.iceConnectedUs() != 0) {
                    summary.iceConnectUs.record(pc.iceConnectedUs() - pc.answerAppliedUs());
                }
                if (pc.answerAppliedUs() != 0 && pc.dtlsConnectedUs() != 0) {
                    summary.dtlsConnectUs.record(pc.dtlsConnectedUs() - pc.answerAppliedUs());
                }
                if (slot.pub != nullptr) {
                    PublisherStats s = slot.pub->stats();
                    summary.sentVideoPackets += s.videoPackets;
                    summary.sentAudioPackets += s.audioPackets;
                    summary.sentBytes += s.bytes;
                    summary.sendFailures += s.sendFailures;
                    summary.keyFrameRequests += s.keyFrameRequests;
                    summary.keyFramesForced += s.keyFramesForced;
                } else if (slot.sub != nullptr) {
                    SubscriberStats s = slot.sub->stats();
                    summary.receivedPackets += s.audioPackets + s.videoPackets;
                    summary.expectedPackets += s.expected;
                    summary.lostPackets += s.lost;
                    summary.duplicatePackets += s.duplicates;
                    summary.latePackets += s.late;
                    summary.unstampedPackets += s.unstamped;
                    summary.srtpFailures += s.srtpFailures;
                    summary.subscriberPlis += s.plisSent;
                    if (s.firstKeyFrameUs) {
                        summary.joinTimeUs.record(*s.firstKeyFrameUs -
                                                  slot.signaling.requestStartUs);
                    } else if (slot.error.empty() && connected) {
                        ++summary.noMediaSubscribers;
                        summary.addMessage("subscriber connected but received no key frame");
                    }
                }
                slot.endpoint->shutdown();
            }
            summary.latencyUs.merge(*latency[t]);
        });
    }
    summary.elapsedS = static_cast<double>(nowUs() - startUs) / 1e6;

    // Sessions are closed from the signaling side (subscribers first), then endpoints destroyed.
    for (size_t i = slots.size(); i-- > 0;) {
        if (slots[i].signaling.session.resourceUrl.empty()) continue;
        std::string closeError = driver_.close(slots[i].signaling.session);
        if (!closeError.empty()) {
            ++summary.closeFailures;
            summary.addMessage(closeError);
        }
    }
    for (size_t t = 0; t < loops.size(); ++t) {
        loops[t]->invoke([&] {
            for (auto& slot : slots) {
                if (slot.thread == t) slot.endpoint.reset();
            }
        });
    }
    loops.clear();
    return summary;
}

}  // namespace vcb::loadgen
