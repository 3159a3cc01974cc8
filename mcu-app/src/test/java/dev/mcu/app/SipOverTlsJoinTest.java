package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipAudioDump;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.Call;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SIP over TLS ({@code sip.tlsPort}, on by default at 5061) with a real TLS SIP client: baresip
 * dials {@code ;transport=tls}, joins a room and hears and is heard by a plain phone; the
 * certificate on the TLS port is the server's one identity ({@code tls.keystore}, also https and
 * wss); a TLS port held by another program leaves the server running without TLS.
 */
class SipOverTlsJoinTest {
    private static final double SYNTHETIC_TONE_HZ = 1000;
    private static final int[] GREEN = {145, 54, 34};

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path baresipDir;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void baresipOverTlsJoinsARoomAndHearsAndIsHeard() throws Exception {
        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));
        int tlsPort = TestServers.freeTcpPort();
        McuServer server = closeLater(TestServers.start("sip.tlsPort=" + tlsPort));
        assertEquals(tlsPort, server.sipTlsPort());
        SyntheticParticipant plain = closeLater(new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, GREEN, SYNTHETIC_TONE_HZ));
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", plain.name()));
        SipTestPhone.Outgoing call = phone.invite("secret", plain.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        plain.start(answer.body());

        BaresipPhone baresip = closeLater(BaresipPhone.dial(baresipDir, "sip:secret@127.0.0.1:" + tlsPort + ";transport=tls", "vp8"));
        Await.until(Duration.ofSeconds(15), () -> tlsCall(server).isPresent()
                        && server.roomSnapshot("secret").map(s -> s.participants() == 2).orElse(false),
                () -> "baresip's call over TLS is not in the room; baresip log:\n" + baresip.log());
        assertEquals("tls", tlsCall(server).orElseThrow().joinRequest().signallingTransport().toLowerCase());

        Await.until(Duration.ofSeconds(15), () -> hears(plain.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE,
                        BaresipPhone.TONE_HZ, SYNTHETIC_TONE_HZ),
                () -> String.format("the plain phone does not hear baresip: 440 Hz=%.0f, 1000 Hz=%.0f",
                        Tones.amplitude(plain.lastHeard(Audio.SAMPLE_RATE), BaresipPhone.TONE_HZ, Audio.SAMPLE_RATE),
                        Tones.amplitude(plain.lastHeard(Audio.SAMPLE_RATE), SYNTHETIC_TONE_HZ, Audio.SAMPLE_RATE)));
        Await.until(Duration.ofSeconds(15), () -> baresipHears(baresip, SYNTHETIC_TONE_HZ, BaresipPhone.TONE_HZ),
                () -> "baresip does not hear the plain phone; log:\n" + baresip.log());
    }

    @Test
    void theTlsPortShowsTheCertificateOfTlsKeystore() throws Exception {
        int tlsPort = TestServers.freeTcpPort();
        McuServer server = closeLater(TestServers.start("sip.tlsPort=" + tlsPort));
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(Path.of(server.config().tls().keystore()))) {
            keystore.load(in, server.config().tls().password().toCharArray());
        }
        Certificate identity = keystore.getCertificate(keystore.aliases().nextElement());

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AcceptAnyServer()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
            socket.startHandshake();
            Certificate served = socket.getSession().getPeerCertificates()[0];
            assertArrayEquals(identity.getEncoded(), served.getEncoded(), "one identity: the certificate of tls.keystore");
        }
    }

    @Test
    void aTlsPortHeldByAnotherProgramLeavesTheServerRunningWithoutTls() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            McuServer server = closeLater(TestServers.start("sip.tlsPort=" + other.getLocalPort()));
            assertEquals(0, server.sipTlsPort(), "TLS is off");
            SyntheticParticipant person = closeLater(new SyntheticParticipant("green", Codec.OPUS, null, 0, GREEN, SYNTHETIC_TONE_HZ));
            SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name()));
            PhoneResponse answer = phone.invite("secret", person.offer()).awaitFinal();
            assertEquals(200, answer.status(), "SIP over UDP still answers: " + answer.reason());
        }
    }

    private static Optional<Call> tlsCall(McuServer server) {
        return server.calls().stream().filter(c -> c.joinRequest().callerUri().contains("baresip")).findFirst();
    }

    private static boolean hears(short[] heard, int sampleRate, double otherHz, double ownHz) {
        double other = Tones.amplitude(heard, otherHz, sampleRate);
        double own = Tones.amplitude(heard, ownHz, sampleRate);
        return other > 1000 && own < other * 0.05;
    }

    private static boolean baresipHears(BaresipPhone baresip, double otherHz, double ownHz) {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return false;
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 1.0);
            return tail.samples().length == tail.sampleRate() && hears(tail.samples(), tail.sampleRate(), otherHz, ownHz);
        } catch (IOException e) {
            return false;
        }
    }

    /** Only to read which certificate the server shows; the test compares it byte for byte. */
    private static final class AcceptAnyServer implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
