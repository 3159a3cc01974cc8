#!/usr/bin/env bash
# The control plane's CPU cost under load: runs one load scenario (default video16) twice, once
# plain and once with an SSE reader on /api/v1/events and a /metrics scrape every second, and
# prints the server CPU of both from benchmarks/results/load-latest.json.
#
# Usage: benchmarks/control-plane-load.sh [MEASURE_SECONDS]   (default 30)
# Environment: SCENARIO (video16), WARMUP (10).
set -euo pipefail
cd "$(dirname "$0")/.."
measure=${1:-30}
scenario=${SCENARIO:-video16}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="control-plane-load-$(date +%s)-token"
export MCU_SERVER_SETS="http.port=$port admin.token=$token http.httpsPort=0 sip.wsPort=0 sip.wssPort=0 sip.tlsPort=0 webrtc.port=0"
out=benchmarks/target/control-plane; mkdir -p "$out"

# The server CPU of the scenario, from the load.json of the run whose log is $1.
cpu() { python3 - "$scenario" "$1" <<'PY'
import json, re, sys
log = open(sys.argv[2]).read()
run = re.findall(r"wrote (\S+?)/?$", log, re.M)
if not run:
    print("no result (see " + sys.argv[2] + ")"); sys.exit()
for r in json.load(open(run[-1] + "/load.json"))["scenarios"]:
    if r["name"] == sys.argv[1]:
        print("server %.3f cpu-s per media-s (%.1f cpu-s in %.0f s)%s" % (r["serverCpuPerMediaSecond"],
              r["serverCpuSeconds"], r["measuredSeconds"], "" if r["error"] is None else ", error: " + r["error"]))
PY
}

SCENARIOS=$scenario BASELINE_SECONDS=0 WARMUP=${WARMUP:-10} benchmarks/run-load.sh "$measure" > "$out/plain.log" 2>&1
echo "plain:            $(cpu "$out/plain.log")"

( # readers: wait for the server, then hold an event stream open and scrape once a second
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do sleep 0.5; done
  curl -sN -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/events" > "$out/events.txt" &
  sse=$!
  while curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"; do sleep 1; done
  kill $sse 2>/dev/null || true
) &
readers=$!
SKIP_BUILD=1 SCENARIOS=$scenario BASELINE_SECONDS=0 WARMUP=${WARMUP:-10} benchmarks/run-load.sh "$measure" > "$out/observed.log" 2>&1
kill $readers 2>/dev/null || true
echo "SSE + 1 s scrape: $(cpu "$out/observed.log")"
echo "events received: $(grep -c '^event:' "$out/events.txt" || true)"
