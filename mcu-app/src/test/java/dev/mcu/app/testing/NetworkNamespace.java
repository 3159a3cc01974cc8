package dev.mcu.app.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace of the test's own, joined to this host's namespace by a veth pair in
 * 198.18.N.0/24 (RFC 2544's benchmarking range, so nothing here can reach a real network). The
 * host end has two addresses, {@link #hostAddress()} and {@link #hostAlias()}; the namespace end
 * has {@link #innerAddress()}. A program started with {@link #command} runs inside; nf_tables rules
 * added with {@link #dropPercent} drop UDP at random inside it ({@code numgen random mod 100}), which
 * is how loss is made here: this kernel has no netem qdisc.
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code nft} (nftables); {@link #whyUnavailable()} says
 * what is missing so a test can skip with that reason. Threads: the test thread. {@link #close()}
 * deletes the veth pair and the namespace with everything in it.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final Path NFT = Path.of("/usr/sbin/nft");

    private final String name;
    private final String hostLink;
    private final int subnet;

    private NetworkNamespace(String name, String hostLink, int subnet) {
        this.name = name;
        this.hostLink = hostLink;
        this.subnet = subnet;
    }

    /** Empty when namespaces with nf_tables rules can be made here, else why not. */
    public static Optional<String> whyUnavailable() {
        if (!Files.isExecutable(IP)) {
            return Optional.of(IP + " is missing (apt-get install -y iproute2)");
        }
        if (!Files.isExecutable(NFT)) {
            return Optional.of(NFT + " is missing (apt-get install -y nftables)");
        }
        try (NetworkNamespace probe = create()) {
            probe.nft("add", "table", "inet", "probe");
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot make a network namespace with nf_tables rules here (needs root): " + e.getMessage());
        }
    }

    /** Creates the namespace, the veth pair and the addresses, all up. */
    public static NetworkNamespace create() throws IOException {
        int id = ThreadLocalRandom.current().nextInt(1 << 20);
        int subnet = 1 + ThreadLocalRandom.current().nextInt(254);
        String name = "mcu-nf-" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + Integer.toString(id, 36);
        String hostLink = "mcuh" + Integer.toString(id, 36);
        String innerLink = "mcun" + Integer.toString(id, 36);
        NetworkNamespace ns = new NetworkNamespace(name, hostLink, subnet);
        try {
            run(IP.toString(), "netns", "add", name);
            run(IP.toString(), "link", "add", hostLink, "type", "veth", "peer", "name", innerLink);
            run(IP.toString(), "link", "set", innerLink, "netns", name);
            run(IP.toString(), "addr", "add", ns.hostAddress() + "/24", "dev", hostLink);
            run(IP.toString(), "addr", "add", ns.hostAlias() + "/24", "dev", hostLink);
            run(IP.toString(), "link", "set", hostLink, "up");
            ns.inside(IP.toString(), "addr", "add", ns.innerAddress() + "/24", "dev", innerLink);
            ns.inside(IP.toString(), "link", "set", innerLink, "up");
            ns.inside(IP.toString(), "link", "set", "lo", "up");
            ns.nft("add", "table", "inet", "faults");
            ns.nft("add", "chain", "inet", "faults", "in", "{ type filter hook input priority 0; }");
            ns.nft("add", "chain", "inet", "faults", "out", "{ type filter hook output priority 0; }");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The host end of the veth pair. */
    public String hostAddress() {
        return "198.18." + subnet + ".1";
    }

    /** A second address on the host end. */
    public String hostAlias() {
        return "198.18." + subnet + ".5";
    }

    /** The namespace end of the veth pair. */
    public String innerAddress() {
        return "198.18." + subnet + ".2";
    }

    /** {@code program} with its arguments, to run inside the namespace. */
    public List<String> command(List<String> program) {
        List<String> all = new ArrayList<>(List.of(IP.toString(), "netns", "exec", name));
        all.addAll(program);
        return all;
    }

    /**
     * From now on drops {@code percent} % of the UDP datagrams, at random, that the namespace
     * receives from or sends to {@code host} on ports {@code portFirst..portLast} (both directions).
     */
    public void dropPercent(int percent, String host, int portFirst, int portLast) throws IOException {
        String ports = portFirst + "-" + portLast;
        nft("add", "rule", "inet", "faults", "in", "ip", "saddr", host, "udp", "sport", ports,
                "numgen", "random", "mod", "100", "<", String.valueOf(percent), "counter", "drop");
        nft("add", "rule", "inet", "faults", "out", "ip", "daddr", host, "udp", "dport", ports,
                "numgen", "random", "mod", "100", "<", String.valueOf(percent), "counter", "drop");
    }

    /**
     * From now on lets at most {@code kbitPerSecond} of UDP from {@code host}'s port {@code port} into
     * the namespace and drops the rest (an nf_tables policer with a burst of 64 KiB: a link that
     * cannot carry more, by loss, as this kernel has no shaping qdisc).
     */
    public void limitRate(String host, int port, int kbitPerSecond) throws IOException {
        nft("add", "rule", "inet", "faults", "in", "ip", "saddr", host, "udp", "sport", String.valueOf(port),
                "limit", "rate", "over", String.valueOf(kbitPerSecond / 8), "kbytes/second", "burst", "64", "kbytes",
                "counter", "drop");
    }

    /** Removes every drop rule. */
    public void stopDropping() throws IOException {
        nft("flush", "chain", "inet", "faults", "in");
        nft("flush", "chain", "inet", "faults", "out");
    }

    /** Datagrams the drop rules dropped so far, both directions (nft's counters). */
    public long dropped() throws IOException {
        String rules = inside(NFT.toString(), "list", "table", "inet", "faults");
        long total = 0;
        for (String line : rules.split("\n")) {
            int at = line.indexOf("counter packets ");
            if (at >= 0) {
                String rest = line.substring(at + "counter packets ".length());
                total += Long.parseLong(rest.substring(0, rest.indexOf(' ')));
            }
        }
        return total;
    }

    private void nft(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(NFT.toString()));
        all.addAll(List.of(args));
        inside(all.toArray(String[]::new));
    }

    private String inside(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(IP.toString(), "netns", "exec", name));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.strip());
        }
        return output;
    }

    @Override
    public void close() {
        try {
            run(IP.toString(), "link", "del", hostLink);
        } catch (IOException e) {
            // not made, or gone with the namespace
        }
        try {
            run(IP.toString(), "netns", "del", name);
        } catch (IOException e) {
            // not made
        }
    }
}
