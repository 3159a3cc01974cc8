#!/usr/bin/env bash
# Splits a running server's CPU by thread group and by the code it runs (FFmpeg's codecs, swscale,
# Java, the JVM, the kernel) with Linux perf's cpu-clock sampling, which needs no hardware counters
# (it works in a VM) and, unlike JFR, samples every running thread alike: JFR samples at most one
# thread in native code per 20 ms against five in Java per 10 ms, so in a thread that mixes both
# (a decode thread: FFmpeg, then copying the picture out in Java) it overstates the Java part.
# Not part of `mvn verify`.
#
#   benchmarks/perf-stages.sh PID [SECONDS]      (default 15)
#   e.g. during a load run's measure window:
#        benchmarks/perf-stages.sh "$(cat benchmarks/results/load-<date>/work/load-server.pid)" 15
#
# Prints a markdown table: cpu-s per second of each thread group (decode pool, encode pool, the
# rooms' audio and video lanes, the network event loops, JIT compiler, GC) split by where the
# samples fell. Java code compiled by the JIT shows as "Java (JIT)", not by method; libavfilter is the
# decoders' zimg fits (ZscaleFit). Needs perf (Debian linux-perf) and permission to profile the
# process (root, or perf_event_paranoid <= 1).
set -euo pipefail
if [ $# -lt 1 ] || [[ ! "$1" =~ ^[0-9]+$ ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2
fi
pid=$1; seconds=${2:-15}; freq=499
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
perf record -q -e cpu-clock -F "$freq" -p "$pid" -o "$out/perf.data" -- sleep "$seconds" 2>/dev/null
perf report -i "$out/perf.data" --sort comm,dso --stdio -n 2>/dev/null > "$out/report.txt"
"${PYTHON:-/usr/bin/python3}" - "$out/report.txt" "$freq" "$seconds" <<'PY'
import re, sys
from collections import defaultdict
report, freq, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def group(comm):
    rules = [("decode pool", r"^decode-"), ("encode pool", r"^encode-"), ("audio lane", r"^room-.*-a"),
             ("video lane", r"^room-.*-v"), ("event loops (RTP in/out)", r"^media-io"),
             ("JIT compiler", r"Compiler"), ("GC", r"^(GC|G1|VM Thread)")]
    for name, rx in rules:
        if re.search(rx, comm):
            return name
    return "other threads"
def where(dso):
    rules = [("libavcodec (codecs)", "libavcodec"), ("libavfilter (zimg's fits)", "libavfilter"),
             ("swscale", "libswscale"), ("swresample", "libswresample"),
             ("libavutil", "libavutil"), ("Java (JIT)", "[JIT]"), ("JVM runtime", "libjvm"),
             ("kernel", "[kernel"), ("libc", "libc.so"), ("netty native", "netty")]
    for name, key in rules:
        if key in dso:
            return name
    return "other"
cells = defaultdict(lambda: defaultdict(int))
total = 0
for line in open(report):
    m = re.match(r"\s*[\d.]+%\s+(\d+)\s+(.+?)\s{2,}(\S.*?)\s*$", line)
    if not m or line.lstrip().startswith("#"):
        continue
    n, comm, dso = int(m.group(1)), m.group(2).strip(), m.group(3).strip()
    cells[group(comm)][where(dso)] += n
    total += n
cols = ["libavcodec (codecs)", "libavfilter (zimg's fits)", "swscale", "swresample", "libavutil", "Java (JIT)",
        "JVM runtime", "kernel", "libc", "netty native", "other"]
cols = [c for c in cols if any(cells[g][c] for g in cells)]
scale = 1.0 / freq / seconds
print(f"cpu-s per second by thread group and code, perf cpu-clock at {int(freq)} Hz over {int(seconds)} s "
      f"({total} samples = {total * scale:.3f} cpu-s/s)\n")
print("| threads | total | " + " | ".join(cols) + " |")
print("|---" * (len(cols) + 2) + "|")
for g in sorted(cells, key=lambda g: -sum(cells[g].values())):
    row = cells[g]
    print(f"| {g} | {sum(row.values()) * scale:.3f} | " + " | ".join(f"{row[c] * scale:.3f}" for c in cols) + " |")
PY
