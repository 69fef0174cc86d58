#!/bin/bash
# Loss benchmark, vcbridge vs Janus VideoRoom side by side (issue 9 §2): 1 publisher
# (vcb-whip-publish, webrtcbin, 320x240 VP8 30 fps + Opus) -> 3 viewers (vcb-whep-view), random
# UDP loss on every link, 20 s of viewing. The same client binaries talk WHIP/WHEP to vcbridge and
# Janus's HTTP API (--janus) to Janus, so media, NACK/RTX settings and statistics are identical.
# For each loss rate, each run, each server: a fresh network namespace and server. Prints one
# line per run: video frames decoded per viewer (of ~600 sent while it watches), longest video
# and audio gap, audio buffers, setup failures (a viewer that never connected; the publisher's
# state), and vcbridge's NACK counters.
# usage (root; nftables and janus installed, e.g. apt-get install -y janus nftables):
#   tests/bench/loss_compare.sh [client/server build dir]        # default build/
# Environment: LOSS_RATES ("0 2 10", % of UDP datagrams dropped), LOSS_RUNS (2 per rate),
# LOSS_SERVERS ("vcbridge janus"), LOSS_OUT (results dir, default /tmp/loss-compare-<time>).
#
# Network: in each namespace a veth interface carries 10.78.0.1 (libnice, Janus's included,
# never gathers 127.0.0.1); server and clients all use it, so every datagram is delivered through
# loopback and crosses the input hook once, where nftables drops `numgen random mod 100 < L`:
# uplink, each downlink, RTCP and retransmissions all lose L %. Signalling (TCP) is not dropped.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SELF=$ROOT/tests/bench/loss_compare.sh
IP=10.78.0.1
ROOM=1234

# --- one run, inside its own namespace: loss_compare.sh --run <server> <loss> <dir> <build> ---
if [ "${1:-}" = --run ]; then
    SERVER=$2 LOSS=$3 D=$4 BUILD=$5
    TOOLS=$BUILD/clients/gst
    mkdir -p "$D"
    ip link set lo up
    # (no dummy module here: a veth pair whose far end stays in this namespace does as well)
    ip link add v0 type veth peer name v1 && ip link set v1 up
    ip addr add $IP/24 dev v0 && ip link set v0 up
    ip route add default dev v0  # Janus takes its address from the default route
    nft add table inet t
    nft add chain inet t in '{ type filter hook input priority 0; }'
    [ "$LOSS" != 0 ] && nft add rule inet t in meta l4proto udp numgen random mod 100 '<' "$LOSS" drop
    if [ "$SERVER" = janus ]; then
        janus -C "$D/../janus-conf/janus.jcfg" -F "$D/../janus-conf" -o >"$D/server.log" 2>&1 &
        SP=$!
        PUB=(--janus http://$IP:8088/janus --room $ROOM)
        VIEW=("${PUB[@]}")
        PROBE=http://$IP:8088/janus/info
    else
        "$BUILD/app/vcbridge" --listen $IP:18080 --media-ip $IP --rtc-ports 41000-41099 \
            >"$D/server.log" 2>&1 &
        SP=$!
        PUB=(--url http://$IP:18080/whip/m1)
        VIEW=(--url http://$IP:18080/whep/m1)
        PROBE=http://$IP:18080/healthz
    fi
    for _ in $(seq 1 100); do curl -s -o /dev/null --max-time 1 "$PROBE" && break; sleep 0.1; done
    timeout 40 "$TOOLS/vcb-whip-publish" "${PUB[@]}" --duration 25 >"$D/pub.json" 2>"$D/pub.err" &
    PP=$!
    sleep 2
    VP=()
    for v in 1 2 3; do
        timeout 40 "$TOOLS/vcb-whep-view" "${VIEW[@]}" --frames 1000000 --timeout 20 \
            >"$D/view$v.json" 2>"$D/view$v.err" &
        VP+=($!)
    done
    wait "${VP[@]}"
    [ "$SERVER" = vcbridge ] && curl -s --max-time 5 http://$IP:18080/metrics >"$D/metrics.txt"
    kill $PP 2>/dev/null; wait $PP 2>/dev/null
    kill $SP 2>/dev/null
    for _ in $(seq 1 50); do kill -0 $SP 2>/dev/null || break; sleep 0.1; done
    kill -9 $SP 2>/dev/null; wait $SP 2>/dev/null
    exit 0
fi

# --- driver ---
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, nftables)" >&2; exit 1; }
for tool in nft janus unshare curl python3; do
    command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
RATES=${LOSS_RATES:-"0 2 10"}
RUNS=${LOSS_RUNS:-2}
SERVERS=${LOSS_SERVERS:-"vcbridge janus"}
OUT=${LOSS_OUT:-/tmp/loss-compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/janus-conf"

# Janus: private config folder, VideoRoom + HTTP transport only, ICE-lite like vcbridge on the
# namespace's address (as tests/bench/fanout.sh); everything else at Janus's defaults (NACK
# queue, RTX toward subscribers, ...). The publisher client creates the room (VP8 + Opus).
JANUS_LIB=$(dirname "$(dpkg -L janus | grep '/janus/plugins/libjanus_videoroom.so$' | head -1)")/..
JANUS_LIB=$(cd "$JANUS_LIB" && pwd)
others() { (cd "$JANUS_LIB/$1" && ls lib*.so | grep -v "^$2\$" | paste -sd, -); }
cat >"$OUT/janus-conf/janus.jcfg" <<EOF
general: {
  configs_folder = "$OUT/janus-conf"
  plugins_folder = "$JANUS_LIB/plugins"
  transports_folder = "$JANUS_LIB/transports"
  events_folder = "$JANUS_LIB/events"
  loggers_folder = "$JANUS_LIB/loggers"
  debug_level = 4
  session_timeout = 60
}
certificates: {}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  ice_lite = true
  ice_tcp = false
  full_trickle = false
  ice_enforce_list = "$IP"
}
plugins: { disable = "$(others plugins libjanus_videoroom.so)" }
transports: { disable = "$(others transports libjanus_http.so)" }
loggers: { disable = "$(others loggers none)" }
events: { broadcast = false }
EOF
cat >"$OUT/janus-conf/janus.transport.http.jcfg" <<EOF
general: { json = "plain", base_path = "/janus", http = true, port = 8088, https = false }
admin: { admin_http = false, admin_https = false }
EOF
echo "general: {}" >"$OUT/janus-conf/janus.plugin.videoroom.jcfg"

echo "# $(date -u +%FT%TZ) janus $(dpkg-query -W -f '${Version}' janus), vcbridge" \
    "$(git -C "$ROOT" describe --always --dirty), load $(cut -d' ' -f1-3 /proc/loadavg); $OUT"
echo "# server loss run | per viewer: frames decoded (longest video gap ms / longest audio gap ms, audio buffers) | setup | vcbridge counters"
for loss in $RATES; do
    for run in $(seq 1 "$RUNS"); do
        for server in $SERVERS; do
            D=$OUT/$server-$loss-$run
            timeout 90 unshare --net "$SELF" --run "$server" "$loss" "$D" "$BUILD"
            python3 - "$D" "$server" "$loss" "$run" <<'EOF'
import json, os, re, sys
d, server, loss, run = sys.argv[1:]
cells, failed = [], 0
for v in (1, 2, 3):
    try:
        j = json.load(open(f"{d}/view{v}.json"))
    except Exception:
        cells.append("no-output"); failed += 1; continue
    vid = [s for s in j["streams"] if s["kind"] == "video"]
    aud = [s for s in j["streams"] if s["kind"] == "audio"]
    frames = sum(s["framesDecoded"] for s in vid)
    if j.get("connectionState") != "connected" and frames == 0:
        # ICE/DTLS (or signalling) did not complete: counted as a setup failure
        failed += 1
        cells.append(f"FAILED({j.get('connectionState')}{': ' + j['error'] if j.get('error') else ''})")
        continue
    vg = max((s["maxGapMs"] for s in vid), default=-1)
    ag = max((s["maxGapMs"] for s in aud), default=-1)
    ab = sum(s["audioBuffers"] for s in aud)
    cells.append(f"{frames} ({vg}/{ag}, {ab})")
try:
    pub = "connected" if json.load(open(f"{d}/pub.json")).get("connected") else "FAILED"
except Exception:
    pub = "no-output"
line = f"{server:8} {loss:>2}% {run} | " + "  ".join(cells) + f" | setup failed {failed}/3, publisher {pub}"
m = f"{d}/metrics.txt"
if os.path.exists(m):
    keep = ("nacks_sent", "packets_repaired", "packets_given_up", "nacks_received",
            "nacks_unanswered", "rtp_packets_retransmitted", "keyframe_requests_sent")
    tot = {}
    for l in open(m):
        mm = re.match(r"^vcb_(\w+)_total(\{[^}]*\})? (\S+)", l)
        if mm and mm.group(1) in keep:
            tot[mm.group(1)] = tot.get(mm.group(1), 0) + float(mm.group(3))
    line += " | " + " ".join(f"{k}={int(tot[k])}" for k in keep if k in tot)
print(line, flush=True)
EOF
        done
    done
done
