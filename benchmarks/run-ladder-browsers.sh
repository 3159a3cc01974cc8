#!/usr/bin/env bash
# The output ladder against two real browsers, several times in a row (CI runs it once, in `mvn verify`):
# runs OutputLadderBrowsersTest (mcu-app) RUNS times. Each run: a 1280x720 canvas, two headless Chromium
# WHEP viewers, one of them in a network namespace held to 700 kbit/s by an nftables policer; passes when
# the limited one decodes a smaller layer within 20 s and, for the 15 s after, the other keeps decoding
# 1280x720, both keep decoding and show both speakers' colours, and the unlimited one never asks for a
# keyframe. Prints each run's outcome and load, the test's per-second samples (what each browser decodes,
# the layers the API shows), the server's layer moves, and each WHEP viewer's per-second checks
# (estimate / kbit/s sent / loss in 1/256, from VideoLadder's debug log), then the count.
#
#   sudo benchmarks/run-ladder-browsers.sh [RUNS]     default 5
#
# Needs root (network namespaces), nftables, iproute2, chromium and chromium-driver (see .ci/run).
# Writes benchmarks/results/ladder-browsers-<date>.txt (and each run's whole log next to it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=$PWD/benchmarks/results/ladder-browsers-$(date +%Y%m%d-%H%M%S).txt
mkdir -p "$(dirname "$out")"
passed=0
for i in $(seq 1 "$runs"); do
    log="$out.run$i.log"
    if mvn -B -pl mcu-app -am -Dtest=OutputLadderBrowsersTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Dsurefire.argLine="-Dio.netty.leakDetection.level=paranoid -Xss2m -Dladder.log=DEBUG" test > "$log" 2>&1; then
        passed=$((passed + 1))
        echo "run $i: passed (load $(cut -d' ' -f1-3 /proc/loadavg)) $(grep -m1 -o 'Time elapsed: [0-9.]* s' "$log")" | tee -a "$out"
    else
        echo "run $i: FAILED (load $(cut -d' ' -f1-3 /proc/loadavg)): $(grep -m1 -E 'AssertionFailed|Exception:' "$log" | cut -c1-300)" | tee -a "$out"
    fi
    grep -E 'VideoLadder: .*(moving|now receives)|OutputLadderBrowsersTest: ' "$log" | sed 's/^/    /' | tee -a "$out" || true
    # Per WHEP viewer (the phones' ids carry an @): estimate/sent/loss, one a second
    grep -E 'DEBUG .*VideoLadder: .* on [0-9]+x[0-9]+' "$log" | grep -v '@' \
        | sed -E 's/.*Room [^:]*: ([0-9a-f]{8})[^ ]* on ([0-9x]+)[^:]*: estimate ([0-9]+) kbit\/s, sent ([0-9]+) kbit\/s, loss (-?[0-9]+)\/256.*/\1 \2 \3\/\4\/\5/' \
        | awk '{checks[$1] = checks[$1] " " $3; layer[$1] = $2} END {for (v in checks) print "    viewer " v " (ends on " layer[v] "), estimate/sent/loss:" checks[v]}' \
        | tee -a "$out" || true
done
echo "$passed of $runs runs passed" | tee -a "$out"
