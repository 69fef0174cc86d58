// Compound RTCP datagrams as they arrive after SRTCP unprotect: walk the compound, run every
// typed parser on every sub-packet (each must refuse what is not its type), read every field,
// write back what parsed into an exact-size buffer and check that the copy parses to the same
// values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sfu/rtp/RtcpBye.hpp"
#include "sfu/rtp/RtcpCompoundIterator.hpp"
#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "sfu/rtp/RtcpHeader.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/RtcpRemb.hpp"
#include "sfu/rtp/RtcpSdes.hpp"
#include "sfu/rtp/RtcpSenderReport.hpp"
#include "sfu/rtp/RtcpTransportFeedback.hpp"
#include "sfu/rtp/SequenceNumber.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::rtp;

// Serializes `packet` into a buffer of exactly size() bytes, checks that one byte less is
// refused, and returns the bytes (empty if write() refused).
template <typename P>
std::vector<uint8_t> writeExact(const P& packet) {
    const size_t size = packet.size();
    std::vector<uint8_t> out(size);
    const size_t n = packet.write(out.data(), size);
    if (n == 0) {
        return {};
    }
    VCB_FUZZ_CHECK(n <= size);
    out.resize(n);
    std::vector<uint8_t> shortBuf(n - 1);
    VCB_FUZZ_CHECK(packet.write(shortBuf.data(), n - 1) == 0);
    RtcpHeader h;
    VCB_FUZZ_CHECK(RtcpHeader::parse(out.data(), out.size(), h));
    VCB_FUZZ_CHECK(h.size() == n);
    return out;
}

// The result views `bytes`, which must outlive it.
template <typename P>
P reparse(const std::vector<uint8_t>& bytes) {
    P copy;
    VCB_FUZZ_CHECK(P::parse(bytes.data(), bytes.size(), copy));
    return copy;
}

void checkSenderReport(const RtcpHeader& h) {
    RtcpSenderReport sr;
    if (!RtcpSenderReport::parse(h, sr)) return;
    VCB_FUZZ_CHECK(sr.reportBlockCount() == h.count());
    std::vector<ReportBlock> blocks;
    for (size_t i = 0; i < sr.reportBlockCount(); ++i) blocks.push_back(sr.reportBlock(i));
    const auto bytes = writeExact(sr);
    VCB_FUZZ_CHECK(!bytes.empty());
    const auto copy = reparse<RtcpSenderReport>(bytes);
    VCB_FUZZ_CHECK(copy.ssrc() == sr.ssrc() && copy.ntpTimestamp() == sr.ntpTimestamp());
    VCB_FUZZ_CHECK(copy.rtpTimestamp() == sr.rtpTimestamp());
    VCB_FUZZ_CHECK(copy.packetCount() == sr.packetCount() && copy.octetCount() == sr.octetCount());
    VCB_FUZZ_CHECK(copy.reportBlockCount() == blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) VCB_FUZZ_CHECK(copy.reportBlock(i) == blocks[i]);
    // Built from values instead of the wire.
    RtcpSenderReport built;
    built.setSsrc(sr.ssrc());
    built.setReportBlocks(blocks);
    const auto builtBytes = writeExact(built);
    VCB_FUZZ_CHECK(reparse<RtcpSenderReport>(builtBytes).reportBlockCount() == blocks.size());
}

void checkReceiverReport(const RtcpHeader& h) {
    RtcpReceiverReport rr;
    if (!RtcpReceiverReport::parse(h, rr)) return;
    VCB_FUZZ_CHECK(rr.reportBlockCount() == h.count());
    std::vector<ReportBlock> blocks;
    for (size_t i = 0; i < rr.reportBlockCount(); ++i) blocks.push_back(rr.reportBlock(i));
    const auto bytes = writeExact(rr);
    VCB_FUZZ_CHECK(!bytes.empty());
    const auto copy = reparse<RtcpReceiverReport>(bytes);
    VCB_FUZZ_CHECK(copy.ssrc() == rr.ssrc() && copy.reportBlockCount() == blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) VCB_FUZZ_CHECK(copy.reportBlock(i) == blocks[i]);
    RtcpReceiverReport built;
    built.setReportBlocks(blocks);
    const auto builtBytes = writeExact(built);
    VCB_FUZZ_CHECK(reparse<RtcpReceiverReport>(builtBytes).reportBlockCount() == blocks.size());
}

void checkSdes(const RtcpHeader& h) {
    RtcpSdes sdes;
    if (!RtcpSdes::parse(h, sdes)) return;
    VCB_FUZZ_CHECK(sdes.chunkCount() == h.count());
    std::vector<SdesChunk> chunks;
    for (size_t i = 0; i < sdes.chunkCount(); ++i) chunks.push_back(sdes.chunk(i));
    size_t items = 0;
    sdes.forEachItem([&](uint32_t ssrc, uint8_t type, std::string_view text) {
        VCB_FUZZ_CHECK(type != RtcpSdes::kEnd && text.size() <= 255);
        VCB_FUZZ_CHECK(
            text.empty() ||
            (reinterpret_cast<const uint8_t*>(text.data()) >= h.data() &&
             reinterpret_cast<const uint8_t*>(text.data()) + text.size() <= h.data() + h.size()));
        (void)ssrc;
        ++items;
    });
    for (const auto& c : chunks) (void)sdes.cname(c.ssrc);
    // A parsed SDES is re-serialized byte for byte (header aside: padding is dropped).
    const auto bytes = writeExact(sdes);
    VCB_FUZZ_CHECK(!bytes.empty());
    VCB_FUZZ_CHECK(std::equal(bytes.begin() + 4, bytes.end(), h.body().begin()));
    const auto copy = reparse<RtcpSdes>(bytes);
    VCB_FUZZ_CHECK(copy.chunkCount() == chunks.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
        VCB_FUZZ_CHECK(copy.chunk(i).ssrc == chunks[i].ssrc &&
                       copy.chunk(i).cname == chunks[i].cname);
    }
    // Built from the chunks: one CNAME item each.
    RtcpSdes built;
    built.setChunks(chunks);
    const auto builtBytes = writeExact(built);
    VCB_FUZZ_CHECK(!builtBytes.empty());
    const auto builtCopy = reparse<RtcpSdes>(builtBytes);
    for (size_t i = 0; i < chunks.size(); ++i) {
        VCB_FUZZ_CHECK(builtCopy.chunk(i).cname == chunks[i].cname);
    }
    (void)items;
}

void checkBye(const RtcpHeader& h) {
    RtcpBye bye;
    if (!RtcpBye::parse(h, bye)) return;
    VCB_FUZZ_CHECK(bye.ssrcCount() == h.count());
    VCB_FUZZ_CHECK(bye.ssrc(bye.ssrcCount()) == 0);
    const auto bytes = writeExact(bye);
    VCB_FUZZ_CHECK(!bytes.empty());
    const auto copy = reparse<RtcpBye>(bytes);
    VCB_FUZZ_CHECK(copy.ssrcCount() == bye.ssrcCount() && copy.reason() == bye.reason());
    for (size_t i = 0; i < bye.ssrcCount(); ++i) VCB_FUZZ_CHECK(copy.ssrc(i) == bye.ssrc(i));
}

void checkPli(const RtcpHeader& h) {
    RtcpPli pli;
    if (!RtcpPli::parse(h, pli)) return;
    const auto bytes = writeExact(pli);
    const auto copy = reparse<RtcpPli>(bytes);
    VCB_FUZZ_CHECK(copy.senderSsrc() == pli.senderSsrc() && copy.mediaSsrc() == pli.mediaSsrc());
}

void checkFir(const RtcpHeader& h) {
    RtcpFir fir;
    if (!RtcpFir::parse(h, fir)) return;
    VCB_FUZZ_CHECK(fir.entryCount() > 0);
    std::vector<FirEntry> entries;
    for (size_t i = 0; i < fir.entryCount(); ++i) entries.push_back(fir.entry(i));
    const auto bytes = writeExact(fir);
    const auto copy = reparse<RtcpFir>(bytes);
    VCB_FUZZ_CHECK(copy.senderSsrc() == fir.senderSsrc() && copy.entryCount() == entries.size());
    for (size_t i = 0; i < entries.size(); ++i) VCB_FUZZ_CHECK(copy.entry(i) == entries[i]);
}

void checkNack(const RtcpHeader& h) {
    RtcpGenericNack nack;
    if (!RtcpGenericNack::parse(h, nack)) return;
    VCB_FUZZ_CHECK(nack.itemCount() > 0);
    std::vector<NackItem> items;
    for (size_t i = 0; i < nack.itemCount(); ++i) items.push_back(nack.item(i));
    std::vector<uint16_t> lost;
    nack.forEachLost([&](uint16_t seq) { lost.push_back(seq); });
    VCB_FUZZ_CHECK(lost.size() <= 17 * items.size());
    std::vector<uint16_t> lostCopy(lost.size() + 1);
    VCB_FUZZ_CHECK(nack.lostSequenceNumbers(lostCopy) == lost.size());
    VCB_FUZZ_CHECK(std::equal(lost.begin(), lost.end(), lostCopy.begin()));
    if (!lost.empty()) {
        std::vector<uint16_t> small(lost.size() / 2);
        VCB_FUZZ_CHECK(nack.lostSequenceNumbers(small) == small.size());
    }
    const auto bytes = writeExact(nack);
    const auto copy = reparse<RtcpGenericNack>(bytes);
    VCB_FUZZ_CHECK(copy.itemCount() == items.size());
    for (size_t i = 0; i < items.size(); ++i) VCB_FUZZ_CHECK(copy.item(i) == items[i]);

    // Repacking: sort wrap-aware relative to the first PID so the list is ascending, dedupe, and
    // check that the rebuilt items report exactly that set (when they all fit).
    const uint16_t base = items[0].pid;
    std::vector<uint16_t> sorted(lost);
    std::sort(sorted.begin(), sorted.end(), [&](uint16_t a, uint16_t b) {
        return static_cast<uint16_t>(a - base) < static_cast<uint16_t>(b - base);
    });
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<NackItem> rebuilt(sorted.size());
    const size_t n = RtcpGenericNack::buildItems(sorted, rebuilt);
    VCB_FUZZ_CHECK(n >= 1 && n <= sorted.size());
    rebuilt.resize(n);
    RtcpGenericNack again;
    again.setItems(rebuilt);
    std::vector<uint16_t> relost;
    again.forEachLost([&](uint16_t seq) { relost.push_back(seq); });
    std::sort(relost.begin(), relost.end(), [&](uint16_t a, uint16_t b) {
        return static_cast<uint16_t>(a - base) < static_cast<uint16_t>(b - base);
    });
    VCB_FUZZ_CHECK(relost == sorted);
}

void checkRemb(const RtcpHeader& h) {
    RtcpRemb remb;
    if (!RtcpRemb::parse(h, remb)) return;
    VCB_FUZZ_CHECK(remb.ssrcCount() <= RtcpRemb::kMaxSsrcs);
    const auto bytes = writeExact(remb);
    const auto copy = reparse<RtcpRemb>(bytes);
    VCB_FUZZ_CHECK(copy.bitrate() == remb.bitrate() && copy.ssrcCount() == remb.ssrcCount());
    for (size_t i = 0; i < remb.ssrcCount(); ++i) VCB_FUZZ_CHECK(copy.ssrc(i) == remb.ssrc(i));
}

struct Status {
    uint16_t seq;
    bool received;
    int64_t deltaUs;
    bool operator==(const Status&) const = default;
};

std::vector<Status> statusesOf(const RtcpTransportFeedback& fb) {
    std::vector<Status> out;
    fb.forEachPacket([&](uint16_t seq, bool received, int64_t deltaUs) {
        out.push_back({seq, received, deltaUs});
    });
    return out;
}

std::vector<TccArrival> arrivalsOf(const RtcpTransportFeedback& fb) {
    std::vector<TccArrival> out;
    int64_t t = fb.referenceTimeUs();
    for (const Status& s : statusesOf(fb)) {
        if (s.received) {
            t += s.deltaUs;
            out.push_back({s.seq, t});
        }
    }
    return out;
}

void checkTransportFeedback(const RtcpHeader& h) {
    RtcpTransportFeedback fb;
    if (!RtcpTransportFeedback::parse(h, fb)) return;
    const auto statuses = statusesOf(fb);
    VCB_FUZZ_CHECK(statuses.size() == fb.packetStatusCount());
    for (size_t i = 0; i < statuses.size(); ++i) {
        VCB_FUZZ_CHECK(statuses[i].seq == static_cast<uint16_t>(fb.baseSequenceNumber() + i));
    }
    // Re-encoding the parsed packet keeps its content.
    const size_t capacity = h.size() + 4;
    std::vector<uint8_t> out(capacity);
    const size_t n = fb.write(out.data(), capacity);
    VCB_FUZZ_CHECK(n > 0 && n % 4 == 0);
    out.resize(n);
    const auto copy = reparse<RtcpTransportFeedback>(out);
    VCB_FUZZ_CHECK(statusesOf(copy) == statuses);
    VCB_FUZZ_CHECK(copy.referenceTime() == fb.referenceTime());

    // Encoding the decoded arrivals from scratch yields the same arrival times.
    const auto arrivals = arrivalsOf(fb);
    const size_t prefix = RtcpTransportFeedback::encodablePrefix(arrivals);
    VCB_FUZZ_CHECK(prefix <= arrivals.size());
    if (prefix == 0) return;
    const std::span<const TccArrival> encodable(arrivals.data(), prefix);
    RtcpTransportFeedback built;
    built.setSenderSsrc(fb.senderSsrc());
    built.setArrivals(encodable);
    std::vector<uint8_t> buf(8 + RtcpTransportFeedback::kFixedSize + 4 * prefix +
                             2 * (static_cast<uint16_t>(arrivals[prefix - 1].sequenceNumber -
                                                        arrivals[0].sequenceNumber) +
                                  1));
    const size_t m = built.write(buf.data(), buf.size());
    VCB_FUZZ_CHECK(m > 0);
    buf.resize(m);
    const auto reparsed = reparse<RtcpTransportFeedback>(buf);
    const auto rebuilt = arrivalsOf(reparsed);
    VCB_FUZZ_CHECK(rebuilt.size() == prefix);
    for (size_t i = 0; i < prefix; ++i) {
        VCB_FUZZ_CHECK(rebuilt[i].sequenceNumber == arrivals[i].sequenceNumber);
        // The 24-bit reference time wraps (every ~298 h); receivers unwrap it.
        constexpr int64_t kWrapUs = (int64_t{1} << 24) * RtcpTransportFeedback::kReferenceTickUs;
        VCB_FUZZ_CHECK((rebuilt[i].arrivalTimeUs - arrivals[i].arrivalTimeUs) % kWrapUs == 0);
    }
}

void checkAll(const RtcpHeader& h) {
    VCB_FUZZ_CHECK(h.size() >= rtcp::kHeaderSize && h.size() % 4 == 0);
    VCB_FUZZ_CHECK(h.body().size() <= h.size() - rtcp::kHeaderSize);
    // Every parser sees every sub-packet: each must refuse the types it does not handle.
    checkSenderReport(h);
    checkReceiverReport(h);
    checkSdes(h);
    checkBye(h);
    checkPli(h);
    checkFir(h);
    checkNack(h);
    checkRemb(h);
    checkTransportFeedback(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Exact-size copy: ASan flags any read past the datagram.
    const std::vector<uint8_t> buf(data, data + size);
    RtcpCompoundIterator it(buf.data(), buf.size());
    RtcpHeader header;
    size_t total = 0;
    size_t packets = 0;
    // The iterator consumes at least 4 bytes per packet; the cap only guards against a bug.
    while (packets <= size / 4 && it.next(header)) {
        VCB_FUZZ_CHECK(header.data() == buf.data() + total);
        total += header.size();
        VCB_FUZZ_CHECK(total <= size);
        ++packets;
        checkAll(header);
    }
    VCB_FUZZ_CHECK(packets <= size / 4);
    const bool valid = RtcpCompoundIterator::isValidCompound(buf.data(), buf.size());
    VCB_FUZZ_CHECK(valid == (packets > 0 && !it.malformed() && total == size));

    // The stand-alone (data, len) entry points on the whole datagram.
    RtcpSenderReport sr;
    RtcpReceiverReport rr;
    RtcpSdes sdes;
    RtcpBye bye;
    RtcpPli pli;
    RtcpFir fir;
    RtcpGenericNack nack;
    RtcpRemb remb;
    RtcpTransportFeedback tcc;
    (void)RtcpSenderReport::parse(buf.data(), buf.size(), sr);
    (void)RtcpReceiverReport::parse(buf.data(), buf.size(), rr);
    (void)RtcpSdes::parse(buf.data(), buf.size(), sdes);
    (void)RtcpBye::parse(buf.data(), buf.size(), bye);
    (void)RtcpPli::parse(buf.data(), buf.size(), pli);
    (void)RtcpFir::parse(buf.data(), buf.size(), fir);
    (void)RtcpGenericNack::parse(buf.data(), buf.size(), nack);
    (void)RtcpRemb::parse(buf.data(), buf.size(), remb);
    (void)RtcpTransportFeedback::parse(buf.data(), buf.size(), tcc);
    return 0;
}
