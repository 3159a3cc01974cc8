#!/usr/bin/env bash
# End-to-end load benchmark (not part of `mvn verify`): builds the server jar, compiles the load
# benchmark against it, then runs dev.mcu.bench.load.LoadBenchmark, which starts the server as its
# own process per scenario, dials synthetic SIP participants into it over loopback, measures the
# server's CPU (and each of its threads') from /proc, the video one participant receives, and runs
# the ffmpeg CLI of the server's own FFmpeg natives on the same job with the same encoder.
#
#   benchmarks/run-load.sh [--publish] [MEASURE_SECONDS]     (default 60; e.g. 20 for a quick run)
#   benchmarks/run-load.sh --help
#
# Environment: SCENARIOS (default video4,video16,video64,video64speaker,listen1000,talk1000; also videoN,
#              videoNspeaker, listenN, talkN, webinarN (1 talker), webinarNa (3 talkers), webinarNv (4 video speakers, N video attendees), webinarNw (4 video speakers, N WHEP attendees with DTLS-SRTP)),
#              WARMUP (150 s after the calls are up: the room's per-frame code reaches the JIT's C2 38-80 s in, and a
#              shorter warm-up measures the compiling; see docs/benchmarks.md, "Issue 12, session 18"), BASELINE_SECONDS (20; 0 skips ffmpeg),
#              BASELINE_RUNS (3: the ffmpeg job runs that many times, the median run counts),
#              GPL=1 (build with -Pgpl: libx264 in the server and the baseline, else OpenH264 in both),
#              JOIN_PARALLEL (16 INVITEs in flight), JOIN_LIMIT_SECONDS (150: all joins by then, else the
#              scenario fails as stalled), SKIP_BUILD=1 (reuse the built jar), JAR=path (run that server jar, built with SKIP_BUILD=1;
#              lets a second build not pull the jar from under a running benchmark), PYTHON (/usr/bin/python3, with numpy and matplotlib:
#              Debian python3-numpy python3-matplotlib).
# A run writes only to benchmarks/results/load-<date>/ (not tracked by git): load.md, load.json,
# charts/*.svg, server logs in work/. With --publish it also copies load.md, load.json and the charts to
# docs/benchmarks/load[-gpl]/ (tracked; docs/benchmarks.md links there).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
publish=0
case "${1:-}" in
  --help|-h|help) usage; exit 0 ;;
  --publish) publish=1; shift ;;
esac
measure=${1:-60}
[[ "$measure" =~ ^[0-9]+$ ]] || { echo "run-load: MEASURE_SECONDS must be a number, not '$measure' (see --help)" >&2; exit 2; }
scenarios=${SCENARIOS:-video4,video16,video64,video64speaker,listen1000,talk1000}
python=${PYTHON:-/usr/bin/python3}
stamp=$(date +%Y%m%d-%H%M%S)
out=benchmarks/results/load-$stamp
work=$out/work
classes=$out/classes   # per run: two runs at once must not delete each other's classes
jar=${JAR:-mcu-app/target/mcu-app.jar}
profile=(); flavour=""
if [ "${GPL:-0}" = 1 ]; then profile=(-Pgpl); flavour=-gpl; fi
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
  mvn -B -q -o "${profile[@]}" -DskipTests -pl mcu-app -am package \
    || mvn -B -q "${profile[@]}" -DskipTests -pl mcu-app -am package
fi
if [ -n "$flavour" ] && [ "$(unzip -l "$jar" | grep -c 'linux-x86_64-gpl/')" = 0 ]; then
  echo "run-load: GPL=1 but $jar has no GPL natives (built without -Pgpl? drop SKIP_BUILD)" >&2; exit 1
fi
rm -rf "$classes"; mkdir -p "$classes"
javac -d "$classes" -cp "$jar" $(find benchmarks/src/main/java/dev/mcu/bench/load -name '*.java') 2>&1 \
  | grep -v '^Note:' || true
[ -s "$classes/dev/mcu/bench/load/LoadBenchmark.class" ] || { echo "run-load: compile failed" >&2; exit 1; }

command="${GPL:+GPL=$GPL }${BASELINE_RUNS:+BASELINE_RUNS=$BASELINE_RUNS }SCENARIOS=$scenarios WARMUP=${WARMUP:-150} BASELINE_SECONDS=${BASELINE_SECONDS:-20} benchmarks/run-load.sh $measure"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" > "$out/machine.txt"
PYTHON=$python java -cp "$classes:$jar" dev.mcu.bench.load.LoadBenchmark \
  --seconds "$measure" --warmup "${WARMUP:-150}" --scenarios "$scenarios" \
  --baseline-seconds "${BASELINE_SECONDS:-20}" --baseline-runs "${BASELINE_RUNS:-3}" --jar "$jar" --out "$out" --work "$work" \
  --quality-script benchmarks/quality.py --command "$command"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
if "$python" -c 'import matplotlib' 2>/dev/null; then
  "$python" benchmarks/charts.py load "$out/load.json" "$out/charts"
else
  echo "run-load: no charts ($python has no matplotlib: apt-get install python3-matplotlib)" >&2
fi
echo "wrote $out/"

if [ "$publish" = 1 ]; then
  dest=docs/benchmarks/load$flavour
  rm -rf "$dest"; mkdir -p "$dest"
  cp "$out/load.md" "$out/load.json" "$out/machine.txt" "$dest/"
  [ -d "$out/charts" ] && cp -r "$out/charts" "$dest/"
  echo "published to $dest/ (commit it, and update the numbers in docs/benchmarks.md)"
fi
