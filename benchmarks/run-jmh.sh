#!/usr/bin/env bash
# Runs the JMH microbenchmarks and renders the results.
#
#   benchmarks/run-jmh.sh [REGEX] [more JMH options...]
#
# REGEX picks benchmarks (default: all of dev.mcu.bench.jmh), e.g. 'Compositor' or
# 'AudioMixer.*kLoudest'. Extra options go to JMH as they are (e.g. -p tiles=16 -i 5).
# Every run adds the CpuTimeProfiler: CPU time per op next to wall time, which on a shared
# machine is the steadier measure of cost.
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than any source or
# pom (set MVN_FLAGS=-o to build offline, SKIP_BUILD=1 to run the jar as it is). Writes to benchmarks/results/:
#   jmh-<date>.json / .txt   the raw JMH result and log of this run
#   latest.json              a copy of this run's JSON
#   machine.txt              where it ran: CPUs, model, memory, load, Java, commit, date
#   latest.html / latest.md  bar charts per benchmark and a table (benchmarks/jmh-report.py)
set -euo pipefail
cd "$(dirname "$0")/.."

regex=${1:-dev.mcu.bench.jmh}
shift || true
jar=benchmarks/target/benchmarks.jar
results=benchmarks/results

if [ "${SKIP_BUILD:-0}" != 1 ] && { [ ! -f "$jar" ] || [ -n "$(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -type f 2>/dev/null | head -1)" ]; }; then
  echo "building $jar ..."
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package
fi

mkdir -p "$results"
stamp=$(date +%Y%m%d-%H%M%S)
json="$results/jmh-$stamp.json"

{
  echo "date:        $(date -Is)"
  echo "cpus:        $(nproc)"
  echo "model:       $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:      $(grep -m1 MemTotal /proc/meminfo | awk '{printf "%.1f GiB", $2 / 1048576}')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:        $(java -version 2>&1 | head -1)"
  echo "             $(java -version 2>&1 | sed -n 3p)"
  echo "commit:      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "command:     benchmarks/run-jmh.sh $regex $*"
} > "$results/machine.txt"

java -jar "$jar" "$regex" -prof dev.mcu.bench.jmh.CpuTimeProfiler -rf json -rff "$json" "$@" 2>&1 | tee "$results/jmh-$stamp.txt"

echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >> "$results/machine.txt"
cp "$json" "$results/latest.json"
python3 benchmarks/jmh-report.py "$results/latest.json" "$results/machine.txt" \
  --html "$results/latest.html" --markdown "$results/latest.md"
echo "wrote $json, $results/latest.html, $results/latest.md"
