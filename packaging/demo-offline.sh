#!/usr/bin/env bash
# The batch demo (packaging/demo.sh is the live one, with kappad): installs
# missing Debian packages, builds kappactl, generates a week of sample e-commerce events into an embedded log
# under ./kappa-data, runs the three pipelines over them to the end of the log
# (checkpointed), and shows some of what they computed. Re-running appends more
# events and continues the jobs from their checkpoints. Arguments are passed on
# to `kappactl gen` (e.g. `packaging/demo-offline.sh --events 200000 --seed 7`).
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset kappactl

kappactl=build/default/engine/apps/kappactl/kappactl
data_dir=${KAPPA_DATA_DIR:-./kappa-data}
ctl() { "$kappactl" --data-dir "$data_dir" "$@"; }

if [ $# -eq 0 ]; then
    set -- --events 1000000 --days 7
fi
ctl gen "$@"
echo
ctl log info
echo
echo "== kappactl run --until-caught-up: user_features, fraud and business_metrics (v1) over the log"
ctl run --until-caught-up
echo
ctl views list
echo

# Pick a busy user, the riskiest card and the last hour with orders from the views themselves.
user=$(ctl views dump user_features | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
print(max(rows, key=lambda r: (r["views_24h"], r["user_id"]))["user_id"])')
card=$(ctl views dump fraud | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin if line.startswith("{\"card_id\"")]
print(max(rows, key=lambda r: (r["score"], r["card_id"]))["card_id"])')
hour=$(ctl get metrics --from 0 --to 9223372036854775807 --category 0 | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin if json.loads(line)["orders"] > 0]
print(rows[-1]["window_start_ms"] // 3600000 * 3600000)')

echo "== kappactl get features $user   (the busiest user of the last day)"
ctl get features "$user"
echo
echo "== kappactl get fraud $card   (the card with the highest score)"
ctl get fraud "$card"
echo
echo "== kappactl get metrics --from $hour --to $((hour + 600000)) --category 0 --format csv   (all categories, 10 minutes)"
ctl get metrics --from "$hour" --to "$((hour + 600000))" --category 0 --format csv
