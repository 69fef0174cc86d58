#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

    tests/fuzz/make_seeds.py [--build-dir build-fuzz]

Packets are built field by field from their RFCs; SDP offers come from tests/sdp/TestSdps.hpp.
Two seeds are captured from the product itself when the fuzz targets are built (--build-dir):
a real DTLS handshake (fuzz_dtls with VCB_FUZZ_DUMP_HANDSHAKE) and the server subscribe offer
that fuzz_sdp applies answers to (VCB_FUZZ_PRINT_OFFER). Without a build those files are left as
committed. Seeds are deterministic, so re-running only changes files whose recipe changed.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- RTP (RFC 3550, RFC 8285)

def rtp(pt, seq, ts, ssrc, payload, marker=False, csrcs=(), ext=None, padding=0):
    """ext = (profile, element bytes) or None; element bytes are padded to 32 bits here."""
    b0 = 0x80 | (0x20 if padding else 0) | (0x10 if ext else 0) | len(csrcs)
    out = struct.pack("!BBHII", b0, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    for c in csrcs:
        out += struct.pack("!I", c)
    if ext:
        profile, elems = ext
        elems += b"\0" * (-len(elems) % 4)
        out += struct.pack("!HH", profile, len(elems) // 4) + elems
    out += payload
    if padding:
        out += b"\0" * (padding - 1) + bytes([padding])
    return out


def one_byte(*elements):
    return b"".join(bytes([(i << 4) | (len(v) - 1)]) + v for i, v in elements)


def two_byte(*elements):
    return b"".join(bytes([i, len(v)]) + v for i, v in elements)


VP8_KEY = bytes([0x90, 0x80, 0x80, 0x01]) + bytes([0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A,
                                                     0x80, 0x02, 0xE0, 0x01]) + b"\x11" * 20
VP8_DELTA = bytes([0x90, 0xE0, 0x80, 0x02, 0x05, 0x40]) + bytes([0x31, 0x01, 0x00]) + b"\x22" * 16
H264_STAP_A = bytes([0x78]) + struct.pack("!H", 9) + bytes([0x67, 0x42, 0xE0, 0x1F, 0xDA, 0x01,
                                                           0x40, 0x16, 0xE8]) + \
    struct.pack("!H", 4) + bytes([0x68, 0xCE, 0x3C, 0x80])
H264_FU_A_IDR_START = bytes([0x7C, 0x85]) + b"\x88\x84" + b"\x33" * 30
H264_FU_A_END = bytes([0x7C, 0x45]) + b"\x44" * 12
H264_SINGLE_IDR = bytes([0x65, 0x88, 0x84]) + b"\x55" * 10
H264_SINGLE_P = bytes([0x41, 0x9A]) + b"\x66" * 10
OPUS = bytes([0xFC, 0xFF, 0xFE]) + b"\x77" * 40


def rtp_seeds():
    mid = (1, b"0")
    level = (2, bytes([0x80 | 30]))
    abs_send = (3, bytes([0x12, 0x34, 0x56]))
    twcc = (4, struct.pack("!H", 4242))
    rid = (5, b"hi")
    write("fuzz_rtp", "opus-onebyte-ext", rtp(111, 1000, 48000, 0x11111111, OPUS,
                                               ext=(0xBEDE, one_byte(mid, level, abs_send, twcc))))
    write("fuzz_rtp", "vp8-key-onebyte-ext", rtp(96, 2000, 90000, 0x22222222, VP8_KEY, marker=True,
                                                  ext=(0xBEDE, one_byte(mid, abs_send, twcc, rid))))
    write("fuzz_rtp", "vp8-twobyte-ext-csrc-padding",
          rtp(96, 65535, 123456, 0x33333333, VP8_DELTA, csrcs=(0xAAAA, 0xBBBB),
              ext=(0x1000, two_byte((1, b"video"), (200, b"x" * 20), (7, b""))), padding=4))
    write("fuzz_rtp", "h264-stap-a", rtp(102, 7, 7, 0x44444444, H264_STAP_A,
                                         ext=(0xBEDE, one_byte(mid, twcc) + b"\0\0" +
                                              bytes([0xF0]) + b"junk")))
    write("fuzz_rtp", "no-ext", rtp(0, 1, 2, 3, b"\x01\x02\x03"))
    write("fuzz_rtp", "padding-only", rtp(96, 5, 5, 5, b"", padding=8))


# ---------------------------------------------------------------- RTCP (RFC 3550, 4585, 5104)

def rtcp(count, pt, body, pad=False):
    body = bytes(body)
    padding = 0
    if pad or len(body) % 4:
        padding = -len(body) % 4 or 4
        body += b"\0" * (padding - 1) + bytes([padding])
    size = 4 + len(body)
    return struct.pack("!BBH", 0x80 | (0x20 if padding else 0) | count, pt, size // 4 - 1) + body


def report_block(ssrc, lost=3, cum=-5, ext_seq=70000, jitter=12, lsr=0xABCD0000, dlsr=65536):
    return struct.pack("!IB", ssrc, lost) + (cum & 0xFFFFFF).to_bytes(3, "big") + \
        struct.pack("!IIII", ext_seq, jitter, lsr, dlsr)


def sr(ssrc, blocks=()):
    body = struct.pack("!IQIII", ssrc, 0xE3C1A2B3C4D5E6F7, 90000, 100, 64000)
    return rtcp(len(blocks), 200, body + b"".join(blocks))


def rr(ssrc, blocks=()):
    return rtcp(len(blocks), 201, struct.pack("!I", ssrc) + b"".join(blocks))


def sdes(chunks):
    body = b""
    for ssrc, items in chunks:
        c = struct.pack("!I", ssrc)
        for t, text in items:
            c += bytes([t, len(text)]) + text
        c += b"\0"
        c += b"\0" * (-len(c) % 4)
        body += c
    return rtcp(len(chunks), 202, body)


def bye(ssrcs, reason=b""):
    body = b"".join(struct.pack("!I", s) for s in ssrcs)
    if reason:
        r = bytes([len(reason)]) + reason
        body += r + b"\0" * (-len(r) % 4)
    return rtcp(len(ssrcs), 203, body)


def nack(sender, media, items):
    return rtcp(1, 205, struct.pack("!II", sender, media) +
                b"".join(struct.pack("!HH", pid, blp) for pid, blp in items))


def pli(sender, media):
    return rtcp(1, 206, struct.pack("!II", sender, media))


def fir(sender, entries):
    return rtcp(4, 206, struct.pack("!II", sender, 0) +
                b"".join(struct.pack("!IB3x", s, n) for s, n in entries))


def remb(sender, bitrate, ssrcs):
    exp = 0
    while (bitrate >> exp) > 0x3FFFF:
        exp += 1
    word = (exp << 18) | (bitrate >> exp)
    return rtcp(15, 206, struct.pack("!II", sender, 0) + b"REMB" + bytes([len(ssrcs)]) +
                word.to_bytes(3, "big") + b"".join(struct.pack("!I", s) for s in ssrcs))


def tcc(sender, media, base, count, ref, fb_count, chunks, deltas, pad=True):
    body = struct.pack("!IIHH", sender, media, base, count) + (ref & 0xFFFFFF).to_bytes(3, "big")
    body += bytes([fb_count]) + b"".join(struct.pack("!H", c) for c in chunks) + deltas
    return rtcp(15, 205, body, pad=pad and len(body) % 4 != 0)


def rtcp_seeds():
    write("fuzz_rtcp", "sr-sdes", sr(0x11111111, [report_block(0x22222222)]) +
          sdes([(0x11111111, [(1, b"user123@host-abcdef")])]))
    write("fuzz_rtcp", "rr-sdes-multi", rr(0x33333333, [report_block(0x1), report_block(0x2)]) +
          sdes([(0x33333333, [(1, b"c1"), (2, b"name")]), (0x44444444, [(1, b"c2")])]))
    write("fuzz_rtcp", "rr-empty-remb", rr(1) + remb(1, 1_500_000, [0x11111111, 0x22222222]))
    write("fuzz_rtcp", "nack", rr(5) + nack(5, 0x11111111, [(100, 0x8001), (65530, 0xFFFF)]))
    write("fuzz_rtcp", "pli", rr(5) + pli(5, 0x22222222))
    write("fuzz_rtcp", "fir", rr(5) + fir(5, [(0x22222222, 7), (0x33333333, 255)]))
    write("fuzz_rtcp", "remb-large", remb(9, 123_456_789_012, [0x5]))
    # 24 statuses: run of 10 small deltas, then a 1-bit vector of 14 (1,0,1,1,0,0,1,1,1,0,1,0,0,1).
    bits = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1]
    vec = 0x8000 | sum(b << (13 - i) for i, b in enumerate(bits))
    deltas = bytes([4] * 10 + [8] * sum(bits))
    write("fuzz_rtcp", "tcc-run-1bit", rr(5) + tcc(5, 0x11111111, 100, 24, 1000, 3,
                                                   [0x2000 | 10, vec], deltas))
    # 7 statuses in a 2-bit vector: small, large(negative), lost, small, large, small, lost.
    syms = [1, 2, 0, 1, 2, 1, 0]
    vec2 = 0xC000 | sum(s << (12 - 2 * i) for i, s in enumerate(syms))
    d2 = bytes([10]) + struct.pack("!h", -40) + bytes([3]) + struct.pack("!h", 3000) + bytes([1])
    write("fuzz_rtcp", "tcc-2bit-wrap", tcc(5, 0x11111111, 65533, 7, -2, 255, [vec2], d2))
    write("fuzz_rtcp", "tcc-lost-run", tcc(6, 7, 0, 300, 0x7FFFFF, 0, [0x0000 | 299, 0x2001],
                                           bytes([250])))
    write("fuzz_rtcp", "bye", bye([0x11111111, 0x22222222], b"leaving"))
    write("fuzz_rtcp", "compound-everything",
          sr(1, [report_block(2)]) + sdes([(1, [(1, b"cn")])]) + nack(1, 2, [(1, 1)]) +
          pli(1, 2) + fir(1, [(2, 1)]) + remb(1, 300000, [2]) +
          tcc(1, 2, 10, 3, 5, 1, [0x2003], bytes([1, 2, 3])) + bye([1]))
    write("fuzz_rtcp", "app-xr-unknown", rr(1) + rtcp(0, 204, b"\0\0\0\1name1234") +
          rtcp(0, 207, b"\0\0\0\1\4\0\0\2" + b"\0" * 8))


# ---------------------------------------------------------------- STUN (RFC 5389, RFC 8445)

MAGIC = 0x2112A442


def stun_attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def stun(msg_type, tid, attrs, pwd=None, fingerprint=True):
    body = b"".join(stun_attr(t, v) for t, v in attrs)
    if pwd is not None:
        hdr = struct.pack("!HHI", msg_type, len(body) + 24, MAGIC) + tid
        mac = hmac.new(pwd.encode(), hdr + body, hashlib.sha1).digest()
        body += stun_attr(0x0008, mac)
    if fingerprint:
        hdr = struct.pack("!HHI", msg_type, len(body) + 8, MAGIC) + tid
        crc = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += stun_attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", msg_type, len(body), MAGIC) + tid + body


def xor_address(ip, port, tid):
    a = bytes(int(x) for x in ip.split("."))
    xport = port ^ (MAGIC >> 16)
    xaddr = bytes(b ^ m for b, m in zip(a, struct.pack("!I", MAGIC)))
    return struct.pack("!BBH", 0, 1, xport) + xaddr


def stun_seeds():
    tid = bytes(range(1, 13))
    write("fuzz_stun", "binding-request", stun(0x0001, tid, [
        (0x0006, b"srvufrag:cliufrag"), (0x0024, struct.pack("!I", 1853824767)),
        (0x802A, struct.pack("!Q", 0x1122334455667788)), (0x0025, b"")],
        pwd="serverIcePassword0123456"))
    write("fuzz_stun", "binding-success", stun(0x0101, tid, [
        (0x0020, xor_address("192.0.2.10", 50000, tid))], pwd="clientpwd"))
    write("fuzz_stun", "binding-error", stun(0x0111, tid, [
        (0x0009, struct.pack("!HBB", 0, 4, 87) + b"Role Conflict")], fingerprint=False))
    write("fuzz_stun", "indication-unknown-attrs", stun(0x0011, tid, [
        (0x8022, b"vcbridge"), (0x7777, b"\1\2\3")]))


# ---------------------------------------------------------------- codec payloads

def codec_seeds():
    for name, data in [("vp8-key", VP8_KEY), ("vp8-delta", VP8_DELTA),
                       ("vp8-short-pid", bytes([0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9D, 0x01,
                                                0x2A, 0x80, 0x02, 0xE0, 0x01])),
                       ("h264-stap-a", H264_STAP_A), ("h264-fu-a-idr-start", H264_FU_A_IDR_START),
                       ("h264-fu-a-end", H264_FU_A_END), ("h264-single-idr", H264_SINGLE_IDR),
                       ("h264-single-p", H264_SINGLE_P)]:
        write("fuzz_codec", name, data)


# ---------------------------------------------------------------- SDP

def sdp_offers():
    """The raw-string offers of tests/sdp/TestSdps.hpp, with CRLF line ends like crlf()."""
    text = open(os.path.join(ROOT, "tests", "sdp", "TestSdps.hpp")).read()
    offers = {}
    for m in re.finditer(r'inline const std::string (\w+) = crlf\(R"\((.*?)\)"\);', text, re.S):
        offers[m.group(1)] = m.group(2).replace("\r\n", "\n").replace("\n", "\r\n")
    return offers


# Answer of a recvonly browser to the server offer of fuzz_sdp (captured with
# VCB_FUZZ_PRINT_OFFER=1); rebuilt from the live offer when --build-dir is given.
def answer_for(offer):
    lines = offer.replace("\r\n", "\n").split("\n")
    out = []
    for line in lines:
        if not line:
            continue
        if line.startswith(("a=ice-lite", "a=ssrc", "a=msid:", "a=candidate", "a=end-of-cand")):
            continue
        if line.startswith("a=ice-ufrag:"):
            line = "a=ice-ufrag:cli1"
        elif line.startswith("a=ice-pwd:"):
            line = "a=ice-pwd:clientIcePassword01234567"
        elif line.startswith("a=fingerprint:"):
            line = "a=fingerprint:sha-256 " + ":".join(["AB"] * 32)
        elif line.startswith("a=setup:"):
            line = "a=setup:active"
        elif line == "a=sendonly":
            line = "a=recvonly"
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def sdp_seeds(build_dir):
    offers = sdp_offers()
    for name, text in offers.items():
        write("fuzz_sdp", name, text)
    target = os.path.join(build_dir, "tests", "fuzz", "fuzz_sdp") if build_dir else None
    if target and os.path.exists(target):
        offer = subprocess.run([target], env=dict(os.environ, VCB_FUZZ_PRINT_OFFER="1"),
                               check=True, capture_output=True, text=True).stdout
        write("fuzz_sdp", "server-subscribe-offer", offer)
        write("fuzz_sdp", "subscribe-answer", answer_for(offer))

    # Trickle bodies and single candidate values.
    frag = ("a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 RTP/AVP 0\r\n"
            "a=mid:0\r\n"
            "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 "
            "ufrag EsAw network-id 1\r\n"
            "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0\r\n"
            "a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active\r\n"
            "a=candidate:2154773085 1 udp 1686052607 203.0.113.7 61764 typ srflx raddr "
            "192.0.2.1 rport 61764\r\n"
            "a=candidate:1 1 UDP 41885439 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0\r\n"
            "a=candidate:2 1 udp 2122262783 2001:db8::1 50000 typ host\r\n"
            "a=candidate:3 1 udp 2122262783 4a6e0c7e-1c7d-4f3c-9e88-1f8f6f0e0d11.local 50001 "
            "typ host\r\n"
            "a=candidate:4 2 udp 2122262782 192.0.2.1 61766 typ host\r\n"
            "a=end-of-candidates\r\n")
    write("fuzz_sdpfrag", "whip-patch-body", frag)
    write("fuzz_sdpfrag", "ws-trickle-value",
          "candidate:842163049 1 udp 1677729535 203.0.113.7 40000 typ srflx raddr 0.0.0.0 rport 0 "
          "generation 0 ufrag abcd network-cost 999")
    write("fuzz_sdpfrag", "bare-value", "1 1 UDP 2015363327 10.0.0.5 47643 typ host")
    write("fuzz_sdpfrag", "prflx-lf-only",
          "a=candidate:9 1 udp 1845501695 192.0.2.77 5000 typ prflx\n\na=candidate:x\n")


# ---------------------------------------------------------------- WebSocket JSON (docs/protocol.md)

def ws_seeds():
    offers = sdp_offers()
    offer = offers.get("kChromeOffer", "v=0\r\n")
    client = {
        "join": {"type": "join", "meeting": "team-42", "displayName": "Ana Müller",
                 "token": "t0k", "autoSubscribe": False, "requestId": 1},
        "publish": {"type": "publish", "sdp": offer, "requestId": 2},
        "publish-screen": {"type": "publish", "sdp": "v=0\r\n", "screenMid": "2", "requestId": 2},
        "unpublish": {"type": "unpublish", "requestId": 3},
        "subscribe": {"type": "subscribe", "trackIds": ["p1-audio", "p1-video"], "requestId": 4},
        "unsubscribe": {"type": "unsubscribe", "trackIds": ["p1-video"]},
        "answer": {"type": "answer", "sdp": "v=0\r\n", "revision": 3, "requestId": 5},
        "trickle": {"type": "trickle", "pc": "publish", "sdpMid": "0",
                    "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host"},
        "trickle-end": {"type": "trickle", "pc": "subscribe", "candidate": "", "sdpMid": None},
        "leave": {"type": "leave"},
        "ping": {"type": "ping", "requestId": 77},
        "ping-id-too-large": {"type": "ping", "requestId": 9007199254740993},
        "setSpeakerTimeLimit": {"type": "setSpeakerTimeLimit", "limitSeconds": 180,
                                "warningSeconds": 30, "requestId": 6},
        "setSpeakerTimeLimit-clear": {"type": "setSpeakerTimeLimit", "limitSeconds": None},
        "handOverChair": {"type": "handOverChair", "subject": "pho-chu-tich"},
        "muteUnit": {"type": "muteUnit", "unit": "ha-noi.ba-dinh"},
        "getStats": {"type": "getStats", "requestId": 12},
        "endpointReport": {"type": "endpointReport", "requestId": 4, "version": "0.2.0",
                           "camera": "/dev/video0", "cameraAvailable": True,
                           "microphone": "hw:1", "display": "kms", "speaker": "hw:0",
                           "encoder": "vah264enc (H264, hardware)", "videoWidth": 1280,
                           "videoHeight": 720, "fps": 25, "restarts": 1, "uptimeS": 3600},
        "endpointReport-out-of-range": {"type": "endpointReport", "encoder": "\u0007",
                                        "videoWidth": 16385, "fps": 0},
        "endpointCommand": {"type": "endpointCommand", "participantId": "p3",
                            "action": "reload", "requestId": 5},
    }
    track = {"id": "p1-audio", "kind": "audio"}
    participant = {"id": "p1", "displayName": "Bob", "tracks": [track,
                                                                {"id": "p1-video", "kind": "video"}]}
    server = {
        "joined": {"type": "joined", "participantId": "p2", "meeting": "team-42",
                   "participants": [participant], "requestId": 1},
        "answer": {"type": "answer", "pc": "publish", "sdp": "v=0\r\n", "requestId": 2},
        "offer": {"type": "offer", "pc": "subscribe", "sdp": "v=0\r\n", "revision": 4},
        "participantJoined": {"type": "participantJoined", "participant": participant},
        "participantLeft": {"type": "participantLeft", "participantId": "p1"},
        "trackPublished": {"type": "trackPublished", "participantId": "p1", "track": track},
        "trackPublished-screen": {"type": "trackPublished", "participantId": "p1",
                                  "track": {"id": "p1-screen", "kind": "video",
                                            "source": "screen"}},
        "trackUnpublished": {"type": "trackUnpublished", "participantId": "p1",
                             "trackId": "p1-video"},
        "error": {"type": "error", "code": "bad_sdp", "message": "no BUNDLE", "requestId": 2},
        "pong": {"type": "pong", "requestId": 9},
        "sessionClosed": {"type": "sessionClosed", "reason": "replaced"},
        "stats": {"type": "stats", "time": 1764900000000, "requestId": 12, "participants": [
            {"participantId": "p1", "unit": "thanh-son", "role": "delegate",
             "publish": {"audio": {"kbps": 32.1, "packetsLost": 0, "lossPercent": 0.0},
                         "video": {"kbps": 812.5, "packetsLost": 3, "lossPercent": 0.2,
                                   "width": 320, "height": 240, "fps": 29.5},
                         "screen": {"kbps": 1500.0, "packetsLost": 0, "lossPercent": 0.0,
                                    "width": 1280, "height": 720, "fps": 5.0}},
             "subscribe": {"kbps": 1200.0, "rttMs": 12.5, "lossPercent": 0.0}},
            {"participantId": "p2", "unit": "", "role": "technician",
             "publish": {"audio": None, "video": None},
             "subscribe": {"kbps": None, "rttMs": None, "lossPercent": None}}]},
        "endpointCommand": {"type": "endpointCommand", "action": "restart", "by": "tech-huyen"},
        "stats-endpoint": {"type": "stats", "time": 1764900000000, "participants": [
            {"participantId": "p1", "unit": "thanh-son.x-phu-loc", "role": "room",
             "publish": {"audio": None, "video": None, "screen": None},
             "subscribe": {"kbps": None, "rttMs": None, "lossPercent": None}, "transports": [],
             "endpoint": {"version": "0.2.0", "camera": "test", "cameraAvailable": True,
                          "microphone": None, "display": "fakesink", "speaker": "fakesink",
                          "encoder": "x264enc (H264, software)", "videoWidth": 320,
                          "videoHeight": 240, "fps": 15, "restarts": 0, "uptimeS": 12,
                          "time": 1764900000000}}],
         "totals": {"participants": 1, "publishers": 0}},
    }
    for name, msg in client.items():
        write("fuzz_ws_json", "client-" + name, json.dumps(msg, ensure_ascii=False))
    for name, msg in server.items():
        write("fuzz_ws_json", "server-" + name, json.dumps(msg))
    write("fuzz_ws_json", "escapes-and-extras",
          '{"type":"join","meeting":"m","displayName":"\\u00e9\\ud83d\\ude00","x":[1,{"y":null}],'
          '"requestId":1e3}')


# ---------------------------------------------------------------- JWT (RFC 7515, RFC 7519)

# Must match fuzz_jwt.cpp: its HS256 secret, and the private half of its ES256 public key
# (a throwaway test key).
JWT_SECRET = b"fuzz-jwt-hs256-secret-0123456789abcdef"
JWT_ES256_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgo7dJHDauUuqnLxVf
sPpLYsllMWtCFduO+o74pTpgBb+hRANCAAQSh9gL0G+bzR2eTuUAU4GMwhF1uSC6
n75XgShinZc9HJUq/Sq633MG2ssj9gblDfoO6fVzLF0uVy4wEGtG546t
-----END PRIVATE KEY-----
"""
JWT_NOW = 1800000000


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header, payload, sign):
    h = header if isinstance(header, str) else json.dumps(header, separators=(",", ":"))
    p = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"),
                                                            ensure_ascii=False)
    signing_input = b64url(h) + "." + b64url(p)
    return signing_input + "." + b64url(sign(signing_input.encode()))


def hs256(data, key=JWT_SECRET):
    return hmac.new(key, data, hashlib.sha256).digest()


def der_ecdsa_to_raw(der):
    """ECDSA-Sig-Value (SEQUENCE of two INTEGERs) -> R||S, 32 bytes each."""
    assert der[0] == 0x30
    pos = 2 if der[1] < 0x80 else 3
    out = b""
    for _ in range(2):
        assert der[pos] == 0x02
        n = der[pos + 1]
        out += der[pos + 2:pos + 2 + n].lstrip(b"\0").rjust(32, b"\0")
        pos += 2 + n
    return out


def es256(data):
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "key.pem")
        with open(key, "w") as f:
            f.write(JWT_ES256_PRIVATE_KEY)
        der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=data,
                             capture_output=True, check=True).stdout
    return der_ecdsa_to_raw(der)


def jwt_seeds():
    hs = {"alg": "HS256", "typ": "JWT"}
    es = {"alg": "ES256", "typ": "JWT"}
    good = {"meeting": "m1", "exp": JWT_NOW + 3600}
    full = {"sub": "alice", "meeting": "m1", "name": "Chủ tịch xã", "role": "chair",
            "iat": JWT_NOW - 10, "nbf": JWT_NOW - 10, "exp": JWT_NOW + 600,
            "iss": "vcb-fuzz", "aud": ["x", "vcbridge"]}
    tokens = {
        "hs256-valid": jws(hs, good, hs256),
        "hs256-all-claims": jws(hs, full, hs256),
        "hs256-any-meeting-viewer": jws(hs, {"meeting": "*", "role": "viewer",
                                             "exp": JWT_NOW + 1.5}, hs256),
        "hs256-expired": jws(hs, {"meeting": "m1", "exp": JWT_NOW - 31}, hs256),
        "hs256-not-yet-valid": jws(hs, dict(good, nbf=JWT_NOW + 600), hs256),
        "hs256-other-meeting": jws(hs, dict(good, meeting="m2"), hs256),
        "hs256-exp-string": jws(hs, {"meeting": "m1", "exp": str(JWT_NOW + 3600)}, hs256),
        "hs256-payload-array": jws(hs, "[1,2,3]", hs256),
        "hs256-wrong-key": jws(hs, good, lambda d: hs256(d, b"another-secret-of-32-bytes-or-more")),
        "hs256-crit": jws({"alg": "HS256", "crit": ["exp"]}, good, hs256),
        "alg-none": jws({"alg": "none"}, good, lambda d: b""),
        "alg-confusion-es256-header": jws(es, full, hs256),
        "malformed-padding": jws(hs, good, hs256) + "==",
        "malformed-four-parts": jws(hs, good, hs256) + ".AAAA",
    }
    # ECDSA signatures are randomized: write these once and keep them stable.
    for name, payload in (("es256-valid", full), ("es256-wrong-audience", dict(full, aud="a"))):
        if not os.path.exists(os.path.join(CORPUS, "fuzz_jwt", name)):
            tokens[name] = jws(es, payload, es256)
    for name, token in tokens.items():
        write("fuzz_jwt", name, token)
    # Bare claims: the target also signs its input as a payload.
    write("fuzz_jwt", "claims-all", json.dumps(full, ensure_ascii=False))
    write("fuzz_jwt", "claims-extreme-dates",
          '{"meeting":"m1","exp":18446744073709551615,"nbf":-1e300,"iat":1.8e9}')
    write("fuzz_jwt", "claims-duplicates",
          '{"meeting":"m1","meeting":"*","exp":1900000000,"role":"viewer","role":"chair"}')


# ---------------------------------------------------------------- DTLS

def frame(mode, datagrams):
    return bytes([mode]) + b"".join(struct.pack("!H", len(d)) + d for d in datagrams)


def dtls_record(content_type, epoch, seq, payload):
    return struct.pack("!BHH", content_type, 0xFEFD, epoch) + seq.to_bytes(6, "big") + \
        struct.pack("!H", len(payload)) + payload


def dtls_seeds(build_dir):
    target = os.path.join(build_dir, "tests", "fuzz", "fuzz_dtls") if build_dir else None
    if not (target and os.path.exists(target)):
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([target], env=dict(os.environ, VCB_FUZZ_DUMP_HANDSHAKE=tmp), check=True,
                       capture_output=True)
        names = sorted(os.listdir(tmp), key=lambda n: int(n.split("-")[1].split(".")[0]))
        client = [open(os.path.join(tmp, n), "rb").read() for n in names if n.startswith("client")]
    hello = client[0]
    garbage = [
        dtls_record(23, 1, 5, b"\x00" * 48),                   # application data, epoch 1
        dtls_record(21, 0, 9, b"\x02\x28"),                    # fatal handshake_failure alert
        dtls_record(20, 0, 3, b"\x01"),                        # stray ChangeCipherSpec
        b"\x16\xfe\xfd\x00\x00" + b"\xff" * 8,                 # truncated record header
        hello[:-7],                                            # truncated ClientHello
    ]
    write("fuzz_dtls", "client-hello", frame(0, [hello]))
    write("fuzz_dtls", "client-flights-replayed", frame(0, client))
    write("fuzz_dtls", "garbage-then-handshake", frame(1, garbage + [hello]))
    write("fuzz_dtls", "garbage-after-handshake", frame(2, garbage + [hello] + client[1:]))
    write("fuzz_dtls", "garbage-during-handshake", frame(3, [garbage[0], hello, garbage[2]]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-fuzz"),
                   help="build with the fuzz targets (for the captured seeds)")
    args = p.parse_args()
    rtp_seeds()
    rtcp_seeds()
    stun_seeds()
    codec_seeds()
    sdp_seeds(args.build_dir)
    ws_seeds()
    dtls_seeds(args.build_dir)
    jwt_seeds()
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(CORPUS) for f in fs)
    print(f"corpus: {total} bytes in {CORPUS}")


if __name__ == "__main__":
    main()
