#!/usr/bin/env bash
# Installs what vcbridge needs, builds it (Release) and starts it on 127.0.0.1:8080 with the
# embedded development configuration: one node, the meeting "demo", anonymous joins, the sample
# administrative units of deploy/units.yaml, meeting records in build-release/data/meetings.db
# (VCB_DATABASE to change) and recordings in build-release/data/recordings (VCB_RECORDINGS).
#   deploy/quickstart.sh          build and start (in the background), print the URLs
#   deploy/quickstart.sh stop     stop the server started by this script
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-release"
pidfile="$build/vcbridge.pid"
log="$build/vcbridge.log"
listen="${VCB_LISTEN:-127.0.0.1:8080}"
media_ip="${VCB_MEDIA_IP:-127.0.0.1}"
database="${VCB_DATABASE:-$build/data/meetings.db}"
recordings="${VCB_RECORDINGS:-$build/data/recordings}"

stop_server() {
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        kill -TERM "$(cat "$pidfile")"
        for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.2; done
        echo "vcbridge stopped"
    fi
    rm -f "$pidfile"
}

if [ "${1:-}" = "stop" ]; then
    stop_server
    exit 0
fi

"$root/deploy/install-packages.sh" build run
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVCB_BUILD_TESTS=OFF -DVCB_BUILD_CLIENTS=OFF
cmake --build "$build" -j"$(nproc)" --target vcbridge vcb-recorder

stop_server
nohup "$build/app/vcbridge" --listen "$listen" --media-ip "$media_ip" \
    --units-file "$root/deploy/units.yaml" --database "$database" \
    --recording-dir "$recordings" > "$log" 2>&1 &
echo $! > "$pidfile"
for _ in $(seq 1 50); do
    if curl -fsS "http://$listen/healthz" > /dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "vcbridge failed to start; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.2
done
curl -fsS "http://$listen/healthz" > /dev/null

cat <<MSG

vcbridge is running (pid $(cat "$pidfile"), log: $log).

  Web client:             http://$listen/   (join a meeting; docs/web-client.md)
  Demo page (publish your camera, watch the meeting):  http://$listen/demo
  WHIP ingest:            POST http://$listen/whip/demo
  WHEP programme:         POST http://$listen/whep/demo
  WebSocket protocol:     ws://$listen/ws   (docs/protocol.md)
  Health / metrics:       http://$listen/healthz   http://$listen/metrics
  Meeting records:        $database   (SQLite, docs/operations.md)
  Recordings:             $recordings   (docs/recording.md; a technician starts them)

Media (ICE) is announced on $media_ip; set VCB_MEDIA_IP to this machine's LAN address to let
other machines join. Stop with: deploy/quickstart.sh stop
MSG
