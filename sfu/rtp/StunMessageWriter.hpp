#pragma once
// Serializer for the STUN messages an ICE-lite agent sends (RFC 5389 §6, §15): a Binding success
// response carrying XOR-MAPPED-ADDRESS (§15.2), then MESSAGE-INTEGRITY (§15.4) and FINGERPRINT
// (§15.5). The two trailing attributes are computed over the bytes before them with the header's
// length already covering them, so the writer exposes exactly those bytes and the caller (which
// owns the crypto) fills the value in:
//
//   writer.begin(type, transactionId);
//   writer.addXorMappedAddress(...);
//   auto mi = writer.addMessageIntegrity();   // mi.input = bytes to HMAC-SHA1, mi.value = 20 bytes
//   auto fp = writer.addFingerprint();        // fp.input = bytes to CRC-32,    fp.value = 4 bytes
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

class StunMessageWriter {
  public:
    struct Trailer {
        std::span<const uint8_t> input;  // what the value is computed over
        std::span<uint8_t> value;        // where the value goes
    };

    StunMessageWriter(uint8_t* buf, size_t capacity) : buf_(buf), capacity_(capacity) {}

    // Header with an empty attribute list. False if the buffer cannot hold it.
    bool begin(uint16_t type, std::span<const uint8_t, 12> transactionId);
    // family 0x01 (IPv4, 4 address bytes) or 0x02 (IPv6, 16 bytes); port and address in network
    // order as given, XOR-ed here with the magic cookie (and transaction id for IPv6).
    bool addXorMappedAddress(uint8_t family, uint16_t port, std::span<const uint8_t> address);
    // Any attribute, value copied and padded (requests built by tests and tools).
    bool addAttribute(uint16_t type, std::span<const uint8_t> value);
    // Empty spans when the buffer is full or begin() was not called.
    Trailer addMessageIntegrity();
    Trailer addFingerprint();

    size_t size() const { return size_; }

    static constexpr uint16_t bindingSuccessType() { return 0x0101; }

  private:
    // Appends the attribute header and reserves the padded value; nullptr if it does not fit.
    uint8_t* appendAttribute(uint16_t type, size_t valueLen);

    uint8_t* buf_;
    size_t capacity_;
    size_t size_ = 0;
};

}  // namespace vcb::rtp
