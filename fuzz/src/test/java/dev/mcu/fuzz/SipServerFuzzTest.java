package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.Admission;
import dev.mcu.sip.Call;
import dev.mcu.sip.ConferenceHandler;
import dev.mcu.sip.JoinRequest;
import dev.mcu.sip.SipFloodLimit;
import dev.mcu.sip.SipServer;
import dev.mcu.sip.SipServerConfig;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole SIP path of a running server (JAIN-SIP's UDP channel and transactions, our dispatcher,
 * INVITE handling with SDP negotiation and admission): each input is sent as one datagram to the
 * server, then an OPTIONS probe must still be answered, so no input may crash, stall or wedge the
 * stack. The fuzzer writes Via, Contact and SDP addresses too, so this target runs only in a
 * network namespace of its own where nothing but loopback exists (see fuzz/netns/bin/java): answers to
 * made-up addresses go nowhere.
 */
class SipServerFuzzTest {
    /** Generous: a loaded CI machine must not pass for a stalled server. */
    private static final int PROBE_TIMEOUT_MILLIS = 20_000;

    /** One server for the whole run: started on first use, stopped when the JVM ends. */
    private static final class Running {
        static final Running INSTANCE = new Running();
        final SipServer server;
        final int port;
        final DatagramSocket socket;
        long probes;

        private Running() {
            try {
                port = SipTestPhone.freePort();
                FakeMediaTransportFactory transports = new FakeMediaTransportFactory(64);
                TestSipExecutors executors = new TestSipExecutors();
                // No flood limit: every input is followed by a probe from the same address, far above any limit.
                server = new SipServer(SipServerConfig.of("127.0.0.1", port).withFloodLimit(SipFloodLimit.OFF),
                        new AcceptDemo(), transports,
                        new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
                socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                byte[] warmUp = options(port, socket.getLocalPort(), "warm-up@fuzz");
                socket.send(new DatagramPacket(warmUp, warmUp.length, new InetSocketAddress("127.0.0.1", port)));
                awaitAnswerTo(socket, "warm-up@fuzz"); // the first answer waits for JIT and class loading
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    executors.close();
                    transports.close();
                    socket.close();
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Admits calls to "demo", refuses the rest, as an application would. */
    private static final class AcceptDemo implements ConferenceHandler {
        @Override
        public Admission admit(JoinRequest request) {
            return "demo".equals(request.room()) ? Admission.accept() : Admission.notFound("no such room");
        }

        @Override
        public void onCallAbandoned(JoinRequest request, String reason) {
        }

        @Override
        public void onCallStarted(Call call) {
        }

        @Override
        public void onCallUpdated(Call call) {
        }

        @Override
        public void onCallEnded(Call call, String reason) {
        }
    }

    /*
     * A SIP server answers where the request's Via says (RFC 3261 §18.2.2), so fuzzed Via headers make
     * it open connections to made-up hosts (first seen: localhost:5070 over TCP). Jazzer's SSRF
     * detector would report each one; what keeps them off the network is the loopback-only namespace
     * this target runs in, so they are allowed here. (Whether a UDP request whose Via names TCP should
     * be answered over TCP at all is an open question in the hardening issue.)
     */
    @FuzzTest
    void sipServer(byte[] datagram) throws IOException {
        BugDetectors.allowNetworkConnections((host, port) -> true); // see above: the namespace is the fence
        Running running = Running.INSTANCE;
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", running.port);
        if (datagram.length > 0 && datagram.length <= 65_000) {
            running.socket.send(new DatagramPacket(datagram, datagram.length, server));
        }
        String callId = "probe-" + (++running.probes) + "@fuzz";
        byte[] probe = options(running.port, running.socket.getLocalPort(), callId);
        running.socket.send(new DatagramPacket(probe, probe.length, server));
        awaitAnswerTo(running.socket, callId);
    }

    private static byte[] options(int serverPort, int localPort, String callId) {
        return ("OPTIONS sip:probe@127.0.0.1:" + serverPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + callId.hashCode() + "-"
                + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:fuzz@127.0.0.1>;tag=fuzz\r\n"
                + "To: <sip:probe@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads (and ignores) whatever the server answered the fuzz input until the probe's answer comes. */
    private static void awaitAnswerTo(DatagramSocket socket, String callId) throws IOException {
        long deadline = System.currentTimeMillis() + PROBE_TIMEOUT_MILLIS;
        byte[] buffer = new byte[65_535];
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                fail("the server did not answer an OPTIONS probe within " + PROBE_TIMEOUT_MILLIS
                        + " ms after this input: it crashed or stalled");
            }
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
            if (text.startsWith("SIP/2.0 ") && text.contains("Call-ID: " + callId)) {
                return;
            }
        }
    }
}
