#pragma once
// Common header of every RTCP packet (RFC 3550 §6.4.1):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| RC/FMT  |      PT       |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  body ...     |  padding ...  | padding count |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// length = packet size in 32-bit words minus one. RC/FMT is the report/source count for SR, RR,
// SDES, BYE and the feedback message type for RTPFB/PSFB (RFC 4585 §6.1).
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

namespace rtcp {
inline constexpr uint8_t kSenderReport = 200;
inline constexpr uint8_t kReceiverReport = 201;
inline constexpr uint8_t kSdes = 202;
inline constexpr uint8_t kBye = 203;
inline constexpr uint8_t kApp = 204;
inline constexpr uint8_t kRtpFeedback = 205;  // RTPFB
inline constexpr uint8_t kPsFeedback = 206;   // PSFB
inline constexpr uint8_t kExtendedReport = 207;

inline constexpr uint8_t kFmtGenericNack = 1;         // RTPFB
inline constexpr uint8_t kFmtTransportFeedback = 15;  // RTPFB
inline constexpr uint8_t kFmtPli = 1;                 // PSFB
inline constexpr uint8_t kFmtFir = 4;                 // PSFB
inline constexpr uint8_t kFmtAfb = 15;                // PSFB application layer (REMB)

inline constexpr size_t kHeaderSize = 4;
inline constexpr size_t kMaxPacketSize = 65536 * 4;  // 16-bit length in words, plus one
inline constexpr size_t kMaxCount = 31;
}  // namespace rtcp

class RtcpHeader {
  public:
    // Parses the packet starting at `data`; `len` is what remains of the datagram. Checks version,
    // that the length field fits and the padding count (1..body size).
    static bool parse(const uint8_t* data, size_t len, RtcpHeader& out);

    // Writes a header with V=2 for a packet of `totalSize` bytes (multiple of 4, >= 4).
    static void write(uint8_t* out, bool padding, uint8_t count, uint8_t packetType,
                      size_t totalSize);

    uint8_t count() const { return data_[0] & 0x1F; }  // RC / SC / FMT
    uint8_t packetType() const { return data_[1]; }
    bool hasPadding() const { return (data_[0] & 0x20) != 0; }
    // Whole packet including header and padding.
    size_t size() const { return size_; }
    const uint8_t* data() const { return data_; }
    // Bytes after the 4-byte header, padding excluded.
    std::span<const uint8_t> body() const { return {data_ + rtcp::kHeaderSize, bodySize_}; }

  private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t bodySize_ = 0;
};

}  // namespace vcb::rtp
