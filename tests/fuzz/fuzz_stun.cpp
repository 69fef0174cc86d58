// STUN messages (ICE connectivity checks) and the RFC 7983 first-byte demultiplexer that routes
// every received datagram: parse, walk all attributes, look each one up, read the ICE fields.
#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "sfu/rtp/PacketClassifier.hpp"
#include "sfu/core/StunAuth.hpp"
#include "sfu/rtp/StunMessage.hpp"
#include "sfu/rtp/StunMessageWriter.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

using namespace vcb::rtp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Exact-size copy: ASan flags any read past the datagram.
    const std::vector<uint8_t> buf(data, data + size);
    const PacketType type = classifyPacket(buf.data(), buf.size());
    VCB_FUZZ_CHECK(toString(type) != nullptr);
    (void)classifyPacket(std::span<const uint8_t>(buf));

    StunMessage msg;
    if (!StunMessage::parse(buf.data(), buf.size(), msg)) {
        return 0;
    }
    // RFC 5389 allows first bytes 0..63, but RFC 7983 demultiplexing sends only 0..3 to STUN.
    VCB_FUZZ_CHECK((buf[0] <= 3) == (type == PacketType::Stun));
    VCB_FUZZ_CHECK(msg.size() <= size && msg.length() % 4 == 0);
    VCB_FUZZ_CHECK(msg.transactionId().data() == buf.data() + 8);
    VCB_FUZZ_CHECK(msg.type() < 0x4000 && msg.method() < 0x1000);
    VCB_FUZZ_CHECK(static_cast<int>(msg.messageClass()) >= 0 &&
                   static_cast<int>(msg.messageClass()) <= 3);

    size_t consumed = 0;
    size_t count = 0;
    // RFC 8489 §14.5: past the first MESSAGE-INTEGRITY only MESSAGE-INTEGRITY and FINGERPRINT
    // are visible to lookups; other types are found only if they also came before it.
    bool pastIntegrity = false;
    std::set<uint16_t> beforeIntegrity;
    msg.forEachAttribute([&](uint16_t attrType, std::span<const uint8_t> value) {
        VCB_FUZZ_CHECK(value.data() >= buf.data() + StunMessage::kHeaderSize + 4);
        VCB_FUZZ_CHECK(value.data() + value.size() <= buf.data() + msg.size());
        consumed += 4 + ((value.size() + 3) & ~size_t{3});
        ++count;
        const bool trailer = attrType == StunMessage::kAttrMessageIntegrity ||
                             attrType == StunMessage::kAttrFingerprint;
        if (!pastIntegrity || trailer) {
            VCB_FUZZ_CHECK(msg.hasAttribute(attrType));
        } else {
            VCB_FUZZ_CHECK(msg.hasAttribute(attrType) == (beforeIntegrity.count(attrType) != 0));
            return;  // findAttribute below would look at the earlier copy
        }
        if (!pastIntegrity) beforeIntegrity.insert(attrType);
        if (attrType == StunMessage::kAttrMessageIntegrity) pastIntegrity = true;
        const auto first = msg.findAttribute(attrType);
        VCB_FUZZ_CHECK(first.data() + first.size() <= buf.data() + msg.size());
    });
    // parse() validated that the attributes tile the message exactly.
    VCB_FUZZ_CHECK(consumed == msg.length());
    VCB_FUZZ_CHECK(count <= msg.length() / 4);

    if (auto user = msg.username()) {
        VCB_FUZZ_CHECK(user->size() <= msg.length());
    }
    if (msg.hasMessageIntegrity()) {
        VCB_FUZZ_CHECK(msg.findAttribute(StunMessage::kAttrMessageIntegrity).size() ==
                       StunMessage::kMessageIntegritySize);
    }
    if (msg.hasFingerprint()) {
        VCB_FUZZ_CHECK(msg.findAttribute(StunMessage::kAttrFingerprint).size() ==
                       StunMessage::kFingerprintSize);
    }
    (void)msg.findAttribute(StunMessage::kAttrPriority);
    (void)msg.hasAttribute(StunMessage::kAttrUseCandidate);
    (void)msg.findAttribute(StunMessage::kAttrIceControlling);
    (void)msg.findAttribute(StunMessage::kAttrXorMappedAddress);

    // What the ICE-lite server does with a check: verify it, then sign an answer that must
    // verify with the same key.
    (void)vcb::sfu::verifyMessageIntegrity(msg, "fuzzpassword0123456789");
    (void)vcb::sfu::verifyFingerprintIfPresent(msg);
    uint8_t out[128];
    StunMessageWriter writer(out, sizeof(out));
    VCB_FUZZ_CHECK(writer.begin(StunMessageWriter::bindingSuccessType(), msg.transactionId()));
    const uint8_t ip[4] = {buf[0], buf[1], buf[2], buf[3]};
    VCB_FUZZ_CHECK(writer.addXorMappedAddress(0x01, msg.length(), ip));
    VCB_FUZZ_CHECK(vcb::sfu::signStunMessage(writer, "fuzzpassword0123456789"));
    StunMessage answer;
    VCB_FUZZ_CHECK(StunMessage::parse(out, writer.size(), answer));
    VCB_FUZZ_CHECK(vcb::sfu::verifyMessageIntegrity(answer, "fuzzpassword0123456789"));
    VCB_FUZZ_CHECK(vcb::sfu::verifyFingerprintIfPresent(answer));
    return 0;
}
