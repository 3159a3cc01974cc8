package dev.mcu.sip;

import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.RawSip;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.sip.tls.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP over TLS (RFC 3261 §26.2) on its own port, with the server's TLS identity, spoken by the JDK's TLS client. */
class SipOverTlsTest {
    @TempDir
    Path dir;

    final TestSipExecutors executors = new TestSipExecutors();
    FakeMediaTransportFactory transports;
    SipServer server;
    TlsIdentity tls;
    int tlsPort;

    @BeforeEach
    void start() throws Exception {
        tls = TlsIdentity.loadOrGenerate(dir.resolve("mcu-tls.p12"), "test-password", List.of("127.0.0.1"));
        transports = new FakeMediaTransportFactory(2);
        int port = SipTestPhone.freePort();
        do {
            tlsPort = SipTestPhone.freePort();
        } while (tlsPort == port);
        SipServerTest.RecordingHandler handler = new SipServerTest.RecordingHandler();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port).withTlsPort(tlsPort, tls), handler, transports,
                new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
    }

    @AfterEach
    void stop() {
        server.close();
        executors.close();
        transports.close();
    }

    @Test
    void anOptionsOverTlsIsAnsweredWithAContactOnTheTlsPort() throws Exception {
        RawSip.Reply reply = overTls(request("OPTIONS sip:demo@127.0.0.1:" + tlsPort + ";transport=tls SIP/2.0", "OPTIONS"));
        assertNotNull(reply, "an answer over TLS");
        assertEquals(200, reply.status(), reply::toString);
        String contact = reply.values("Contact").get(0);
        assertTrue(contact.contains("127.0.0.1:" + tlsPort) && contact.contains("transport=tls"), contact);
    }

    @Test
    void theChecksInFrontOfTheStackAnswerOverTlsToo() throws Exception {
        RawSip.Reply reply = overTls(request("OPTIONS sip:demo@127.0.0.1:" + tlsPort + " SIP/3.0", "OPTIONS"));
        assertNotNull(reply, "an answer over TLS");
        assertEquals(505, reply.status(), reply::toString);
    }

    private static String request(String requestLine, String method) {
        long n = System.nanoTime();
        return requestLine + "\r\nVia: SIP/2.0/TLS ${phone};branch=z9hG4bK-tls-" + n + "\r\nMax-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=t" + n + "\r\nTo: <sip:demo@127.0.0.1>\r\nCall-ID: tls-" + n + "@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** Sends one request on a new TLS connection that trusts only the server's certificate; the first final answer. */
    private RawSip.Reply overTls(String message) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("mcu", tls.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
            socket.setSoTimeout(SipTestPhone.TIMEOUT_SECONDS * 1000);
            socket.startHandshake();
            String sent = message.replace("${phone}", "127.0.0.1:" + socket.getLocalPort());
            socket.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (true) {
                int end = received.indexOf("\r\n\r\n");
                if (end >= 0) {
                    RawSip.Reply reply = RawSip.parse(received.substring(0, end + 4));
                    if (reply != null && reply.status() >= 200) {
                        return reply;
                    }
                    received.delete(0, end + 4); // a provisional answer (no body)
                    continue;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    return null;
                }
                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
