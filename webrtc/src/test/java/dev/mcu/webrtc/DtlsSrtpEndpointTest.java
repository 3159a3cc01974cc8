package dev.mcu.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DtlsSrtpEndpointTest {
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate("server", Duration.ofDays(1));
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate("client", Duration.ofDays(1));
    private static final DtlsCertificate STRANGER_CERT = DtlsCertificate.generate("stranger", Duration.ofDays(1));
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long WAIT_SECONDS = 20;

    private DtlsSrtpEndpoint server;
    private DtlsSrtpEndpoint client;

    @AfterEach
    void closeBoth() {
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** Wires two endpoints back to back: each one's sent datagrams are the other's received ones. */
    private void connect(DtlsFingerprint serverExpects, DtlsFingerprint clientExpects, Consumer<byte[]> tap) {
        AtomicReference<DtlsSrtpEndpoint> serverRef = new AtomicReference<>();
        AtomicReference<DtlsSrtpEndpoint> clientRef = new AtomicReference<>();
        server = new DtlsSrtpEndpoint(SERVER_CERT, DtlsRole.SERVER, serverExpects, d -> {
            tap.accept(d);
            clientRef.get().receive(d);
        });
        client = new DtlsSrtpEndpoint(CLIENT_CERT, DtlsRole.CLIENT, clientExpects, d -> {
            tap.accept(d);
            serverRef.get().receive(d);
        });
        serverRef.set(server);
        clientRef.set(client);
    }

    @Test
    void serverAndClientAgreeOnGcmAndEachDecryptsWhatTheOtherProtects() throws Exception {
        connect(CLIENT_CERT.fingerprint(), SERVER_CERT.fingerprint(), d -> { });

        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new);
        CompletableFuture<SrtpSession> clientSide = client.start(TIMEOUT, Thread::new);
        SrtpSession s = serverSide.get(WAIT_SECONDS, TimeUnit.SECONDS);
        SrtpSession c = clientSide.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(SrtpProfile.AEAD_AES_128_GCM, s.profile());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, c.profile());
        assertFlows(s.outbound(), c.inbound());
        assertFlows(c.outbound(), s.inbound());
    }

    /** A packet protected by {@code from} comes out of {@code to} intact; RTCP too. */
    private static void assertFlows(SrtpContext from, SrtpContext to) {
        byte[] rtp = SrtpContextTest.rtp(0x5eed, 100, "media".getBytes());
        PacketBuffer packet = PacketBuffer.copyOf(rtp);
        assertEquals(SrtpStatus.OK, from.protectRtp(packet));
        assertEquals(SrtpStatus.OK, to.unprotectRtp(packet));
        assertArrayEquals(rtp, packet.toByteArray());

        byte[] rtcp = TestBytes.hex("81 c9 00 07 00 00 5e ed 11 22 33 44 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
        PacketBuffer report = PacketBuffer.copyOf(rtcp);
        assertEquals(SrtpStatus.OK, from.protectRtcp(report));
        assertEquals(SrtpStatus.OK, to.unprotectRtcp(report));
        assertArrayEquals(rtcp, report.toByteArray());
    }

    @Test
    void theClientRefusesAServerWhoseCertificateIsNotTheAnnouncedOne() {
        connect(CLIENT_CERT.fingerprint(), STRANGER_CERT.fingerprint(), d -> { });

        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new);
        CompletableFuture<SrtpSession> clientSide = client.start(TIMEOUT, Thread::new);

        assertFailsWithin(clientSide);
        assertFailsWithin(serverSide); // it hears the client's fatal alert
    }

    @Test
    void theServerRefusesAClientWhoseCertificateIsNotTheAnnouncedOne() {
        connect(STRANGER_CERT.fingerprint(), SERVER_CERT.fingerprint(), d -> { });

        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new);
        CompletableFuture<SrtpSession> clientSide = client.start(TIMEOUT, Thread::new);

        assertFailsWithin(serverSide);
        assertFailsWithin(clientSide);
    }

    private static void assertFailsWithin(CompletableFuture<SrtpSession> future) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(failure.getCause() instanceof java.util.concurrent.TimeoutException,
                "should fail on the certificate, not by timing out: " + failure.getCause());
    }

    @Test
    void garbageBeforeDuringAndAfterTheHandshakeIsSurvived() throws Exception {
        Random random = new Random(11);
        AtomicReference<DtlsSrtpEndpoint> serverRef = new AtomicReference<>();
        connect(CLIENT_CERT.fingerprint(), SERVER_CERT.fingerprint(), d -> {
            DtlsSrtpEndpoint s = serverRef.get();
            if (s != null) {
                s.receive(garbage(random)); // interleaved with every real flight
            }
        });
        serverRef.set(server);
        for (int i = 0; i < 10; i++) {
            server.receive(garbage(random));
        }

        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new);
        CompletableFuture<SrtpSession> clientSide = client.start(TIMEOUT, Thread::new);
        SrtpSession s = serverSide.get(WAIT_SECONDS, TimeUnit.SECONDS);
        SrtpSession c = clientSide.get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            server.receive(garbage(random));
            client.receive(garbage(random));
        }

        assertFlows(c.outbound(), s.inbound());
        assertFalse(server.peerClosed().isDone());
        assertFalse(client.peerClosed().isDone());
    }

    /** Random bytes, truncated records and records with absurd lengths, all in the DTLS range. */
    private static byte[] garbage(Random random) {
        byte[] junk = new byte[1 + random.nextInt(200)];
        random.nextBytes(junk);
        junk[0] = (byte) (20 + random.nextInt(44));
        if (junk.length > 3 && random.nextBoolean()) {
            junk[1] = (byte) 0xfe; // DTLS 1.2 version bytes make BC look deeper
            junk[2] = (byte) 0xfd;
        }
        if (junk[0] == 21) {
            junk[0] = 22; // an epoch-0 alert record can legitimately end a DTLS 1.2 handshake
        }
        return junk;
    }

    @Test
    void closingDuringTheHandshakeFailsTheFuture() {
        connect(CLIENT_CERT.fingerprint(), SERVER_CERT.fingerprint(), d -> { });
        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new); // no client: it waits

        server.close();

        assertThrows(CancellationException.class, () -> serverSide.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(serverSide.isCancelled());
        assertFalse(server.receive(new byte[] {22, 1, 2}), "a closed endpoint takes nothing");
    }

    @Test
    void aHandshakeWithNobodyTimesOut() {
        server = new DtlsSrtpEndpoint(SERVER_CERT, DtlsRole.CLIENT, CLIENT_CERT.fingerprint(), d -> { });

        CompletableFuture<SrtpSession> lonely = server.start(Duration.ofMillis(300), Thread::new);

        assertThrows(ExecutionException.class, () -> lonely.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void thePeerSeesCloseNotify() throws Exception {
        connect(CLIENT_CERT.fingerprint(), SERVER_CERT.fingerprint(), d -> { });
        CompletableFuture<SrtpSession> serverSide = server.start(TIMEOUT, Thread::new);
        CompletableFuture<SrtpSession> clientSide = client.start(TIMEOUT, Thread::new);
        serverSide.get(WAIT_SECONDS, TimeUnit.SECONDS);
        clientSide.get(WAIT_SECONDS, TimeUnit.SECONDS);

        client.close();

        server.peerClosed().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
