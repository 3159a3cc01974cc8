package dev.mcu.transport.webrtc;

import dev.mcu.transport.testing.TestTransportThreads;
import dev.mcu.webrtc.RemoteIceParameters;
import dev.mcu.webrtc.DtlsCertificate;
import dev.mcu.webrtc.DtlsFingerprint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures (does not judge) the DTLS-SRTP handshake through the shared port on loopback: the fake
 * browser's wall time from ClientHello to SRTP keys, over {@link #HANDSHAKES} fresh transports.
 * Prints one line; asserts only that every handshake completed.
 */
class DtlsHandshakeTimingTest {
    private static final int HANDSHAKES = 20;

    @Test
    void twentyLoopbackHandshakesAllCompleteAndTheirMedianIsReported() throws Exception {
        long[] clientMillis = new long[HANDSHAKES];
        long[] serverMillis = new long[HANDSHAKES];
        DtlsCertificate browserCert = DtlsCertificate.generate("browser", Duration.ofDays(1));
        try (TestTransportThreads threads = new TestTransportThreads();
             WebRtcTransportFactory factory = new WebRtcTransportFactory(WebRtcTransportConfig.of(FakeBrowser.LOOPBACK, 0),
                     DtlsCertificate.generate(), System::currentTimeMillis, threads.webRtc())) {
            for (int i = 0; i < HANDSHAKES; i++) {
                try (FakeBrowser browser = new FakeBrowser(factory.port(), browserCert);
                     WebRtcTransport transport = factory.create("timing-" + i, FakeBrowser.LOOPBACK)) {
                    transport.configureWebRtc(new RemoteIceParameters(FakeBrowser.UFRAG, FakeBrowser.PASSWORD),
                            browser.fingerprint(), "actpass");
                    var local = transport.localDescription();
                    browser.passIce(local.iceUfrag(), local.icePassword());
                    long start = System.nanoTime();
                    browser.handshake(DtlsFingerprint.parse(local.fingerprint()));
                    clientMillis[i] = (System.nanoTime() - start) / 1_000_000;
                    Recorder.await("the server side", transport::isSecured);
                    serverMillis[i] = transport.dtlsHandshakeNanos() / 1_000_000;
                }
            }
        }
        long[] sorted = clientMillis.clone();
        Arrays.sort(sorted);
        System.out.printf("DTLS-SRTP handshake over loopback, %d runs: median %d ms, min %d ms, max %d ms, first %d ms;"
                        + " client times %s%n", HANDSHAKES, sorted[HANDSHAKES / 2], sorted[0], sorted[HANDSHAKES - 1],
                clientMillis[0], Arrays.toString(clientMillis));
        assertEquals(HANDSHAKES, Arrays.stream(serverMillis).filter(ms -> ms >= 0).count());
    }
}
