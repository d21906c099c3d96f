#!/usr/bin/env python3
"""A real, single-node Apache Kafka broker on loopback for Kappa's tests.

The broker runs in KRaft mode as one JVM process that is both broker and controller. Its jars come
from Maven Central through `mvn` (see pom.xml beside this file) and live in a cache outside the
repository, so a checkout stays small and a second run starts without touching the network.

Subcommands (see --help of each):
  fetch                      copy the broker's jars into the cache (idempotent)
  start --dir DIR            start a broker whose files all live in DIR; on a DIR that already
                             holds a stopped broker, start it again on the same ports and data
  stop --dir DIR             SIGTERM (controlled shutdown), SIGKILL after a timeout
  kill --dir DIR             SIGKILL, as a crash would
  status --dir DIR           print whether it runs and where
  create-topic --dir DIR     create a topic and wait until every partition has a leader

Files in DIR: server.properties, log4j2.properties, harness.json (ports, cluster id, version),
data/ (the log and metadata directory), broker.log (the JVM's output), pid (while running) and
bootstrap (one line, "127.0.0.1:PORT\\n", written once the broker answers metadata requests and
kept across stops, since a restart reuses the port).

Python 3.11 standard library only. Topic creation and the readiness check speak Kafka's wire
protocol directly (ApiVersions, Metadata, CreateTopics), which saves starting a second JVM.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_VERSION = "4.4.0"
HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
NODE_ID = 1
HOST = "127.0.0.1"

# Kafka error codes the harness tells apart.
ERR_NONE = 0
ERR_TOPIC_ALREADY_EXISTS = 36


class HarnessError(Exception):
    """A failure with a message meant for the person reading the test log."""


def log(message: str) -> None:
    print(f"kafka_broker: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The jar cache

def cache_root() -> Path:
    if os.environ.get("KAPPA_KAFKA_CACHE"):
        return Path(os.environ["KAPPA_KAFKA_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "kappa"


def version_dir(version: str) -> Path:
    return cache_root() / f"kafka-{version}"


def libs_dir(version: str) -> Path:
    return version_dir(version) / "libs"


def pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def marker_path(version: str) -> Path:
    # Written only after a complete copy; holds the pom's digest so that editing the pom (a new
    # log4j version, say) refreshes the cache instead of silently keeping the old jar set.
    return version_dir(version) / "complete"


def cache_is_complete(version: str) -> bool:
    marker = marker_path(version)
    return (marker.is_file() and marker.read_text().strip() == pom_digest()
            and libs_dir(version).is_dir())


def fetch(version: str) -> Path:
    """Makes sure the jars of `version` are in the cache; returns the libs directory."""
    if cache_is_complete(version):
        log(f"Kafka {version} jars cached in {libs_dir(version)}")
        return libs_dir(version)
    vdir = version_dir(version)
    vdir.mkdir(parents=True, exist_ok=True)
    # Two build trees may fetch at once (CI's presets, a developer's second build dir).
    with open(vdir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cache_is_complete(version):
            return libs_dir(version)
        mvn = shutil.which("mvn")
        if mvn is None:
            raise HarnessError("mvn not found: install Maven (packaging/install-deps.sh does)")
        staging = vdir / f"libs.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        command = [mvn, "-q", "-B", "-f", str(POM), f"-Dkafka.version={version}",
                   "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
        if os.environ.get("KAPPA_KAFKA_MAVEN_REPO"):
            command.insert(1, f"-Dmaven.repo.local={os.environ['KAPPA_KAFKA_MAVEN_REPO']}")
        log(f"fetching Kafka {version} jars with Maven into {vdir}")
        started = time.monotonic()
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise HarnessError(f"mvn failed (exit {result.returncode}):\n"
                               f"{result.stdout[-4000:]}{result.stderr[-4000:]}")
        if not any(staging.glob("kafka_2.13-*.jar")):
            raise HarnessError(f"mvn succeeded but {staging} has no kafka_2.13 jar")
        marker_path(version).unlink(missing_ok=True)
        shutil.rmtree(libs_dir(version), ignore_errors=True)
        staging.rename(libs_dir(version))
        marker_path(version).write_text(pom_digest() + "\n")
        log(f"fetched {len(list(libs_dir(version).glob('*.jar')))} jars "
            f"in {time.monotonic() - started:.1f} s")
    return libs_dir(version)


# ---------------------------------------------------------------------------------------------
# Kafka's wire protocol, just the three requests the harness needs (all non-flexible versions)

class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values[0] if len(values) == 1 else values

    def string(self) -> str | None:
        length = self.take(">h")
        if length < 0:
            return None
        text = self.data[self.pos:self.pos + length].decode()
        self.pos += length
        return text


def _string(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    raw = text.encode()
    return struct.pack(">h", len(raw)) + raw


class KafkaConnection:
    """One plaintext connection; requests are sent one at a time and answered in order."""

    def __init__(self, bootstrap: str, timeout: float = 5.0) -> None:
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.correlation = 0
        self.versions: dict[int, tuple[int, int]] = {}

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "KafkaConnection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _recv_exact(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = self.sock.recv(size)
            if not chunk:
                raise ConnectionError("broker closed the connection")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def request(self, api_key: int, version: int, body: bytes) -> _Reader:
        self.correlation += 1
        header = struct.pack(">hhi", api_key, version, self.correlation) + _string("kappa-harness")
        message = header + body
        self.sock.sendall(struct.pack(">i", len(message)) + message)
        size = struct.unpack(">i", self._recv_exact(4))[0]
        reader = _Reader(self._recv_exact(size))
        if reader.take(">i") != self.correlation:
            raise ConnectionError("response out of order")
        return reader

    def api_versions(self) -> dict[int, tuple[int, int]]:
        # ApiVersions v0 is the one request every broker must answer.
        reader = self.request(18, 0, b"")
        error = reader.take(">h")
        if error != ERR_NONE:
            raise ConnectionError(f"ApiVersions error {error}")
        for _ in range(reader.take(">i")):
            key, low, high = reader.take(">hhh")
            self.versions[key] = (low, high)
        return self.versions

    def pick_version(self, api_key: int, low: int, high: int) -> int:
        """The newest version in [low, high] that the broker supports."""
        if not self.versions:
            self.api_versions()
        broker_low, broker_high = self.versions.get(api_key, (1, 0))
        version = min(high, broker_high)
        if version < max(low, broker_low):
            raise HarnessError(f"broker supports api {api_key} only at versions "
                               f"{broker_low}..{broker_high}; the harness speaks {low}..{high}")
        return version

    def metadata(self, topics: list[str] | None) -> dict:
        # Metadata v4..v7 share the fields read here (v5 adds offline replicas after the ISR).
        version = self.pick_version(3, 4, 7)
        if topics is None:
            body = struct.pack(">i", -1)
        else:
            body = struct.pack(">i", len(topics)) + b"".join(_string(t) for t in topics)
        reader = self.request(3, version, body + b"\x00")  # allow_auto_topic_creation = false
        reader.take(">i")  # throttle_time_ms
        brokers = []
        for _ in range(reader.take(">i")):
            node = reader.take(">i")
            host = reader.string()
            port = reader.take(">i")
            reader.string()  # rack
            brokers.append((node, host, port))
        cluster_id = reader.string()
        controller = reader.take(">i")
        result_topics = {}
        for _ in range(reader.take(">i")):
            error = reader.take(">h")
            name = reader.string()
            reader.take(">b")  # is_internal
            partitions = []
            for _ in range(reader.take(">i")):
                p_error, index, leader = reader.take(">hii")
                if version >= 7:
                    reader.take(">i")  # leader_epoch
                for _ in range(2 if version < 5 else 3):  # replicas, isr, offline replicas
                    reader.take(f">{reader.take('>i')}i")
                partitions.append((index, leader, p_error))
            result_topics[name] = (error, partitions)
        return {"brokers": brokers, "cluster_id": cluster_id, "controller": controller,
                "topics": result_topics}

    def create_topic(self, name: str, partitions: int, configs: dict[str, str],
                     timeout_ms: int) -> tuple[int, str | None]:
        version = self.pick_version(19, 2, 4)
        body = struct.pack(">i", 1) + _string(name) + struct.pack(">ihi", partitions, 1, 0)
        body += struct.pack(">i", len(configs))
        for key, value in configs.items():
            body += _string(key) + _string(value)
        body += struct.pack(">ib", timeout_ms, 0)  # timeout, validate_only = false
        reader = self.request(19, version, body)
        reader.take(">i")  # throttle_time_ms
        reader.take(">i")  # one topic
        reader.string()
        error = reader.take(">h")
        message = reader.string()
        return error, message


def broker_ready(bootstrap: str) -> bool:
    """True once the broker serves metadata and lists itself with a known controller."""
    try:
        with KafkaConnection(bootstrap, timeout=2.0) as conn:
            meta = conn.metadata(None)
    except (OSError, ConnectionError, struct.error):
        return False
    return any(node == NODE_ID for node, _, _ in meta["brokers"]) and meta["controller"] >= 0


def create_topic(bootstrap: str, name: str, partitions: int, configs: dict[str, str] | None = None,
                 if_not_exists: bool = False, timeout: float = 30.0) -> None:
    """Creates a topic (replication factor 1) and waits until each partition has a leader."""
    with KafkaConnection(bootstrap, timeout=timeout) as conn:
        error, message = conn.create_topic(name, partitions, configs or {}, int(timeout * 1000))
        if error == ERR_TOPIC_ALREADY_EXISTS and if_not_exists:
            pass
        elif error != ERR_NONE:
            raise HarnessError(f"creating topic {name!r} failed: error {error} {message or ''}")
        deadline = time.monotonic() + timeout
        while True:
            topic_error, parts = conn.metadata([name])["topics"].get(name, (-1, []))
            if topic_error == ERR_NONE and parts and all(leader >= 0 for _, leader, _ in parts):
                return
            if time.monotonic() > deadline:
                raise HarnessError(f"topic {name!r} has no leader for every partition "
                                   f"after {timeout:.0f} s")
            time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# The broker process

def random_cluster_id() -> str:
    # Kafka's Uuid.toString(): URL-safe base64 of 16 bytes, unpadded. Kafka itself avoids ids
    # that start with '-', which a command line would take for an option.
    while True:
        text = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def server_properties(directory: Path, port: int, controller_port: int,
                      overrides: dict[str, str]) -> str:
    settings = {
        "process.roles": "broker,controller",
        "node.id": NODE_ID,
        # A static voter set: the quorum is this one node, on a port that restarts keep.
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{controller_port}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": directory / "data",
        "num.partitions": 1,
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": 1,
        # 50 partitions by default; a few make the first consumer group join much faster.
        "offsets.topic.num.partitions": 4,
        "transaction.state.log.replication.factor": 1,
        "transaction.state.log.min.isr": 1,
        "transaction.state.log.num.partitions": 4,
        "share.coordinator.state.topic.replication.factor": 1,
        "share.coordinator.state.topic.min.isr": 1,
        "group.initial.rebalance.delay.ms": 0,
        # Tests never wait for retention; keep the broker's background work small.
        "log.retention.check.interval.ms": 300000,
        "num.network.threads": 2,
        "num.io.threads": 4,
        "num.recovery.threads.per.data.dir": 1,
    }
    settings.update(overrides)
    lines = ["# Written by tests/kafka/broker/kafka_broker.py; rewritten on every start."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


LOG4J2_PROPERTIES = """\
# Written by tests/kafka/broker/kafka_broker.py: everything to stdout, which is broker.log.
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
# The request log and the state change log are very chatty at info.
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = warn
"""


def java_command() -> str:
    if os.environ.get("KAPPA_KAFKA_JAVA"):
        return os.environ["KAPPA_KAFKA_JAVA"]
    if os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise HarnessError("java not found: install a Java 17+ runtime "
                           "(packaging/install-deps.sh installs default-jre-headless)")
    return found


def jvm_options(directory: Path) -> list[str]:
    options = [
        "-Xms128m", "-Xmx512m",
        # As Kafka's own start scripts do.
        "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent", "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={directory / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={directory}",
    ]
    options += os.environ.get("KAPPA_KAFKA_JVM_OPTS", "").split()
    return options


class Broker:
    """The broker whose files live in one directory."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory).resolve()
        self.state_file = self.dir / "harness.json"
        self.pid_file = self.dir / "pid"
        self.log_file = self.dir / "broker.log"
        self.bootstrap_file = self.dir / "bootstrap"
        self.properties = self.dir / "server.properties"

    def state(self) -> dict | None:
        if not self.state_file.is_file():
            return None
        return json.loads(self.state_file.read_text())

    def bootstrap(self) -> str:
        state = self.state()
        if state is None:
            raise HarnessError(f"no broker was ever started in {self.dir}")
        return f"{HOST}:{state['port']}"

    def pid(self) -> int | None:
        """The pid of this directory's running broker, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        # The pid may have been reused by an unrelated process; a zombie is already gone.
        if str(self.properties).encode() not in cmdline or b"kafka.Kafka" not in cmdline:
            return None
        if status.rsplit(")", 1)[1].split()[0] == "Z":
            return None
        return pid

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no broker.log)"
        return "\n".join(text[-lines:])

    def _configure(self, version: str, java: str, libs: Path, overrides: dict[str, str]) -> dict:
        """Creates the directory's configuration and formats its storage (first start only)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        # No harness.json: any data here is from a start that failed before it was complete.
        shutil.rmtree(self.dir / "data", ignore_errors=True)
        state = {"version": version, "cluster_id": random_cluster_id(), "port": free_port(),
                 "controller_port": free_port(), "overrides": overrides}
        while state["controller_port"] == state["port"]:
            state["controller_port"] = free_port()
        self._write_config(state)
        command = [java, "-Xmx256m", f"-Dlog4j2.configurationFile={self.dir / 'log4j2.properties'}",
                   "-cp", f"{libs}/*", "kafka.tools.StorageTool", "format",
                   "--cluster-id", state["cluster_id"], "--config", str(self.properties)]
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise HarnessError(f"formatting {self.dir} failed (exit {result.returncode}):\n"
                               f"{output[-4000:]}")
        # Written last: a directory with harness.json is a formatted one.
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")
        return state

    def _write_config(self, state: dict) -> None:
        self.properties.write_text(server_properties(
            self.dir, state["port"], state["controller_port"], state.get("overrides", {})))
        (self.dir / "log4j2.properties").write_text(LOG4J2_PROPERTIES)

    def start(self, version: str, timeout: float, overrides: dict[str, str] | None = None) -> str:
        """Starts the broker and waits until it answers; returns its bootstrap address.

        `overrides` are server.properties settings on top of the harness's; they are kept in
        harness.json, so a restart keeps them and may add more."""
        running = self.pid()
        if running is not None:
            raise HarnessError(f"a broker already runs in {self.dir} (pid {running}); "
                               "stop it first or start with --fresh")
        state = self.state()
        java = java_command()
        if state is None:
            libs = fetch(version)
            state = self._configure(version, java, libs, dict(overrides or {}))
            log(f"formatted {self.dir} (cluster id {state['cluster_id']})")
        else:
            libs = fetch(state["version"])
            if overrides:
                state.setdefault("overrides", {}).update(overrides)
                self.state_file.write_text(json.dumps(state, indent=2) + "\n")
            # A restart: same ports, same data. Rewriting the config keeps it in step with
            # this script; a port the old process just released may take a moment to free up.
            self._write_config(state)
            deadline = time.monotonic() + 15
            for port in (state["port"], state["controller_port"]):
                while not port_is_free(port):
                    if time.monotonic() > deadline:
                        raise HarnessError(f"port {port} of the broker in {self.dir} is taken")
                    time.sleep(0.2)
        bootstrap = f"{HOST}:{state['port']}"
        started = time.monotonic()
        with open(self.log_file, "ab") as out:
            out.write(f"\n===== kafka_broker.py start {time.strftime('%F %T')}\n".encode())
            out.flush()
            process = subprocess.Popen(
                [java, *jvm_options(self.dir), "-cp", f"{libs}/*", "kafka.Kafka",
                 str(self.properties)],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                # Its own session: the broker outlives this script, and a Ctrl-C or a CTest
                # timeout aimed at the script's process group does not reach it.
                start_new_session=True)
        self.pid_file.write_text(f"{process.pid}\n")
        deadline = started + timeout
        while not broker_ready(bootstrap):
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise HarnessError(f"the broker exited with code {process.returncode} before "
                                   f"it was ready; the end of {self.log_file}:\n{self.tail()}")
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                self.pid_file.unlink(missing_ok=True)
                raise HarnessError(f"the broker was not ready after {timeout:.0f} s; "
                                   f"the end of {self.log_file}:\n{self.tail()}")
            time.sleep(0.1)
        self.bootstrap_file.write_text(bootstrap + "\n")
        log(f"broker ready at {bootstrap} after {time.monotonic() - started:.1f} s "
            f"(pid {process.pid}, dir {self.dir})")
        return bootstrap

    def _signal_and_wait(self, sig: int, timeout: float) -> bool:
        pid = self.pid()
        if pid is None:
            return True
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while self.pid() is not None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self, timeout: float) -> None:
        pid = self.pid()
        if pid is None:
            log(f"no broker runs in {self.dir}")
        else:
            started = time.monotonic()
            if not self._signal_and_wait(signal.SIGTERM, timeout):
                log(f"broker pid {pid} ignored SIGTERM for {timeout:.0f} s; sending SIGKILL")
                self._signal_and_wait(signal.SIGKILL, 30)
            log(f"broker pid {pid} stopped in {time.monotonic() - started:.1f} s")
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        pid = self.pid()
        if pid is None:
            log(f"no broker runs in {self.dir}")
        elif not self._signal_and_wait(signal.SIGKILL, 30):
            raise HarnessError(f"broker pid {pid} survived SIGKILL for 30 s")
        else:
            log(f"broker pid {pid} killed")
        self.pid_file.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Command line

def _key_value(item: str, parser: argparse.ArgumentParser) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        parser.error(f"expected KEY=VALUE, got {item!r}")
    return key.strip(), value.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p_fetch = sub.add_parser("fetch", help="copy the broker's jars into the cache")
    p_fetch.add_argument("--version", default=DEFAULT_VERSION)

    p_start = sub.add_parser("start", help="start (or restart) the broker of DIR")
    p_start.add_argument("--dir", required=True)
    p_start.add_argument("--version", default=DEFAULT_VERSION,
                         help="Kafka version for a new DIR (a restart keeps DIR's version)")
    p_start.add_argument("--fresh", action="store_true",
                         help="stop a broker still running in DIR and empty DIR first")
    p_start.add_argument("--timeout", type=float, default=60.0,
                         help="seconds to wait for the broker to answer (default 60)")
    p_start.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                         help="a server.properties setting on top of the harness's; kept for "
                              "restarts (e.g. broker.session.timeout.ms=3000 for crash tests)")

    p_stop = sub.add_parser("stop", help="SIGTERM, then SIGKILL after --timeout")
    p_stop.add_argument("--dir", required=True)
    p_stop.add_argument("--timeout", type=float, default=30.0)

    p_kill = sub.add_parser("kill", help="SIGKILL, as a crash would")
    p_kill.add_argument("--dir", required=True)

    p_status = sub.add_parser("status", help="exit 0 and print the address if it runs")
    p_status.add_argument("--dir", required=True)

    p_topic = sub.add_parser("create-topic", help="create a topic, replication factor 1")
    p_topic.add_argument("--dir", help="the broker's DIR (or give --bootstrap)")
    p_topic.add_argument("--bootstrap", help="host:port of the broker")
    p_topic.add_argument("--topic", required=True)
    p_topic.add_argument("--partitions", type=int, default=1)
    p_topic.add_argument("--config", action="append", default=[], metavar="KEY=VALUE")
    p_topic.add_argument("--if-not-exists", action="store_true")

    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            fetch(args.version)
        elif args.command == "start":
            broker = Broker(args.dir)
            if args.fresh:
                broker.stop(30.0)
                shutil.rmtree(broker.dir, ignore_errors=True)
            overrides = dict(_key_value(item, parser) for item in args.set)
            print(broker.start(args.version, args.timeout, overrides))
        elif args.command == "stop":
            Broker(args.dir).stop(args.timeout)
        elif args.command == "kill":
            Broker(args.dir).kill()
        elif args.command == "status":
            broker = Broker(args.dir)
            pid = broker.pid()
            if pid is None:
                print("stopped")
                return 1
            print(f"running pid {pid} at {broker.bootstrap()}")
        elif args.command == "create-topic":
            if not args.bootstrap and not args.dir:
                parser.error("create-topic needs --dir or --bootstrap")
            bootstrap = args.bootstrap or Broker(args.dir).bootstrap()
            configs = dict(_key_value(item, parser) for item in args.config)
            create_topic(bootstrap, args.topic, args.partitions, configs, args.if_not_exists)
    except HarnessError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
