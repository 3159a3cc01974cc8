package dev.mcu.sip;

import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OPTIONS and INVITE flood from one loopback address (127.0.0.2) while a phone on another
 * (127.0.0.1) is in a call: the flooder gets its burst answered and the rest dropped and counted;
 * the phone's call, its new calls and its pings go on as before.
 */
class SipFloodLimitTest {
    private static final SipFloodLimit LIMIT = new SipFloodLimit(5, 10);
    private static final int FLOOD = 300;

    final TestSipExecutors executors = new TestSipExecutors();
    SipServerTest.RecordingHandler handler;
    FakeMediaTransportFactory transports;
    SipServer server;
    SipTestPhone phone;
    int port;

    @BeforeEach
    void start() throws Exception {
        handler = new SipServerTest.RecordingHandler();
        handler.rooms.put("demo", Admission.accept());
        transports = new FakeMediaTransportFactory(4);
        port = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port).withFloodLimit(LIMIT), handler, transports,
                new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        phone = new SipTestPhone("127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        phone.close();
        server.close();
        executors.close();
        transports.close();
    }

    @Test
    void aFloodFromOneAddressIsCutToItsBurstAndCountedWhileAPhoneElsewhereCarriesOn() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", SipServerTest.AUDIO_VIDEO_OFFER);
        assertEquals(200, call.awaitFinal().status());
        call.ack();
        assertNotNull(handler.started.poll(SipTestPhone.TIMEOUT_SECONDS, TimeUnit.SECONDS));

        int answered;
        long droppedByTheKernelBefore = socketDrops(port);
        long started = System.nanoTime();
        try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < FLOOD; i++) {
                byte[] request = request(i % 2 == 0 ? "OPTIONS" : "INVITE", i, flooder.getLocalPort());
                flooder.send(new DatagramPacket(request, request.length, target));
                if (i % 10 == 9) {
                    Thread.sleep(5); // ~2,000 a second: a flood, yet paced so the kernel's socket buffer loses none
                }
            }
            // The phone, meanwhile: pings, a second call, and its first call's BYE all answered.
            assertEquals(200, phone.options("demo").status());
            SipTestPhone.Outgoing second = phone.invite("demo", SipServerTest.AUDIO_VIDEO_OFFER);
            assertEquals(200, second.awaitFinal().status());
            second.ack();
            PhoneResponse bye = call.bye();
            assertEquals(200, bye.status());
            answered = countFinalAnswers(flooder);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long limited = server.protocolCounters().floodLimited();
        assertTrue(answered >= LIMIT.burst(), "the burst is answered: " + answered);
        assertTrue(answered <= LIMIT.burst() + LIMIT.perSecond() * seconds + 1,
                answered + " answered in " + seconds + " s is more than the limit lets through");
        // What never reached the server (its socket's buffer overflowed: a loaded machine) can be
        // neither answered nor counted; everything that reached it is one or the other.
        long neverArrived = socketDrops(port) - droppedByTheKernelBefore;
        assertEquals(FLOOD - answered - neverArrived, limited,
                "every dropped request is counted (" + neverArrived + " never reached the server's socket)");
    }

    /**
     * Datagrams the kernel dropped for the UDP sockets bound to {@code port} (the {@code drops}
     * column of /proc/net/udp and udp6): 0 where those files are not there.
     */
    private static long socketDrops(int port) throws java.io.IOException {
        long drops = 0;
        String hexPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            java.nio.file.Path file = java.nio.file.Path.of(table);
            if (!java.nio.file.Files.isReadable(file)) {
                continue;
            }
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length > 12 && columns[1].endsWith(hexPort)) {
                    drops += Long.parseLong(columns[columns.length - 1]);
                }
            }
        }
        return drops;
    }

    /**
     * Requests of the flood that got a final answer (the INVITEs get 404: no such room), once each
     * however often a 404 is retransmitted; 100 Trying is skipped.
     */
    private static int countFinalAnswers(DatagramSocket socket) throws Exception {
        java.util.Set<String> answered = new java.util.HashSet<>();
        byte[] buffer = new byte[65535];
        socket.setSoTimeout(1500);
        while (true) {
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(answer);
            } catch (SocketTimeoutException quiet) {
                return answered.size();
            }
            String text = new String(buffer, 0, answer.getLength(), StandardCharsets.ISO_8859_1);
            if (text.startsWith("SIP/2.0 ") && !text.startsWith("SIP/2.0 1")) {
                answered.add(header(text, "Call-ID"));
                if (text.contains(" INVITE\r\n")) {
                    ack(socket, answer, text);
                }
            }
        }
    }

    private static void ack(DatagramSocket socket, DatagramPacket answer, String response) throws Exception {
        String callId = header(response, "Call-ID");
        String ack = "ACK sip:nowhere@127.0.0.1 SIP/2.0\r\nVia: " + header(response, "Via") + "\r\nFrom: "
                + header(response, "From") + "\r\nTo: " + header(response, "To") + "\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = ack.getBytes(StandardCharsets.ISO_8859_1);
        socket.send(new DatagramPacket(bytes, bytes.length, answer.getSocketAddress()));
    }

    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }

    private static byte[] request(String method, int n, int localPort) {
        String text = method + " sip:nowhere@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.2:" + localPort + ";branch=z9hG4bK-flood-" + n + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:flood@127.0.0.2>;tag=f" + n + "\r\nTo: <sip:nowhere@127.0.0.1>\r\n"
                + "Call-ID: flood-" + n + "@127.0.0.2\r\nCSeq: 1 " + method + "\r\n"
                + "Contact: <sip:flood@127.0.0.2:" + localPort + ">\r\nContent-Length: 0\r\n\r\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
