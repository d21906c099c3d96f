#!/usr/bin/env bash
# The README's first command: installs missing Debian packages, builds kappad,
# kappactl and kappa-console, and starts `kappad --demo`: an embedded log in ./kappa-demo,
# the sample-event generator appending live events (20K events/s), the three
# v1 pipelines processing them, and the HTTP API on http://127.0.0.1:8470.
# It shows some results through the API, prints how to look further, opens
# kappa-console on the demo when there is a display (KAPPA_DEMO_CONSOLE=0: never),
# and keeps kappad running until Ctrl-C (a graceful stop with final checkpoints).
#
#   packaging/demo.sh                 # run until Ctrl-C
#   KAPPA_DEMO_SECONDS=20 packaging/demo.sh   # stop by itself after 20 s (scripts, CI)
#   packaging/demo-offline.sh         # the batch variant: kappactl gen + run over a week of history
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset demo

kappad=build/default/engine/apps/kappad/kappad
kappactl=build/default/engine/apps/kappactl/kappactl
console=build/default/console/src/app/kappa-console
data_dir=${KAPPA_DATA_DIR:-./kappa-demo}
listen=${KAPPA_LISTEN:-127.0.0.1:8470}
url="http://$listen"

"$kappad" --demo --data-dir "$data_dir" --listen "$listen" 2>"$data_dir.log" &
pid=$!
console_pid=
stop() {
    [ -z "$console_pid" ] || kill -TERM "$console_pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || true
}
trap stop EXIT INT TERM

# Ready once /readyz says so (kappad exits on a bad start: show its log then).
for _ in $(seq 1 100); do
    if curl -sf "$url/readyz" >/dev/null; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$data_dir.log" >&2; exit 1; fi
    sleep 0.2
done
sleep 3 # a few seconds of live events

echo "== kappad --demo is running: $url (log: $data_dir.log)"
echo
echo "== curl $url/api/v1/status"
curl -s "$url/api/v1/status" | python3 -m json.tool
user=$(python3 - "$url" <<'PY'
import json, sys, urllib.request, urllib.error
for user in range(1, 2000):
    try:
        with urllib.request.urlopen(f"{sys.argv[1]}/api/v1/views/features/{user}") as r:
            print(user); break
    except urllib.error.HTTPError:
        pass
PY
)
echo
echo "== curl $url/api/v1/views/features/$user   (read through the alias, with the view's freshness)"
curl -s "$url/api/v1/views/features/$user" | python3 -m json.tool
now=$(($(date +%s) * 1000))
echo
echo "== curl '$url/api/v1/views/metrics?from_ms=$((now - 120000))&to_ms=$now&category=0'   (the last two minutes, all categories)"
curl -s "$url/api/v1/views/metrics?from_ms=$((now - 120000))&to_ms=$now&category=0" | python3 -m json.tool
echo
echo "== curl -s $url/metrics | grep kappa_consumer_lag_seconds | head -4   (Prometheus)"
curl -s "$url/metrics" | grep '^kappa_consumer_lag_seconds' | head -4
echo
cat <<EOT
== Look further (viewers need no token from this machine in demo mode):
   curl $url/api/v1/jobs
   curl $url/api/v1/jobs/fraud/versions/v1/metrics
   curl '$url/api/v1/jobs/user_features/versions/v1/history?series=processing_rate'
   curl -N $url/api/v1/stream                                  # live metrics, one snapshot per second
   curl $url/metrics                                           # Prometheus exposition
   $kappactl --url $url jobs
   $console --url $url --token-file $data_dir/demo-operator.token   # the console (needs a display)
   curl -X PUT -H "Authorization: Bearer \$(cat $data_dir/demo-operator.token)" \\
        -d '{"events_per_second": 50000}' $url/api/v1/demo/rate   # operators change the demo rate
EOT
if [ "${KAPPA_DEMO_CONSOLE:-1}" != 0 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "== opening kappa-console on the demo (as its operator)"
    "$console" --url "$url" --token-file "$data_dir/demo-operator.token" 2>"$data_dir.console.log" &
    console_pid=$!
else
    echo "== no display: kappa-console not opened (the command above opens it where there is one)"
fi
if [ -n "${KAPPA_DEMO_SECONDS:-}" ]; then
    sleep "$KAPPA_DEMO_SECONDS"
    echo "== stopping kappad after ${KAPPA_DEMO_SECONDS} s"
else
    echo "== kappad keeps running; Ctrl-C stops it (final checkpoints; a restart continues from them)"
    wait "$pid" || true
fi
