#!/usr/bin/env python3
"""Renders a JMH JSON result as a self-contained HTML page (an inline SVG bar chart per
benchmark, error bars = JMH's 99.9% confidence interval, CPU time per op from CpuTimeProfiler as a
mark) and a markdown table, and checks the issue-4 targets (on CPU time when the run has it).
Standard library only.

    jmh-report.py RESULT.json [MACHINE.txt] --html OUT.html --markdown OUT.md [--charts DIR]

--charts DIR links DIR/<Benchmark>.svg (made by charts.py) under the markdown table; DIR is
relative to where OUT.md is.
"""
import argparse
import html
import json
import sys

# (what, benchmark, params that must match, limit in microseconds)
TARGETS = [
    ("16-tile 720p composite, every source changed, per frame",
     "dev.mcu.bench.jmh.CompositorBenchmark.allSourcesChanged", {"tiles": "16", "canvas": "1280x720"}, 1000.0),
    ("1,000 participants, K=4 loudest mixed, per 20 ms frame",
     "dev.mcu.bench.jmh.AudioMixerBenchmark.kLoudest", {"participants": "1000"}, 50.0),
]

MICROS_PER_UNIT = {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}


def number(value):
    return float(value)  # JMH writes "NaN" for the error when there were too few iterations


def secondary(result, name):
    """Score of a CpuTimeProfiler metric, or NaN when the run had no such profiler."""
    for key, metric in (result.get("secondaryMetrics") or {}).items():
        if key.endswith(name):
            return number(metric["score"])
    return float("nan")


def load(path):
    with open(path) as f:
        rows = []
        for r in json.load(f):
            m = r["primaryMetric"]
            rows.append({
                "benchmark": r["benchmark"],
                "short": r["benchmark"].replace("dev.mcu.bench.jmh.", ""),
                "params": r.get("params", {}) or {},
                "score": number(m["score"]),
                "error": number(m["scoreError"]),
                "median": number(m.get("scorePercentiles", {}).get("50.0", m["score"])),
                "unit": m["scoreUnit"],
                "cpu": secondary(r, "cpu.time/op"),
                "cores": secondary(r, "cpu.cores"),
                "mode": r["mode"],
                "forks": r.get("forks"),
                "iterations": r.get("measurementIterations"),
            })
        return rows


def known(error):
    return 0.0 if error != error else error


def params_text(params):
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "-"


def fmt(x):
    if x != x:
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def target_rows(rows):
    out = []
    for what, bench, params, limit in TARGETS:
        match = [r for r in rows if r["benchmark"] == bench
                 and all(r["params"].get(k) == v for k, v in params.items())]
        if not match:
            out.append((what, limit, None, None, None, "not run"))
            continue
        r = match[0]
        scale = MICROS_PER_UNIT.get(r["unit"], float("nan"))
        wall, err, cpu = r["score"] * scale, r["error"] * scale, r["cpu"] * scale
        judged = cpu if cpu == cpu else wall
        verdict = ("met" if judged <= limit else "NOT met") + (" (CPU time)" if cpu == cpu else " (wall time)")
        out.append((what, limit, wall, err, cpu, verdict))
    return out


def chart_name(short):
    """File name charts.py gives a benchmark's chart: CompositorBenchmark.allSourcesChanged.svg"""
    return short.replace("/", "_") + ".svg"


def markdown(rows, machine, charts=None):
    lines = ["| benchmark | params | wall score ± error | wall median | CPU time | cores | unit |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(f"| {r['short']} | {params_text(r['params'])} | {fmt(r['score'])} ± {fmt(r['error'])} "
                     f"| {fmt(r['median'])} | {fmt(r['cpu'])} | {r['cores']:.2f} | {r['unit']} |")
    lines += ["", "| target | limit | CPU time | wall time | verdict |", "| --- | ---: | ---: | ---: | --- |"]
    for what, limit, wall, err, cpu, verdict in target_rows(rows):
        wall_text = "-" if wall is None else f"{fmt(wall)} ± {fmt(err)} µs"
        cpu_text = "-" if cpu is None else f"{fmt(cpu)} µs"
        lines.append(f"| {what} | {fmt(limit)} µs | {cpu_text} | {wall_text} | {verdict} |")
    if charts:
        lines.append("")
        for short in dict.fromkeys(r["short"] for r in rows):
            lines.append(f"![{short}]({charts}/{chart_name(short)})")
    if machine:
        lines += ["", "```", machine.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def svg_chart(group):
    label_width, bar_area, row_height, value_width = 300, 440, 22, 250
    width = label_width + bar_area + value_width
    height = row_height * len(group) + 10
    # scaled to the largest score; whiskers wider than that are cut at the edge
    top = 1.05 * max(max(r["score"], known(r["cpu"])) for r in group) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">']
    for i, r in enumerate(group):
        y = 5 + i * row_height
        w = max(1.0, bar_area * r["score"] / top)
        lo = bar_area * max(0.0, r["score"] - known(r["error"])) / top
        hi = min(bar_area, bar_area * (r["score"] + known(r["error"])) / top)
        mid = y + row_height / 2
        parts.append(f'<text x="{label_width - 6}" y="{mid + 4}" text-anchor="end">'
                     f'{html.escape(params_text(r["params"]))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row_height - 6}" fill="#4a7fb5">'
                     f'<title>{html.escape(r["short"])} {html.escape(params_text(r["params"]))}: '
                     f'{fmt(r["score"])} ± {fmt(r["error"])} {r["unit"]}</title></rect>')
        if r["cpu"] == r["cpu"]:
            cx = label_width + bar_area * min(r["cpu"], top) / top
            parts.append(f'<rect x="{cx - 2:.1f}" y="{y + 1}" width="4" height="{row_height - 2}" fill="#e07b00">'
                         f'<title>CPU time {fmt(r["cpu"])} {html.escape(r["unit"])}</title></rect>')
        if known(r["error"]) > 0:
            parts.append(f'<line x1="{label_width + lo:.1f}" x2="{label_width + hi:.1f}" y1="{mid}" y2="{mid}" '
                         f'stroke="#222" stroke-width="1.5"/>')
        cpu_text = f' (CPU {fmt(r["cpu"])})' if r["cpu"] == r["cpu"] else ""
        parts.append(f'<text x="{label_width + bar_area + 6}" y="{mid + 4}">'
                     f'{fmt(r["score"])} ± {fmt(r["error"])}{cpu_text} {html.escape(r["unit"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def page(rows, machine):
    groups = {}
    for r in rows:
        groups.setdefault(r["short"], []).append(r)
    body = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>MCU JMH microbenchmarks</title>",
            "<style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
            "pre{background:#f4f4f4;padding:8px}.met{color:#176317}.not{color:#a11}</style></head><body>",
            "<h1>MCU JMH microbenchmarks</h1>",
            "<p>Average time per operation, shorter is better. Blue bars: JMH's wall-clock score, whiskers its "
            "99.9% confidence interval. Orange mark: CPU time per operation (CpuTimeProfiler), the steadier "
            "measure of cost when the machine is shared.</p>"]
    if machine:
        body.append(f"<h2>Machine</h2><pre>{html.escape(machine)}</pre>")
    body.append("<h2>Targets (issue 4)</h2><table><tr><th>target</th><th>limit</th><th>CPU time</th>"
                "<th>wall time</th><th>verdict</th></tr>")
    for what, limit, wall, err, cpu, verdict in target_rows(rows):
        wall_text = "-" if wall is None else f"{fmt(wall)} ± {fmt(err)} µs"
        cpu_text = "-" if cpu is None else f"{fmt(cpu)} µs"
        css = "met" if verdict.startswith("met") else "not"
        body.append(f"<tr><td>{html.escape(what)}</td><td>{fmt(limit)} µs</td><td>{cpu_text}</td><td>{wall_text}</td>"
                    f"<td class='{css}'>{html.escape(verdict)}</td></tr>")
    body.append("</table>")
    for name, group in groups.items():
        body.append(f"<h2>{html.escape(name)}</h2>")
        body.append(svg_chart(group))
    body.append("</body></html>")
    return "\n".join(body) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result")
    parser.add_argument("machine", nargs="?")
    parser.add_argument("--html")
    parser.add_argument("--markdown")
    parser.add_argument("--charts")
    args = parser.parse_args()
    rows = load(args.result)
    if not rows:
        sys.exit(f"{args.result}: no benchmark results")
    machine = open(args.machine).read() if args.machine else ""
    if args.html:
        with open(args.html, "w") as f:
            f.write(page(rows, machine))
    md = markdown(rows, machine, args.charts)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(md)
    else:
        sys.stdout.write(md)


if __name__ == "__main__":
    main()
