package dev.mcu.bench.load;

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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WebRTC half of a WHEP viewer, as a browser's player does it, built from the project's own
 * WebRTC pieces (the transport's test {@code FakeBrowser} does the same for its tests; test code
 * is not on the benchmark's class path): a recvonly audio + video offer POSTed to {@code /whep/{room}},
 * ICE checks as the controlling agent on the one UDP port the answer names, a DTLS client
 * ({@link DtlsSrtpEndpoint}) and the SRTP keys it yields, and a consent check every few seconds
 * after that (the server ends a session after 30 s without one), and an SRTCP receiver report every
 * few seconds (the server ends a receive-only session whose RTCP stops). What arrives is counted
 * from the RTP header, which SRTP leaves in the clear; the probe viewer also decrypts every packet,
 * which shows that the server's SRTP is real.
 *
 * <p>Threads: {@link #join} on a signalling thread (it blocks until the handshake ends); then
 * {@link #consentCheck} and {@link #receiverReport} on the pump's sender thread and {@link #decrypts}
 * on its receiver thread. The DTLS session keeps one thread of its own while the viewer lives
 * (Bouncy Castle's DTLS blocks), ended by {@link #close}.
 */
final class WhepLink implements AutoCloseable {
    /** One certificate for every viewer (a browser profile has one too); generating one per viewer costs seconds. */
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate("load-whep", Duration.ofDays(1));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern UFRAG = Pattern.compile("a=ice-ufrag:(\\S+)");
    private static final Pattern PWD = Pattern.compile("a=ice-pwd:(\\S+)");
    private static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:([^\\r\\n]+)");
    private static final Pattern CANDIDATE = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ (\\S+) (\\d+) typ host");

    private final String ufrag = randomToken(8);
    private final String password = randomToken(24);
    private volatile DtlsSrtpEndpoint dtls;
    private String remoteUfrag;
    private String remotePassword;
    private volatile SrtpSession keys;
    private long decrypted;
    private long undecryptable;

    /**
     * A Chrome-like recvonly offer: BUNDLE, rtcp-mux, Opus and H.264 (packetization-mode 1), with
     * abs-send-time on video under Chrome's id (so the server stamps every video packet, as for Chrome).
     */
    String offer(String name) {
        String common = "c=IN IP4 127.0.0.1\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + password
                + "\r\na=fingerprint:" + CERTIFICATE.fingerprint() + "\r\na=setup:actpass\r\na=recvonly\r\na=rtcp-mux\r\n";
        return "v=0\r\no=- " + (name.hashCode() & 0x7fffffff) + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + common + "a=mid:0\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 102\r\n" + common + "a=mid:1\r\n"
                + "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                + "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
    }

    /** POSTs the offer to {@code /whep/{room}}; the answer's SDP, or an IOException naming the status and reason. */
    String post(int httpPort, String room, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/whep/" + room))
                .header("Content-Type", "application/sdp").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(offer(name))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("WHEP POST answered " + response.statusCode() + ": " + response.body().trim());
        }
        return response.body();
    }

    /**
     * ICE (a nominating check until it is answered) and the DTLS handshake as the client, on
     * {@code channel}, which is non-blocking and not yet registered with the pump's selector.
     *
     * @return the server's shared WebRTC port
     */
    InetSocketAddress connect(DatagramChannel channel, String answer, Duration timeout) throws Exception {
        remoteUfrag = find(UFRAG, answer, "ice-ufrag");
        remotePassword = find(PWD, answer, "ice-pwd");
        DtlsFingerprint serverFingerprint = DtlsFingerprint.parse(find(FINGERPRINT, answer, "fingerprint"));
        Matcher candidate = CANDIDATE.matcher(answer);
        if (!candidate.find()) {
            throw new IOException("the WHEP answer has no host candidate");
        }
        InetSocketAddress server = new InetSocketAddress(candidate.group(1), Integer.parseInt(candidate.group(2)));
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer in = ByteBuffer.allocate(2048);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            boolean iceDone = false;
            long nextCheck = 0;
            CompletableFuture<SrtpSession> handshake = null;
            while (handshake == null || !handshake.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException((iceDone ? "DTLS" : "ICE") + " did not complete within " + timeout.toSeconds() + " s");
                }
                if (!iceDone && System.nanoTime() >= nextCheck) {
                    channel.send(ByteBuffer.wrap(consentCheck()), server);
                    nextCheck = System.nanoTime() + 200_000_000L;
                }
                if (selector.select(50) == 0) {
                    continue;
                }
                selector.selectedKeys().clear();
                while (true) {
                    in.clear();
                    if (channel.receive(in) == null) {
                        break;
                    }
                    byte[] data = Arrays.copyOf(in.array(), in.position());
                    PacketClass kind = PacketClass.classify(data);
                    if (kind == PacketClass.STUN && !iceDone) {
                        StunMessage response = StunMessage.parse(data);
                        if (response != null && response.type() == StunMessage.BINDING_SUCCESS_RESPONSE) {
                            iceDone = true;
                            dtls = new DtlsSrtpEndpoint(CERTIFICATE, DtlsRole.CLIENT, serverFingerprint, datagram -> {
                                try {
                                    channel.send(ByteBuffer.wrap(datagram), server);
                                } catch (IOException e) {
                                    // DTLS retransmits
                                }
                            });
                            handshake = dtls.start(timeout, r -> {
                                Thread t = new Thread(r, "load-whep-dtls");
                                t.setDaemon(true);
                                return t;
                            });
                        }
                    } else if (kind == PacketClass.DTLS && dtls != null) {
                        dtls.receive(data);
                    }
                }
            }
            keys = handshake.get(1, TimeUnit.SECONDS);
        }
        // the selector's close cancelled the channel's key there: the pump's selector may take it now
        return server;
    }

    /** A consent check (and, before nomination, the nominating check) as a controlling browser sends it. */
    byte[] consentCheck() {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_SIZE];
        ThreadLocalRandom.current().nextBytes(transactionId);
        return new StunMessageBuilder(StunMessage.BINDING_REQUEST, transactionId)
                .add(StunAttribute.username(remoteUfrag + ":" + ufrag))
                .add(StunAttribute.priority(1853824767L))
                .add(StunAttribute.iceControlling(ThreadLocalRandom.current().nextLong()))
                .add(StunAttribute.useCandidate())
                .build(StunIntegrity.newMac(remotePassword), true);
    }

    /** {@link MediaPump#receiverReport} as SRTCP with the DTLS-derived keys, or null before the handshake ended. */
    byte[] receiverReport(long ssrc) {
        SrtpSession session = keys;
        if (session == null) {
            return null;
        }
        PacketBuffer packet = PacketBuffer.copyOf(MediaPump.receiverReport(ssrc));
        return session.outbound().protectRtcp(packet) == SrtpStatus.OK ? packet.toByteArray() : null;
    }

    /** Decrypts one received SRTP packet (a copy) with the DTLS-derived keys, counting the outcome. */
    boolean decrypts(byte[] packet, int length) {
        byte[] copy = Arrays.copyOf(packet, length);
        boolean ok = keys != null && keys.inbound().unprotectRtp(new PacketBuffer(copy, 0, length)) == SrtpStatus.OK;
        if (ok) {
            decrypted++;
        } else {
            undecryptable++;
        }
        return ok;
    }

    String decryptionSummary() {
        return decrypted + " packets decrypted, " + undecryptable + " did not";
    }

    private static String find(Pattern pattern, String sdp, String what) throws IOException {
        Matcher m = pattern.matcher(sdp);
        if (!m.find()) {
            throw new IOException("the WHEP answer has no a=" + what);
        }
        return m.group(1).trim();
    }

    private static String randomToken(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder token = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            token.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return token.toString();
    }

    @Override
    public void close() {
        DtlsSrtpEndpoint session = dtls;
        if (session != null) {
            session.close();
        }
    }
}
