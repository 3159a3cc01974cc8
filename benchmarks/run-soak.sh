#!/usr/bin/env bash
# Churn soak (the long version of ChurnSoakTest, not part of `mvn verify`): builds the server jar,
# then runs dev.mcu.bench.load.ChurnSoak, which starts the server as its own process and has one
# participant leave and another join every 250 ms, with media, for 15 minutes (3,600 join/leave
# cycles: an hour of one per second, compressed). Writes benchmarks/results/churn-soak.{csv,svg}.
#
# Usage: benchmarks/run-soak.sh [MINUTES] [CHURN_MILLIS]      (defaults 15 and 250)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-15}
churn=${2:-250}
work=benchmarks/target/soak
jar=mcu-app/target/mcu-app.jar
mkdir -p "$work"
trap '[ -s "$work/load-server.pid" ] && kill -9 "$(cat "$work/load-server.pid")" 2>/dev/null || true' EXIT INT TERM
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s "$jar" ]; then
  mvn -B -q -o -DskipTests -pl mcu-app -am package || mvn -B -q -DskipTests -pl mcu-app -am package
fi
classes=$work/classes
rm -rf "$classes"; mkdir -p "$classes"
javac -d "$classes" -cp "$jar" $(find benchmarks/src/main/java/dev/mcu/bench/load -name '*.java') 2>&1 \
  | grep -v '^Note:' || true
[ -s "$classes/dev/mcu/bench/load/ChurnSoak.class" ] || { echo "run-soak: compile failed" >&2; exit 1; }
java -cp "$classes:$jar" dev.mcu.bench.load.ChurnSoak --minutes "$minutes" --churn-millis "$churn" \
  --jar "$jar" --work "$work" --out benchmarks/results
