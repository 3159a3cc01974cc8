package dev.mcu.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drops every UDP datagram to or from one local port, in both directions, with an nftables table of
 * its own, as when a network path dies while the signalling connection survives. Only that port is
 * affected (the test's own server's media port), and closing removes the table. Needs root and
 * {@code nft} (Debian package nftables); {@link #available()} says whether a test can use it.
 *
 * <p>Threads: the test thread.
 */
public final class UdpPortBlock implements AutoCloseable {
    private final String table;
    private boolean blocking;

    public UdpPortBlock(int port) {
        this.table = "mcu_test_block_" + port;
    }

    public static boolean available() {
        try {
            return run(List.of("nft", "list", "tables")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts dropping (idempotent). */
    public void block() throws IOException {
        if (blocking) {
            return;
        }
        int port = Integer.parseInt(table.substring(table.lastIndexOf('_') + 1));
        String rules = "table inet " + table + " {\n"
                + "  chain out { type filter hook output priority 0; policy accept;\n"
                + "    udp dport " + port + " drop\n"
                + "    udp sport " + port + " drop\n"
                + "  }\n"
                + "}\n";
        Path file = Files.createTempFile("udp-block", ".nft");
        try {
            Files.writeString(file, rules);
            if (run(List.of("nft", "-f", file.toString())) != 0) {
                throw new IOException("nft refused the rules for port " + port);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        blocking = true;
    }

    /** Lets datagrams through again (idempotent). */
    public void unblock() throws IOException {
        if (blocking) {
            run(List.of("nft", "delete", "table", "inet", table));
            blocking = false;
        }
    }

    @Override
    public void close() throws IOException {
        unblock();
    }

    private static int run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
