package dev.mcu.conference;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A media transport without sockets, for room tests: what the room sends is kept (per media kind),
 * what the test injects goes straight to the room's listener, and keyframe requests are counted.
 * A mock of the Netty transport, which the end-to-end tests in mcu-app exercise for real.
 *
 * <p>Threads: thread-safe; the room sends from its clocks, the test reads from its own thread.
 */
final class CapturingTransport implements MediaTransport {
    private final List<byte[]> sentAudio = new ArrayList<>();
    private final List<byte[]> sentVideo = new ArrayList<>();
    private final AtomicInteger keyframeRequests = new AtomicInteger();
    private volatile MediaListener listener = MediaListener.NONE;
    private volatile boolean closed;
    private long videoBytesSent;
    /** What the remote's RTCP says: its REMB (0 none) and the loss of our video (1/256, -1 none). */
    volatile long remoteBitrateEstimateBps;
    volatile int remoteFractionLost = -1;

    @Override
    public int localPort(MediaKind kind) {
        return 0;
    }

    @Override
    public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) {
    }

    @Override
    public void disable(MediaKind kind) {
    }

    @Override
    public void setListener(MediaListener listener) {
        this.listener = listener;
    }

    /** What the remote "sends" us: handed to the room as the event loop would. */
    void receive(MediaKind kind, byte[] rtp) {
        listener.onRtp(kind, RtpPacket.parse(rtp));
    }

    /** The remote sent a PLI. */
    /** The remote pressed a key (an RFC 4733 event or SIP INFO, as the transport reports it). */
    void receiveDtmf(char digit) {
        listener.onDtmf(digit);
    }

    void receiveKeyframeRequest() {
        listener.onKeyframeRequested();
    }

    @Override
    public synchronized void sendRtp(MediaKind kind, byte[] packet) {
        (kind == MediaKind.AUDIO ? sentAudio : sentVideo).add(packet.clone());
        if (kind == MediaKind.VIDEO) {
            videoBytesSent += packet.length;
        }
    }

    /** Takes (and forgets) what the room sent of one kind so far. */
    synchronized List<byte[]> drain(MediaKind kind) {
        List<byte[]> list = kind == MediaKind.AUDIO ? sentAudio : sentVideo;
        List<byte[]> out = new ArrayList<>(list);
        list.clear();
        return out;
    }

    @Override
    public void requestKeyframe() {
        keyframeRequests.incrementAndGet();
    }

    int keyframeRequests() {
        return keyframeRequests.get();
    }

    @Override
    public Optional<InetSocketAddress> latchedRemote(MediaKind kind) {
        return Optional.empty();
    }

    @Override
    public synchronized TransportStats stats(MediaKind kind) {
        List<byte[]> list = kind == MediaKind.AUDIO ? sentAudio : sentVideo;
        if (kind == MediaKind.AUDIO) {
            return new TransportStats(0, 0, list.size(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new TransportStats(0, 0, list.size(), videoBytesSent, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                remoteBitrateEstimateBps, remoteFractionLost, 0, 0, java.util.Map.of());
    }

    @Override
    public void close() {
        closed = true;
    }
}
