#!/usr/bin/env bash
# Installs the missing Debian packages of the given groups from deploy/packages.txt.
# Usage: deploy/install-packages.sh build run [test]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
want=()
group=""
while IFS= read -r line; do
    line="${line%%#*}"
    line="$(echo "$line" | tr -d '[:space:]')"
    [ -z "$line" ] && continue
    if [[ "$line" == \[*\] ]]; then group="${line:1:-1}"; continue; fi
    for g in "$@"; do
        [ "$g" = "$group" ] && want+=("$line")
    done
done < "$here/packages.txt"

missing=()
for p in "${want[@]}"; do
    # nodejs/npm may come from another source on the machine: accept any working binary.
    if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
    if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-packages: all ${#want[@]} packages present"
    exit 0
fi
echo "install-packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
