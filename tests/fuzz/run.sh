#!/usr/bin/env bash
# Builds the libFuzzer targets (Clang, ASan + UBSan + coverage) in build-fuzz, replays each
# target's committed corpus (every file must run clean), then fuzzes each target.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]     e.g. tests/fuzz/run.sh 60
#                                                  tests/fuzz/run.sh 600 fuzz_rtcp
#
# New inputs and crash artifacts go to a temporary directory, never into the repository. Exits
# non-zero if any corpus file fails or any target crashes (the reproducer's path is printed;
# replay it with `build-fuzz/tests/fuzz/<target> <file>`), after one summary line per target.
# Reproducers of reported, still open bugs live in the corpus as crash-<name>: they fail the
# replay until fixed but are left out of the fuzzing seeds so the other code keeps being fuzzed.
# Environment: VCB_FUZZ_BUILD_DIR (default <repo>/build-fuzz), VCB_FUZZ_JOBS (default 2).
set -euo pipefail

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
fi
SECONDS_PER_TARGET=$1
shift

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${VCB_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${VCB_FUZZ_JOBS:-2}
CORPUS_ROOT=$ROOT/tests/fuzz/corpus
ALL_TARGETS=(fuzz_rtp fuzz_rtcp fuzz_stun fuzz_codec fuzz_sdp fuzz_sdpfrag fuzz_ws_json fuzz_dtls fuzz_jwt)
if [[ $# -gt 0 ]]; then
    TARGETS=("$@")
else
    TARGETS=("${ALL_TARGETS[@]}")
fi

# Largest input per target: a datagram for packet parsers, a realistic body for text formats.
max_len() {
    case "$1" in
        fuzz_rtp | fuzz_rtcp | fuzz_stun) echo 1500 ;;
        fuzz_codec) echo 1200 ;;
        fuzz_sdp) echo 16384 ;;
        fuzz_sdpfrag) echo 2048 ;;
        fuzz_ws_json) echo 8192 ;;
        fuzz_dtls) echo 4096 ;;
        fuzz_jwt) echo 8300 ;;  # a little over JwtToken::kMaxBytes
        *) echo 4096 ;;
    esac
}

# --- toolchain -------------------------------------------------------------------------------
fuzzer_runtime_present() {
    command -v clang++ > /dev/null 2>&1 || return 1
    local lib
    lib=$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a 2> /dev/null || true)
    [[ -f "$lib" ]] && return 0
    # Older layout: <resource-dir>/lib/linux/
    [[ -f "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]]
}
if ! fuzzer_runtime_present; then
    echo "== installing clang and libclang-rt-14-dev"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang libclang-rt-14-dev
fi

# --- build -----------------------------------------------------------------------------------
SAN_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
SAN_FLAGS+=" -fno-omit-frame-pointer -O1 -g"
echo "== configuring $BUILD"
mkdir -p "$BUILD"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="$SAN_FLAGS" -DCMAKE_CXX_FLAGS="$SAN_FLAGS" \
    -DVCB_FUZZ=ON -DVCB_BUILD_CLIENTS=OFF > "$BUILD/fuzz-configure.log" 2>&1 || {
    cat "$BUILD/fuzz-configure.log" >&2
    exit 1
}
echo "== building ${TARGETS[*]}"
ninja -C "$BUILD" -j"$JOBS" "${TARGETS[@]}"

# --- replay + fuzz ---------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vcb-fuzz.XXXXXX")
echo "== work dir (new inputs, logs, crashes): $WORK"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

declare -a SUMMARY
FAILED=0
for t in "${TARGETS[@]}"; do
    bin=$BUILD/tests/fuzz/$t
    corpus=$CORPUS_ROOT/$t
    dir=$WORK/$t
    mkdir -p "$dir/new" "$dir/artifacts"
    [[ -d "$corpus" ]] || mkdir -p "$dir/empty-corpus"
    [[ -d "$corpus" ]] || corpus=$dir/empty-corpus
    dict=()
    [[ -f "$ROOT/tests/fuzz/$t.dict" ]] && dict=(-dict="$ROOT/tests/fuzz/$t.dict")

    # Replay each file on its own so that every failing one is named.
    echo "== $t: replaying $(find "$corpus" -type f | wc -l) corpus files"
    replay_failed=()
    while IFS= read -r -d '' f; do
        if ! "$bin" -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" "$f" \
            >> "$dir/replay.log" 2>&1; then
            replay_failed+=("$f")
        fi
    done < <(find "$corpus" -type f -print0 | sort -z)
    replay_note=""
    if [[ ${#replay_failed[@]} -gt 0 ]]; then
        for f in "${replay_failed[@]}"; do
            echo "!! $t: corpus file FAILS: $f (log $dir/replay.log)"
        done
        replay_note=" REPLAY-FAILED=${#replay_failed[@]}"
        FAILED=1
    fi

    # Fuzz from the seeds without the known reproducers (crash-*), which would stop the run at
    # once while their bug is open; the replay above covers them.
    mkdir -p "$dir/seeds"
    find "$corpus" -type f ! -name 'crash-*' -exec cp {} "$dir/seeds/" \;

    echo "== $t: fuzzing ${SECONDS_PER_TARGET}s (max_len $(max_len "$t"))"
    status=0
    VCB_FUZZ_SKIP_KNOWN=1 "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
        -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" "${dict[@]}" \
        "$dir/new" "$dir/seeds" > "$dir/fuzz.log" 2>&1 || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/fuzz.log" | tail -n1 |
        awk '{print $2}')
    last=$(grep -E '^#[0-9]+' "$dir/fuzz.log" | grep 'cov:' | tail -n1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<< "$last")
    new=$(find "$dir/new" -type f | wc -l)
    line="$t: execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corp=${corp:-?} new_inputs=$new$replay_note"
    if [[ $status -ne 0 ]]; then
        crash=$(ls "$dir"/artifacts/* 2> /dev/null | head -n1 || true)
        grep -E 'ERROR: |runtime error|fuzz invariant failed|SUMMARY' "$dir/fuzz.log" | head -n5 || true
        echo "!! $t: CRASH (exit $status), reproducer: ${crash:-none} log: $dir/fuzz.log"
        line+=" CRASH reproducer=${crash:-none}"
        FAILED=1
    fi
    SUMMARY+=("$line")
done

echo
echo "== summary (${SECONDS_PER_TARGET}s per target; work dir $WORK)"
for s in "${SUMMARY[@]}"; do
    echo "$s"
done
exit $FAILED
