#!/usr/bin/env bash
# Compares server jars on the same load scenarios in one invocation: runs benchmarks/run-load.sh for
# each jar in turn (A B A B ... ROUNDS times, so a change in the machine's load hits both alike),
# then prints, per scenario and jar, the medians of the server's cpu-s per media-s and of its main
# threads, with the load average of every run; with BASELINE_SECONDS > 0, also the median of each run's
# ratio to the ffmpeg CLI run beside it, as fast as it can and fed in real time (one jar with ROUNDS=3 gives a
# steadier verdict than one run).
# Not part of `mvn verify`.
#
#   benchmarks/compare-jars.sh MEASURE_SECONDS NAME=JAR [NAME=JAR ...]
#   e.g. cp mcu-app/target/mcu-app.jar /tmp/new.jar
#        SCENARIOS=video16 ROUNDS=3 benchmarks/compare-jars.sh 20 before=/tmp/old.jar after=/tmp/new.jar
#
# Environment: SCENARIOS (video16), ROUNDS (3), WARMUP (150, as run-load.sh), BASELINE_SECONDS (0: the ffmpeg CLI is the
# same for every jar; set it to have it run with each), SETS_<NAME> (server keys for that name's runs
# only, added to MCU_SERVER_SETS; so one jar can be compared with itself under two settings:
#   SETS_epoll=media.ioEngine=epoll SETS_io_uring=media.ioEngine=io_uring \
#     SCENARIOS=webinar5000a benchmarks/compare-jars.sh 20 epoll=/tmp/new.jar io_uring=/tmp/new.jar),
# and whatever run-load.sh takes.
# Writes benchmarks/results/compare-<date>/compare.md (not tracked) and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ] || [[ ! "$1" =~ ^[0-9]+$ ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2
fi
measure=$1; shift
for spec in "$@"; do
  [[ "$spec" == *=* ]] && [ -s "${spec#*=}" ] || { echo "compare-jars: '$spec' is not NAME=JAR of an existing jar" >&2; exit 2; }
done
out=benchmarks/results/compare-$(date +%Y%m%d-%H%M%S); mkdir -p "$out"
: > "$out/runs.tsv"
for round in $(seq "${ROUNDS:-3}"); do
  for spec in "$@"; do
    name=${spec%%=*}; jar=${spec#*=}
    log="$out/$name-$round.log"
    echo "compare-jars: round $round, $name ($jar)" >&2
    sets_var="SETS_$name"
    MCU_SERVER_SETS="${MCU_SERVER_SETS:-}${!sets_var:+ ${!sets_var}}" \
    SKIP_BUILD=1 JAR="$jar" SCENARIOS="${SCENARIOS:-video16}" WARMUP="${WARMUP:-150}" \
      BASELINE_SECONDS="${BASELINE_SECONDS:-0}" benchmarks/run-load.sh "$measure" > "$log" 2>&1 \
      || { echo "compare-jars: run failed, see $log" >&2; continue; }
    dir=$(sed -n 's/^wrote \(.*\)\/$/\1/p' "$log" | tail -1)
    printf '%s\t%s\t%s\n' "$name" "$round" "$dir" >> "$out/runs.tsv"
  done
done
"${PYTHON:-/usr/bin/python3}" - "$out" "$measure" <<'PY' | tee "$out/compare.md"
import json, statistics, sys
from collections import defaultdict
out, measure = sys.argv[1], sys.argv[2]
runs = defaultdict(lambda: defaultdict(list))   # scenario -> jar -> [scenario result + load]
order = []
for line in open(out + "/runs.tsv"):
    name, rnd, d = line.rstrip("\n").split("\t")
    if name not in order:
        order.append(name)
    data = json.load(open(d + "/load.json"))
    machine = open(d + "/machine.txt").read().split("\n")
    load = " → ".join(l.split(":", 1)[1].split()[0] for l in machine if l.startswith("load"))
    for s in data["scenarios"]:
        s["load"] = load
        runs[s["name"]][name].append(s)
# thread names as the load report groups them (Linux cuts them at 15 characters: room-<room>-au / -vi)
groups = [("encode", lambda k: k.startswith("encode-")), ("decode", lambda k: k.startswith("decode-")),
          ("audio lane", lambda k: k.startswith("room-") and k.rsplit("-", 1)[-1].startswith("a")),
          ("video lane", lambda k: k.startswith("room-") and k.rsplit("-", 1)[-1].startswith("v")),
          ("media-io", lambda k: k.startswith("media-io")), ("JIT", lambda k: "Compiler" in k),
          ("GC", lambda k: k.startswith("GC Thread"))]
def thread(s, matches):
    return sum(v for k, v in (s.get("threads") or {}).items() if matches(k))
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")
def ratio_cell(rs, ratio_key, cli_key):
    # with BASELINE_SECONDS set, each run has its own CLI figure: the median of the runs' own ratios
    # is steadier than one median divided by another when the machine's load drifts between rounds
    paired = [r for r in rs if r.get(ratio_key)]
    if not paired:
        return "–"
    ratios = [r[ratio_key] for r in paired]
    return (f"{med(ratios):.2f}x (" + ", ".join(f"{x:.2f}" for x in ratios) + "; the CLI "
            + ", ".join(f"{r[cli_key]:.3f}" for r in paired) + ")")
print(f"# Jar comparison ({measure} s measured per run)\n")
for scen, byjar in runs.items():
    print(f"## {scen}\n")
    print("| jar | runs | server cpu-s / media-s (median; each run) | ours ÷ the ffmpeg CLI (median; each run) | "
          + "ours ÷ the CLI fed in real time, -re (median; each run) | "
          + " | ".join(g for g, _ in groups)
          + " | audio lane ms per round sent | encode ms per frame sent | real time | audio-round lateness p99 ms"
          + " | SSIM (Y) of a received tile (median; each run) | tile steps that repeat or skip"
          + " | video latency p50 ms; A/V skew p50 ms | load average per run (before → after) |")
    print("|---" * (len(groups) + 13) + "|")
    base = None
    for name in order:
        rs = byjar.get(name, [])
        if not rs:
            continue
        cpu = med([r.get("serverCpuPerMediaSecond") for r in rs])
        base = cpu if base is None else base
        each = ", ".join(f"{r.get('serverCpuPerMediaSecond') or float('nan'):.3f}" for r in rs)
        cells = [f"{med([thread(r, k) for r in rs]):.3f}" for _, k in groups]
        # per unit of work actually done: a starved server sends fewer rounds and frames, and spends less
        lane = med([1000 * thread(r, groups[2][1]) / r["audioPacketsPerSecondMean"] for r in rs
                    if r.get("audioPacketsPerSecondMean")])
        enc = med([1000 * thread(r, groups[0][1]) / r["videoFpsMean"] for r in rs if r.get("videoFpsMean")])
        cells += [f"{lane:.2f}", f"{enc:.2f}"]
        rt = "/".join("yes" if r.get("realTime") else "no" for r in rs)
        late = med([(r.get("audioRoundLatenessMillis") or {}).get("p99") for r in rs])
        ssims = [((r.get("quality") or {}).get("ours") or {}).get("ssim") for r in rs]
        ssim = "–" if all(x is None for x in ssims) else (f"{med(ssims):.4f} ("
                + ", ".join("–" if x is None else f"{x:.4f}" for x in ssims) + ")")
        uneven = [((r.get("quality") or {}).get("ours") or {}).get("unevenSteps") for r in rs]
        steps = "–" if all(x is None for x in uneven) else f"{100 * med(uneven):.1f} %"
        video = [r.get("videoLatencyMillis") or {} for r in rs]
        latency = f"{med([v.get('p50') for v in video]):.0f}; {med([v.get('skewP50') for v in video]):.0f}"
        cli = ratio_cell(rs, "oursOverFfmpeg", "ffmpegCpuPerMediaSecond")
        paced = ratio_cell(rs, "oursOverFfmpegPaced", "ffmpegPacedCpuPerMediaSecond")
        print(f"| {name} | {len(rs)} | **{cpu:.3f}** ({each}){'' if cpu == base else f', {cpu / base:.2f}x the first'} | "
              + cli + " | " + paced + " | " + " | ".join(cells) + f" | {rt} | {late:.1f} | {ssim} | {steps} | {latency} | "
              + "; ".join(r['load'] for r in rs) + " |")
    print()
PY
echo "wrote $out/compare.md" >&2
