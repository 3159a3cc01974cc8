#!/usr/bin/env bash
# End-to-end load benchmark (not part of `mvn verify`): builds the server jar, compiles the load
# benchmark against it, then runs dev.mcu.bench.load.LoadBenchmark, which starts the server as its
# own process per scenario, dials synthetic SIP participants into it over loopback, measures the
# server's CPU from /proc, and runs the ffmpeg CLI baseline for the same video room sizes.
# Results: benchmarks/results/load-latest.{json,md}.
#
# Usage: benchmarks/run-load.sh [MEASURE_SECONDS]        (default 60; e.g. 20 for a quick run)
# Environment: SCENARIOS (default video4,video9,video16,listen100,listen1000), WARMUP (10),
#              BASELINE_SECONDS (20; 0 skips ffmpeg), SKIP_BUILD=1 (reuse the built jar).
set -euo pipefail
cd "$(dirname "$0")/.."
measure=${1:-60}
scenarios=${SCENARIOS:-video4,video9,video16,listen100,listen1000}
work=benchmarks/target/load
classes=$work/classes
jar=mcu-app/target/mcu-app.jar
mkdir -p "$work"

kill_server() {
  # The benchmark kills its server on every exit it sees; this covers the JVM itself being killed.
  if [ -s "$work/load-server.pid" ]; then
    kill -9 "$(cat "$work/load-server.pid")" 2>/dev/null || true
    rm -f "$work/load-server.pid"
  fi
}
trap kill_server EXIT INT TERM

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s "$jar" ]; then
  mvn -B -q -o -DskipTests -pl mcu-app -am package || mvn -B -q -DskipTests -pl mcu-app -am package
fi
rm -rf "$classes"; mkdir -p "$classes"
javac -d "$classes" -cp "$jar" $(find benchmarks/src/main/java/dev/mcu/bench/load -name '*.java') 2>&1 \
  | grep -v '^Note:' || true
[ -s "$classes/dev/mcu/bench/load/LoadBenchmark.class" ] || { echo "run-load: compile failed" >&2; exit 1; }

java -cp "$classes:$jar" dev.mcu.bench.load.LoadBenchmark \
  --seconds "$measure" --warmup "${WARMUP:-10}" --scenarios "$scenarios" \
  --baseline-seconds "${BASELINE_SECONDS:-20}" --jar "$jar" --out benchmarks/results --work "$work"
