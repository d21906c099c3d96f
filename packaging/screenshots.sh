#!/usr/bin/env bash
# Screenshots of kappa-console under Xvfb: every page and every wizard's first
# page, on a local demo, at 1280×800 and at a high-DPI scale (×2), in English
# and German. Needs a built tree (packaging/demo.sh or `cmake --build --preset demo`).
#
#   packaging/screenshots.sh [OUT_DIR]     # default build/screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
console=${KAPPA_CONSOLE:-build/default/console/src/app/kappa-console}
out=${1:-build/screenshots}
mkdir -p "$out"
[ -x "$console" ] || { echo "screenshots: build kappa-console first ($console)" >&2; exit 1; }

display=:$((90 + RANDOM % 9))
home=$(mktemp -d) # fresh settings: the first-run window size, no remembered connections
Xvfb "$display" -screen 0 2560x1600x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1

shoot() { # NAME SCALE LANGUAGE ARGS...
    local name=$1 scale=$2 language=$3
    shift 3
    HOME=$home DISPLAY=$display QT_SCALE_FACTOR=$scale "$console" --demo --language "$language" \
        --screenshot "$out/$name-$language-x$scale.png" --screenshot-after 20000 "$@" 2>/dev/null
    echo "$out/$name-$language-x$scale.png"
}

for scale in 1 2; do
    for language in en de; do
        for page in overview dashboard replays views audit; do
            shoot "$page" "$scale" "$language" --page "$page"
        done
        for wizard in launch-replay review-validation approve-switch rollback rebuild; do
            shoot "wizard-$wizard" "$scale" "$language" --wizard "$wizard"
        done
    done
done
