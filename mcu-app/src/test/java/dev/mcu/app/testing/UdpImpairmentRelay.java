package dev.mcu.app.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay standing between phones and a server, for network-fault tests: it listens on
 * {@code listenAddress} at each of the server's ports and forwards to the same port on
 * {@code serverAddress}, NAT-style (one upstream socket per phone address and port, so the server's
 * answers find their way back). The server is told to advertise the relay's address
 * ({@code sip.advertisedAddress}), so phones send their media here; symmetric RTP latching makes
 * the server answer the relay's upstream sockets.
 *
 * <p>Traffic of {@code impairedHost} (both directions) goes through the current {@link Profile}:
 * a fixed delay plus uniform jitter (which reorders packets closer together than the jitter), an
 * extra hold-back of a share of packets (reordering), or a blackout (everything dropped). Other
 * hosts pass untouched. On the way it notes what a fault test asks about: PLIs and NACKs the
 * server sends the impaired phone, NACKs and PLIs the phone sends, and when the phone's VP8
 * keyframes arrive on the watched video port.
 *
 * <p>A datagram sent to a server port nobody listens on comes back as an ICMP "port unreachable",
 * which Linux reports on the flow's connected socket at its next receive or send: the relay counts
 * it as that one datagram lost and goes on, as a network would. (It used to end the relay's loop:
 * baresip's first RTP, sent the moment the 200 OK came and before the server's media socket was
 * bound, then cost every later datagram, the ACKs too, and the call never came up.)
 *
 * <p>Threads: one selector thread receives and forwards; one scheduler thread sends the delayed
 * packets; {@link #setProfile} and the getters from any thread. {@link #close()} stops both and
 * closes every socket.
 */
public final class UdpImpairmentRelay implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;

    /**
     * @param delayMillis    added to every packet
     * @param jitterMillis   up to this much more, uniformly at random per packet
     * @param reorderPercent this share of packets is held back {@link #REORDER_HOLD_MILLIS} more
     * @param blackout       drop everything
     */
    public record Profile(long delayMillis, long jitterMillis, int reorderPercent, boolean blackout) {
        public static final Profile CLEAN = new Profile(0, 0, 0, false);
        public static final Profile BLACKOUT = new Profile(0, 0, 0, true);

        public static Profile jitter(long millis) {
            return new Profile(0, millis, 0, false);
        }

        public static Profile reorder(int percent) {
            return new Profile(0, 0, percent, false);
        }

        boolean passesStraight() {
            return delayMillis == 0 && jitterMillis == 0 && reorderPercent == 0 && !blackout;
        }
    }

    /** Held-back packets come this much later: two 20 ms audio frames, so later ones overtake them. */
    public static final long REORDER_HOLD_MILLIS = 45;

    private final InetAddress serverAddress;
    private final InetAddress listenAddress;
    private final InetAddress impairedHost;
    private final Selector selector;
    private final Map<Integer, DatagramChannel> listeners = new HashMap<>();
    private final Map<FlowKey, Flow> flows = new HashMap<>();
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "impairment-relay-delay");
        t.setDaemon(true);
        return t;
    });
    private final Thread loop;
    private volatile Profile profile = Profile.CLEAN;
    private volatile int watchedVideoPort = -1;
    private volatile boolean running = true;

    private final AtomicLong forwardedUp = new AtomicLong();
    private final AtomicLong forwardedDown = new AtomicLong();
    private final AtomicLong blackedOut = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final Set<Integer> unreachablePorts = ConcurrentHashMap.newKeySet();
    private volatile int flowCount;
    private volatile String stoppedBy;
    private final AtomicLong nacksToPhone = new AtomicLong();
    private final AtomicLong nacksFromPhone = new AtomicLong();
    private final AtomicLong plisFromPhone = new AtomicLong();
    private long lastFromImpairedNanos;                               // relay thread
    private final AtomicLong longestPauseFromImpairedNanos = new AtomicLong();
    private final List<Long> plisToPhoneNanos = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> keyframesFromPhoneNanos = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> keyframesToPhoneNanos = Collections.synchronizedList(new ArrayList<>());

    private record FlowKey(SocketAddress phone, int serverPort) {
    }

    private record Flow(DatagramChannel listener, SocketAddress phone, DatagramChannel upstream, boolean impaired,
                        int serverPort) {
    }

    public UdpImpairmentRelay(String listenAddress, String serverAddress, List<Integer> ports, String impairedHost)
            throws IOException {
        this.listenAddress = InetAddress.getByName(listenAddress);
        this.serverAddress = InetAddress.getByName(serverAddress);
        this.impairedHost = InetAddress.getByName(impairedHost);
        this.selector = Selector.open();
        try {
            for (int port : ports) {
                DatagramChannel channel = DatagramChannel.open();
                listeners.put(port, channel);
                channel.bind(new InetSocketAddress(this.listenAddress, port));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, port);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.loop = new Thread(this::run, "impairment-relay");
        loop.setDaemon(true);
        loop.start();
    }

    public void setProfile(Profile next) {
        profile = next;
    }

    /**
     * The longest time between two datagrams the relay read from the impaired phone since the last
     * call, and starts again: a pause here came before the server (the phone sent late, or this
     * relay read late), not in it.
     */
    public long takeLongestPauseFromImpairedMillis() {
        return longestPauseFromImpairedNanos.getAndSet(0) / 1_000_000;
    }

    /** Upstream RTP arriving for this server port is checked for VP8 keyframes. */
    public void watchVideoPort(int serverPort) {
        watchedVideoPort = serverPort;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (running) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    buffer.clear();
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    SocketAddress from;
                    try {
                        from = channel.receive(buffer);
                    } catch (PortUnreachableException e) {
                        // An ICMP "port unreachable" for an earlier datagram, reported on this flow's
                        // connected socket: that datagram is lost, as on a network; the relay goes on.
                        noteUnreachable(key);
                        continue;
                    }
                    if (from == null) {
                        continue;
                    }
                    buffer.flip();
                    byte[] datagram = new byte[buffer.remaining()];
                    buffer.get(datagram);
                    if (key.attachment() instanceof Integer serverPort) {
                        fromPhone(channel, (InetSocketAddress) from, serverPort, datagram);
                    } else {
                        fromServer((Flow) key.attachment(), datagram);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                stoppedBy = e.toString();
                System.err.println("impairment relay stopped: " + e);
            }
        }
    }

    private void noteUnreachable(SelectionKey key) {
        unreachable.incrementAndGet();
        if (key.attachment() instanceof Flow flow) {
            unreachablePorts.add(flow.serverPort());
        }
    }

    private void fromPhone(DatagramChannel listener, InetSocketAddress phone, int serverPort, byte[] datagram)
            throws IOException {
        FlowKey key = new FlowKey(phone, serverPort);
        Flow flow = flows.get(key);
        if (flow == null) {
            DatagramChannel upstream = DatagramChannel.open();
            upstream.bind(new InetSocketAddress(listenAddress, 0));
            upstream.connect(new InetSocketAddress(serverAddress, serverPort));
            upstream.configureBlocking(false);
            flow = new Flow(listener, phone, upstream, phone.getAddress().equals(impairedHost), serverPort);
            upstream.register(selector, SelectionKey.OP_READ, flow);
            flows.put(key, flow);
            flowCount = flows.size();
        }
        if (flow.impaired()) {
            noteFromPhone(serverPort, datagram);
            long now = System.nanoTime();
            if (lastFromImpairedNanos != 0) {
                longestPauseFromImpairedNanos.accumulateAndGet(now - lastFromImpairedNanos, Math::max);
            }
            lastFromImpairedNanos = now;
        }
        Flow target = flow;
        forward(flow.impaired(), () -> {
            target.upstream().write(ByteBuffer.wrap(datagram));
            forwardedUp.incrementAndGet();
        });
    }

    private void fromServer(Flow flow, byte[] datagram) {
        if (flow.impaired()) {
            noteToPhone(flow.serverPort(), datagram);
        }
        forward(flow.impaired(), () -> {
            flow.listener().send(ByteBuffer.wrap(datagram), flow.phone());
            forwardedDown.incrementAndGet();
        });
    }

    private interface Send {
        void run() throws IOException;
    }

    private void forward(boolean impaired, Send send) {
        Profile now = profile;
        if (!impaired || now.passesStraight()) {
            sendQuietly(send);
            return;
        }
        if (now.blackout()) {
            blackedOut.incrementAndGet();
            return;
        }
        long delay = now.delayMillis();
        if (now.jitterMillis() > 0) {
            delay += ThreadLocalRandom.current().nextLong(now.jitterMillis() + 1);
        }
        if (now.reorderPercent() > 0 && ThreadLocalRandom.current().nextInt(100) < now.reorderPercent()) {
            delay += REORDER_HOLD_MILLIS;
            heldBack.incrementAndGet();
        }
        delayed.schedule(() -> sendQuietly(send), delay, TimeUnit.MILLISECONDS);
    }

    private void sendQuietly(Send send) {
        try {
            send.run();
        } catch (PortUnreachableException e) {
            unreachable.incrementAndGet(); // an earlier datagram's ICMP error, reported on this send
        } catch (IOException e) {
            // the other side went away: a relay drops, as a network would
        }
    }

    /** RTCP from the phone: its NACKs and PLIs; RTP on the video port: VP8 keyframe starts. */
    private void noteFromPhone(int serverPort, byte[] datagram) {
        if (isRtcp(datagram)) {
            forEachFeedback(datagram, (type, format) -> {
                if (type == 205 && format == 1) {
                    nacksFromPhone.incrementAndGet();
                } else if (type == 206 && format == 1) {
                    plisFromPhone.incrementAndGet();
                }
            });
        } else if (serverPort == watchedVideoPort && startsVp8Keyframe(datagram)) {
            keyframesFromPhoneNanos.add(System.nanoTime());
        }
    }

    private void noteToPhone(int serverPort, byte[] datagram) {
        if (!isRtcp(datagram)) {
            if (serverPort == watchedVideoPort && startsVp8Keyframe(datagram)) {
                keyframesToPhoneNanos.add(System.nanoTime());
            }
        } else {
            forEachFeedback(datagram, (type, format) -> {
                if (type == 205 && format == 1) {
                    nacksToPhone.incrementAndGet();
                } else if (type == 206 && format == 1) {
                    plisToPhoneNanos.add(System.nanoTime());
                }
            });
        }
    }

    /** RFC 5761 §4: RTCP packet types 200..211 put the second byte in 192..223. */
    private static boolean isRtcp(byte[] datagram) {
        int second = datagram.length > 1 ? datagram[1] & 0xff : 0;
        return datagram.length >= 8 && second >= 192 && second <= 223;
    }

    private interface Feedback {
        void seen(int packetType, int format);
    }

    private static void forEachFeedback(byte[] compound, Feedback feedback) {
        int at = 0;
        while (at + 4 <= compound.length) {
            int format = compound[at] & 0x1f;
            int type = compound[at + 1] & 0xff;
            int words = ((compound[at + 2] & 0xff) << 8) | (compound[at + 3] & 0xff);
            feedback.seen(type, format);
            at += 4 * (words + 1);
        }
    }

    /** RFC 7741: the first packet of a VP8 key frame (S=1, PID=0, the frame header's P bit 0). */
    static boolean startsVp8Keyframe(byte[] rtp) {
        if (rtp.length < 13 || (rtp[0] & 0xc0) != 0x80) {
            return false;
        }
        int at = 12 + 4 * (rtp[0] & 0x0f);
        if ((rtp[0] & 0x10) != 0) { // header extension
            if (at + 4 > rtp.length) {
                return false;
            }
            at += 4 + 4 * (((rtp[at + 2] & 0xff) << 8) | (rtp[at + 3] & 0xff));
        }
        if (at >= rtp.length) {
            return false;
        }
        int descriptor = rtp[at++] & 0xff;
        boolean start = (descriptor & 0x10) != 0 && (descriptor & 0x07) == 0;
        if ((descriptor & 0x80) != 0 && at < rtp.length) {
            int extension = rtp[at++] & 0xff;
            if ((extension & 0x80) != 0 && at < rtp.length) {
                at += (rtp[at] & 0x80) != 0 ? 2 : 1;
            }
            if ((extension & 0x40) != 0) {
                at++;
            }
            if ((extension & 0x30) != 0) {
                at++;
            }
        }
        return start && at < rtp.length && (rtp[at] & 0x01) == 0;
    }

    /** Phone address and server port pairs seen so far (each has its own upstream socket). */
    public int flows() {
        return flowCount;
    }

    /**
     * ICMP "port unreachable" errors the server's host sent back (a datagram reached a server port
     * nobody listened on yet or any more); each cost that one datagram.
     */
    public long unreachable() {
        return unreachable.get();
    }

    /** What the relay did so far, for a failing test's message. */
    public String describe() {
        return "relay: " + flowCount + " flows, " + forwardedUp.get() + " datagrams up, " + forwardedDown.get() + " down, "
                + unreachable.get() + " ICMP port unreachable" + (unreachablePorts.isEmpty() ? "" : " (server ports "
                + new TreeSet<>(unreachablePorts) + ")") + (stoppedBy == null ? "" : "; STOPPED by " + stoppedBy);
    }

    public long forwardedUp() {
        return forwardedUp.get();
    }

    public long forwardedDown() {
        return forwardedDown.get();
    }

    public long blackedOut() {
        return blackedOut.get();
    }

    public long heldBack() {
        return heldBack.get();
    }

    public long nacksToPhone() {
        return nacksToPhone.get();
    }

    public long nacksFromPhone() {
        return nacksFromPhone.get();
    }

    public long plisFromPhone() {
        return plisFromPhone.get();
    }

    /** When (System.nanoTime) the first PLI for the phone passed at or after {@code sinceNanos}; -1 if none. */
    public long firstPliToPhoneSince(long sinceNanos) {
        return firstSince(plisToPhoneNanos, sinceNanos);
    }

    /** When the first VP8 keyframe from the phone arrived at or after {@code sinceNanos}; -1 if none. */
    public long firstKeyframeFromPhoneSince(long sinceNanos) {
        return firstSince(keyframesFromPhoneNanos, sinceNanos);
    }

    /** When the first VP8 keyframe from the server to the phone passed at or after {@code sinceNanos}; -1 if none. */
    public long firstKeyframeToPhoneSince(long sinceNanos) {
        return firstSince(keyframesToPhoneNanos, sinceNanos);
    }

    private static long firstSince(List<Long> times, long sinceNanos) {
        synchronized (times) {
            return times.stream().filter(t -> t - sinceNanos >= 0).findFirst().orElse(-1L);
        }
    }

    @Override
    public void close() {
        running = false;
        delayed.shutdownNow();
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        if (loop != null) {
            try {
                loop.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DatagramChannel channel : listeners.values()) {
            closeQuietly(channel);
        }
        for (Flow flow : flows.values()) {
            closeQuietly(flow.upstream());
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
