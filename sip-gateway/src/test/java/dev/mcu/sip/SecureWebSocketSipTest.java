package dev.mcu.sip;

import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.tls.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.mcu.sip.WebSocketSipTest.header;
import static dev.mcu.sip.WebSocketSipTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP over secure WebSocket (wss://, subprotocol sip) with a self-signed certificate, as a browser on https speaks it. */
class SecureWebSocketSipTest {
    final TestSipExecutors executors = new TestSipExecutors();
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;

    @TempDir
    Path dir;
    SipServerTest.RecordingHandler handler;
    FakeMediaTransportFactory transports;
    TlsIdentity tls;
    SipServer server;
    int wssPort;
    WebSocketSipTest.WsSipClient client;

    @BeforeEach
    void start() throws Exception {
        handler = new SipServerTest.RecordingHandler();
        handler.rooms.put("demo", Admission.accept());
        transports = new FakeMediaTransportFactory(2);
        tls = TlsIdentity.loadOrGenerate(dir.resolve("mcu-tls.p12"), "test-password", List.of("127.0.0.1"));
        wssPort = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", SipTestPhone.freePort()).withSecureWebSocket(wssPort, tls),
                handler, transports, new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        client = new WebSocketSipTest.WsSipClient(URI.create("wss://127.0.0.1:" + wssPort), trusting(tls.certificate()));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
        executors.close();
        transports.close();
    }

    /** An HTTP client that trusts exactly {@code certificate}, as a browser does after the user accepts it. */
    static HttpClient trusting(X509Certificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("mcu", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    @Test
    void optionsOverSecureWebSocketGets200() throws Exception {
        client.send(request("WSS", "OPTIONS", "sip:127.0.0.1:" + wssPort + ";transport=wss", "opt-" + UUID.randomUUID(), 1, "", null));
        String response = client.awaitMessage();
        assertTrue(response.startsWith("SIP/2.0 200"), response);
        assertTrue(response.contains("CSeq: 1 OPTIONS"), response);
    }

    @Test
    void anInviteOverSecureWebSocketIsAnsweredAndTheCallStartsAndEndsWithBye() throws Exception {
        String callId = "wss-" + UUID.randomUUID();
        client.send(request("WSS", "INVITE", "sip:demo@127.0.0.1:" + wssPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        assertTrue(ok.contains(":" + wssPort + ";transport=wss"), "our Contact names the WSS port and transport: " + ok);
        assertTrue(ok.contains("m=audio"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        client.send(request("WSS", "ACK", "sip:demo@127.0.0.1:" + wssPort + ";transport=wss", callId, 1, toTag, null));
        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS), "the call started after the ACK");

        client.send(request("WSS", "BYE", "sip:demo@127.0.0.1:" + wssPort + ";transport=wss", callId, 2, toTag, null));
        String byeOk = client.awaitFinal();
        assertTrue(byeOk.startsWith("SIP/2.0 200") && byeOk.contains("CSeq: 2 BYE"), byeOk);
        assertNotNull(handler.ended.poll(WAIT, TimeUnit.SECONDS), "the call ended after the BYE");
    }

    @Test
    void aCallEndsAsSoonAsItsSecureWebSocketCloses() throws Exception {
        String callId = "wss-" + UUID.randomUUID();
        client.send(request("WSS", "INVITE", "sip:demo@127.0.0.1:" + wssPort, callId, 1, "", SipServerTest.AUDIO_VIDEO_OFFER));
        String ok = client.awaitFinal();
        assertTrue(ok.startsWith("SIP/2.0 200"), ok);
        String toTag = header(ok, "To").replaceAll(".*;tag=", "");
        client.send(request("WSS", "ACK", "sip:demo@127.0.0.1:" + wssPort + ";transport=wss", callId, 1, toTag, null));
        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS), "the call started after the ACK");

        client.close();   // no BYE: the connection just goes
        client = null;
        assertEquals(callId + ": its wss connection closed", handler.ended.poll(3, TimeUnit.SECONDS));
        assertTrue(server.calls().isEmpty());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() {
        HttpClient defaultTrust = HttpClient.newHttpClient();
        ExecutionException refused = assertThrows(ExecutionException.class, () -> defaultTrust.newWebSocketBuilder()
                .subprotocols("sip").buildAsync(URI.create("wss://127.0.0.1:" + wssPort), new java.net.http.WebSocket.Listener() {
                }).get(WAIT, TimeUnit.SECONDS));
        assertTrue(causedBy(refused, SSLHandshakeException.class), "a TLS handshake failure: " + refused);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
