package dev.mcu.transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A range of UDP ports free on loopback right now, for a test's port allocator: below the kernel's
 * ephemeral range (32768 up), where no socket bound to port 0 lands, and chosen at random, so tests
 * and benchmarks running beside each other do not collide on a fixed range.
 */
public final class FreePortRange {
    private FreePortRange() {
    }

    /** The first (even) port of {@code count} consecutive ports that are all free. */
    public static int of(int count) throws IOException {
        return between(10000, 32000, count);
    }

    /** The first (even) port of {@code count} consecutive ports in {@code [first, last]} that are all free. */
    public static int between(int first, int last, int count) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = first + 2 * ThreadLocalRandom.current().nextInt((last + 1 - first - count) / 2 + 1);
            List<DatagramSocket> probes = new ArrayList<>();
            try {
                for (int port = base; port < base + count; port++) {
                    probes.add(new DatagramSocket(new InetSocketAddress(loopback, port)));
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
}
