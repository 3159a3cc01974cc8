#!/usr/bin/env python3
"""Simulated HLS viewers of a fan-out node (benchmarks/cluster/bench.sh).

Each viewer behaves like a player at the live edge: it reloads the playlist every second and
fetches every segment it has not fetched yet, over its own keep-alive HTTP/1.1 connection. At the
end it prints how many viewers got every segment that appeared while they watched, the segments
and bytes served, and the slowest segment fetch. Standard library only (asyncio).

    hls_viewers.py http://198.19.78.20:8080/hls/room.m3u8 VIEWERS SECONDS
"""
import asyncio
import sys
import time
from urllib.parse import urlsplit


async def get(reader, writer, host, path):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    status = (await reader.readline()).decode(errors="replace")
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode(errors="replace").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return int(status.split()[1]) if status else 0, body


async def viewer(url, seconds, stats):
    parts = urlsplit(url)
    base = parts.path.rsplit("/", 1)[0]
    fetched, missed, slowest = set(), 0, 0.0
    skipped, started_at_edge = set(), False
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            status, body = await get(reader, writer, parts.netloc, parts.path)
            if status == 200:
                segments = [l for l in body.decode(errors="replace").splitlines() if l and not l.startswith("#")]
                if not started_at_edge and segments:
                    skipped.update(segments[:-1])  # a player starts at the live edge
                    started_at_edge = True
                for segment in segments:
                    if segment in fetched or segment in skipped:
                        continue
                    started = time.monotonic()
                    status, data = await get(reader, writer, parts.netloc, f"{base}/{segment}")
                    slowest = max(slowest, time.monotonic() - started)
                    if status == 200:
                        fetched.add(segment)
                        stats["bytes"] += len(data)
                    else:
                        missed += 1
            await asyncio.sleep(1)
    except (ConnectionError, asyncio.IncompleteReadError, OSError):
        missed += 1
    finally:
        writer.close()
    stats["segments"] += len(fetched)
    stats["slowest"] = max(stats["slowest"], slowest)
    stats["complete"] += 1 if missed == 0 and fetched else 0
    stats["per_viewer"].append(len(fetched))


async def main(url, viewers, seconds):
    stats = {"bytes": 0, "segments": 0, "slowest": 0.0, "complete": 0, "per_viewer": []}
    tasks = []
    for i in range(viewers):
        tasks.append(asyncio.create_task(viewer(url, seconds, stats)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # viewers arrive over a moment, not in one instant
    await asyncio.gather(*tasks)
    per = sorted(stats["per_viewer"])
    print(f"viewers={viewers} complete={stats['complete']} segments={stats['segments']} "
          f"min_segments_per_viewer={per[0] if per else 0} max={per[-1] if per else 0} "
          f"mbytes={stats['bytes'] / 1e6:.1f} mbit_per_s={stats['bytes'] * 8 / 1e6 / seconds:.1f} "
          f"slowest_segment_s={stats['slowest']:.3f}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
