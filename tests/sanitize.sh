#!/usr/bin/env bash
# Builds everything with sanitizers and runs the whole ctest suite under them.
#   address: ASan + UBSan + LeakSanitizer into build-asan/
#   thread:  TSan into build-tsan/
# Usage: tests/sanitize.sh [address|thread] [extra ctest arguments, e.g. -R Conference]
#        VCB_SAN_TARGETS="vcbridge control_stress_tests" tests/sanitize.sh thread -L stress
#        VCB_SAN_BUILD_ONLY=1 tests/sanitize.sh address   (build, no tests)
# The integration tests start the vcbridge binary of the same build dir, so the server runs
# instrumented too, inherits the *SAN_OPTIONS below and aborts (SIGABRT, non-zero status) on any
# report, including leaks at exit; ServerProcess turns that into a test failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-address}"
[ $# -gt 0 ] && shift
case "$mode" in
    address) build="${VCB_ASAN_BUILD_DIR:-$root/build-asan}" ;;
    thread) build="${VCB_TSAN_BUILD_DIR:-$root/build-tsan}" ;;
    *)
        echo "usage: $0 [address|thread] [ctest arguments]" >&2
        exit 2
        ;;
esac
supp="$root/tests/sanitizers"
jobs="${VCB_JOBS:-$(nproc)}"

# -O1: fast enough for the media tests; -g1: line tables, enough for stack traces with file and
# line, and ~15 % less compile time than -g. Asserts stay enabled.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DVCB_SANITIZE="$mode" ${VCB_CMAKE_ARGS:-}
# VCB_SAN_TARGETS limits the build to some targets (e.g. the TSan stress job in tests/run.sh).
# shellcheck disable=SC2086
cmake --build "$build" -j"$jobs" ${VCB_SAN_TARGETS:+--target $VCB_SAN_TARGETS}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:disable_coredump=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=1:abort_on_error=1:disable_coredump=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}"
# GLib's slice allocator hides frees from the sanitizers; plain malloc lets them see everything.
export G_SLICE=always-malloc
export G_DEBUG="${G_DEBUG:-gc-friendly}"

[ "${VCB_SAN_BUILD_ONLY:-0}" = 1 ] && exit 0
cd "$build"
ctest --output-on-failure -j"$jobs" --timeout 600 "$@"
