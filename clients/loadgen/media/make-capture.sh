#!/bin/sh
# Regenerates vp8-opus.rtp, the media every vcb-loadgen publisher replays: 4 s of VP8 (640x360,
# 30 fps, ~600 kbit/s, a key frame every 30 frames) and Opus (48 kHz stereo, 20 ms, 32 kbit/s)
# RTP packets, funnelled into one RFC 4571 stream (2-byte big-endian length, then the packet).
# The loader tells the streams apart by payload type (VP8 96, Opus 111) and paces each one by
# its own RTP timestamps. Needs gst-launch-1.0 with plugins base/good (vp8, opus, rtp).
set -eu
out="${1:-$(dirname "$0")/vp8-opus.rtp}"
gst-launch-1.0 -q \
  funnel name=mux ! rtpstreampay ! filesink location="$out" \
  videotestsrc num-buffers=120 pattern=smpte horizontal-speed=4 ! video/x-raw,width=640,height=360,framerate=30/1 \
    ! vp8enc target-bitrate=600000 keyframe-max-dist=30 deadline=1 cpu-used=8 \
    ! rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! mux. \
  audiotestsrc num-buffers=200 samplesperbuffer=960 wave=sine freq=440 \
    ! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=32000 frame-size=20 \
    ! rtpopuspay pt=111 mtu=1200 ! mux.
ls -l "$out"
