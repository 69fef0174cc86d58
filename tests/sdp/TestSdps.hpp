#pragma once
// Offers and answers in the shape real peers produce them (Chrome ~120, GStreamer webrtcbin
// 1.22), used across the sdp tests. Lines end in CRLF as on the wire.
#include <string>
#include <string_view>

namespace vcb::signaling::testsdp {

// Joins lines with CRLF.
inline std::string crlf(std::string_view text) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        const size_t end = nl == std::string_view::npos ? text.size() : nl;
        out.append(text.substr(pos, end - pos));
        out += "\r\n";
        pos = end + 1;
    }
    return out;
}

inline constexpr std::string_view kChromeFingerprint =
    "7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:"
    "19:08";

// Chrome sendonly publish offer (addTransceiver(track, {direction: "sendonly"}) for a mic and a
// camera), gathered candidates included, with a data channel appended.
inline const std::string kChromeOffer = crlf(R"(v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS 9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:1467250027 1 udp 2122260223 192.168.1.23 54400 typ host generation 0 network-id 1
a=candidate:3012342817 1 udp 2122260223 4e9f6b2c-91c4-4b4a-8d1e-2f0a6c1b7d33.local 54401 typ host generation 0 network-id 2
a=candidate:842163049 1 tcp 1518280447 192.168.1.23 9 typ host tcptype active generation 0 network-id 1
a=candidate:2999745851 1 udp 2122129151 2001:db8::1 54402 typ host generation 0 network-id 3
a=candidate:1811228203 1 udp 1685987071 203.0.113.7 61000 typ srflx raddr 192.168.1.23 rport 54400 generation 0 network-id 1
a=ice-ufrag:Fq3v
a=ice-pwd:9CzL0kbnm5MTcTHpTuYRo9oi
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70 3c0f7e2a-5b1d-4c8e-9a7f-6e5d4c3b2a10
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:1001911271 cname:k1Vj2Hq7ZrX9sB5y
a=ssrc:1001911271 msid:9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70 3c0f7e2a-5b1d-4c8e-9a7f-6e5d4c3b2a10
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 98 99 45 46 116 117 118
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Fq3v
a=ice-pwd:9CzL0kbnm5MTcTHpTuYRo9oi
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendonly
a=msid:9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70 b7e6d5c4-3a2b-4c1d-8e9f-0a1b2c3d4e5f
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:104 H264/90000
a=rtcp-fb:104 goog-remb
a=rtcp-fb:104 transport-cc
a=rtcp-fb:104 ccm fir
a=rtcp-fb:104 nack
a=rtcp-fb:104 nack pli
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:105 rtx/90000
a=fmtp:105 apt=104
a=rtpmap:106 H264/90000
a=rtcp-fb:106 goog-remb
a=rtcp-fb:106 transport-cc
a=rtcp-fb:106 ccm fir
a=rtcp-fb:106 nack
a=rtcp-fb:106 nack pli
a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=106
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
a=rtpmap:127 H264/90000
a=rtcp-fb:127 goog-remb
a=rtcp-fb:127 transport-cc
a=rtcp-fb:127 ccm fir
a=rtcp-fb:127 nack
a=rtcp-fb:127 nack pli
a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:125 rtx/90000
a=fmtp:125 apt=127
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=rtcp-fb:45 ccm fir
a=rtcp-fb:45 nack
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=rtpmap:116 red/90000
a=rtpmap:117 rtx/90000
a=fmtp:117 apt=116
a=rtpmap:118 ulpfec/90000
a=ssrc-group:FID 2833478913 3466097224
a=ssrc:2833478913 cname:k1Vj2Hq7ZrX9sB5y
a=ssrc:2833478913 msid:9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70 b7e6d5c4-3a2b-4c1d-8e9f-0a1b2c3d4e5f
a=ssrc:3466097224 cname:k1Vj2Hq7ZrX9sB5y
a=ssrc:3466097224 msid:9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70 b7e6d5c4-3a2b-4c1d-8e9f-0a1b2c3d4e5f
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:Fq3v
a=ice-pwd:9CzL0kbnm5MTcTHpTuYRo9oi
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:2
a=sctp-port:5000
a=max-message-size:262144
)");

// Chrome recvonly viewer offer (WHEP: addTransceiver("audio"/"video", {direction:"recvonly"})),
// trimmed to the codecs relevant here; the rtcp-fb uses the * wildcard for video.
inline const std::string kChromeViewerOffer = crlf(R"(v=0
o=- 7294627376457830154 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=extmap-allow-mixed
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111 0
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:aB3d
a=ice-pwd:Zx8yW7vU6tS5rQ4pO3nM2lK1
a=ice-options:trickle
a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=recvonly
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:0 PCMU/8000
m=video 9 UDP/TLS/RTP/SAVPF 102 96 97
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:aB3d
a=ice-pwd:Zx8yW7vU6tS5rQ4pO3nM2lK1
a=ice-options:trickle
a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
a=setup:actpass
a=mid:1
a=extmap:3/recvonly http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:13 urn:3gpp:video-orientation
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:102 H264/90000
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:96 VP8/90000
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtcp-fb:* nack
a=rtcp-fb:* nack pli
a=rtcp-fb:* goog-remb
)");

// GStreamer webrtcbin 1.22 sendonly offer (vp8enc ! rtpvp8pay and opusenc ! rtpopuspay into
// webrtcbin, bundle-policy=max-bundle): upper-case encoding names, ICE credentials per media, no
// a=msid line, msid only on a=ssrc, nack/nack pli also on audio.
inline const std::string kWebrtcbinOffer = crlf(R"(v=0
o=- 3416296946137563212 0 IN IP4 0.0.0.0
s=-
t=0 0
a=ice-options:trickle
a=group:BUNDLE video0 audio1
m=video 9 UDP/TLS/RTP/SAVPF 96
c=IN IP4 0.0.0.0
a=setup:actpass
a=ice-ufrag:Ylj0GmRqlGkRtKl4AbgfZbOsJ1nnWSZo
a=ice-pwd:bmETlBhaRMkdOpWJ3ojdDCzwBfSn9Rcf
a=rtcp-mux
a=rtcp-rsize
a=sendonly
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=framerate:30
a=ssrc:3484078951 msid:user2733862473@host-8d0f1a0b webrtctransceiver0
a=ssrc:3484078951 cname:user2733862473@host-8d0f1a0b
a=mid:video0
a=fingerprint:sha-256 B2:71:9B:AA:6E:4C:30:51:8F:C2:5D:0A:3E:77:19:E4:60:2C:DB:8A:91:55:3F:0D:C8:1E:47:6B:A2:93:5F:0C
a=candidate:1 1 UDP 2015363327 10.0.0.5 47643 typ host
a=candidate:2 1 TCP 1015021823 10.0.0.5 9 typ host tcptype active
m=audio 9 UDP/TLS/RTP/SAVPF 97
c=IN IP4 0.0.0.0
a=setup:actpass
a=ice-ufrag:Ylj0GmRqlGkRtKl4AbgfZbOsJ1nnWSZo
a=ice-pwd:bmETlBhaRMkdOpWJ3ojdDCzwBfSn9Rcf
a=rtcp-mux
a=rtcp-rsize
a=sendonly
a=rtpmap:97 OPUS/48000/2
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=fmtp:97 sprop-maxcapturerate=48000;sprop-stereo=0
a=ssrc:1692391223 msid:user2733862473@host-8d0f1a0b webrtctransceiver1
a=ssrc:1692391223 cname:user2733862473@host-8d0f1a0b
a=mid:audio1
a=fingerprint:sha-256 B2:71:9B:AA:6E:4C:30:51:8F:C2:5D:0A:3E:77:19:E4:60:2C:DB:8A:91:55:3F:0D:C8:1E:47:6B:A2:93:5F:0C
)");

}  // namespace vcb::signaling::testsdp
