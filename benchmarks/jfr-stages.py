#!/usr/bin/env python3
"""Splits each server thread's time into pipeline stages from a JFR recording's stack samples.

    jfr-stages.py RECORDING.jfr      prints JSON {thread name: {stage: share of its busy samples}}

The recording (settings=profile) holds jdk.ExecutionSample (threads running Java) and
jdk.NativeMethodSample (threads inside native code: FFmpeg encode/decode/scale happen there) every
10-20 ms. A sample whose top frame waits (park, sleep, epoll, socket receive) is idle and left out;
every other sample is given to the stage of the innermost project frame on its stack. Multiplied by
the thread's CPU time from /proc this gives CPU per stage. One thread (the room clock) does several
stages, which its name cannot tell apart: this is what splits it.

Caveat: JFR samples at most one thread in native code per 20 ms against five Java threads per 10 ms
(jfrThreadSampler.cpp), so in a thread that runs both (a decode thread: FFmpeg, then Java copying the
picture out) the Java stages come out far too big: in one video16 run JFR gave I420Extractor.copyOut 56 %
of the decode threads' samples where perf found 4 % in all Java code. benchmarks/perf-stages.sh splits
by library with perf, which samples every running thread alike.
"""
import json
import subprocess
import sys
from collections import defaultdict

IDLE_TOP = ("Unsafe.park", "Thread.sleep", "Object.wait", "EPoll.wait", "epollWait", "Native.epollWait",
            "DatagramChannelImpl.receive0", "SocketDispatcher.read0", "Net.poll", "IOUtil.drain",
            "LockSupport.park", "ServerSocketChannelImpl.accept0", "Selector", "poll0")

# (stage, prefixes of class names); the innermost (first) matching frame decides
STAGES = [
    ("video encode", ("dev.mcu.encoder.VideoEncoder",)),
    ("Opus encode", ("dev.mcu.encoder.AudioEncoder", "dev.mcu.encoder.RateConverter")),
    ("composite (scale + copy)", ("dev.mcu.mixer.TileScaler", "dev.mcu.mixer.SourceBuffer", "dev.mcu.mixer.Canvas",
                                  "dev.mcu.mixer.VideoCompositor")),
    ("audio mix + levels", ("dev.mcu.mixer.AudioMixer", "dev.mcu.mixer.Limiter", "dev.mcu.mixer.AudioLevel",
                            "dev.mcu.mixer.MixResult", "dev.mcu.mixer.ActiveSpeaker")),
    ("video decode", ("dev.mcu.decoder.VideoDecoder", "dev.mcu.decoder.I420Extractor")),
    ("audio decode", ("dev.mcu.decoder.AudioDecoder", "dev.mcu.decoder.MonoResampler")),
    ("packetize / depacketize", ("dev.mcu.media.h264", "dev.mcu.media.vp8", "dev.mcu.media.rtp.AbstractDepacketizer")),
    ("jitter buffer", ("dev.mcu.media.rtp.JitterBuffer",)),
    ("SRTP", ("dev.mcu.webrtc.Srtp", "dev.mcu.transport.webrtc.Srtp", "org.bouncycastle")),
    ("RTP/RTCP in/out", ("dev.mcu.transport", "io.netty", "sun.nio.ch")),
    ("SIP", ("dev.mcu.sip", "gov.nist", "javax.sip")),
    ("room bookkeeping", ("dev.mcu.app", "dev.mcu.conference")),
]


def stage_of(frames):
    for frame in frames:
        for stage, prefixes in STAGES:
            if frame.startswith(prefixes):
                return stage
    return "other"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", sys.argv[1]],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    counts = defaultdict(lambda: defaultdict(int))
    for e in events:
        values = e["values"]
        thread = (values.get("sampledThread") or {}).get("javaName") or "?"
        frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
                  for f in ((values.get("stackTrace") or {}).get("frames") or [])]
        if not frames:
            continue
        top = frames[0]
        if any(idle in top for idle in IDLE_TOP):
            continue
        counts[thread][stage_of(frames)] += 1
    shares = {}
    for thread, by_stage in counts.items():
        total = sum(by_stage.values())
        shares[thread] = {"samples": total, "stages": {s: round(n / total, 4) for s, n in
                                                       sorted(by_stage.items(), key=lambda kv: -kv[1])}}
    print(json.dumps(shares))


if __name__ == "__main__":
    main()
