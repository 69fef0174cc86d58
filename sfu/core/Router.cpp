#include "sfu/core/Router.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "common/Log.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/RtcpRemb.hpp"
#include "sfu/rtp/RtcpSenderReport.hpp"
#include "sfu/rtp/RtpExtensionValues.hpp"

namespace vcb::sfu {

namespace {
constexpr uint32_t kRtcpIntervalMs = 1000;
constexpr uint32_t kFeedbackIntervalMs = 100;  // transport-cc feedback cadence, as libwebrtc
// NACK retries toward publishers: first requests go out on the gap itself, retries are due about
// once per round trip, checked this often.
constexpr uint32_t kNackIntervalMs = 20;
constexpr size_t kRtcpCapacity = 1400;
constexpr size_t kMaxReportBlocks = 31;  // RC is 5 bits

template <typename T>
T randomValue() {
    T v{};
    RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
    return v;
}

template <typename T>
void eraseValue(std::vector<T*>& v, T* item) {
    v.erase(std::remove(v.begin(), v.end(), item), v.end());
}
}  // namespace

Router::Router(Worker& worker, RouterConfig config, Listener& listener)
    : worker_(worker), config_(std::move(config)), listener_(listener) {
    rtcpTimer_ = worker_.addTimer(kRtcpIntervalMs, [this] { return sendPeriodicRtcp(); });
    feedbackTimer_ =
        worker_.addTimer(kFeedbackIntervalMs, [this] { return sendTransportFeedback(); });
    nackTimer_ = worker_.addTimer(kNackIntervalMs, [this] { return sendPublisherNacks(); });
}

Router::~Router() {
    *alive_ = false;
    if (rtcpTimer_ != 0) worker_.removeTimer(rtcpTimer_);
    if (feedbackTimer_ != 0) worker_.removeTimer(feedbackTimer_);
    if (nackTimer_ != 0) worker_.removeTimer(nackTimer_);
    // Consumers and producers reference transports; drop them first.
    consumers_.clear();
    producers_.clear();
    for (auto& [id, entry] : transports_) entry->closed = true;
    transports_.clear();
}

bool Router::createTransport(const std::string& id, LocalTransportParameters& local,
                             std::string& error) {
    if (transports_.count(id) != 0) {
        error = "transport id in use";
        return false;
    }
    if (config_.port == nullptr) {
        error = "no ICE port on this worker";
        return false;
    }
    auto entry = std::make_unique<TransportEntry>();
    entry->router = this;
    entry->id = id;
    entry->transport =
        WebRtcTransport::create(worker_, id, *config_.port, config_.dtls, *entry, error);
    if (!entry->transport) return false;
    entry->sink = entry->transport.get();
    local = entry->transport->localParameters();
    transports_.emplace(id, std::move(entry));
    return true;
}

bool Router::createPlainTransport(const std::string& id, PlainTransport::Options options,
                                  uint16_t& localPort, std::string& error) {
    if (transports_.count(id) != 0) {
        error = "transport id in use";
        return false;
    }
    auto entry = std::make_unique<TransportEntry>();
    entry->router = this;
    entry->id = id;
    entry->plain = PlainTransport::create(worker_.context(), id, options, *entry, error);
    if (!entry->plain) return false;
    entry->sink = entry->plain.get();
    localPort = entry->plain->localPort();
    transports_.emplace(id, std::move(entry));
    return true;
}

bool Router::setPlainTransportRemotePort(const std::string& id, uint16_t port) {
    auto it = transports_.find(id);
    if (it == transports_.end() || !it->second->plain) return false;
    it->second->plain->setRemotePort(port);
    return true;
}

bool Router::connectTransport(const std::string& id, const RemoteTransportParameters& remote,
                              std::string& error) {
    auto it = transports_.find(id);
    if (it == transports_.end() || !it->second->transport) {
        error = "no such transport";
        return false;
    }
    return it->second->transport->connect(remote, error);
}

bool Router::restartTransportIce(const std::string& id, const RemoteTransportParameters& remote,
                                 LocalTransportParameters& local, bool& restarted,
                                 std::string& error) {
    restarted = false;
    auto it = transports_.find(id);
    if (it == transports_.end() || !it->second->transport) {
        error = "no such transport";
        return false;
    }
    WebRtcTransport& t = *it->second->transport;
    if (t.remoteIceUfrag().empty() && !remote.iceUfrag.empty()) {
        t.setRemoteIceUfrag(remote.iceUfrag);  // the answer to a server-initiated restart
    } else if (remote.iceUfrag.empty() || remote.iceUfrag != t.remoteIceUfrag()) {
        if (!t.restartIce(remote, error)) return false;
        restarted = true;
    }
    local = t.localParameters();
    return true;
}

void Router::closeTransport(const std::string& id, std::string_view reason) {
    auto it = transports_.find(id);
    if (it == transports_.end()) return;
    // A plain transport has nothing to tell a peer: it goes at once.
    if (it->second->plain) return handleTransportClosed(*it->second, reason);
    // WebRtcTransport::close() reports back through onTransportClosed → handleTransportClosed.
    it->second->transport->close(reason);
}

void Router::handleTransportClosed(TransportEntry& entry, std::string_view reason) {
    if (entry.closed) return;
    entry.closed = true;
    std::string id = entry.id;
    for (Consumer* c : std::vector<Consumer*>(entry.consumers)) closeConsumer(c->id());
    for (Producer* p : std::vector<Producer*>(entry.producers)) closeProducer(p->id());
    auto it = transports_.find(id);
    if (it != transports_.end()) {
        // We may be inside the transport's own call stack: destroy it on a later loop iteration.
        std::shared_ptr<TransportEntry> doomed(it->second.release());
        transports_.erase(it);
        worker_.post([doomed] {});
    }
    listener_.onTransportClosed(id, reason);
}

bool Router::createProducer(const std::string& transportId, ProducerOptions options,
                            std::string& error) {
    auto it = transports_.find(transportId);
    if (it == transports_.end()) {
        error = "no such transport";
        return false;
    }
    if (producers_.count(options.id) != 0) {
        error = "producer id in use";
        return false;
    }
    TransportEntry& entry = *it->second;
    for (Producer* p : entry.producers) {
        if (options.ssrc != 0 && p->ssrc() == options.ssrc) {
            error = "duplicate SSRC";
            return false;
        }
    }
    std::string id = options.id;
    auto producer = std::make_unique<Producer>(std::move(options), *entry.sink,
                                               static_cast<Producer::Listener&>(*this));
    entry.producers.push_back(producer.get());
    producerOwner_[producer.get()] = &entry;
    producers_.emplace(std::move(id), std::move(producer));
    return true;
}

void Router::detachProducer(Producer& producer) {
    int64_t now = monotonicUs();
    for (Consumer* c : std::vector<Consumer*>(producer.consumers())) c->setProducer(nullptr, now);
    producer.consumers().clear();
}

void Router::closeProducer(const std::string& producerId) {
    auto it = producers_.find(producerId);
    if (it == producers_.end()) return;
    Producer* p = it->second.get();
    detachProducer(*p);
    auto owner = producerOwner_.find(p);
    if (owner != producerOwner_.end()) {
        removeSrtpStreamLater(*owner->second, dtls::SrtpSession::Direction::Inbound, p->ssrc());
        eraseValue(owner->second->producers, p);
        producerOwner_.erase(owner);
    }
    producers_.erase(it);
}

Producer* Router::findProducer(const std::string& producerId) {
    auto it = producers_.find(producerId);
    return it == producers_.end() ? nullptr : it->second.get();
}

std::optional<ProducerAudioLevel> Router::takeProducerAudioLevel(const std::string& producerId) {
    Producer* p = findProducer(producerId);
    return p == nullptr ? std::nullopt : p->takeAudioLevel();
}

bool Router::createConsumer(const std::string& transportId, ConsumerOptions options,
                            const std::string& producerId, std::string& error) {
    auto it = transports_.find(transportId);
    if (it == transports_.end()) {
        error = "no such transport";
        return false;
    }
    if (consumers_.count(options.id) != 0) {
        error = "consumer id in use";
        return false;
    }
    TransportEntry& entry = *it->second;
    if (options.rtxSsrc != 0) {
        // An RTX SSRC that is also another stream's SSRC on this transport would share its SRTP
        // nonces: such a consumer resends plainly instead (the chance is about 2^-32 per pair).
        bool clash = options.rtxSsrc == options.ssrc;
        for (const Consumer* c : entry.consumers) {
            clash = clash || c->ssrc() == options.rtxSsrc || c->rtxSsrc() == options.rtxSsrc;
        }
        if (clash) options.rtxSsrc = 0;
    }
    std::string id = options.id;
    // Random initial sequence number and timestamp (RFC 3550 §5.1), and RTX sequence number
    // (RFC 4588 §4).
    auto consumer = std::make_unique<Consumer>(
        std::move(options), *entry.sink, static_cast<Consumer::Listener&>(*this),
        randomValue<uint16_t>(), randomValue<uint32_t>(), randomValue<uint16_t>());
    Consumer* raw = consumer.get();
    entry.consumers.push_back(raw);
    consumerOwner_[raw] = &entry;
    consumers_.emplace(id, std::move(consumer));
    if (!producerId.empty()) setConsumerProducer(id, producerId);
    return true;
}

Consumer* Router::findConsumer(const std::string& consumerId) {
    auto it = consumers_.find(consumerId);
    return it == consumers_.end() ? nullptr : it->second.get();
}

bool Router::setConsumerProducer(const std::string& consumerId, const std::string& producerId) {
    auto cit = consumers_.find(consumerId);
    if (cit == consumers_.end()) return false;
    Consumer* c = cit->second.get();
    Producer* p = producerId.empty() ? nullptr : findProducer(producerId);
    if (!producerId.empty() && p == nullptr) return false;
    if (c->producer() == p) return true;
    detachConsumer(*c);
    if (p != nullptr) p->consumers().push_back(c);
    c->setProducer(p, monotonicUs());
    return true;
}

bool Router::setProducerForwarding(const std::string& producerId, bool open, int64_t nowUs) {
    Producer* p = findProducer(producerId);
    if (p == nullptr) return false;
    if (p->forwarding() == open) return true;
    p->setForwarding(open);
    if (open) {
        // Every subscriber starts a new epoch: numbering continues without a gap (nothing to
        // NACK across the withheld stretch) and video resumes at a key frame, asked for now.
        for (Consumer* c : p->consumers()) c->setProducer(p, nowUs);
        if (p->kind() == MediaKind::Video) p->requestKeyFrame(nowUs);
    }
    return true;
}

void Router::detachConsumer(Consumer& consumer) {
    if (consumer.producer() != nullptr) eraseValue(consumer.producer()->consumers(), &consumer);
}

void Router::closeConsumer(const std::string& consumerId) {
    auto it = consumers_.find(consumerId);
    if (it == consumers_.end()) return;
    Consumer* c = it->second.get();
    detachConsumer(*c);
    auto owner = consumerOwner_.find(c);
    if (owner != consumerOwner_.end()) {
        removeSrtpStreamLater(*owner->second, dtls::SrtpSession::Direction::Outbound, c->ssrc());
        removeSrtpStreamLater(*owner->second, dtls::SrtpSession::Direction::Outbound, c->rtxSsrc());
        eraseValue(owner->second->consumers, c);
        consumerOwner_.erase(owner);
    }
    consumers_.erase(it);
}

void Router::removeSrtpStreamLater(const TransportEntry& entry,
                                   dtls::SrtpSession::Direction direction, uint32_t ssrc) {
    if (entry.closed || ssrc == 0 || !entry.transport) return;  // no SRTP on a plain transport
    // Deferred: a republish closes a producer and creates its successor with the same SSRC in one
    // task, and that stream's state (rollover counter) must survive. Remove it only if no producer
    // or consumer of the transport claims the SSRC once this task is over; an inbound stream also
    // stays while a producer still waits to learn its SSRC, which may turn out to be this one.
    std::weak_ptr<bool> alive = alive_;
    worker_.post([this, alive, id = entry.id, direction, ssrc] {
        auto live = alive.lock();
        if (!live || !*live) return;
        auto it = transports_.find(id);
        if (it == transports_.end() || it->second->closed) return;
        TransportEntry& e = *it->second;
        if (direction == dtls::SrtpSession::Direction::Inbound) {
            for (Producer* p : e.producers) {
                if (p->ssrc() == ssrc || p->ssrc() == 0) return;
            }
        } else {
            for (Consumer* c : e.consumers) {
                if (c->ssrc() == ssrc || c->rtxSsrc() == ssrc) return;
            }
        }
        if (e.transport) e.transport->removeSrtpStream(direction, ssrc);
    });
}

// ---- packet path ----------------------------------------------------------------------------

void Router::TransportEntry::onTransportConnected(WebRtcTransport& t) {
    router->listener_.onTransportConnected(t.id());
    // A subscriber that connects after its consumers were created needs a fresh key frame.
    int64_t now = monotonicUs();
    for (Consumer* c : consumers) {
        if (c->kind() == MediaKind::Video && c->producer() != nullptr)
            c->producer()->requestKeyFrame(now);
    }
}

void Router::TransportEntry::onTransportClosed(WebRtcTransport&, std::string_view reason) {
    router->handleTransportClosed(*this, reason);
}

void Router::TransportEntry::onTransportRtp(WebRtcTransport&, rtp::RtpPacket& packet,
                                            int64_t nowUs) {
    router->handleRtp(*this, packet, nowUs);
}

void Router::TransportEntry::onTransportRtcp(WebRtcTransport&, const uint8_t* data, size_t len,
                                             int64_t nowUs) {
    router->handleRtcp(*this, data, len, nowUs);
}

void Router::TransportEntry::onPlainRtp(PlainTransport&, rtp::RtpPacket& packet,
                                        int64_t nowUs) {
    router->handleRtp(*this, packet, nowUs);
}

void Router::TransportEntry::onPlainRtcp(PlainTransport&, const uint8_t* data, size_t len,
                                         int64_t nowUs) {
    router->handleRtcp(*this, data, len, nowUs);
}

void Router::recordTransportSequence(TransportEntry& entry, const Producer& producer,
                                     const rtp::RtpPacket& packet, int64_t nowUs) {
    uint8_t id = producer.options().extensions.transportCc;
    if (id == 0) return;
    if (auto seq = rtp::readTransportSequenceNumber(packet.findExtension(id))) {
        entry.transportCc.onPacket(*seq, nowUs);
        entry.transportCcMediaSsrc = packet.ssrc();
    }
}

void Router::handleRtp(TransportEntry& entry, rtp::RtpPacket& packet, int64_t nowUs) {
    uint32_t ssrc = packet.ssrc();
    for (Producer* p : entry.producers) {
        if (p->ssrc() == ssrc) {
            recordTransportSequence(entry, *p, packet, nowUs);
            p->receiveRtp(packet, nowUs);
            return;
        }
        if (p->rtxSsrc() == ssrc && ssrc != 0) {
            recordTransportSequence(entry, *p, packet, nowUs);
            p->receiveRtx(packet, nowUs);
            return;
        }
    }
    // SSRC not signaled: bind it to the producer whose mid the packet carries (RFC 8843 §9.2),
    // as its media or its RTX stream by payload type.
    for (Producer* p : entry.producers) {
        const auto& o = p->options();
        if (o.extensions.mid == 0) continue;
        const bool media = p->ssrc() == 0 && packet.payloadType() == o.payloadType;
        const bool rtx =
            p->rtxSsrc() == 0 && o.rtxPayloadType != 0 && packet.payloadType() == o.rtxPayloadType;
        if (!media && !rtx) continue;
        auto mid = rtp::readMid(packet.findExtension(o.extensions.mid));
        if (!mid || *mid != o.mid) continue;
        recordTransportSequence(entry, *p, packet, nowUs);
        if (media) {
            p->learnSsrc(ssrc);
            p->receiveRtp(packet, nowUs);
        } else {
            p->learnRtxSsrc(ssrc);
            p->receiveRtx(packet, nowUs);
        }
        return;
    }
    count(Metrics::instance().droppedUnknownSsrc);
}

void Router::onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, int64_t nowUs) {
    if (!producer.forwarding()) {
        producer.countWithheld();
        count(Metrics::instance().rtpWithheld);
        return;
    }
    for (Consumer* c : producer.consumers()) c->forward(packet, nowUs);
}

void Router::onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) {
    if (consumer.producer() != nullptr) consumer.producer()->requestKeyFrame(nowUs);
}

// By media SSRC only: feedback naming a consumer's RTX SSRC (a NACK of RTX sequence numbers, a
// PLI, report blocks, none of which the server acts on for RTX) matches nothing and is ignored.
Consumer* Router::consumerBySsrc(TransportEntry& entry, uint32_t ssrc) {
    for (Consumer* c : entry.consumers) {
        if (c->ssrc() == ssrc) return c;
    }
    return nullptr;
}

void Router::handleRtcp(TransportEntry& entry, const uint8_t* data, size_t len, int64_t nowUs) {
    // A subscriber's report blocks about our streams give each Consumer its round-trip time.
    const auto reportBlocksToConsumers = [&](const auto& report) {
        for (size_t i = 0; i < report.reportBlockCount(); ++i) {
            rtp::ReportBlock block = report.reportBlock(i);
            if (Consumer* c = consumerBySsrc(entry, block.ssrc))
                c->receiveReportBlock(block, nowUs);
        }
    };
    rtp::RtcpCompoundIterator it(data, len);
    rtp::RtcpHeader header;
    size_t packets = 0;
    while (it.next(header) && ++packets <= 64) {
        switch (header.packetType()) {
            case rtp::rtcp::kSenderReport: {
                rtp::RtcpSenderReport sr;
                if (!rtp::RtcpSenderReport::parse(header, sr)) break;
                for (Producer* p : entry.producers) {
                    if (p->ssrc() == sr.ssrc()) p->receiveSenderReport(sr.ntpTimestamp(), nowUs);
                }
                reportBlocksToConsumers(sr);
                break;
            }
            case rtp::rtcp::kReceiverReport: {
                // The subscriber's view of our streams: round-trip time for NACK pacing.
                rtp::RtcpReceiverReport rr;
                if (!rtp::RtcpReceiverReport::parse(header, rr)) break;
                reportBlocksToConsumers(rr);
                break;
            }
            case rtp::rtcp::kRtpFeedback: {
                if (header.count() != rtp::rtcp::kFmtGenericNack) break;  // TCC: no BWE yet
                rtp::RtcpGenericNack nack;
                if (!rtp::RtcpGenericNack::parse(header, nack)) break;
                Consumer* c = consumerBySsrc(entry, nack.mediaSsrc());
                if (c == nullptr) break;
                std::array<uint16_t, 256> lost{};
                size_t n = nack.lostSequenceNumbers(lost);
                c->receiveNack(std::span<const uint16_t>(lost.data(), n), nowUs);
                break;
            }
            case rtp::rtcp::kPsFeedback: {
                if (header.count() == rtp::rtcp::kFmtPli) {
                    rtp::RtcpPli pli;
                    if (!rtp::RtcpPli::parse(header, pli)) break;
                    if (Consumer* c = consumerBySsrc(entry, pli.mediaSsrc()))
                        c->receiveKeyFrameRequest(nowUs);
                } else if (header.count() == rtp::rtcp::kFmtFir) {
                    rtp::RtcpFir fir;
                    if (!rtp::RtcpFir::parse(header, fir)) break;
                    size_t n = std::min<size_t>(fir.entryCount(), 16);
                    for (size_t i = 0; i < n; ++i) {
                        if (Consumer* c = consumerBySsrc(entry, fir.entry(i).ssrc))
                            c->receiveKeyFrameRequest(nowUs, true);
                    }
                }
                break;
            }
            default:
                break;  // SDES, BYE, XR, REMB from subscribers: not used yet
        }
    }
    if (it.malformed()) count(Metrics::instance().droppedMalformed);
}

bool Router::sendPublisherNacks() {
    int64_t now = monotonicUs();
    for (auto& [id, producer] : producers_) {
        if (producer->nackGenerator() != nullptr) producer->sendNacks(now);
        producer->repeatKeyFrameRequest(now);
    }
    return true;
}

bool Router::sendTransportFeedback() {
    std::array<uint8_t, kRtcpCapacity + 64> buf;
    for (auto& [id, entry] : transports_) {
        if (entry->closed || entry->transportCc.pending() == 0) continue;
        PacketSink& t = *entry->sink;
        size_t len = entry->transportCc.write(t.rtcpSsrc(), entry->transportCcMediaSsrc, buf.data(),
                                              kRtcpCapacity);
        if (len != 0) t.sendRtcp(buf.data(), len, buf.size());
    }
    return true;
}

bool Router::sendPeriodicRtcp() {
    int64_t now = monotonicUs();
    uint64_t ntp = ntpNow();
    std::array<uint8_t, kRtcpCapacity + 64> buf;
    for (auto& [id, entry] : transports_) {
        if (entry->closed || !entry->sink->connected()) continue;
        PacketSink& t = *entry->sink;
        // Receiver reports (and REMB) to a publisher.
        if (!entry->producers.empty()) {
            std::array<rtp::ReportBlock, kMaxReportBlocks> blocks;
            std::array<uint32_t, kMaxReportBlocks> rembSsrcs{};
            size_t nBlocks = 0;
            size_t nRemb = 0;
            uint64_t rembBitrate = 0;
            for (Producer* p : entry->producers) {
                if (!p->receivedAny() || nBlocks == kMaxReportBlocks) continue;
                blocks[nBlocks++] = p->makeReportBlock(now);
                if (p->options().remb) {
                    rembSsrcs[nRemb++] = p->ssrc();
                    rembBitrate = std::max<uint64_t>(rembBitrate, p->options().rembBitrate);
                }
            }
            rtp::RtcpReceiverReport rr;
            rr.setSsrc(t.rtcpSsrc());
            rr.setReportBlocks(std::span<const rtp::ReportBlock>(blocks.data(), nBlocks));
            size_t len = rr.write(buf.data(), kRtcpCapacity);
            if (len != 0 && nRemb != 0) {
                rtp::RtcpRemb remb;
                remb.setSenderSsrc(t.rtcpSsrc());
                remb.setBitrate(rembBitrate);
                remb.setSsrcs(std::span<const uint32_t>(rembSsrcs.data(), nRemb));
                len += remb.write(buf.data() + len, kRtcpCapacity - len);
            }
            if (len != 0) t.sendRtcp(buf.data(), len, buf.size());
        }
        // Sender reports to a subscriber, one compound per stream.
        for (Consumer* c : entry->consumers) {
            size_t len = c->writeSenderReport(buf.data(), kRtcpCapacity, ntp, now);
            if (len != 0) t.sendRtcp(buf.data(), len, buf.size());
        }
    }
    return true;
}

}  // namespace vcb::sfu
