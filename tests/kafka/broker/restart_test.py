#!/usr/bin/env python3
"""kafka_broker_restart: the harness's down/up paths on a broker of its own.

Usage: restart_test.py DIR. Starts a fresh broker in DIR (not the shared fixture's, which other
tests use at the same time), writes records, then takes it down twice, once with `stop`
(controlled shutdown) and once with `kill` (SIGKILL), and starts it again on the same DIR each
time: the address must stay the same and every acknowledged record must still be there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "kafka_broker.py"
TOPIC = "restart"
RECORDS = 200


def fail(message: str) -> None:
    print(f"kafka_broker_restart: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def harness(*args: str) -> str:
    result = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                            timeout=300)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        fail(f"kafka_broker.py {' '.join(args)} exited {result.returncode}")
    return result.stdout.strip()


def kcat(*args: str, data: str | None = None) -> str:
    result = subprocess.run(["kcat", *args], input=data, capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        fail(f"kcat {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def count(bootstrap: str) -> int:
    out = kcat("-C", "-b", bootstrap, "-t", TOPIC, "-o", "beginning", "-e", "-q", "-f", "%s\n")
    return len(out.splitlines())


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: restart_test.py DIR")
    directory = sys.argv[1]
    # A crashed broker's registration lives until its session times out (9 s by default); a
    # shorter session lets the restarted broker register sooner.
    bootstrap = harness("start", "--fresh", "--dir", directory,
                        "--set", "broker.session.timeout.ms=3000",
                        "--set", "broker.heartbeat.interval.ms=500")
    try:
        harness("create-topic", "--dir", directory, "--topic", TOPIC, "--partitions", "4")
        lines = "".join(f"k{i}:v{i}\n" for i in range(RECORDS))
        kcat("-P", "-b", bootstrap, "-t", TOPIC, "-K", ":", data=lines)

        for down in ("stop", "kill"):
            harness(down, "--dir", directory)
            if subprocess.run([sys.executable, str(SCRIPT), "status", "--dir", directory],
                              capture_output=True).returncode == 0:
                fail(f"status says running after {down}")
            again = harness("start", "--dir", directory)
            if again != bootstrap:
                fail(f"restart after {down} moved the broker from {bootstrap} to {again}")
            seen = count(bootstrap)
            if seen != RECORDS:
                fail(f"after {down} and a restart {seen} of {RECORDS} records are left")
            print(f"kafka_broker_restart: {down} and restart at {bootstrap}: "
                  f"{RECORDS} records intact")
    finally:
        harness("stop", "--dir", directory)


if __name__ == "__main__":
    main()
