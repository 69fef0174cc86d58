#!/bin/sh
# ctest entry point: installs playwright-core and puppeteer-core from the committed lock file when
# missing, then runs a headless browser end-to-end test (browser_test.js unless --script names
# another one in this directory) against the given vcbridge binary. Chromium is always needed;
# Debian's firefox-esr too when the test options name firefox (--browsers firefox,...).
# Usage: run_browser_test.sh [--script NAME.js] <vcbridge> [test options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
script=browser_test.js
if [ "${1:-}" = "--script" ]; then
    script=$2
    shift 2
fi

if ! command -v node >/dev/null 2>&1; then
    echo "browser test: node is not installed (apt-get install -y nodejs npm)" >&2
    exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "browser test: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2
    exit 1
fi
case " $* " in
    *firefox*)
        if [ ! -x /usr/bin/firefox-esr ]; then
            echo "browser test: /usr/bin/firefox-esr is missing (apt-get install -y firefox-esr)" >&2
            exit 1
        fi
        ;;
esac
if [ ! -f "$here/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$here/node_modules/puppeteer-core/package.json" ]; then
    echo "browser test: installing playwright-core and puppeteer-core (npm ci)"
    # Neither downloads a browser; Debian's chromium and firefox-esr are used.
    (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
exec node "$here/$script" "$@"
