package dev.mcu.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a packet can vanish without anyone counting it: the kernel's UDP counters
 * ({@code /proc/net/snmp}: a full receive buffer, a full send buffer, no socket on the port) and
 * receivers that got nothing at all, which a mean and a sequence-gap loss both hide (a receiver
 * with no packet has no gap). The kernel counters are the whole machine's, other programs'
 * traffic included. Threads: the benchmark's main thread.
 */
final class UdpDrops {
    private static final List<String> KEPT = List.of("RcvbufErrors", "SndbufErrors", "NoPorts", "InErrors");

    private UdpDrops() {
    }

    /** The kernel's UDP counters now (empty where there is no /proc/net/snmp). */
    static Map<String, Long> kernel() {
        Map<String, Long> counters = new TreeMap<>();
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
            if (udp.size() >= 2) {
                String[] names = udp.get(0).split("\\s+");
                String[] values = udp.get(1).split("\\s+");
                for (int i = 1; i < Math.min(names.length, values.length); i++) {
                    if (KEPT.contains(names[i])) {
                        counters.put(names[i], Long.parseLong(values[i]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return counters;
    }

    /** "RcvbufErrors +12, ..." between two readings. */
    static String since(Map<String, Long> before, Map<String, Long> after) {
        List<String> parts = new ArrayList<>();
        for (String name : KEPT) {
            if (before.containsKey(name) && after.containsKey(name)) {
                parts.add(name + " +" + (after.get(name) - before.get(name)));
            }
        }
        return parts.isEmpty() ? "not readable" : String.join(", ", parts);
    }

    /**
     * Receivers (started, receiving audio) that got no audio packet between the two snapshots, with
     * the first few named (and their own port, and the server's).
     */
    static String silentReceivers(List<LoadParticipant> people, List<LoadParticipant.Snapshot[]> before,
                                  List<LoadParticipant.Snapshot[]> after) {
        int silent = 0;
        int receivers = 0;
        List<String> named = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            LoadParticipant p = people.get(i);
            if (!p.started) {
                continue;
            }
            receivers++;
            if (after.get(i)[0].packets() == before.get(i)[0].packets()) {
                silent++;
                if (named.size() < 5) {
                    named.add(p.name + " (port " + p.audioPort() + ", server " + p.remoteAudio.getPort()
                            + ", " + after.get(i)[0].packets() + " packets before)");
                }
            }
        }
        return silent + " of " + receivers + " receivers got no audio packet" + (named.isEmpty() ? "" : ": " + String.join(", ", named));
    }
}
