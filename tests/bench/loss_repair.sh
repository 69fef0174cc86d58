#!/bin/bash
# Loss repair, end to end: 1 WHIP publisher (webrtcbin, 320x240 VP8 30 fps + Opus) -> 3 WHEP
# viewers, random UDP loss on every hop (nftables drop on lo's input: each datagram crosses it
# once), 20 s of viewing; prints the video frames each viewer decoded and the NACK counters.
# usage (root, nftables installed):
#   unshare --net tests/bench/loss_repair.sh <vcbridge> <loss %> <tag> [client bin dir]
# The client tools are vcb-whip-publish and vcb-whep-view (build/clients/gst).
set -u
BIN=$1; LOSS=$2; TAG=$3; TOOLS=${4:-$(dirname "$0")/../../build/clients/gst}
D=${LOSS_REPAIR_OUT:-/tmp/loss-repair}/run-$TAG-$LOSS; mkdir -p $D
ip link set lo up
nft add table inet t; nft add chain inet t in '{ type filter hook input priority 0; }'
[ "$LOSS" != 0 ] && nft add rule inet t in meta l4proto udp numgen random mod 100 '<' $LOSS drop
$BIN --listen 127.0.0.1:18080 --media-ip 127.0.0.1 --rtc-ports 41000-41099 > $D/server.log 2>&1 &
SP=$!
for i in $(seq 1 100); do grep -q "listening on" $D/server.log && break; sleep 0.1; done
U=http://127.0.0.1:18080
timeout 40 $TOOLS/vcb-whip-publish --url $U/whip/m1 --duration 25 > $D/pub.log 2>&1 &
PP=$!
sleep 2
VP=()
for v in 1 2 3; do
  timeout 40 $TOOLS/vcb-whep-view --url $U/whep/m1 --frames 1000000 --timeout 20 > $D/view$v.json 2>$D/view$v.err &
  VP+=($!)
done
wait ${VP[@]}
curl -s $U/metrics > $D/metrics.txt
kill $PP 2>/dev/null; wait $PP 2>/dev/null
kill $SP; wait $SP 2>/dev/null
echo -n "$TAG loss=$LOSS frames:"
# per viewer: video frames decoded (longest gap between two frames ms / between two audio buffers ms)
for v in 1 2 3; do python3 -c "import json,sys; d=json.load(open('$D/view$v.json')); g=lambda k,f: ','.join(str(s[f]) for s in d['streams'] if s['kind']==k); print(' '+g('video','framesDecoded')+' ('+g('video','maxGapMs')+'/'+g('audio','maxGapMs')+')', end='')" 2>/dev/null || echo -n " ERR"; done
echo -n " | "; grep -E "^vcb_(nacks_sent|packets_repaired|packets_given_up|nacks_received|nacks_unanswered|nacks_refused|rtp_packets_retransmitted|rtp_packets_retransmitted_rtx|rtp_packets_received|keyframe_requests_sent)_total" $D/metrics.txt | tr '\n' ' '; echo
