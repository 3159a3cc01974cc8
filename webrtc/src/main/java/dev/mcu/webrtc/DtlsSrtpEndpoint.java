package dev.mcu.webrtc;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's DTLS-SRTP handshake (RFC 5764) over a channel we do not own: received DTLS
 * datagrams come in through {@link #receive}, outgoing ones leave through the send callback. Bouncy
 * Castle's DTLS is blocking, so the handshake runs on its own thread; {@link #start} returns a
 * future that completes with the {@link SrtpSession} (keys exported with the "EXTRACTOR-dtls_srtp"
 * label and split by our role) or fails: timeout, peer certificate not matching a=fingerprint, no
 * common SRTP profile, alert, or {@link #close}.
 *
 * <p>After the handshake the thread stays to retransmit our last flight if the peer lost it and to
 * notice close_notify ({@link #peerClosed}); it ends in {@link #close}. That is one parked thread
 * per endpoint, to be replaced by a shared loop when participant counts demand it.
 *
 * <p>Threads: {@link #receive} from the socket thread, {@link #close} from any thread; the send
 * callback runs on the handshake thread. Owns its transport and DTLS session (closed in close())
 * and its thread (ends after close()).
 */
public final class DtlsSrtpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DtlsSrtpEndpoint.class);
    private static final int QUEUE_CAPACITY = 64;
    private static final int SERVICE_POLL_MILLIS = 1000;
    private static final long WATCHDOG_GRACE_MILLIS = 2000;

    private final DtlsCertificate certificate;
    private final DtlsRole role;
    private final DtlsFingerprint remoteFingerprint;
    private final QueueDatagramTransport transport; // owned: closed in close() (directly or by the DTLS session)
    private final CompletableFuture<SrtpSession> handshake = new CompletableFuture<>();
    private final CompletableFuture<Void> peerClosed = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile DTLSTransport session; // owned: closed in close()

    /**
     * @param certificate       our identity (its fingerprint is in our SDP)
     * @param role              from {@link DtlsRole#answering}
     * @param remoteFingerprint the peer's a=fingerprint; the handshake fails if its certificate differs
     * @param sendDatagram      sends one DTLS datagram to the peer (the ICE-nominated address); gets a
     *                          fresh array it may keep
     */
    public DtlsSrtpEndpoint(DtlsCertificate certificate, DtlsRole role, DtlsFingerprint remoteFingerprint,
                            Consumer<byte[]> sendDatagram) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.role = Objects.requireNonNull(role, "role");
        this.remoteFingerprint = Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        this.transport = new QueueDatagramTransport(QUEUE_CAPACITY, Objects.requireNonNull(sendDatagram, "sendDatagram"));
    }

    /**
     * Starts the session's thread (once): the handshake, then reading until close. The future fails
     * after {@code timeout} without success.
     *
     * @param threads makes the session's thread (the application names them; Bouncy Castle's DTLS blocks)
     */
    public CompletableFuture<SrtpSession> start(Duration timeout, ThreadFactory threads) {
        if (!started.compareAndSet(false, true)) {
            return handshake;
        }
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Thread thread = threads.newThread(() -> run(timeoutMillis));
        thread.start();
        // BC enforces the timeout itself; this only catches a handshake stuck outside BC's timers.
        handshake.orTimeout(timeoutMillis + WATCHDOG_GRACE_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((s, e) -> {
                    if (e instanceof TimeoutException) {
                        close();
                    }
                });
        return handshake;
    }

    /** The handshake's outcome (the same future {@link #start} returns). */
    public CompletableFuture<SrtpSession> handshake() {
        return handshake;
    }

    /** Completes when the peer sent close_notify or the session failed after the handshake. */
    public CompletableFuture<Void> peerClosed() {
        return peerClosed;
    }

    /**
     * Hands over one received DTLS datagram (copied). Returns false, and counts, when the queue is
     * full or the endpoint closed; never blocks.
     */
    public boolean receive(byte[] datagram, int offset, int length) {
        return transport.offer(datagram, offset, length);
    }

    public boolean receive(byte[] datagram) {
        return receive(datagram, 0, datagram.length);
    }

    public DtlsRole role() {
        return role;
    }

    public DtlsFingerprint localFingerprint() {
        return certificate.fingerprint();
    }

    /** Datagrams dropped because the queue was full, too big, or arrived after close. */
    public long droppedDatagrams() {
        return transport.dropped();
    }

    /** Sends close_notify if the session is up, stops the thread and fails a running handshake. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // Before the transport closes: the handshake thread then fails with "transport closed",
        // and whoever waits must see the close, not that echo of it.
        handshake.completeExceptionally(new CancellationException("DTLS endpoint closed"));
        DTLSTransport s = session;
        if (s != null) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing DTLS session: {}", e.toString());
            }
        }
        transport.close();
    }

    private void run(int timeoutMillis) {
        long startNanos = System.nanoTime();
        try {
            BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
            DtlsSrtpPeerSupport support;
            DTLSTransport established;
            if (role == DtlsRole.SERVER) {
                DtlsSrtpServer server = new DtlsSrtpServer(crypto, certificate, remoteFingerprint, timeoutMillis);
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // ICE connectivity checks already proved the peer owns its address: skip the cookie round trip.
                protocol.setVerifyRequests(false);
                established = protocol.accept(server, transport);
                support = server.support();
            } else {
                DtlsSrtpClient client = new DtlsSrtpClient(crypto, certificate, remoteFingerprint, timeoutMillis);
                established = new DTLSClientProtocol().connect(client, transport);
                support = client.support();
            }
            session = established;
            if (closing.get()) {
                established.close();
                return;
            }
            SrtpSession keys = SrtpSession.fromKeyingMaterial(support.profile(), support.keyingMaterial(), role);
            log.debug("DTLS-SRTP handshake as {} done in {} ms, profile {}", role,
                    (System.nanoTime() - startNanos) / 1_000_000, support.profile());
            handshake.complete(keys);
            serviceUntilClosed(established);
        } catch (IOException | RuntimeException e) {
            log.debug("DTLS-SRTP handshake as {} failed after {} ms: {}", role,
                    (System.nanoTime() - startNanos) / 1_000_000, e.toString());
            handshake.completeExceptionally(e);
            transport.close();
        }
    }

    /**
     * Keeps reading so BC can resend its last flight when the peer retransmits, and to see the
     * peer's close_notify. Application data is dropped: there are no data channels yet.
     */
    private void serviceUntilClosed(DTLSTransport established) {
        byte[] buf = new byte[QueueDatagramTransport.RECEIVE_LIMIT];
        while (!closing.get()) {
            try {
                int n = established.receive(buf, 0, buf.length, SERVICE_POLL_MILLIS);
                if (n < 0 && transport.isClosed()) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                if (!closing.get()) {
                    log.debug("DTLS session as {} ended: {}", role, e.toString());
                }
                break;
            }
        }
        if (!closing.get()) {
            peerClosed.complete(null);
        }
    }
}
