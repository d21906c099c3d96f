#!/usr/bin/env python3
"""kafka_broker_smoke: the fixture's broker takes and serves keyed records.

Creates a topic with 8 partitions (over the wire protocol, see kafka_broker.create_topic),
produces 1000 keyed records with kcat (librdkafka, as KafkaLog uses) and reads them all back.
Checks that every record arrives exactly once, that all records of a key share one partition and
keep their order there, and that the keys spread over all 8 partitions.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kafka_broker  # noqa: E402

PARTITIONS = 8
KEYS = 100
RECORDS = 1000


def fail(message: str) -> None:
    print(f"kafka_broker_smoke: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    bootstrap_file = os.environ.get("KAPPA_KAFKA_BOOTSTRAP_FILE")
    if not bootstrap_file:
        fail("KAPPA_KAFKA_BOOTSTRAP_FILE is not set (run through CTest's kafka_broker fixture)")
    bootstrap = Path(bootstrap_file).read_text().strip()
    topic = f"kappa-smoke-{os.getpid()}-{int(time.time())}"

    kafka_broker.create_topic(bootstrap, topic, PARTITIONS)

    # Key k carries records k/0, k/1, ...; the value names its key and sequence number.
    lines = [f"user-{i % KEYS}\tuser-{i % KEYS}/{i // KEYS}" for i in range(RECORDS)]
    produce = subprocess.run(
        ["kcat", "-P", "-b", bootstrap, "-t", topic, "-K", "\t",
         # Java clients' partitioner, so that keys land where a Java producer would put them.
         "-X", "topic.partitioner=murmur2_random", "-X", "enable.idempotence=true"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60)
    if produce.returncode != 0:
        fail(f"kcat -P exited {produce.returncode}: {produce.stderr}")

    consume = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
         "-f", "%p\t%o\t%k\t%s\n"],
        capture_output=True, text=True, timeout=60)
    if consume.returncode != 0:
        fail(f"kcat -C exited {consume.returncode}: {consume.stderr}")

    records = [line.split("\t") for line in consume.stdout.splitlines() if line]
    if len(records) != RECORDS:
        fail(f"read {len(records)} records, produced {RECORDS}")
    values = collections.Counter(value for _, _, _, value in records)
    duplicates = [value for value, count in values.items() if count > 1]
    if duplicates or len(values) != RECORDS:
        fail(f"records read more than once: {duplicates[:5]}")

    partitions_of_key = collections.defaultdict(set)
    sequence_of_key = collections.defaultdict(list)
    for partition, offset, key, value in sorted(records, key=lambda r: (int(r[0]), int(r[1]))):
        if not value.startswith(key + "/"):
            fail(f"record {value!r} came back under key {key!r}")
        partitions_of_key[key].add(int(partition))
        sequence_of_key[key].append(int(value.split("/")[1]))
    split = {key: parts for key, parts in partitions_of_key.items() if len(parts) > 1}
    if split:
        fail(f"keys spread over several partitions: {dict(list(split.items())[:5])}")
    unordered = [key for key, seqs in sequence_of_key.items() if seqs != sorted(seqs)]
    if unordered:
        fail(f"records of a key out of order: {unordered[:5]}")
    used = {int(partition) for partition, _, _, _ in records}
    if used != set(range(PARTITIONS)):
        fail(f"{KEYS} keys used only partitions {sorted(used)} of {PARTITIONS}")

    print(f"kafka_broker_smoke: {RECORDS} records with {KEYS} keys over {PARTITIONS} partitions "
          f"of {topic} at {bootstrap}: all read back once, in key order")


if __name__ == "__main__":
    main()
