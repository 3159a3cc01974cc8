#!/usr/bin/env bash
# Network faults, longer than CI's 3 s per fault (not part of `mvn verify`): runs NetworkFaultTest
# (mcu-app) with PHASE_SECONDS per fault (5, 10 and 20 % loss by nftables in a namespace, 10 %
# reordering, 0-30 ms jitter; then a 2 s blackout) and keeps its report: per fault, what the
# unimpaired phone heard of the impaired one (share of 10 ms windows silent, dropouts, longest),
# packets lost and concealed, and the PLI / keyframe times after the blackout.
#
#   sudo benchmarks/run-network-faults.sh [PHASE_SECONDS]     default 20
#
# Needs root (network namespaces), nftables, iproute2 and baresip (see .ci/run).
# Writes benchmarks/results/network-faults-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
out=$PWD/benchmarks/results/network-faults-$(date +%Y%m%d-%H%M%S).txt
mkdir -p "$(dirname "$out")"
mvn -B -pl mcu-app -am -Dtest=NetworkFaultTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.argLine="-Dio.netty.leakDetection.level=paranoid -Xss2m -Dfaults.phaseMillis=$((seconds * 1000))" verify \
    | tee "$out.log" | grep -E '^(clean|[0-9]+ % loss|reorder|jitter|blackout|after the blackout)' | sort -u > "$out" || true
grep -E 'Tests run:.*NetworkFaultTest' "$out.log" | tail -1 >> "$out"
cat "$out"
