#!/usr/bin/env bash
# Builds Kappa and runs every test suite: the release build with all tests,
# the AddressSanitizer/UBSan build with the unit tests, a short libFuzzer run of
# each fuzz target, and the formatting check. Installs missing Debian packages
# first. Exits non-zero on the first failure. This is the README's test command
# and exactly what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${KAPPA_FUZZ_SECONDS:-20}

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
packaging/install-deps.sh

step "Apache Kafka broker jars (Maven, cached outside the repository)"
python3 tests/kafka/broker/kafka_broker.py fetch

step "formatting (clang-format 14)"
mapfile -t sources < <(git ls-files '*.h' '*.cpp')
clang-format --dry-run --Werror "${sources[@]}"

step "release build and all tests"
cmake --workflow --preset default

step "AddressSanitizer + UBSan build and unit tests"
cmake --workflow --preset asan

step "libFuzzer targets, ${FUZZ_SECONDS}s each"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
for fuzzer in $(find build/fuzz/tests/fuzz -maxdepth 1 -type f -executable -name 'fuzz_*' | sort); do
    name=$(basename "$fuzzer")
    corpus=tests/fuzz/corpus/$name
    work=$(mktemp -d)
    cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    echo "--- $name"
    "$fuzzer" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 "$work" 2>&1 | tail -n 3
    rm -rf "$work"
done

step "all checks passed"
