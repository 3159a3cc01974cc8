#!/usr/bin/env python3
"""Quality a participant receives: SSIM and PSNR of every grid tile of a received 1280x720 H.264
stream against its source picture scaled to the tile the same way (swscale bilinear), computed by
ffmpeg's ssim and psnr filters. Needs numpy (Debian: python3-numpy).

    quality.py --ffmpeg FFMPEG --sources DIR --pictures 'x,y,w,h;x,y,w,h;...' [--placement] RECEIVED.h264

DIR holds src<i>.yuv: participant i's 60 pictures before encoding (I420 640x360, the loop it sends).
A tile may show its participant's loop a frame early or late against the others (the server shows
each picture when it has been decoded), so for every received tile this finds the participant (by its
hue: the chroma of each source is flat) and the loop frame (least luma error) it shows, then hands
the aligned pairs to ffmpeg. The same alignment is used for the server's and for ffmpeg's output.
Tiles are compared inside an 8-pixel inset: the active speaker's tile carries a highlight border.
Prints one JSON object: ssim (Y), ssimAll, psnr (Y), psnrAll (average), frames, skipped (the frames
left out after the stream's first keyframe, SKIP_FRAMES below), tiles, and
unevenSteps: the share of a tile's frame-to-frame steps that are not one loop frame forward (a
repeated picture or a skipped one: the tiles' timing, which the encoder pays for in bits).

With --placement it prints instead where the server put everyone, so the ffmpeg baseline can
encode the same canvas: {"placement": [i, ...], "phases": [d, ...]}. placement[k] is the participant
tile k shows, the most frequent over the first PLACEMENT_FRAMES frames (among participants of the
same hue, which send the same picture, the next one not yet placed). phases[k] is how many loop
frames tile k runs ahead of the tiles' most common phase (negative: behind). Both change the
encoder's work enough to matter: which participant sits next to which (every tile border is a hue
edge; the same server canvases rebuilt in ffmpeg's participant order encoded to 20 % less luma
error), and which tiles run a frame behind their neighbours (one canvas encoded to SSIM 0.9956 with
the server's phases and 0.9931 with every tile in step).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

SRC_W, SRC_H, LOOP = 640, 360, 60
CANVAS_W, CANVAS_H = 1280, 720
MAX_FRAMES = 150          # 5 s of received video are enough to average over
# Both streams start with a keyframe: ours the one participant 1's PLI asked for, ffmpeg's its first.
# For ~4 s after a keyframe the rate control pays it back and the picture is 1-2 dB worse, by how much
# depends on the encoder's history (openh264 sizes a keyframe from the one before it: after a first
# keyframe of a black canvas, as a room's encoder starts, every later one is twice as large), so a
# window inside that dip compares the two encoders' histories, not the pictures. Measure after it.
SKIP_FRAMES = 140
MIN_SKIP_FRAMES = 15      # a shorter recording still skips the keyframe itself and its first frames
INSET = 8                 # the active speaker's tile has a 4-pixel highlight border: compare inside it
PLACEMENT_FRAMES = 30


def run(args):
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"quality: {' '.join(args[:3])}... failed: {proc.stderr.strip()[-500:]}")
    return proc.stderr


def read_i420(path, w, h):
    frame = w * h * 3 // 2
    data = np.fromfile(path, dtype=np.uint8)
    return data[: len(data) // frame * frame].reshape(-1, frame)


def planes(frame, w, h):
    y = frame[: w * h].reshape(h, w)
    u = frame[w * h: w * h * 5 // 4].reshape(h // 2, w // 2)
    v = frame[w * h * 5 // 4:].reshape(h // 2, w // 2)
    return y, u, v


def inner(Y, U, V):
    """The part of a picture inside the highlight border, on both sides of the comparison."""
    m = INSET
    return Y[m:-m, m:-m], U[m // 2:-m // 2, m // 2:-m // 2], V[m // 2:-m // 2, m // 2:-m // 2]


def loop_frame(refs, index, Y, w, h):
    """The loop frame of source {index} (a position in refs) that the tile's luma Y shows: least error."""
    m = INSET
    candidates = refs[(w, h)][index][:, : w * h].reshape(-1, h, w)[:, m:-m:4, m:-m:4].astype(np.int32)
    return int(np.argmin(((candidates - Y[::4, ::4].astype(np.int32)) ** 2).mean(axis=(1, 2))))


def phases(frames, pictures, placement, sources, refs):
    """Per tile, how many loop frames its participant runs ahead of the tiles' most common phase
    (negative: behind), the most frequent over the first PLACEMENT_FRAMES frames. The server shows
    each picture when it has been decoded, so some tiles run a frame behind the others, and which
    ones sit next to each other changes how well the canvas encodes (by more than the gap between
    two encoders): the baseline copies the pattern."""
    position = {i: k for k, (i, _) in enumerate(sources)}
    offsets = []
    for k, (x, y, w, h) in enumerate(pictures):
        p = placement[k]
        if p is None or p not in position:
            offsets.append(None)
            continue
        counts = {}
        for t, frame in enumerate(frames[:PLACEMENT_FRAMES]):
            Y = inner(*crop(frame, x, y, w, h))[0]
            d = (loop_frame(refs, position[p], Y, w, h) - t) % LOOP
            counts[d] = counts.get(d, 0) + 1
        offsets.append(max(counts, key=counts.get))
    known = [o for o in offsets if o is not None]
    if not known:
        return [0] * len(pictures)
    common = max(set(known), key=known.count)
    return [0 if o is None else (o - common + LOOP // 2) % LOOP - LOOP // 2 for o in offsets]


def crop(frame, x, y, w, h):
    Y, U, V = planes(frame, CANVAS_W, CANVAS_H)
    return (Y[y:y + h, x:x + w], U[y // 2:(y + h) // 2, x // 2:(x + w) // 2], V[y // 2:(y + h) // 2, x // 2:(x + w) // 2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ffmpeg", required=True)
    ap.add_argument("--sources", required=True)
    ap.add_argument("--pictures", required=True)
    ap.add_argument("--placement", action="store_true")
    ap.add_argument("received")
    a = ap.parse_args()
    pictures = [tuple(int(v) for v in p.split(",")) for p in a.pictures.split(";") if p]
    sources = sorted((int(m.group(1)), os.path.join(a.sources, f))
                     for f in os.listdir(a.sources) if (m := re.fullmatch(r"src(\d+)\.yuv", f)))
    # a grid of n pictures shows participants 0..n-1; DIR may hold a larger scenario's sources, whose
    # hues lie between theirs
    sources = [(i, path) for i, path in sources if i < len(pictures)]
    with tempfile.TemporaryDirectory(prefix="mcu-quality-") as tmp:
        decoded = os.path.join(tmp, "received.yuv")
        run([a.ffmpeg, "-v", "error", "-y", "-i", a.received, "-frames:v", str(MAX_FRAMES + SKIP_FRAMES),
             "-f", "rawvideo", "-pix_fmt", "yuv420p", decoded])
        frames = read_i420(decoded, CANVAS_W, CANVAS_H)
        skipped = min(SKIP_FRAMES, max(MIN_SKIP_FRAMES, len(frames) - MAX_FRAMES))
        frames = frames[skipped:]
        if len(frames) == 0:
            sys.exit("quality: no decodable frame in " + a.received)
        refs = {}  # (w, h) -> array [participant, loop frame, bytes]
        chroma = {}
        for w, h in sorted({(p[2], p[3]) for p in pictures}):
            scaled = []
            for i, path in sources:
                out = os.path.join(tmp, f"ref{i}-{w}x{h}.yuv")
                run([a.ffmpeg, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{SRC_W}x{SRC_H}",
                     "-i", path, "-vf", f"scale={w}:{h}:flags=bilinear", "-f", "rawvideo", "-pix_fmt", "yuv420p", out])
                scaled.append(read_i420(out, w, h)[:LOOP])
            refs[(w, h)] = np.stack(scaled)
            chroma[(w, h)] = np.array([[inner(*planes(s[0], w, h))[1].mean(), inner(*planes(s[0], w, h))[2].mean()]
                                       for s in scaled])
        if a.placement:
            votes = [{} for _ in pictures]
            for frame in frames[:PLACEMENT_FRAMES]:
                for k, (x, y, w, h) in enumerate(pictures):
                    _, U, V = inner(*crop(frame, x, y, w, h))
                    distance = ((chroma[(w, h)] - [U.mean(), V.mean()]) ** 2).sum(axis=1)
                    # a tile without a picture yet (black, grey chroma) matches no hue
                    who = sources[int(np.argmin(distance))][0] if distance.min() < 30 ** 2 else None
                    votes[k][who] = votes[k].get(who, 0) + 1
            # participants i and i + 16 share a hue and send the same luma: the same picture. Hand out
            # the participants of a hue in turn, so a 64-party grid gets a placement too; tiles that
            # showed no picture get the participants left over.
            hue = {i: chroma[pictures[0][2:]][k] for k, (i, _) in enumerate(sources)}
            unused = [i for i, _ in sources]
            placement = []
            for v in votes:
                seen = max(v, key=v.get)
                # the byte casts of equal hues differ by 1
                same = [] if seen is None else [i for i in unused if np.abs(hue[i] - hue[seen]).max() < 3]
                placement.append(same[0] if same else seen)
                if same:
                    unused.remove(same[0])
            placement = [unused.pop(0) if p is None and unused else p for p in placement]
            print(json.dumps({"placement": placement, "phases": phases(frames, pictures, placement, sources, refs)}))
            return
        pairs = {}  # (w, h) -> (distorted frames, reference frames)
        shown = [[] for _ in pictures]  # per tile: the loop frame each received frame shows
        for frame in frames:
            for k, (x, y, w, h) in enumerate(pictures):
                Y, U, V = inner(*crop(frame, x, y, w, h))
                who = int(np.argmin(((chroma[(w, h)] - [U.mean(), V.mean()]) ** 2).sum(axis=1)))
                frame_shown = loop_frame(refs, who, Y, w, h)
                shown[k].append((who, frame_shown))
                best = np.concatenate([p.ravel() for p in inner(*planes(refs[(w, h)][who][frame_shown], w, h))])
                got = np.concatenate([Y.ravel(), U.ravel(), V.ravel()])
                pairs.setdefault((w, h), ([], []))
                pairs[(w, h)][0].append(got)
                pairs[(w, h)][1].append(best)
        totals = {"ssim": 0.0, "ssimAll": 0.0, "psnr": 0.0, "psnrAll": 0.0}
        count = 0
        for (w, h), (got, want) in pairs.items():
            dist, ref = os.path.join(tmp, "dist.yuv"), os.path.join(tmp, "ref.yuv")
            np.stack(got).tofile(dist)
            np.stack(want).tofile(ref)
            raw = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w - 2 * INSET}x{h - 2 * INSET}"]
            both = [a.ffmpeg, "-v", "info", "-nostats", *raw, "-i", dist, *raw, "-i", ref, "-lavfi"]
            ssim = run(both + ["[0:v][1:v]ssim", "-f", "null", "-"])
            psnr = run(both + ["[0:v][1:v]psnr", "-f", "null", "-"])
            s = re.search(r"SSIM Y:([0-9.]+).*All:([0-9.]+)", ssim)
            p = re.search(r"PSNR y:([0-9.inf]+).*average:([0-9.inf]+)", psnr)
            n = len(got)
            totals["ssim"] += float(s.group(1)) * n
            totals["ssimAll"] += float(s.group(2)) * n
            totals["psnr"] += float(p.group(1)) * n
            totals["psnrAll"] += float(p.group(2)) * n
            count += n
        result = {k: round(v / count, 4) for k, v in totals.items()}
        # a step within one participant's loop that is not +1: a repeat (0) or a skip (2 or more)
        steps = [(b[1] - a[1]) % LOOP for tile in shown for a, b in zip(tile, tile[1:]) if a[0] == b[0]]
        result.update(frames=len(frames), skipped=skipped, tiles=len(pictures),
                      unevenSteps=round(sum(1 for s in steps if s != 1) / len(steps), 4) if steps else 0.0)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
