#!/usr/bin/env bash
# Long fuzzing runs (issue #11: 10 M executions or 1 hour per target), one target after another,
# at the lowest CPU priority so they use only idle CPU. Results: docs/robustness.md, "Long runs".
#
#   fuzz/run-long.sh                          # every target, 1 h or 10 M executions each
#   FUZZ_DURATION=12m fuzz/run-long.sh SdpFuzzTest SrtpFuzzTest
#   FUZZ_HEAP=1g ...                          # heap cap of each fuzzing JVM (default 1536m)
#
# Each target's whole output goes to fuzz/target/long-run/<Target>.log, one summary line per target
# to fuzz/target/long-run/summary.tsv (last libFuzzer status line: executions, coverage edges,
# corpus, exec/s). A crash input is written into the target's Inputs directory under
# fuzz/src/test/resources: fix the bug, commit the input, it stays a regression test.
#
# Maven runs inside a network namespace with only loopback in it (as fuzz/netns/bin/java does for
# CI), so nothing a fuzzed Via, Contact or SDP address makes the server send leaves this machine.
# Offline (-o): the dependencies must already be in ~/.m2 (any earlier `mvn verify` put them there).
set -uo pipefail
cd "$(dirname "$0")/.."

duration=${FUZZ_DURATION:-1h}
# A heap cap per fuzzing JVM: the default (a quarter of RAM) let four lanes side by side grow past the
# machine's memory, and a target whose heap climbs under a cap is a finding (a leak), not noise.
heap=${FUZZ_HEAP:-1536m}
max_executions=${FUZZ_MAX_EXECUTIONS:-10000000}
all_targets=(RtpRtcpFuzzTest H264DepacketizerFuzzTest Vp8DepacketizerFuzzTest JitterBufferFuzzTest
  SharedPortFuzzTest SrtpFuzzTest SdpFuzzTest SipMessageFuzzTest SipServerFuzzTest RestApiFuzzTest)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

out=fuzz/target/long-run
mkdir -p "$out"
if [ "$(id -u)" = 0 ]; then user=""; else user="-r"; fi
if ! unshare $user -n true 2>/dev/null; then
  echo "fuzz/run-long.sh: cannot create a network namespace (unshare $user -n failed); the SIP targets need one so fuzzed addresses stay on loopback" >&2
  exit 1
fi

[ -f "$out/summary.tsv" ] || printf 'target\tstarted\tseconds\texit\texecutions\tcov_edges\tcorpus\texec_per_s\tcrash_inputs\n' >"$out/summary.tsv"
for target in "${targets[@]}"; do
  instrument='dev.mcu.**,gov.nist.**,javax.sip.**'
  # As its CI execution: coverage from the HTTP side of the server and Jackson, not from media start-up.
  [ "$target" = RestApiFuzzTest ] && instrument='dev.mcu.app.**,com.fasterxml.jackson.**'
  started=$(date -u +%FT%TZ); t0=$(date +%s)
  echo "$started $target: fuzzing for $duration or $max_executions executions, log in $out/$target.log"
  JAVA_TOOL_OPTIONS="-Xmx$heap" JAZZER_FUZZ=1 nice -n 19 unshare $user -n -- sh -c 'ip link set lo up && exec "$@"' sh \
    mvn -B -o -pl fuzz -am -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dfuzz.skip=true -Dfuzz.regression.skip=true -Dfuzz.instrument="$instrument" \
      -Djazzer.max_duration="$duration" -Djazzer.max_executions="$max_executions" verify \
    >"$out/$target.log" 2>&1
  rc=$?
  # libFuzzer's status lines: "#<runs> <event> cov: <edges> ft: <features> corp: <entries>/<size> ... exec/s: <n> ..."
  last=$(grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$out/$target.log" | tail -1)
  runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")
  eps=$(sed -nE 's/.* exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  crashes=$(git status --porcelain --untracked-files=all -- fuzz/src/test/resources | grep -c "${target}Inputs/.*crash-" || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$started" "$(( $(date +%s) - t0 ))" "$rc" \
    "${runs:-?}" "${cov:-?}" "${corp:-?}" "${eps:-?}" "$crashes" | tee -a "$out/summary.tsv"
done
