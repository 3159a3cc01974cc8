#!/usr/bin/env bash
# SIP call set-up under load (not part of `mvn verify`): sipp (Debian sip-tester) runs its built-in
# uac_pcap scenario against a fresh server per rate: INVITE with SDP, ACK, 8 s of PCMA from a pcap,
# an RFC 2833 digit, BYE. Per rate it reports calls asked and answered, failed calls, the 200 OKs to
# INVITEs that sipp received more than once (the server resent them: the ACK came late), the mean
# INVITE -> 200 time, the server's CPU (utime+stime from /proc over the run, per wall second) and the
# machine's 1-minute load average before and after the rate (others' work shows there).
#
#   benchmarks/run-sipp.sh [RATES]            RATES in calls/s, default "10 25 50 100"
#
# Environment: SECONDS_PER_RATE (10: calls asked = rate x this), SKIP_BUILD=1 (reuse mcu-app.jar),
#              SNIFF=SECONDS (as root: 200 OK and ACK times on lo, by benchmarks/sip-wire-timing.py),
#              SIPP_EXTRA (more sipp options, e.g. -trace_msg), SIPP_SERVER_JVM (options for the server JVM),
#              MCU_JAR (another server jar, e.g. main's, to compare with the same script),
#              SCENARIO=uac (sipp's built-in uac: the same calls, 8 s each, with no media: what SIP
#              set-up alone costs, apart from the RTP of the calls up at once).
# Writes benchmarks/results/sipp-<date>/: curve.md, sipp's stat and count files and the server logs.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=${1:-"10 25 50 100"}
seconds=${SECONDS_PER_RATE:-10}
export SCENARIO=${SCENARIO:-uac_pcap}
call_length=""
[ "$SCENARIO" = uac ] && call_length="-d 8000"   # uac_pcap's calls last as long as its 8 s pcap
jar=${MCU_JAR:-$PWD/mcu-app/target/mcu-app.jar}
command -v sipp >/dev/null || { echo "run-sipp: needs sipp (apt-get install sip-tester)" >&2; exit 2; }
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -pl mcu-app -am -DskipTests package
out=$PWD/benchmarks/results/sipp-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/pcap"
ln -sf /usr/share/sip-tester/*.pcap "$out/pcap/"   # the scenario plays pcap/g711a.pcap and pcap/dtmf_2833_1.pcap
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# sipp gives each call the next 4 ports above -mp and never wraps: a base from the ephemeral range
# (up to 60999) ran past 65535 after ~1,100 calls, and those calls' SDP (m= port 65541) got 400.
# So the base is a free even port low enough for every call of the rate, and below the server's
# media.portMin (41000) so the two never take each other's ports.
media_base() { python3 - "$1" <<'PY'
import random, socket, sys
top = 41000 - 4 * (int(sys.argv[1]) + 1)
if top < 10002:
    sys.exit("run-sipp: too many calls for sipp's media ports below 41000")
for _ in range(200):
    port = random.randrange(10000, max(10002, top), 2)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", port))
        print(port)
        break
    except OSError:
        pass
else:
    sys.exit("run-sipp: no free media port base below %d" % top)
PY
}
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "| calls/s asked | calls | answered | failed | 200 OK resent | INVITE→200 ms, mean / p95 | server CPU (cores) | load average |" > "$out/curve.md"
echo "|---|---|---|---|---|---|---|---|" >> "$out/curve.md"
for rate in $rates; do
  calls=$((rate * seconds))
  sip_port=$(free_port)
  java ${SIPP_SERVER_JVM:-} -jar "$jar" --set sip.port="$sip_port" --set sip.wsPort=0 --set sip.wssPort=0 --set sip.tlsPort=0 --set http.port=0 \
      --set http.httpsPort=0 --set webrtc.port=0 --set media.portMin=41000 --set media.portMax=59999 \
      --set rooms.maxCalls=5000 --set rooms.maxParticipants=5000 --set sip.floodLimitPerSecond=0 \
      > "$out/server-$rate.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do grep -q "listening for SIP" "$out/server-$rate.log" && break; sleep 0.5; done
  [ -n "${SNIFF:-}" ] && { python3 benchmarks/sip-wire-timing.py "$sip_port" "$SNIFF" > "$out/sniff-$rate.txt" 2>&1 & }
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks $server); started=$(date +%s.%N)
  status=0
  (cd "$out" && sipp -sn "$SCENARIO" $call_length "127.0.0.1:$sip_port" -s sipp -i 127.0.0.1 -p "$(free_port)" -mp "$(media_base "$calls")" \
      -r "$rate" -m "$calls" -l $((rate * 15)) -nostdin -timeout $((seconds * 4 + 60))s -timeout_error \
      -trace_stat -stf "stat-$rate.csv" -fd 1 -trace_counts -trace_rtt -rtt_freq 1 -trace_err ${SIPP_EXTRA:-} -error_file "errors-$rate.log" \
      > "sipp-$rate.out" 2>&1) || status=$?
  after=$(cpu_ticks $server); ended=$(date +%s.%N)
  load_after=$(cut -d' ' -f1 /proc/loadavg)
  kill "$server"; wait "$server" 2>/dev/null || true
  python3 - "$out" "$rate" "$calls" "$before" "$after" "$started" "$ended" "$ticks" "$status" "$load_before" "$load_after" >> "$out/curve.md" <<'PY'
import csv, glob, os, sys
out, rate, calls, before, after, started, ended, ticks, status, load_before, load_after = sys.argv[1:]
stat = list(csv.DictReader(open(f"{out}/stat-{rate}.csv"), delimiter=';'))[-1]
scenario = os.environ["SCENARIO"]
counts_file = sorted(glob.glob(f"{out}/{scenario}_*_counts.csv"))[-1]
counts = list(csv.DictReader(open(counts_file), delimiter=';'))[-1]
resent = next(int(v) for k, v in counts.items() if k and k.endswith('_200_Retrans'))  # the INVITE's 200
import os
os.rename(counts_file, f"{out}/counts-{rate}.csv")
ok, failed = int(stat['SuccessfulCall(C)']), int(stat['FailedCall(C)'])
rtt_file = sorted(glob.glob(f"{out}/{scenario}_*_rtt.csv"))[-1]
rtts = sorted(float(r['response_time_ms']) for r in csv.DictReader(open(rtt_file), delimiter=';') if r.get('response_time_ms'))
os.rename(rtt_file, f"{out}/rtt-{rate}.csv")
rtd_ms = sum(rtts) / max(1, len(rtts))
p95 = rtts[int(0.95 * (len(rtts) - 1))] if rtts else 0
wall = float(ended) - float(started)
cpu = (int(after) - int(before)) / int(ticks) / wall
print(f"| {rate} | {calls} | {ok} | {failed} | {resent} ({100.0 * resent / max(1, ok + failed):.1f} %) | {rtd_ms:.0f} / {p95:.0f} | "
      f"{cpu:.2f} | {load_before} → {load_after} |")
PY
  tail -1 "$out/curve.md"
done
echo "run-sipp: $out/curve.md"
