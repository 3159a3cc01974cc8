#!/usr/bin/env python3
"""Draws the benchmark charts as SVG files (matplotlib; Debian: python3-matplotlib).

    charts.py jmh  RESULT.json OUTDIR   one horizontal bar chart per JMH benchmark: CPU time per
                                        operation (CpuTimeProfiler) and JMH's wall-clock score
    charts.py load LOAD.json   OUTDIR   the load benchmark: server vs ffmpeg CPU per scenario,
                                        received quality (SSIM), and the per-stage CPU breakdown

Prints the files it wrote. Chart names are stable, so docs/benchmarks.md can link them.
"""
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams["svg.hashsalt"] = "mcu-benchmarks"  # the same data gives the same file
plt.rcParams["svg.fonttype"] = "none"


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    print(path)


def params_text(params):
    return ", ".join(f"{k}={v}" for k, v in (params or {}).items()) or "-"


def secondary(result, name):
    for key, metric in (result.get("secondaryMetrics") or {}).items():
        if key.endswith(name):
            return float(metric["score"])
    return math.nan


def jmh(result_path, out):
    with open(result_path) as f:
        results = json.load(f)
    groups = {}
    for r in results:
        short = r["benchmark"].replace("dev.mcu.bench.jmh.", "")
        groups.setdefault(short, []).append(r)
    for short, rows in groups.items():
        labels = [params_text(r.get("params")) for r in rows]
        wall = [float(r["primaryMetric"]["score"]) for r in rows]
        cpu = [secondary(r, "cpu.time/op") for r in rows]
        unit = rows[0]["primaryMetric"]["scoreUnit"]
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], wall, height=0.4, color="#9bbbe0", label="wall clock (JMH score)")
        ax.barh([i - 0.2 for i in y], cpu, height=0.4, color="#e07b00", label="CPU time")
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        ax.set_title(short, fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        save(fig, os.path.join(out, short.replace("/", "_") + ".svg"))


def load(result_path, out):
    with open(result_path) as f:
        data = json.load(f)
    rows = [s for s in data["scenarios"] if not s.get("error")]
    encoder = data.get("serverEncoder", "?")
    title_tail = f"({encoder}; load avg {data['machine'].get('loadAverageBefore', '?')})"

    names = [s["name"] for s in rows]
    ours = [s["serverCpuPerMediaSecond"] for s in rows]
    base = [s.get("ffmpegCpuPerMediaSecond") or 0 for s in rows]
    one_thread = [s.get("ffmpegOneDecodeThreadCpuPerMediaSecond") or 0 for s in rows]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = range(len(rows))
    ax.bar([i - 0.27 for i in x], ours, width=0.27, color="#4a7fb5", label="MCU server")
    ax.bar([i for i in x], base, width=0.27, color="#999999", label="ffmpeg CLI, same job and encoder")
    if any(one_thread):
        ax.bar([i + 0.27 for i in x], one_thread, width=0.27, color="#cccccc",
               label="ffmpeg CLI, one thread per decoder")
    for i, s in enumerate(rows):
        if s.get("oursOverFfmpeg"):
            label = f"{s['oursOverFfmpeg']:.2f}x"
            if s.get("oursOverFfmpegOneDecodeThread"):
                label += f" / {s['oursOverFfmpegOneDecodeThread']:.2f}x"
            ax.text(i, max(ours[i], base[i], one_thread[i]) * 1.02, label, ha="center", fontsize=8)
    ax.set_xticks(list(x), names)
    ax.set_ylabel("CPU seconds per media second")
    ax.set_title("End-to-end CPU " + title_tail, fontsize=10)
    ax.legend(fontsize=8)
    save(fig, os.path.join(out, "load-cpu.svg"))

    quality = [s for s in rows if (s.get("quality") or {}).get("ours")]
    if quality:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        x = range(len(quality))
        ax.bar([i - 0.2 for i in x], [s["quality"]["ours"]["ssim"] for s in quality], width=0.4,
               color="#4a7fb5", label="MCU server")
        ax.bar([i + 0.2 for i in x], [(s["quality"].get("ffmpeg") or {}).get("ssim") or 0 for s in quality],
               width=0.4, color="#999999", label="ffmpeg CLI")
        ax.set_xticks(list(x), [s["name"] for s in quality])
        lows = [s["quality"]["ours"]["ssim"] for s in quality] + \
               [(s["quality"].get("ffmpeg") or {}).get("ssim") or 1 for s in quality]
        ax.set_ylim(max(0.0, min(lows) - 0.05), 1.0)
        ax.set_ylabel("SSIM (Y) of a received tile")
        ax.set_title("Quality a participant receives " + title_tail, fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        save(fig, os.path.join(out, "load-ssim.svg"))

    broken = [s for s in rows if s.get("breakdown")]
    if broken:
        stages = []
        for s in broken:
            for stage in s["breakdown"]:
                if stage not in stages:
                    stages.append(stage)
        fig, ax = plt.subplots(figsize=(8, 0.7 * len(broken) + 2.2))
        cmap = plt.get_cmap("tab20")
        left = [0.0] * len(broken)
        for k, stage in enumerate(stages):
            values = [s["breakdown"].get(stage, 0.0) for s in broken]
            ax.barh(range(len(broken)), values, left=left, color=cmap(k % 20), label=stage)
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(range(len(broken)), [s["name"] for s in broken])
        ax.invert_yaxis()
        ax.set_xlabel("CPU seconds per media second")
        ax.set_title("Where the server's CPU goes " + title_tail, fontsize=10)
        ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.25))
        save(fig, os.path.join(out, "load-breakdown.svg"))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("jmh", "load"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[3], exist_ok=True)
    (jmh if sys.argv[1] == "jmh" else load)(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
