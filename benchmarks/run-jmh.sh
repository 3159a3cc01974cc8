#!/usr/bin/env bash
# Runs the JMH microbenchmarks and renders the results.
#
#   benchmarks/run-jmh.sh [--publish] [REGEX] [more JMH options...]
#   benchmarks/run-jmh.sh --help        this text
#   benchmarks/run-jmh.sh -l | -lp      list the benchmarks (with their parameters); JMH's -h: its options
#
# REGEX picks benchmarks (default: all of dev.mcu.bench.jmh), e.g. 'Compositor' or
# 'AudioMixer.*kLoudest'. Extra options go to JMH as they are (e.g. -p tiles=16 -i 5).
# Every run adds the CpuTimeProfiler: CPU time per op next to wall time, which on a shared
# machine is the steadier measure of cost.
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than any source or
# pom (set MVN_FLAGS=-o to build offline, SKIP_BUILD=1 to run the jar as it is).
#
# A run writes only to benchmarks/results/jmh-<date>/ (not tracked by git):
#   result.json / log.txt     the raw JMH result and log
#   machine.txt               where it ran: CPUs, model, memory, load, Java, commit, command
#   report.md / report.html   a table, the targets, and the charts (benchmarks/jmh-report.py)
#   charts/*.svg              one bar chart per benchmark (benchmarks/charts.py; needs python3-matplotlib)
# With --publish it also copies them to docs/benchmarks/jmh/ (tracked; docs/benchmarks.md links there).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

jar=benchmarks/target/benchmarks.jar
build_if_needed() {
  if [ "${SKIP_BUILD:-0}" != 1 ] && { [ ! -f "$jar" ] || [ -n "$(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -type f 2>/dev/null | head -1)" ]; }; then
    echo "building $jar ..." >&2
    # shellcheck disable=SC2086
    mvn -B -q ${MVN_FLAGS:-} -DskipTests -pl benchmarks -am package
  fi
}

publish=0
case "${1:-}" in
  --help|help) usage; exit 0 ;;
  -h) build_if_needed; exec java -jar "$jar" -h ;;
  -l|-lp|-lrf|-lprof) build_if_needed; exec java -jar "$jar" "$@" ;;
  --publish) publish=1; shift ;;
esac

regex=${1:-dev.mcu.bench.jmh}
shift || true
case "$regex" in
  -*) echo "run-jmh: the first argument is a benchmark regex (or --help, -l, -h, --publish), not '$regex'" >&2; exit 2 ;;
esac
build_if_needed

python=${PYTHON:-/usr/bin/python3}
stamp=$(date +%Y%m%d-%H%M%S)
out=benchmarks/results/jmh-$stamp
mkdir -p "$out"

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
} > "$out/machine.txt"

java -jar "$jar" "$regex" -prof dev.mcu.bench.jmh.CpuTimeProfiler -rf json -rff "$out/result.json" "$@" 2>&1 \
  | tee "$out/log.txt"
[ -s "$out/result.json" ] || { echo "run-jmh: JMH wrote no result (see $out/log.txt)" >&2; exit 1; }

echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
if "$python" -c 'import matplotlib' 2>/dev/null; then
  "$python" benchmarks/charts.py jmh "$out/result.json" "$out/charts"
else
  echo "run-jmh: no charts ($python has no matplotlib: apt-get install python3-matplotlib)" >&2
fi
"$python" benchmarks/jmh-report.py "$out/result.json" "$out/machine.txt" \
  --html "$out/report.html" --markdown "$out/report.md" --charts charts
echo "wrote $out/"

if [ "$publish" = 1 ]; then
  dest=docs/benchmarks/jmh
  rm -rf "$dest"; mkdir -p "$dest"
  cp -r "$out"/. "$dest"/
  rm -f "$dest/log.txt"
  echo "published to $dest/ (commit it, and update the numbers in docs/benchmarks.md)"
fi
