package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sipp (Debian sip-tester) places calls with its built-in uac_pcap scenario: INVITE with SDP, ACK,
 * 8 s of PCMA played from a pcap, an RFC 2833 digit, BYE. Every call must be answered and ended
 * cleanly, and the server takes each ACK the first time (its 200 OK is not sent again). The short CI
 * version of benchmarks/run-sipp.sh (which draws the rate curve).
 */
class SippCallsTest {
    private static final Path PCAPS = Path.of("/usr/share/sip-tester");
    private static final int CALLS = 20;
    private static final int RATE = 5;

    @TempDir
    Path work;

    @Test
    void sippsCallsAreAllAnsweredAndEndCleanly() throws Exception {
        assumeTrue(new File("/usr/bin/sipp").canExecute() && Files.exists(PCAPS.resolve("g711a.pcap")),
                "skipped: sipp is not installed (apt-get install sip-tester)");
        Files.createDirectories(work.resolve("pcap"));
        for (String pcap : List.of("g711a.pcap", "dtmf_2833_1.pcap")) {
            Files.createSymbolicLink(work.resolve("pcap").resolve(pcap), PCAPS.resolve(pcap));
        }
        try (McuServer server = TestServers.start("sip.floodLimitPerSecond=0")) {
            int sipPort = server.config().sip().port();
            Process sipp = new ProcessBuilder("sipp", "-sn", "uac_pcap", "127.0.0.1:" + sipPort, "-s", "sipp",
                    "-i", "127.0.0.1", "-p", Integer.toString(freeUdpPort()), "-mp", Integer.toString(freeUdpPort()),
                    "-r", Integer.toString(RATE), "-m", Integer.toString(CALLS), "-l", Integer.toString(CALLS),
                    "-nostdin", "-timeout", "90s", "-timeout_error", "-trace_stat", "-stf", "stat.csv", "-fd", "1",
                    "-trace_counts", "-trace_err", "-error_file", "errors.log")
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("sipp.out").toFile())
                    .start();
            boolean ended = sipp.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                sipp.destroyForcibly();
            }
            assertTrue(ended, "sipp finished its calls");
            Map<String, String> stat = lastRow(work.resolve("stat.csv"));
            assertEquals(Integer.toString(CALLS), stat.get("SuccessfulCall(C)"), "calls answered, ACKed and hung up: " + stat);
            assertEquals("0", stat.get("FailedCall(C)"), "failed calls; see " + work.resolve("errors.log"));
            assertEquals(0, sipp.exitValue(), "sipp's verdict");
            Await.until(java.time.Duration.ofSeconds(10), () -> server.calls().isEmpty(),
                    () -> "every BYE ends its call on the server: " + server.calls().size() + " left");
            Map<String, String> counts;
            try (Stream<Path> files = Files.list(work)) {
                counts = lastRow(files.filter(f -> f.getFileName().toString().endsWith("_counts.csv")).findFirst().orElseThrow());
            }
            // sipp's ACK follows each 200 OK within a millisecond; a 200 OK sent again means the server
            // lost or sat on that ACK. An ACK that raced JAIN-SIP's send of the 200 used to be lost for
            // about a third of all calls (AnswersInFlight); two of twenty leave room for a starved CI machine.
            int resent = Integer.parseInt(counts.entrySet().stream().filter(e -> e.getKey().endsWith("_200_Retrans"))
                    .findFirst().orElseThrow().getValue());
            System.out.println("sipp: " + CALLS + " calls at " + RATE + "/s, 200 OKs received again: " + resent);
            assertTrue(resent <= 2, resent + " of " + CALLS + " 200 OKs were sent again: the server did not take their ACKs");
        }
    }

    private static Map<String, String> lastRow(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] names = lines.get(0).split(";");
        String[] values = lines.get(lines.size() - 1).split(";");
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            row.put(names[i], values[i]);
        }
        return row;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
