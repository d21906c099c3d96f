#!/usr/bin/env bash
# The README's first command: installs missing Debian packages, builds
# kappactl, generates a week of sample e-commerce events into an embedded log
# under ./kappa-data, and prints the log's summary. Re-running appends more
# events to the same log. Arguments are passed on to `kappactl gen`
# (e.g. `packaging/demo.sh --events 200000 --seed 7`).
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset kappactl

kappactl=build/default/engine/apps/kappactl/kappactl
data_dir=${KAPPA_DATA_DIR:-./kappa-data}

if [ $# -eq 0 ]; then
    set -- --events 1000000 --days 7
fi
"$kappactl" --data-dir "$data_dir" gen "$@"
echo
"$kappactl" --data-dir "$data_dir" log info
echo
echo "First three events (kappactl --data-dir $data_dir log dump --limit 3):"
"$kappactl" --data-dir "$data_dir" log dump --limit 3
