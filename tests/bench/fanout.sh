#!/usr/bin/env bash
# Fan-out benchmark, vcbridge vs Janus VideoRoom, driven by the same vcb-loadgen endpoints and
# packets: 1 publisher -> N subscribers for each N in FANOUT_N, then a FANOUT_MESH-party meeting
# where everyone publishes and watches everyone. Each scenario gets a fresh server; its CPU time
# (utime+stime) and RSS come from /proc before and after the load. Prints a Markdown table.
#
# Both servers run in a network namespace (libnice never gathers 127.0.0.1, which Janus needs):
# host side 10.77.0.1 (the load generator), namespace side 10.77.0.2 (the server), over a veth.
#
#   sudo tests/bench/fanout.sh                       # N = 50 100 200 400, mesh 20, 20 s each
#   FANOUT_N="50" FANOUT_SECONDS=10 FANOUT_MESH=0 sudo tests/bench/fanout.sh   # quick run
#
# Environment: FANOUT_N (list), FANOUT_SECONDS (sending time after ramp-up), FANOUT_MESH
# (participants, 0 = skip), FANOUT_SERVERS ("vcbridge janus"), FANOUT_THREADS (loadgen loops),
# FANOUT_BUILD (build dir), FANOUT_OUT (results dir), FANOUT_NS (namespace name),
# FANOUT_VCB_WORKERS (vcbridge --workers, default: cores), FANOUT_JANUS_EVENT_LOOPS (Janus's
# event_loops, default: cores, like vcbridge's workers; 0 = Janus's own default of one loop
# thread per handle, which costs it about 3 times the CPU per packet), FANOUT_NICE (niceness of servers and load generator,
# default -20: on a shared machine other jobs then disturb the measurement less).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FANOUT_BUILD:-$ROOT/build-bench}
N_LIST=${FANOUT_N:-"50 100 200 400"}
DURATION=${FANOUT_SECONDS:-20}
MESH=${FANOUT_MESH:-20}
SERVERS=${FANOUT_SERVERS:-"vcbridge janus"}
THREADS=${FANOUT_THREADS:-2}
NS=${FANOUT_NS:-vcbbench}
VCB_WORKERS=${FANOUT_VCB_WORKERS:-$(nproc)}
JANUS_EVENT_LOOPS=${FANOUT_JANUS_EVENT_LOOPS:-$(nproc)}
NICE=${FANOUT_NICE:--20}
OUT=${FANOUT_OUT:-$BUILD/fanout-$(date +%Y%m%d-%H%M%S)}
HOST_IP=10.77.0.1
NS_IP=10.77.0.2
VETH_HOST=${NS}h
VETH_NS=${NS}n
VCB_PORT=8080
JANUS_PORT=8088

log() { echo "fanout: $*" >&2; }
die() {
    log "$*"
    exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (network namespace, apt-get)"
for tool in ip python3 curl; do command -v "$tool" >/dev/null || die "missing $tool"; done
if ! command -v janus >/dev/null; then
    log "installing janus"
    DEBIAN_FRONTEND=noninteractive apt-get install -y janus >&2
fi
JANUS_LIB=$(dirname "$(dpkg -L janus | grep '/janus/plugins/libjanus_videoroom.so$' | head -1)")/..
JANUS_LIB=$(cd "$JANUS_LIB" && pwd)

if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
ninja -C "$BUILD" -j2 vcbridge vcb-loadgen >&2
VCBRIDGE=$BUILD/app/vcbridge
LOADGEN=$BUILD/clients/loadgen/vcb-loadgen
mkdir -p "$OUT"

SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns list | grep -qw "^$NS" && die "namespace $NS exists (another run?); FANOUT_NS=other"
ip netns add "$NS"
ip link add "$VETH_HOST" type veth peer name "$VETH_NS"
ip link set "$VETH_NS" netns "$NS"
ip addr add "$HOST_IP/24" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
ip netns exec "$NS" ip addr add "$NS_IP/24" dev "$VETH_NS"
ip netns exec "$NS" ip link set "$VETH_NS" up
ip netns exec "$NS" ip link set lo up
# Janus picks its local IP from the default route; without one it falls back to 127.0.0.1.
ip netns exec "$NS" ip route add default via "$HOST_IP"

# Janus: a private config folder with only the VideoRoom plugin and the HTTP transport, ICE-lite
# (like vcbridge) on the namespace's address, no STUN, no event handlers or loggers.
JCONF=$OUT/janus-conf
mkdir -p "$JCONF"
others() { (cd "$JANUS_LIB/$1" && ls lib*.so | grep -v "^$2\$" | paste -sd, -); }
{
    echo "general: {"
    echo "  configs_folder = \"$JCONF\""
    echo "  plugins_folder = \"$JANUS_LIB/plugins\""
    echo "  transports_folder = \"$JANUS_LIB/transports\""
    echo "  events_folder = \"$JANUS_LIB/events\""
    echo "  loggers_folder = \"$JANUS_LIB/loggers\""
    echo "  debug_level = 3"
    echo "  session_timeout = 60"
    [ "$JANUS_EVENT_LOOPS" -gt 0 ] && echo "  event_loops = $JANUS_EVENT_LOOPS"
    echo "}"
    echo "certificates: {}"
    echo "media: {"
    echo "  rtp_port_range = \"20000-40000\""
    echo "}"
    echo "nat: {"
    echo "  nice_debug = false"
    echo "  ice_lite = true"
    echo "  ice_tcp = false"
    echo "  full_trickle = false"
    echo "  ice_enforce_list = \"$NS_IP\""
    echo "}"
    echo "plugins: { disable = \"$(others plugins libjanus_videoroom.so)\" }"
    echo "transports: { disable = \"$(others transports libjanus_http.so)\" }"
    echo "loggers: { disable = \"$(others loggers none)\" }"
    echo "events: { broadcast = false }"
} >"$JCONF/janus.jcfg"
cat >"$JCONF/janus.transport.http.jcfg" <<EOF
general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = $JANUS_PORT
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
EOF
echo "general: {}" >"$JCONF/janus.plugin.videoroom.jcfg"

wait_http() {  # url: bounded wait until the server answers
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start_server() {  # server scenario
    case $1 in
        vcbridge)
            nice -n "$NICE" ip netns exec "$NS" "$VCBRIDGE" --listen "$NS_IP:$VCB_PORT" --media-ip "$NS_IP" \
                --workers "$VCB_WORKERS" --join-rate 0 --max-sessions 5000 --log-level warn \
                >"$OUT/$2-vcbridge.log" 2>&1 &
            SERVER_PID=$!
            wait_http "http://$NS_IP:$VCB_PORT/healthz" || die "vcbridge did not start"
            ;;
        janus)
            nice -n "$NICE" ip netns exec "$NS" janus -C "$JCONF/janus.jcfg" -F "$JCONF" -o \
                >"$OUT/$2-janus.log" 2>&1 &
            SERVER_PID=$!
            wait_http "http://$NS_IP:$JANUS_PORT/janus/info" || die "janus did not start"
            ;;
    esac
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# "cpu_ticks rss_kib hwm_kib" of the running server.
sample() {
    local cpu
    cpu=$(sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}')
    echo "$cpu $(awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} END{print r, h}' "/proc/$SERVER_PID/status")"
}

run_scenario() {  # server name args...
    local server=$1 name=$2
    shift 2
    local url protocol
    if [ "$server" = janus ]; then
        url=http://$NS_IP:$JANUS_PORT protocol=janus
    else
        url=http://$NS_IP:$VCB_PORT protocol=whip-whep
    fi
    start_server "$server" "$name"
    sleep 1
    local before after
    before=$(sample)
    log "$name on $server: vcb-loadgen $*"
    local rc=0
    nice -n "$NICE" "$LOADGEN" --server "$url" --protocol "$protocol" --local-ip "$HOST_IP" \
        --threads "$THREADS" --signaling-threads 8 --duration "$DURATION" --drain 1 "$@" \
        >"$OUT/$name-$server.json" 2>"$OUT/$name-$server.err" || rc=$?
    after=$(sample)
    stop_server
    echo "{\"scenario\":\"$name\",\"server\":\"$server\",\"rc\":$rc,\"clkTck\":$(getconf CLK_TCK)," \
        "\"before\":[${before// /,}],\"after\":[${after// /,}]," \
        "\"loadgen\":$(cat "$OUT/$name-$server.json" 2>/dev/null || echo null)}" \
        >>"$OUT/results.jsonl"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$OUT/results.jsonl"
for n in $N_LIST; do
    ramp=$(((n + 39) / 40))
    for server in $SERVERS; do
        run_scenario "$server" "fanout-$n" --meeting "fanout$n" --publishers 1 \
            --subscribers-per-publisher "$n" --ramp-up "$ramp"
    done
done
if [ "$MESH" -gt 0 ]; then
    ramp=$(((MESH * MESH + 39) / 40))
    for server in $SERVERS; do
        run_scenario "$server" "mesh-$MESH" --meeting "mesh$MESH" --mesh --publishers "$MESH" \
            --ramp-up "$ramp"
    done
fi

{
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores," \
        "$(free -g | awk '/^Mem:/{print $2}') GiB RAM, $(uname -r);" \
        "janus $(dpkg-query -W -f '${Version}' janus); vcbridge $(git -C "$ROOT" describe --always --dirty)" \
        "($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt"), --workers $VCB_WORKERS);" \
        "Janus event_loops $JANUS_EVENT_LOOPS (0 = a thread per handle); nice $NICE;" \
        "load average before the run: $LOAD_BEFORE"
    echo "Sending time ${DURATION} s after a ramp-up of N/40 s; results in $OUT"
    echo
    python3 "$ROOT/tests/bench/fanout_table.py" "$OUT/results.jsonl"
} | tee "$OUT/table.md"
