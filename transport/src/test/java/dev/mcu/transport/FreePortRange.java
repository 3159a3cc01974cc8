package dev.mcu.transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free on loopback right now, for tests, all from {@value #FIRST_PORT}-{@value #LAST_PORT}:
 * above the kernel's ephemeral range (32768-60999), where a port picked free could go to the next
 * socket bound to port 0 before the test binds it, and away from what other work on a shared
 * machine fills whole: the load benchmarks' media ports (10000-31012) and run-sipp's (41000-59999).
 * Chosen at random, so test JVMs running beside each other rarely try the same ports, and never one
 * this JVM has handed out before: a test that asks twice (a SIP port, then a WebSocket port) gets two
 * different ones, and a port an earlier test's server may still be closing is not offered again.
 */
public final class FreePortRange {
    public static final int FIRST_PORT = 61000;
    public static final int LAST_PORT = 65535;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** False when this JVM has handed {@code port} out already; a full range starts over. */
    private static boolean unused(int port) {
        if (HANDED_OUT.size() > (LAST_PORT - FIRST_PORT) / 2) {
            HANDED_OUT.clear();
        }
        return !HANDED_OUT.contains(port);
    }

    private FreePortRange() {
    }

    /** The first (even) port of {@code count} consecutive UDP ports that are all free. */
    public static int of(int count) throws IOException {
        return between(FIRST_PORT, LAST_PORT, count);
    }

    /** The first (even) port of {@code count} consecutive UDP ports in {@code [first, last]} that are all free. */
    public static int between(int first, int last, int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = first + 2 * ThreadLocalRandom.current().nextInt((last + 1 - first - count) / 2 + 1);
            List<DatagramSocket> probes = new ArrayList<>();
            try {
                for (int port = base; port < base + count; port++) {
                    probes.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
                }
                return base;
            } catch (IOException taken) {
                // somebody holds one of them: try another range
            } finally {
                probes.forEach(DatagramSocket::close);
            }
        }
        throw new IOException("no " + count + " consecutive free UDP ports in " + first + "-" + last + " on loopback");
    }

    /** One port free for both UDP and TCP on loopback right now (a SIP server's or phone's). */
    public static int udpAndTcp() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(LAST_PORT - FIRST_PORT + 1);
            if (!unused(port)) {
                continue;
            }
            try (ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK);
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no port free for both UDP and TCP in " + FIRST_PORT + "-" + LAST_PORT);
    }

    /**
     * A UDP port free on loopback right now that is neither in {@code [min, max]} nor one of {@code taken}:
     * a server's WebRTC port, picked before its media range (free, but not bound yet) and SIP port are bound.
     * The server refuses a WebRTC port inside its media range, and a free port can land there.
     */
    public static int udpOutside(int min, int max, Set<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(LAST_PORT - FIRST_PORT + 1);
            if (port >= min && port <= max || taken.contains(port) || !unused(port)) {
                continue;
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP port outside " + min + ".." + max + " in " + FIRST_PORT + "-" + LAST_PORT);
    }
}
