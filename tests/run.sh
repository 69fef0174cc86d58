#!/usr/bin/env bash
# Installs what the build and the tests need, builds vcbridge, runs every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
deploy/install-packages.sh build run test
build="${VCB_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${VCB_BUILD_TYPE:-RelWithDebInfo}" ${VCB_CMAKE_ARGS:-}
cmake --build "$build" -j"$(nproc)"
cd "$build"
# Unit tests run in parallel; media integration tests are RUN_SERIAL (2-core machines).
ctest --output-on-failure -j"$(nproc)" --timeout 300 "$@"
# In CI (CI=true) or on request, the whole suite runs again under ASan + UBSan + LeakSanitizer
# (tests/sanitize.sh, build-asan/); its ctest summary is then the last output.
if [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] || [ "${VCB_SANITIZE_CI:-0}" = 1 ]; then
    "$root/tests/sanitize.sh" address "$@"
fi
