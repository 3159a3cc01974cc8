package dev.mcu.transport.webrtc;

import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.webrtc.DtlsCertificate;
import dev.mcu.webrtc.DtlsFingerprint;
import dev.mcu.webrtc.DtlsRole;
import dev.mcu.webrtc.DtlsSrtpEndpoint;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.PacketClass;
import dev.mcu.webrtc.SrtpSession;
import dev.mcu.webrtc.SrtpStatus;
import dev.mcu.webrtc.StunAttribute;
import dev.mcu.webrtc.StunIntegrity;
import dev.mcu.webrtc.StunMessage;
import dev.mcu.webrtc.StunMessageBuilder;
import dev.mcu.webrtc.XorMappedAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser end of the loopback tests, built from the project's own WebRTC pieces: a real UDP
 * socket on 127.0.0.1, ICE checks as a controlling full agent would send them, a DTLS client
 * ({@link DtlsSrtpEndpoint} in the client role) and SRTP with the keys it yields. A reader thread
 * sorts what arrives (RFC 7983) into queues. Owns its socket and thread (closed in close()).
 */
public final class FakeBrowser implements AutoCloseable {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    public static final String UFRAG = "brws";
    public static final String PASSWORD = "browserpasswordbrowser12";

    public final DtlsCertificate certificate;
    private final DatagramSocket socket;
    private final int serverPort;
    private final BlockingQueue<byte[]> stun = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> srtp = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> srtcp = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile DtlsSrtpEndpoint dtls;
    private SrtpSession keys;

    public FakeBrowser(int serverPort) {
        this(serverPort, DtlsCertificate.generate("browser", Duration.ofDays(1)));
    }

    public FakeBrowser(int serverPort, DtlsCertificate certificate) {
        this.serverPort = serverPort;
        this.certificate = certificate;
        try {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        reader = new Thread(this::readLoop, "fake-browser-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public DtlsFingerprint fingerprint() {
        return certificate.fingerprint();
    }

    // ---- ICE ----

    /** A Binding request as Chrome sends it: USERNAME, PRIORITY, ICE-CONTROLLING, optionally USE-CANDIDATE. */
    public static byte[] bindingRequest(String username, String password, boolean useCandidate) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_SIZE];
        ThreadLocalRandom.current().nextBytes(transactionId);
        StunMessageBuilder builder = new StunMessageBuilder(StunMessage.BINDING_REQUEST, transactionId)
                .add(StunAttribute.username(username))
                .add(StunAttribute.priority(1853824767L))
                .add(StunAttribute.iceControlling(ThreadLocalRandom.current().nextLong()));
        if (useCandidate) {
            builder.add(StunAttribute.useCandidate());
        }
        return builder.build(StunIntegrity.newMac(password), true);
    }

    /** Sends a check and returns the response, or null when none came within {@code waitMillis}. */
    public StunMessage check(String username, String password, boolean useCandidate, long waitMillis) {
        send(bindingRequest(username, password, useCandidate));
        byte[] response = poll(stun, waitMillis);
        return response == null ? null : StunMessage.parse(response);
    }

    /** A valid nominating check; asserts a success response that maps our real address and is signed. */
    public void passIce(String serverUfrag, String serverPassword) {
        StunMessage response = check(serverUfrag + ":" + UFRAG, serverPassword, true, 5000);
        assertNotNull(response, "no answer to a valid Binding request");
        assertEquals(StunMessage.BINDING_SUCCESS_RESPONSE, response.type());
        assertTrue(response.integrityValid(StunIntegrity.newMac(serverPassword)), "response not signed with our pwd");
        assertTrue(response.fingerprintValid());
        assertEquals(address(), XorMappedAddress.decode(response.attribute(StunAttribute.XOR_MAPPED_ADDRESS),
                response.transactionId()));
    }

    // ---- DTLS ----

    /** Runs the DTLS handshake as client against a server expected to hold {@code serverFingerprint}. */
    public SrtpSession handshake(DtlsFingerprint serverFingerprint) throws Exception {
        dtls = new DtlsSrtpEndpoint(certificate, DtlsRole.CLIENT, serverFingerprint, this::send);
        keys = dtls.start(Duration.ofSeconds(10), r -> {
            Thread t = new Thread(r, "fake-browser-dtls");
            t.setDaemon(true);
            return t;
        }).get(15, TimeUnit.SECONDS);
        return keys;
    }

    /** ICE then DTLS: what a browser does after the answer arrives. */
    public SrtpSession connect(WebRtcTransport transport) throws Exception {
        var local = transport.localDescription();
        passIce(local.iceUfrag(), local.icePassword());
        return handshake(DtlsFingerprint.parse(local.fingerprint()));
    }

    // ---- media ----

    public byte[] protectRtp(byte[] clear) {
        PacketBuffer packet = PacketBuffer.copyOf(clear);
        assertEquals(SrtpStatus.OK, keys.outbound().protectRtp(packet));
        return packet.toByteArray();
    }

    public byte[] protectRtcp(List<RtcpPacket> compound) {
        PacketBuffer packet = PacketBuffer.copyOf(RtcpCompound.write(compound));
        assertEquals(SrtpStatus.OK, keys.outbound().protectRtcp(packet));
        return packet.toByteArray();
    }

    /** The next SRTP packet from the server, decrypted; null after {@code waitMillis} without one. */
    public byte[] receiveRtp(long waitMillis) {
        byte[] packet = poll(srtp, waitMillis);
        return packet == null ? null : unprotect(packet);
    }

    /** Decrypts one SRTP datagram from the server, asserting it authenticates. */
    public byte[] unprotect(byte[] wire) {
        byte[] copy = wire.clone();
        PacketBuffer buffer = new PacketBuffer(copy, 0, copy.length);
        assertEquals(SrtpStatus.OK, keys.inbound().unprotectRtp(buffer), "the server's SRTP does not decrypt");
        return buffer.toByteArray();
    }

    /** The next raw SRTP datagram as it was on the wire. */
    public byte[] receiveRawRtp(long waitMillis) {
        return poll(srtp, waitMillis);
    }

    /** The next SRTCP compound, decrypted, or null. */
    public List<RtcpPacket> receiveRtcp(long waitMillis) {
        byte[] packet = poll(srtcp, waitMillis);
        if (packet == null) {
            return null;
        }
        PacketBuffer buffer = new PacketBuffer(packet, 0, packet.length);
        assertEquals(SrtpStatus.OK, keys.inbound().unprotectRtcp(buffer), "the server's SRTCP does not decrypt");
        return RtcpCompound.parse(buffer.toByteArray());
    }

    public void send(byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, LOOPBACK, serverPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLoop() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            byte[] data = Arrays.copyOf(buffer, packet.getLength());
            switch (PacketClass.classify(data)) {
                case STUN -> stun.add(data);
                case DTLS -> {
                    DtlsSrtpEndpoint endpoint = dtls;
                    if (endpoint != null) {
                        endpoint.receive(data);
                    }
                }
                case RTP -> srtp.add(data);
                case RTCP -> srtcp.add(data);
                default -> { }
            }
        }
    }

    private static byte[] poll(BlockingQueue<byte[]> queue, long waitMillis) {
        try {
            return queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        if (dtls != null) {
            dtls.close();
        }
        socket.close();
    }
}
