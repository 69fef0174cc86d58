#pragma once
// Text surgery and comparison helpers for the sdp tests.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sfu/RtpParameters.hpp"
#include "signaling/sdp/SdpModel.hpp"

namespace vcb::signaling::testsdp {

inline std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
    size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
    return text;
}

// Drops every CRLF-terminated line starting with prefix.
inline std::string removeLines(const std::string& text, std::string_view prefix) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find("\r\n", pos);
        end = end == std::string::npos ? text.size() : end + 2;
        const std::string_view line(text.data() + pos, end - pos);
        if (line.substr(0, prefix.size()) != prefix) out.append(line);
        pos = end;
    }
    return out;
}

inline void expectSameCodec(const sfu::RtpCodec& a, const sfu::RtpCodec& b) {
    EXPECT_EQ(a.payloadType, b.payloadType);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.clockRate, b.clockRate);
    EXPECT_EQ(a.channels, b.channels);
    EXPECT_EQ(a.fmtp, b.fmtp);
    EXPECT_EQ(a.rtcpFeedback, b.rtcpFeedback);
    EXPECT_EQ(a.rtxPayloadType, b.rtxPayloadType);
}

inline void expectSameSection(const MediaSection& a, const MediaSection& b) {
    SCOPED_TRACE("mid " + a.mid);
    EXPECT_EQ(a.mid, b.mid);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.rejected, b.rejected);
    ASSERT_EQ(a.codecs.size(), b.codecs.size());
    for (size_t i = 0; i < a.codecs.size(); ++i) expectSameCodec(a.codecs[i], b.codecs[i]);
    ASSERT_EQ(a.extensions.size(), b.extensions.size());
    for (size_t i = 0; i < a.extensions.size(); ++i) {
        EXPECT_EQ(a.extensions[i].id, b.extensions[i].id);
        EXPECT_EQ(a.extensions[i].uri, b.extensions[i].uri);
    }
    EXPECT_EQ(a.ssrcs, b.ssrcs);
    EXPECT_EQ(a.rtxSsrc, b.rtxSsrc);
    EXPECT_EQ(a.cname, b.cname);
    EXPECT_EQ(a.msidStream, b.msidStream);
    EXPECT_EQ(a.msidTrack, b.msidTrack);
    EXPECT_EQ(a.rtcpMux, b.rtcpMux);
    EXPECT_EQ(a.rtcpRsize, b.rtcpRsize);
}

inline void expectSameDescription(const SessionDescription& a, const SessionDescription& b) {
    EXPECT_EQ(a.iceUfrag, b.iceUfrag);
    EXPECT_EQ(a.icePwd, b.icePwd);
    EXPECT_EQ(a.iceLite, b.iceLite);
    EXPECT_EQ(a.fingerprintAlgorithm, b.fingerprintAlgorithm);
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    EXPECT_EQ(a.setup, b.setup);
    EXPECT_EQ(a.bundleMids, b.bundleMids);
    ASSERT_EQ(a.candidates.size(), b.candidates.size());
    for (size_t i = 0; i < a.candidates.size(); ++i) {
        EXPECT_EQ(a.candidates[i].foundation, b.candidates[i].foundation);
        EXPECT_EQ(a.candidates[i].component, b.candidates[i].component);
        EXPECT_EQ(a.candidates[i].transport, b.candidates[i].transport);
        EXPECT_EQ(a.candidates[i].priority, b.candidates[i].priority);
        EXPECT_EQ(a.candidates[i].address, b.candidates[i].address);
        EXPECT_EQ(a.candidates[i].port, b.candidates[i].port);
        EXPECT_EQ(a.candidates[i].type, b.candidates[i].type);
    }
    ASSERT_EQ(a.media.size(), b.media.size());
    for (size_t i = 0; i < a.media.size(); ++i) expectSameSection(a.media[i], b.media[i]);
}

}  // namespace vcb::signaling::testsdp
