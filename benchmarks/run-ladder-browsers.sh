#!/usr/bin/env bash
# The output ladder against two real browsers (not part of `mvn verify`): runs OutputLadderBrowsersTest
# (mcu-app) RUNS times. Each run: a 1280x720 canvas, two headless Chromium WHEP viewers, one of them in
# a network namespace held to 700 kbit/s by an nftables policer; passes when the limited one decodes a
# smaller layer and the other keeps decoding 1280x720. Prints each run's outcome, the server's layer
# moves (estimate, rate sent, loss) and what each browser decoded, then the count.
#
#   sudo benchmarks/run-ladder-browsers.sh [RUNS]     default 5
#
# Needs root (network namespaces), nftables, iproute2, chromium and chromium-driver (see .ci/run).
# Writes benchmarks/results/ladder-browsers-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=$PWD/benchmarks/results/ladder-browsers-$(date +%Y%m%d-%H%M%S).txt
mkdir -p "$(dirname "$out")"
passed=0
for i in $(seq 1 "$runs"); do
    log="$out.run$i.log"
    if mvn -B -pl mcu-app -am -Dtest=OutputLadderBrowsersTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Dsurefire.argLine="-Dio.netty.leakDetection.level=paranoid -Xss2m -Dladder.realBrowsers=true" verify > "$log" 2>&1; then
        passed=$((passed + 1))
        echo "run $i: passed (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
    else
        echo "run $i: FAILED (load $(cut -d' ' -f1-3 /proc/loadavg)): $(grep -m1 -E 'AssertionFailed|Exception:' "$log" | cut -c1-300)" | tee -a "$out"
    fi
    grep -E 'VideoLadder: .*(moving|now receives)|OutputLadderBrowsersTest: ' "$log" | sed 's/^/    /' | tee -a "$out" || true
done
echo "$passed of $runs runs passed" | tee -a "$out"
