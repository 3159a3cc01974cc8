#!/usr/bin/env python3
"""Loopback SIP timing as the kernel sees it (root; AF_PACKET on lo): for each call, when the INVITE, the
server's 200 OK and the ACK crossed lo, and whether the 200 went out again. Used by run-sipp.sh with SNIFF=SECONDS.
   sip-wire-timing.py SIP_PORT SECONDS"""
import socket, sys, time, re, struct
port = int(sys.argv[1]); dur = float(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(('lo', 0)); s.settimeout(0.5)
end = time.time() + dur
ev = {}
while time.time() < end:
    try: pkt, addr = s.recvfrom(70000)
    except socket.timeout: continue
    t = time.time()
    if addr[2] == 4: continue  # PACKET_OUTGOING: lo shows each datagram twice
    if len(pkt) < 42 or pkt[23] != 17: continue
    ihl = (pkt[14] & 15) * 4
    sp, dp = struct.unpack('!HH', pkt[14+ihl:18+ihl])
    if port not in (sp, dp): continue
    data = pkt[22+ihl:]
    first = data.split(b'\r\n', 1)[0].decode('latin1')
    m = re.search(rb'Call-ID:\s*(\S+)', data, re.I)
    if not m: continue
    cs = re.search(rb'CSeq:\s*\d+\s+(\w+)', data, re.I)
    ev.setdefault(m.group(1).decode(), []).append((t, first[:20], cs.group(1).decode() if cs else ''))
late = []; resent = 0; n = 0; answer_ms = {True: [], False: []}
for cid, e in ev.items():
    oks = [t for t, f, c in e if f.startswith('SIP/2.0 200') and c == 'INVITE']
    acks = [t for t, f, c in e if f.startswith('ACK')]
    inv = [t for t, f, c in e if f.startswith('INVITE')]
    if not oks or not acks or not inv: continue
    n += 1
    late.append((acks[0] - oks[0]) * 1000)
    if len(oks) > 1: resent += 1
    answer_ms[len(oks) > 1].append((oks[0] - inv[0]) * 1000)
    if len(oks) > 1 and resent <= 3:
        print(cid[:14], 'INVITE', 0, ' '.join(f"{f[:12]}@{(t - inv[0]) * 1000:.0f}" for t, f, c in e[:12]))
late.sort()
print(f"calls {n}, 200 resent {resent}; 200->ACK on the wire ms: median {late[len(late)//2]:.1f} p95 {late[int(len(late)*.95)]:.1f} max {late[-1]:.1f}")
for was_resent, times in answer_ms.items():
    times.sort()
    if times:
        print(f"200 {'resent' if was_resent else 'sent once'}: {len(times)} calls, INVITE->200 on the wire ms: median {times[len(times)//2]:.0f}, min {times[0]:.0f}, max {times[-1]:.0f}")
