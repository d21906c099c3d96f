#!/usr/bin/env bash
# Screenshots of kappa-console under Xvfb: every page and every wizard's first
# page, at 1280×800 and at a high-DPI scale (×2), in English and German. They
# show one local `kappad --demo` on which packaging/screenshot_stage.py has
# staged a workflow (replays, validations, a switch waiting for approval), so
# no page is empty. Then every page of the Launch replay, Review validation
# and Approve switch wizards as test_wizard_flow walks through them against
# its own kappad (in OUT_DIR/flow-LANGUAGE-xSCALE). Needs a built tree with
# the tests (`cmake --build --preset default`).
#
#   packaging/screenshots.sh [OUT_DIR]   # default build/screenshots
#   packaging/screenshots.sh --readme    # also refreshes the README's set in docs/screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
console=${KAPPA_CONSOLE:-build/default/console/src/app/kappa-console}
kappad=${KAPPA_KAPPAD:-build/default/engine/apps/kappad/kappad}
flow=${KAPPA_WIZARD_FLOW:-build/default/tests/console/test_wizard_flow}
translation=${KAPPA_TRANSLATION:-build/default/console/src/app/kappa_de.qm}
readme=0
if [ "${1:-}" = --readme ]; then
    readme=1
    shift
fi
out=${1:-build/screenshots}
mkdir -p "$out"
for binary in "$console" "$kappad" "$flow"; do
    [ -x "$binary" ] || { echo "screenshots: build it first: $binary" >&2; exit 1; }
done

display=:$((90 + RANDOM % 9))
work=$(mktemp -d)
mkdir "$work/home" # fresh settings: the first-run window size, no remembered connections
Xvfb "$display" -screen 0 2560x1600x24 >/dev/null 2>&1 &
xvfb=$!
"$kappad" --demo --data-dir "$work/data" --listen 127.0.0.1:0 2>"$work/kappad.log" &
kappad_pid=$!
trap 'kill $xvfb $kappad_pid 2>/dev/null || true; wait $kappad_pid 2>/dev/null || true; rm -rf "$work"' EXIT

url=
for _ in $(seq 100); do
    url=$(sed -n 's/.*"msg":"listening".*"url":"\([^"]*\)".*/\1/p' "$work/kappad.log" | head -n 1)
    [ -n "$url" ] && break
    sleep 0.2
done
[ -n "$url" ] || { echo "screenshots: kappad did not start:" >&2; tail -n 5 "$work/kappad.log" >&2; exit 1; }
echo "screenshots: staging a workflow on $url"
python3 packaging/screenshot_stage.py "$url" "$work/data/demo-operator.token" "$work/data/demo-approver.token"

shoot() { # NAME SCALE LANGUAGE ARGS...
    local name=$1 scale=$2 language=$3
    shift 3
    HOME=$work/home DISPLAY=$display QT_SCALE_FACTOR=$scale "$console" --url "$url" \
        --token-file "$work/data/demo-approver.token" --language "$language" \
        --screenshot "$out/$name-$language-x$scale.png" --screenshot-after 8000 "$@" 2>/dev/null
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

for scale in 1 2; do
    for language in en de; do
        pages=$out/flow-$language-x$scale
        rm -rf "$pages"
        mkdir -p "$pages"
        qm=
        [ "$language" = de ] && qm=$(realpath "$translation")
        QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=$scale KAPPA_WIZARD_SCREENSHOTS=$(realpath "$pages") \
            KAPPA_WIZARD_SCREENSHOTS_QM=$qm "$flow" >"$pages/test.log" 2>&1 \
            || { echo "screenshots: test_wizard_flow failed, see $pages/test.log" >&2; exit 1; }
        echo "$pages/ ($(ls "$pages"/*.png | wc -l) pages)"
    done
done

if [ "$readme" = 1 ]; then
    mkdir -p docs/screenshots
    for name in overview dashboard replays wizard-launch-replay wizard-review-validation wizard-approve-switch \
        wizard-rollback wizard-rebuild; do
        cp "$out/$name-en-x1.png" "docs/screenshots/$name.png"
    done
    echo "screenshots: README set refreshed in docs/screenshots"
fi
