package dev.mcu.transport.webrtc;

import dev.mcu.webrtc.RemoteIceParameters;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtcp.FullIntraRequest;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SenderReport;
import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.transport.KeyframeRequestLimiter;
import dev.mcu.transport.MediaEndpoint;
import dev.mcu.transport.ReceiveDrop;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.WebRtcSession;
import dev.mcu.transport.TransportStats;
import dev.mcu.webrtc.BindingOutcome;
import dev.mcu.webrtc.DtlsCertificate;
import dev.mcu.webrtc.DtlsFingerprint;
import dev.mcu.webrtc.DtlsRole;
import dev.mcu.webrtc.DtlsSrtpEndpoint;
import dev.mcu.webrtc.IceCredentials;
import dev.mcu.webrtc.IceLiteAgent;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpSession;
import dev.mcu.webrtc.SrtpStatus;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One browser's media over the shared WebRTC port: ICE-lite answers to its checks, the DTLS-SRTP
 * handshake with the certificate its SDP fingerprinted, then SRTP/SRTCP for audio and video bundled
 * on one 5-tuple. The RTP/RTCP logic (latching, RTCP reports, PLI/FIR, NACK retransmission from the
 * sent-packet cache, REMB) is the plain transport's {@link MediaEndpoint}, one per media kind,
 * writing through {@link SrtpOutput}. No media is accepted or sent before DTLS completes.
 *
 * <p>Threads: the {@code on*} packet methods, the RTCP and consent timers run on the shared port's
 * event loop; {@link #configureWebRtc}, {@link #configure} and {@link #close} on SIP threads;
 * {@link #sendRtp} on any thread; failures are reported on the failure executor of
 * {@link WebRtcThreads}. Owns its DTLS endpoint (and its session thread, made by the borrowed thread
 * factory) and its timers; borrows the shared channel from {@link WebRtcTransportFactory}.
 */
public final class WebRtcTransport implements MediaTransport, WebRtcSession {
    private static final Logger log = LoggerFactory.getLogger(WebRtcTransport.class);
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 500_000_000L;
    private static final long CONSENT_CHECK_MILLIS = 1000;
    /** A browser checks from a handful of candidates; more addresses than this are not mapped. */
    private static final int MAX_ADDRESSES = 8;

    private final String callId;
    private final IceCredentials localIce = IceCredentials.generate();
    private final Channel channel;              // borrowed from the factory
    private final EventLoop loop;               // the channel's
    private final SharedPortDemux demux;        // borrowed: address and ufrag routing
    private final DtlsCertificate certificate;  // borrowed: the factory's
    private final WebRtcTransportConfig config;
    private final LongSupplier clockMillis;
    private final DropCounters drops = new DropCounters();
    private final DropCounters allDrops;        // the factory's totals
    private final Map<MediaKind, MediaEndpoint> endpoints = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, NegotiatedStream> streams = new EnumMap<>(MediaKind.class); // guarded by this
    private final Map<MediaKind, Long> ssrcs = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, Long> rtxSsrcs = new EnumMap<>(MediaKind.class);
    private final String cname = "mcu-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String streamId = "mcu" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private final Set<InetSocketAddress> addresses = new HashSet<>(); // event loop only
    private final KeyframeRequestLimiter keyframeLimiter = new KeyframeRequestLimiter(KEYFRAME_REQUEST_INTERVAL_NANOS);
    private final ScheduledFuture<?> reportTask;   // owned: cancelled in close()
    private final ScheduledFuture<?> consentTask;  // owned: cancelled in close()
    private final Consumer<WebRtcTransport> onClosed;
    private final Executor failures;              // borrowed: the failure handler runs here, off the event loop
    private final ThreadFactory dtlsThreads;      // borrowed: makes the DTLS session's thread
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();

    private volatile IceLiteAgent agent;          // set by configureWebRtc
    private volatile DtlsSrtpEndpoint dtls;       // owned: closed in close()
    private volatile boolean dtlsStarted;
    private volatile SrtpSession srtp;            // set once the handshake is done
    private volatile InetSocketAddress lastDtlsSource;
    private volatile InetSocketAddress lastCheckedAddress;
    private volatile InetSocketAddress mediaTarget;
    private volatile Consumer<String> failureHandler = reason -> { };
    private volatile long dtlsStartedNanos;
    private volatile long dtlsHandshakeNanos = -1;

    WebRtcTransport(String callId, Channel channel, SharedPortDemux demux, DtlsCertificate certificate,
                    WebRtcTransportConfig config, LongSupplier clockMillis, DropCounters allDrops,
                    WebRtcThreads threads, Consumer<WebRtcTransport> onClosed) {
        this.callId = callId;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.demux = demux;
        this.certificate = certificate;
        this.config = config;
        this.clockMillis = clockMillis;
        this.allDrops = allDrops;
        this.onClosed = onClosed;
        this.failures = threads.failures();
        this.dtlsThreads = threads.dtlsSessions();
        SrtpOutput output = new SrtpOutput(channel, () -> srtp);
        for (MediaKind kind : MediaKind.values()) {
            long ssrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
            ssrcs.put(kind, ssrc);
            rtxSsrcs.put(kind, ThreadLocalRandom.current().nextLong(1, 1L << 32));
            endpoints.put(kind, new MediaEndpoint(callId, kind, output, config.maxPacketSize(), cname, ssrc));
        }
        demux.register(localIce.ufrag(), this);
        long interval = config.rtcpIntervalMillis();
        this.reportTask = loop.scheduleAtFixedRate(this::sendReports, interval, interval, TimeUnit.MILLISECONDS);
        this.consentTask = loop.scheduleAtFixedRate(this::checkConsent, CONSENT_CHECK_MILLIS, CONSENT_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    // ---- signalling, SIP threads ----

    @Override
    public Optional<WebRtcSession> webRtc() {
        return Optional.of(this);
    }

    @Override
    public LocalWebRtc localDescription() {
        return new LocalWebRtc(localIce.ufrag(), localIce.password(), certificate.fingerprint().toString(),
                config.advertisedAddress(), localPort(MediaKind.AUDIO), cname, streamId, ssrcs, rtxSsrcs);
    }

    /**
     * Applies the browser's ICE credentials, certificate fingerprint and a=setup from its offer. The
     * first call sets up ICE and DTLS (as server for actpass/active offers the handshake starts
     * waiting now; as client it starts after the first valid check); later calls with the same ufrag
     * do nothing, and an ICE restart (new ufrag) is not supported and ignored.
     */
    @Override
    public synchronized void configureWebRtc(RemoteIceParameters remote, DtlsFingerprint fingerprint, String setup) {
        if (closed.get()) {
            return;
        }
        IceLiteAgent current = agent;
        if (current != null) {
            if (!current.remoteUfrag().equals(remote.ufrag())) {
                log.warn("call {}: ICE restart (ufrag {} -> {}) is not supported; keeping the first", callId,
                        current.remoteUfrag(), remote.ufrag());
            }
            return;
        }
        DtlsRole role = DtlsRole.answering(setup);
        dtls = new DtlsSrtpEndpoint(certificate, role, fingerprint, this::sendDtls);
        agent = new IceLiteAgent(localIce, remote.ufrag(), clockMillis.getAsLong());
        if (role == DtlsRole.SERVER) {
            startDtls();
        }
    }

    @Override
    public int localPort(MediaKind kind) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The SDP address is ignored: media goes to the ICE-nominated address once DTLS is done. */
    @Override
    public synchronized void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) {
        streams.put(stream.kind(), stream);
        InetSocketAddress target = mediaTarget; // null until DTLS is done
        endpoints.get(stream.kind()).configure(stream, target, true, target != null);
    }

    /** Retransmits this kind's NACKed packets as rtx with {@code payloadType} (from the answer), or plainly for -1. */
    @Override
    public void useRtx(MediaKind kind, int payloadType) {
        endpoints.get(kind).useRtx(payloadType, rtxSsrcs.get(kind));
    }

    @Override
    public synchronized void disable(MediaKind kind) {
        streams.remove(kind);
        endpoints.get(kind).disable();
    }

    @Override
    public void setListener(MediaListener listener) {
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.setListener(listener);
        }
    }

    @Override
    public void setFailureHandler(Consumer<String> onFailure) {
        this.failureHandler = onFailure == null ? reason -> { } : onFailure;
    }

    // ---- sending, any thread ----

    @Override
    public void sendRtp(MediaKind kind, byte[] packet) {
        endpoints.get(kind).sendRtp(packet);
    }

    @Override
    public void requestKeyframe() {
        MediaEndpoint video = endpoints.get(MediaKind.VIDEO);
        if (!keyframeLimiter.tryAcquire(System.nanoTime())) {
            video.countKeyframeRequestSuppressed();
            return;
        }
        loop.execute(video::sendKeyframeRequest);
    }

    // ---- receiving, on the event loop ----

    void onStun(byte[] data, InetSocketAddress source) {
        IceLiteAgent ice = agent;
        if (ice == null || closed.get()) {
            count(WebRtcDrop.STUN_REJECTED);
            return;
        }
        IceLiteAgent.Response response = ice.handleBindingRequest(data, source, clockMillis.getAsLong());
        if (response.hasPacket()) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response.packet()), source),
                    channel.voidPromise());
        }
        if (response.outcome() != BindingOutcome.ANSWERED) {
            count(WebRtcDrop.STUN_REJECTED);
            return;
        }
        lastCheckedAddress = source;
        if (addresses.contains(source) || addresses.size() < MAX_ADDRESSES) {
            addresses.add(source);
            demux.bindAddress(source, this);
            if (closed.get()) {
                // close() ran on a SIP thread while this check was on its way: it may have unmapped our
                // addresses before the line above mapped this one again. Closed is set before close()
                // unmaps, so either it sees our mapping or we see closed here.
                demux.unregister(localIce.ufrag(), this);
                return;
            }
        }
        InetSocketAddress nominated = ice.nominatedAddress();
        if (nominated != null && !nominated.equals(mediaTarget) && mediaTarget != null) {
            retarget(nominated);
        }
        if (!dtlsStarted && dtls != null) {
            startDtls(); // we are the DTLS client: the peer's address is proven now
        }
    }

    void onDtls(byte[] data, InetSocketAddress source) {
        DtlsSrtpEndpoint endpoint = dtls;
        lastDtlsSource = source;
        if (endpoint == null || !endpoint.receive(data)) {
            count(WebRtcDrop.DTLS_NOT_QUEUED);
        }
    }

    void onSrtp(byte[] data, InetSocketAddress source, boolean rtcp, long nowNanos) {
        SrtpSession keys = srtp;
        if (keys == null) {
            count(WebRtcDrop.MEDIA_BEFORE_DTLS);
            defaultEndpoint().countDropped(ReceiveDrop.BEFORE_DTLS);
            return;
        }
        PacketBuffer packet = new PacketBuffer(data, 0, data.length);
        if (!rtcp) {
            MediaEndpoint endpoint = endpointForPayloadType(data[1] & 0x7f);
            if (endpoint == null) {
                boolean rtx = endpoints.values().stream().anyMatch(e -> e.rtxPayloadType() == (data[1] & 0x7f));
                count(rtx ? WebRtcDrop.RTX_NOT_READ : WebRtcDrop.UNKNOWN_PAYLOAD_TYPE);
                if (!rtx) {
                    defaultEndpoint().countDropped(ReceiveDrop.UNKNOWN_PAYLOAD_TYPE);
                }
                return;
            }
            SrtpStatus status = keys.inbound().unprotectRtp(packet);
            if (status != SrtpStatus.OK) {
                count(dropReason(status));
                endpoint.countDropped(ReceiveDrop.SRTP);
                return;
            }
            endpoint.onDatagram(packet.toByteArray(), source, false, nowNanos);
            return;
        }
        SrtpStatus status = keys.inbound().unprotectRtcp(packet);
        if (status != SrtpStatus.OK) {
            count(dropReason(status));
            defaultEndpoint().countDropped(ReceiveDrop.SRTP);
            return;
        }
        byte[] clear = packet.toByteArray();
        endpointForRtcp(clear).onDatagram(clear, source, false, nowNanos);
    }

    private MediaEndpoint endpointForPayloadType(int payloadType) {
        for (MediaEndpoint endpoint : endpoints.values()) {
            if (endpoint.carriesPayloadType(payloadType)) {
                return endpoint;
            }
        }
        return null;
    }

    /**
     * The stream a bundled RTCP compound is about: the one whose SSRC (ours, for feedback and REMB;
     * the browser's, for its sender reports) it names, else video.
     */
    private MediaEndpoint endpointForRtcp(byte[] compound) {
        List<RtcpPacket> packets = RtcpCompound.parse(compound);
        if (packets != null) {
            for (RtcpPacket packet : packets) {
                for (long ssrc : ssrcsNamedBy(packet)) {
                    for (MediaEndpoint endpoint : endpoints.values()) {
                        if (endpoint.stream() != null && endpoint.knowsSsrc(ssrc)) {
                            return endpoint;
                        }
                    }
                }
            }
        }
        return defaultEndpoint();
    }

    private static List<Long> ssrcsNamedBy(RtcpPacket packet) {
        List<Long> out = new ArrayList<>(2);
        if (packet instanceof PictureLossIndication pli) {
            out.add(pli.mediaSsrc());
        } else if (packet instanceof GenericNack nack) {
            out.add(nack.mediaSsrc());
        } else if (packet instanceof FullIntraRequest fir) {
            fir.entries().forEach(e -> out.add(e.ssrc()));
        } else if (packet instanceof Remb remb) {
            out.addAll(remb.ssrcs());
        } else if (packet instanceof SenderReport sr) {
            out.add(sr.senderSsrc());
        }
        return out;
    }

    private MediaEndpoint defaultEndpoint() {
        MediaEndpoint video = endpoints.get(MediaKind.VIDEO);
        return video.stream() != null ? video : endpoints.get(MediaKind.AUDIO);
    }

    private static WebRtcDrop dropReason(SrtpStatus status) {
        return switch (status) {
            case AUTH_FAILED -> WebRtcDrop.SRTP_AUTH_FAILED;
            case REPLAYED -> WebRtcDrop.SRTP_REPLAYED;
            default -> WebRtcDrop.SRTP_MALFORMED;
        };
    }

    private void count(WebRtcDrop reason) {
        drops.count(reason);
        allDrops.count(reason);
    }

    // ---- DTLS ----

    private void startDtls() {
        dtlsStarted = true;
        dtlsStartedNanos = System.nanoTime();
        dtls.start(config.dtlsTimeout(), dtlsThreads).whenComplete((keys, error) -> loop.execute(() -> onHandshake(keys, error)));
    }

    /** Called on the DTLS thread: to the nominated pair, else to where the peer's DTLS came from. */
    private void sendDtls(byte[] datagram) {
        IceLiteAgent ice = agent;
        InetSocketAddress target = ice == null ? null : ice.nominatedAddress();
        if (target == null) {
            target = lastDtlsSource;
        }
        if (target == null) {
            target = lastCheckedAddress;
        }
        if (target != null && !closed.get()) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), target), channel.voidPromise());
        }
    }

    private void onHandshake(SrtpSession keys, Throwable error) {
        if (closed.get()) {
            return;
        }
        if (error != null) {
            fail("DTLS handshake failed: " + rootMessage(error));
            return;
        }
        dtlsHandshakeNanos = System.nanoTime() - dtlsStartedNanos;
        InetSocketAddress nominated = agent.nominatedAddress();
        InetSocketAddress target = nominated != null ? nominated : lastDtlsSource;
        retarget(target);
        srtp = keys; // last: isSecured() means media can flow both ways
        log.info("call {}: DTLS-SRTP up with {} ({}) in {} ms", callId, target, keys.profile(),
                dtlsHandshakeNanos / 1_000_000);
        dtls.peerClosed().thenRun(() -> fail("the browser closed the DTLS session"));
    }

    private synchronized void retarget(InetSocketAddress target) {
        mediaTarget = target;
        for (Map.Entry<MediaKind, NegotiatedStream> e : streams.entrySet()) {
            endpoints.get(e.getKey()).configure(e.getValue(), target, true, target != null);
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    // ---- timers, on the event loop ----

    private void sendReports() {
        if (srtp == null) {
            return;
        }
        long now = System.nanoTime();
        long wallClock = System.currentTimeMillis();
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.sendReport(now, wallClock);
        }
    }

    private void checkConsent() {
        IceLiteAgent ice = agent;
        if (ice != null && ice.consentExpired(clockMillis.getAsLong())) {
            fail("ICE consent expired (no valid check for " + IceLiteAgent.CONSENT_TIMEOUT_MILLIS / 1000 + " s)");
        }
    }

    /** Stops media and tells the call, once, on the failure executor (a hang-up sends a BYE: never on the event loop). */
    private void fail(String reason) {
        if (closed.get() || !failed.compareAndSet(false, true)) {
            return;
        }
        log.info("call {}: WebRTC transport failed: {}", callId, reason);
        srtp = null;
        Consumer<String> handler = failureHandler;
        try {
            failures.execute(() -> handler.accept(reason));
        } catch (RejectedExecutionException stopping) {
            log.debug("call {}: the server is stopping; not reporting the failure", callId);
        }
    }

    // ---- what operators and tests read ----

    @Override
    public Optional<InetSocketAddress> latchedRemote(MediaKind kind) {
        return Optional.ofNullable(endpoints.get(kind).latchedRemote());
    }

    @Override
    public TransportStats stats(MediaKind kind) {
        return endpoints.get(kind).stats();
    }

    /** Packets this transport threw away for {@code reason}. */
    public long dropped(WebRtcDrop reason) {
        return drops.get(reason);
    }

    public Map<WebRtcDrop, Long> drops() {
        return drops.snapshot();
    }

    /** The ICE agent's counters (answered checks, rejections by cause); empty before configureWebRtc. */
    public Map<BindingOutcome, Long> iceCounts() {
        IceLiteAgent ice = agent;
        return ice == null ? Map.of() : ice.counts();
    }

    /** Whether SRTP keys exist (DTLS done and the transport has not failed). */
    public boolean isSecured() {
        return srtp != null;
    }

    /** How long the DTLS handshake took, from its start to keys, or -1 before it completed. */
    public long dtlsHandshakeNanos() {
        return dtlsHandshakeNanos;
    }

    /** The address media goes to (ICE-nominated), or {@code null} before DTLS completed. */
    public InetSocketAddress mediaTarget() {
        return mediaTarget;
    }

    /** The remote's last REMB estimate for a kind in bits/s, 0 when it sent none. */
    public long remoteBitrateEstimateBps(MediaKind kind) {
        return endpoints.get(kind).remoteBitrateEstimateBps();
    }

    public String callId() {
        return callId;
    }

    /** Stops the timers and DTLS and frees the ufrag and addresses on the shared port. Never blocks. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reportTask.cancel(false);
        consentTask.cancel(false);
        srtp = null;
        for (MediaEndpoint endpoint : endpoints.values()) {
            endpoint.disable();
        }
        DtlsSrtpEndpoint endpoint = dtls;
        if (endpoint != null) {
            endpoint.close();
        }
        demux.unregister(localIce.ufrag(), this);
        onClosed.accept(this);
    }
}
