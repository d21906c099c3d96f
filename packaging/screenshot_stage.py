#!/usr/bin/env python3
"""Stages a reprocessing workflow on a running `kappad --demo` for screenshots.

After it, the console has something on every page and in every wizard:
fraud@v2 replayed and validated (its new weights differ from v1, so the
review shows diffs); a copy of user_features@v1 replayed, validated and
switched to (the operator asked, the approver approved: a rollback is
possible); a copy of fraud@v1 validated and waiting for an approver's
switch; and user_features@v2 replaying under a rate cap (progress, rate and
ETA on the Replays page).

    packaging/screenshot_stage.py URL OPERATOR_TOKEN_FILE APPROVER_TOKEN_FILE
"""
import json
import pathlib
import sys
import time
import urllib.error
import urllib.request


def call(base, token, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"screenshot_stage: {method} {path}: HTTP {error.code} {error.read().decode()}")


def wait_caught_up(base, token, replay_id, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for replay in call(base, token, "GET", "/api/v1/replays")["replays"]:
            if replay["id"] == replay_id and replay["state"] == "caught_up":
                return
        time.sleep(1)
    raise SystemExit(f"screenshot_stage: replay {replay_id} did not catch up within {timeout_s} s")


def validate(base, token, job, version, timeout_s=60):
    # Right after a replay catches up, no key may be final in both versions
    # yet ("nothing to compare"): ask again, as an operator would.
    deadline = time.monotonic() + timeout_s
    while True:
        validation = call(base, token, "POST", f"/api/v1/jobs/{job}/versions/{version}/validate", {})
        if validation["report"]["keys"]["compared"] > 0 or time.monotonic() > deadline:
            return validation
        time.sleep(2)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    base = sys.argv[1].rstrip("/")
    token = pathlib.Path(sys.argv[2]).read_text().strip()
    approver = pathlib.Path(sys.argv[3]).read_text().strip()
    replays = [
        call(base, token, "POST", "/api/v1/replays", {"job_version": "fraud@v2", "rate_multiple": 20}),
        call(base, token, "POST", "/api/v1/replays",
             {"spec": {"job": "user_features", "version": "v1-copy", "params": {}}, "rate_multiple": 20}),
        call(base, token, "POST", "/api/v1/replays",
             {"spec": {"job": "fraud", "version": "v1-copy", "params": {}}, "rate_multiple": 20}),
    ]
    for replay in replays:
        wait_caught_up(base, token, replay["id"])
    validate(base, token, "fraud", "v2")
    for job in ("user_features", "fraud"):
        if not validate(base, token, job, "v1-copy")["passed"]:
            raise SystemExit(f"screenshot_stage: the copy of {job}@v1 did not pass its validation")
    switch = call(base, token, "POST", "/api/v1/switches", {"job": "user_features", "version": "v1-copy"})
    call(base, approver, "POST", f"/api/v1/switches/{switch['id']}/approve", {})
    call(base, token, "POST", "/api/v1/switches", {"job": "fraud", "version": "v1-copy"})
    # Slow enough to still be replaying while the screenshots are taken.
    call(base, token, "POST", "/api/v1/replays",
         {"job_version": "user_features@v2", "rate_multiple": 5, "max_rate": 24000})


if __name__ == "__main__":
    main()
