#!/usr/bin/env bash
# Installs what the build and the tests need, builds vcbridge, runs every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
deploy/install-packages.sh build run test
build="${VCB_BUILD_DIR:-$root/build}"
ci=0
if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] || [ "${VCB_CI:-0}" = 1 ]; then ci=1; fi
# In CI, line tables only (-g1): stack traces keep file:line, the build is ~15 % faster.
ciflags=()
[ "$ci" = 1 ] && ciflags=(-DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG")
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${VCB_BUILD_TYPE:-RelWithDebInfo}" \
    "${ciflags[@]}" ${VCB_CMAKE_ARGS:-}
# In CI the plain build is only what the plain pass below runs (the rest is built and run under
# ASan): the server, the integration tests with the hall, recorder and tools they start, and the
# recorder's tests. That is about half of the plain build's compile time.
targets=()
[ "$ci" = 1 ] && targets=(--target vcbridge integration_tests recorder_tests)
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
cd "$build"
# Left out of the ASan pass in CI (below), so in CI they are what this plain pass runs; every
# other test runs once, under ASan + LeakSanitizer (+ UBSan in the packet-facing libraries). Out
# of CI this pass runs every test. Left out of the ASan pass:
#  - of the browser tests all but browser_ws_meeting and browser_whip_whep (the server under
#    real Chromium traffic): the others test the page more than the server;
#  - the room endpoint's memory-growth check (RSS under ASan measures the quarantine, not the
#    endpoint; LeakSanitizer checks its exit instead), its 20 s link cut, and its audio-heard
#    check (webrtcdsp's noise suppression under ASan's slowdown leaves the test tone below the
#    threshold);
#  - the recorder's paused-stream check, whose bound on the longest video gap (1.2 s) is a timing
#    the recorder's filler misses under ASan (1.53 s once);
#  - the hall's key and publish-stall tests (they join a chair within 10 s and time a 5 s stall;
#    their parsers and watch run in the unit tests under ASan), and the hall's rate on a thin
#    uplink (RoomLinkRateTest: frames per second and loss through a 400 kbit/s shaper, a timing
#    check of encoders that ASan slows several times).
plain_only='browser_ws_meeting_(firefox|mixed)|browser_web_client|RoomEndpointTest\.(RepeatedServerRestarts|HallIsBackWithinTenSecondsOfTheLinkReturning|HallJoinsShows|ARemotesKey|AStalledPublish)|RecorderTest\.PausedStreamNeitherStallsRecordingNorPlayback|RoomLinkRateTest'
subset=()
[ "$ci" = 1 ] && subset=(-R "$plain_only")
# Unit tests run in parallel; media integration tests are RUN_SERIAL (2-core machines). The
# room endpoint's ten-minute soak (label soak) runs apart, below.
ctest --output-on-failure -j"$(nproc)" --timeout 300 -LE soak "${subset[@]}" "$@"
# In CI (CI=true), or on request (VCB_CI=1; .ci/run sets it), three more jobs follow:
#  - the libFuzzer targets (Clang, build-fuzz/): every committed corpus file replayed, then each
#    target fuzzed for VCB_CI_FUZZ_SECONDS (default 10) seconds (tests/fuzz/run.sh);
#  - the control-path stress test and the meeting store tests (writer thread, reader thread,
#    kill -9) under ThreadSanitizer (build-tsan/, only vcbridge and those tests are built:
#    tests/stress/, tests/store/, tests/rooms/MeetingDirectoryTest; of the unit tests only
#    store_tests and directory_tests are built there);
#  - every test the plain pass above left out, under ASan + LeakSanitizer, with UBSan in the
#    libraries that take packets, tokens and files apart (tests/sanitize.sh, build-asan/, see
#    CMakeLists.txt), whose ctest summary is then the last output.
soak() { VCB_SOAK=1 ctest --output-on-failure --timeout 1200 -L soak "$@"; }
if [ "$ci" = 1 ]; then
    # The soak (ten minutes of wall time, little CPU: one hall, one server, a chair at times)
    # runs in the background while the fuzz, TSan and ASan jobs build; the ASan tests wait for
    # it, so no timing-sensitive test shares the machine with it. Its bounds allow for the load
    # of the builds beside it (tests/integration/RoomEndpointTest.cpp).
    soak "$@" > "$build/soak.log" 2>&1 &
    soak_pid=$!
    trap 'kill "$soak_pid" 2>/dev/null || true' EXIT
    "$root/tests/fuzz/run.sh" "${VCB_CI_FUZZ_SECONDS:-10}"
    VCB_SAN_TARGETS="vcbridge control_stress_tests store_tests directory_tests" \
        VCB_CMAKE_ARGS="-DVCB_BUILD_CLIENTS=OFF" "$root/tests/sanitize.sh" thread -L 'stress|unit'
    VCB_SAN_BUILD_ONLY=1 "$root/tests/sanitize.sh" address
    soak_rc=0
    wait "$soak_pid" || soak_rc=$?
    trap - EXIT
    echo "---- the room endpoint's soak (run beside the builds above) ----"
    tail -n 40 "$build/soak.log"
    [ "$soak_rc" = 0 ] || { echo "the soak failed (whole log: $build/soak.log)"; exit "$soak_rc"; }
    "$root/tests/sanitize.sh" address -LE soak -E "$plain_only" "$@"
fi
[ "$ci" = 1 ] || soak "$@"
