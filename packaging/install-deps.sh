#!/usr/bin/env bash
# Installs every Debian 12 package that Kappa's build, tests and demo need.
# Idempotent: packages already present are skipped, and apt is not touched at
# all when nothing is missing. Must run as root (or through sudo).
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git
    clang-14 libclang-rt-14-dev clang-format clang-tidy
    # Qt 6 (Qt Test for the engine suites; widgets, tools and l10n for the console)
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6 qt6-translations-l10n
    # engine libraries
    librdkafka-dev librocksdb-dev libsqlite3-dev libavro-dev
    libcpp-httplib-dev nlohmann-json3-dev libcli11-dev prometheus-cpp-dev
    libsystemd-dev libtomlplusplus-dev libssl-dev zlib1g-dev
    # tests, demo and benchmarks
    xvfb python3 dpkg-dev desktop-file-utils
    # promtool (checks the /metrics exposition in the service tests) and curl (README examples)
    prometheus curl openssl
    # the real Apache Kafka broker of the kafka tests (tests/kafka/broker): a Java runtime, Maven
    # to fetch its jars from Maven Central, kcat for the smoke test
    default-jre-headless maven kcat
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        exec sudo "$0" "$@"
    fi
    echo "install-deps: missing packages (${missing[*]}) and not root; rerun as root" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
