#!/bin/sh
# ctest entry point: ESLint over the web client and its tests. Installs ESLint from the committed
# lock file (npm ci) when missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -f "$here/node_modules/eslint/package.json" ]; then
    echo "web lint: installing eslint (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund)
fi
cd "$root"
exec "$here/node_modules/.bin/eslint" --config tests/web/eslint.config.js --max-warnings 0 \
    'signaling/web/app/js/**/*.js' 'tests/web/*.js'
