// DTLS records from the network into a server DtlsTransport (the SFU's role). Input format:
//
//   mode (1 byte) | len (2 bytes, big endian) | datagram | len | datagram | ...
//
// mode % 4: 0 = datagrams into a fresh server (ClientHello parsing, garbage before a handshake);
//           1 = datagrams first, then a real in-memory client handshakes with the server;
//           2 = a real handshake completes, then the datagrams arrive (garbage after a handshake);
//           3 = one datagram injected before each real client flight during the handshake.
// A truncated last length takes the rest of the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/DtlsTransport.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::dtls;
using Datagram = std::vector<uint8_t>;

constexpr unsigned int kMtu = 1200;

std::shared_ptr<DtlsContext> makeContext() {
    std::string error;
    std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate(&error);
    auto ctx = cert ? DtlsContext::create(cert, &error) : nullptr;
    if (!ctx) {
        std::fprintf(stderr, "fuzz_dtls: %s\n", error.c_str());
        std::abort();
    }
    return ctx;
}

// Generated once: a certificate costs far more than a fuzz iteration.
std::shared_ptr<DtlsContext> serverContextPtr() {
    static const auto ctx = makeContext();
    return ctx;
}
std::shared_ptr<DtlsContext> clientContextPtr() {
    static const auto ctx = makeContext();
    return ctx;
}

struct Endpoint : DtlsTransport::Listener {
    std::unique_ptr<DtlsTransport> transport;
    std::deque<Datagram> outbox;
    int connected = 0;
    int failed = 0;
    int closed = 0;

    void onDtlsSend(const uint8_t* data, size_t len) override {
        VCB_FUZZ_CHECK(len > 0 && len <= kMtu);
        outbox.emplace_back(data, data + len);
    }
    void onDtlsConnected(SrtpProfile, const SrtpKeys&) override {
        VCB_FUZZ_CHECK(connected == 0 && failed == 0 && closed == 0);
        ++connected;
    }
    void onDtlsFailed(std::string_view reason) override {
        VCB_FUZZ_CHECK(failed == 0 && closed == 0 && !reason.empty());
        ++failed;
    }
    void onDtlsClosed() override {
        VCB_FUZZ_CHECK(failed == 0 && closed == 0);
        ++closed;
    }

    void create(std::shared_ptr<DtlsContext> ctx) {
        DtlsTransportConfig config;
        config.mtu = kMtu;
        std::string error;
        transport = DtlsTransport::create(std::move(ctx), *this, config, &error);
        VCB_FUZZ_CHECK(transport != nullptr);
    }
};

std::vector<Datagram> splitDatagrams(const uint8_t* data, size_t size) {
    std::vector<Datagram> out;
    size_t pos = 0;
    while (pos < size) {
        size_t len = size - pos;
        if (size - pos >= 2) {
            len = (static_cast<size_t>(data[pos]) << 8) | data[pos + 1];
            pos += 2;
            len = std::min(len, size - pos);
        } else {
            pos = size;  // a lone trailing byte is a 1-byte datagram below
            out.emplace_back(data + size - 1, data + size);
            break;
        }
        out.emplace_back(data + pos, data + pos + len);
        pos += len;
    }
    return out;
}

void feed(Endpoint& to, const Datagram& d) {
    // Exact-size heap copy per datagram so ASan sees reads past it.
    to.transport->handleDatagram(d.data(), d.size());
}

// Moves queued datagrams both ways until quiet. Bounded: a handshake has a few flights.
void pump(Endpoint& client, Endpoint& server) {
    for (int round = 0; round < 20; ++round) {
        bool moved = false;
        while (!client.outbox.empty()) {
            Datagram d = std::move(client.outbox.front());
            client.outbox.pop_front();
            feed(server, d);
            moved = true;
        }
        while (!server.outbox.empty()) {
            Datagram d = std::move(server.outbox.front());
            server.outbox.pop_front();
            feed(client, d);
            moved = true;
        }
        if (!moved) return;
    }
}

// make_seeds.py runs the target once with VCB_FUZZ_DUMP_HANDSHAKE=<dir> to capture the datagrams
// of a real handshake (client-<n>.bin, server-<n>.bin, in order) as seeds.
void dumpHandshake(const std::string& dir) {
    Endpoint client;
    Endpoint server;
    client.create(clientContextPtr());
    server.create(serverContextPtr());
    VCB_FUZZ_CHECK(client.transport->setRemoteFingerprint(
        "sha-256", serverContextPtr()->certificate().fingerprint()));
    VCB_FUZZ_CHECK(server.transport->setRemoteFingerprint(
        "sha-256", clientContextPtr()->certificate().fingerprint()));
    VCB_FUZZ_CHECK(server.transport->start(DtlsTransport::Role::Server));
    VCB_FUZZ_CHECK(client.transport->start(DtlsTransport::Role::Client));
    int n = 0;
    auto save = [&](const char* who, const Datagram& d) {
        const std::string path = dir + "/" + who + "-" + std::to_string(n++) + ".bin";
        FILE* f = std::fopen(path.c_str(), "wb");
        VCB_FUZZ_CHECK(f != nullptr);
        std::fwrite(d.data(), 1, d.size(), f);
        std::fclose(f);
    };
    for (int round = 0; round < 20 && (!client.outbox.empty() || !server.outbox.empty()); ++round) {
        while (!client.outbox.empty()) {
            Datagram d = std::move(client.outbox.front());
            client.outbox.pop_front();
            save("client", d);
            feed(server, d);
        }
        while (!server.outbox.empty()) {
            Datagram d = std::move(server.outbox.front());
            server.outbox.pop_front();
            save("server", d);
            feed(client, d);
        }
    }
    VCB_FUZZ_CHECK(client.connected == 1 && server.connected == 1);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* dir = std::getenv("VCB_FUZZ_DUMP_HANDSHAKE")) {
        dumpHandshake(dir);
        std::exit(0);
    }
    (void)serverContextPtr();
    (void)clientContextPtr();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const unsigned mode = data[0] % 4;
    const std::vector<Datagram> datagrams = splitDatagrams(data + 1, size - 1);

    Endpoint server;
    server.create(serverContextPtr());
    VCB_FUZZ_CHECK(server.transport->setRemoteFingerprint(
        "sha-256", clientContextPtr()->certificate().fingerprint()));
    VCB_FUZZ_CHECK(server.transport->start(DtlsTransport::Role::Server));

    if (mode == 0) {
        for (const Datagram& d : datagrams) feed(server, d);
        server.transport->handleTimeout();
        (void)server.transport->timeout();
        // Without the client's private key nothing can authenticate as the client.
        VCB_FUZZ_CHECK(server.connected == 0);
        server.transport->close();
        return 0;
    }

    Endpoint client;
    client.create(clientContextPtr());
    VCB_FUZZ_CHECK(client.transport->setRemoteFingerprint(
        "sha-256", serverContextPtr()->certificate().fingerprint()));

    if (mode == 1) {
        for (const Datagram& d : datagrams) feed(server, d);
        server.outbox.clear();  // replies to the garbage go to the attacker, not the client
        VCB_FUZZ_CHECK(client.transport->start(DtlsTransport::Role::Client));
        pump(client, server);
    } else if (mode == 2) {
        VCB_FUZZ_CHECK(client.transport->start(DtlsTransport::Role::Client));
        pump(client, server);
        // A clean handshake must succeed: otherwise the garbage below would test nothing.
        VCB_FUZZ_CHECK(server.connected == 1 && client.connected == 1);
        for (const Datagram& d : datagrams) feed(server, d);
        server.outbox.clear();
        VCB_FUZZ_CHECK(server.connected == 1);
        // The transport keeps working (or has failed/closed cleanly) for the real peer.
        client.transport->close();
        pump(client, server);
    } else {
        VCB_FUZZ_CHECK(client.transport->start(DtlsTransport::Role::Client));
        size_t next = 0;
        for (int round = 0; round < 20 && (!client.outbox.empty() || !server.outbox.empty());
             ++round) {
            if (next < datagrams.size()) {
                feed(server, datagrams[next++]);
            }
            while (!client.outbox.empty()) {
                Datagram d = std::move(client.outbox.front());
                client.outbox.pop_front();
                feed(server, d);
            }
            while (!server.outbox.empty()) {
                Datagram d = std::move(server.outbox.front());
                server.outbox.pop_front();
                feed(client, d);
            }
        }
    }
    server.transport->handleTimeout();
    client.transport->handleTimeout();
    server.transport->close();
    client.transport->close();
    return 0;
}
