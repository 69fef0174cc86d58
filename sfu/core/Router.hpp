#pragma once
#include <glib.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sfu/core/Consumer.hpp"
#include "sfu/core/IceServer.hpp"
#include "sfu/core/PlainTransport.hpp"
#include "sfu/core/Producer.hpp"
#include "sfu/core/TransportCcFeedback.hpp"
#include "sfu/core/WebRtcTransport.hpp"

namespace vcb::sfu {

class Worker;

struct RouterConfig {
    IcePort* port = nullptr;  // the worker's shared ICE port; outlives the router
    std::shared_ptr<dtls::DtlsContext> dtls;
};

// The media of one meeting, pinned to one worker: its transports, what they publish (producers)
// and what they receive (consumers). Packets flow Transport → Producer → Router → Consumer →
// Transport. Every method runs on the worker thread.
class Router final : private Producer::Listener, private Consumer::Listener {
  public:
    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onTransportConnected(const std::string& transportId) = 0;
        // The transport and everything it published or received are gone.
        virtual void onTransportClosed(const std::string& transportId, std::string_view reason) = 0;
    };

    Router(Worker& worker, RouterConfig config, Listener& listener);
    ~Router() override;
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    bool createTransport(const std::string& id, LocalTransportParameters& local,
                         std::string& error);
    bool connectTransport(const std::string& id, const RemoteTransportParameters& remote,
                          std::string& error);
    // ICE restart of a connected transport when remote.iceUfrag differs from the one it has
    // (restarted = true, local gets the new credentials); the same ufrag is no restart. An empty
    // remote.iceUfrag restarts now and leaves the client's ufrag to a later call (the server
    // offers, as on the WebSocket subscribe connection), which then only records it.
    bool restartTransportIce(const std::string& id, const RemoteTransportParameters& remote,
                             LocalTransportParameters& local, bool& restarted, std::string& error);
    // A loopback plain RTP transport (PlainTransport): its producers and consumers work like those
    // of a WebRTC transport; its peer is 127.0.0.1:options.remotePort (settable later with
    // setPlainTransportRemotePort). localPort gets the port it bound. Connected at once: the
    // listener's onTransportConnected is not called for it.
    bool createPlainTransport(const std::string& id, PlainTransport::Options options,
                              uint16_t& localPort, std::string& error);
    bool setPlainTransportRemotePort(const std::string& id, uint16_t port);
    // Closes a transport with its producers and consumers; the listener is told.
    void closeTransport(const std::string& id, std::string_view reason = "closed");
    bool hasTransport(const std::string& id) const { return transports_.count(id) != 0; }

    bool createProducer(const std::string& transportId, ProducerOptions options,
                        std::string& error);
    void closeProducer(const std::string& producerId);
    Producer* findProducer(const std::string& producerId);

    // producerId may be empty: the consumer waits until setConsumerProducer(). An RTX SSRC that
    // is already an SSRC of another consumer of the transport (or its own) is dropped: that
    // consumer resends plainly.
    bool createConsumer(const std::string& transportId, ConsumerOptions options,
                        const std::string& producerId, std::string& error);
    bool setConsumerProducer(const std::string& consumerId, const std::string& producerId);
    // Opens or closes a producer's forwarding gate (meeting policy: floor, mutes, lobby). Closed:
    // its packets are withheld (counted, not buffered). Opened: its subscribers resynchronise and,
    // for video, the publisher is asked for a key frame. False if there is no such producer.
    bool setProducerForwarding(const std::string& producerId, bool open, int64_t nowUs);
    // The audio level a producer's publisher reported since the previous call (Producer::
    // takeAudioLevel); nullopt for no such producer or no level received.
    std::optional<ProducerAudioLevel> takeProducerAudioLevel(const std::string& producerId);
    void closeConsumer(const std::string& consumerId);
    Consumer* findConsumer(const std::string& consumerId);
    // For statistics (read on the worker); nullptr if there is no such transport.
    const WebRtcTransport* findTransport(const std::string& id) const {
        auto it = transports_.find(id);
        return it == transports_.end() ? nullptr : it->second->transport.get();
    }

    size_t transportCount() const { return transports_.size(); }

  private:
    struct TransportEntry final : WebRtcTransport::Listener, PlainTransport::Listener {
        Router* router = nullptr;
        std::string id;
        // Exactly one of the two; sink is it, as producers and consumers see it.
        std::unique_ptr<WebRtcTransport> transport;
        std::unique_ptr<PlainTransport> plain;
        PacketSink* sink = nullptr;
        std::vector<Producer*> producers;
        std::vector<Consumer*> consumers;
        TransportCcFeedback transportCc;
        uint32_t transportCcMediaSsrc = 0;
        bool closed = false;

        void onTransportConnected(WebRtcTransport& t) override;
        void onTransportClosed(WebRtcTransport& t, std::string_view reason) override;
        void onTransportRtp(WebRtcTransport& t, rtp::RtpPacket& packet, int64_t nowUs) override;
        void onTransportRtcp(WebRtcTransport& t, const uint8_t* data, size_t len,
                             int64_t nowUs) override;
        void onPlainRtp(PlainTransport& t, rtp::RtpPacket& packet, int64_t nowUs) override;
        void onPlainRtcp(PlainTransport& t, const uint8_t* data, size_t len,
                         int64_t nowUs) override;
    };

    void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, int64_t nowUs) override;
    void onConsumerKeyFrameRequest(Consumer& consumer, int64_t nowUs) override;

    void handleRtp(TransportEntry& entry, rtp::RtpPacket& packet, int64_t nowUs);
    static void recordTransportSequence(TransportEntry& entry, const Producer& producer,
                                        const rtp::RtpPacket& packet, int64_t nowUs);
    void handleRtcp(TransportEntry& entry, const uint8_t* data, size_t len, int64_t nowUs);
    void handleTransportClosed(TransportEntry& entry, std::string_view reason);
    void detachProducer(Producer& producer);
    void detachConsumer(Consumer& consumer);
    void removeSrtpStreamLater(const TransportEntry& entry, dtls::SrtpSession::Direction direction,
                               uint32_t ssrc);
    Consumer* consumerBySsrc(TransportEntry& entry, uint32_t ssrc);
    bool sendPeriodicRtcp();
    bool sendTransportFeedback();
    // Every kNackIntervalMs: NACKs to publishers, and repeats of unanswered key-frame requests.
    bool sendPublisherNacks();

    Worker& worker_;
    RouterConfig config_;
    Listener& listener_;
    std::unordered_map<std::string, std::unique_ptr<TransportEntry>> transports_;
    std::unordered_map<std::string, std::unique_ptr<Producer>> producers_;
    std::unordered_map<std::string, std::unique_ptr<Consumer>> consumers_;
    std::unordered_map<Producer*, TransportEntry*> producerOwner_;
    std::unordered_map<Consumer*, TransportEntry*> consumerOwner_;
    guint rtcpTimer_ = 0;
    guint feedbackTimer_ = 0;
    guint nackTimer_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace vcb::sfu
