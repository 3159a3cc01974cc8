package dev.mcu.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What delivering a webinar's audio to N loopback sockets costs on this machine, whatever the server
 * does around it (issue 9): a sender process sends one 172-byte packet (a 20 ms Opus/PCMA RTP packet)
 * to each of N receiving sockets in another process, 50 rounds a second, and this driver reads both
 * processes' CPU from {@code /proc/<pid>/stat}, the whole machine's from {@code /proc/stat}, and the
 * packets the receivers counted.
 *
 * <p>Senders: {@code per-socket} (one socket per receiver, one {@code sendto} per packet: what the
 * server does for SIP attendees today) and {@code sendmmsg} (one socket per event loop that writes
 * its share of a round, then flushes once: Netty's epoll sends that with {@code sendmmsg}, up to
 * 1,024 datagrams per call). Receivers: {@code nio} (one thread selecting over N sockets, read until
 * empty: the load benchmark's {@link MediaPump}), {@code read} and {@code recvmmsg} (Netty epoll, one
 * loop, N sockets; {@code recvmmsg} with {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}), and
 * {@code nio-once} (the same, one read per ready socket and select: no read that finds it empty),
 * {@code shared-recvmmsg} (one socket that every destination names, Netty epoll with {@code recvmmsg})
 * and {@code shared-blocking} (one socket, one thread blocking in {@code receive}).
 *
 * <pre>
 *   benchmarks/run-udp-floor.sh [--receivers 5000] [--seconds 10] [--repeats 3] [--cases per-socket/read,...]
 * </pre>
 *
 * <p>Threads: the driver's main thread starts and reads the two child JVMs; in a child, the main
 * thread binds the sockets and answers the driver's "count" lines on stdin, the Netty loops (or the
 * one NIO thread) move the packets.
 */
public final class UdpFanoutFloor {
    private static final int PACKET_BYTES = 172;
    private static final long ROUND_NANOS = 20_000_000L;
    private static final long CLOCK_TICKS = 100;   // USER_HZ of /proc/<pid>/stat on Linux

    private UdpFanoutFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("receiver")) {
            receiver(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        } else if (args.length > 0 && args[0].equals("sender")) {
            sender(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        } else {
            drive(args);
        }
    }

    // ---------------------------------------------------------------- driver

    private static void drive(String[] args) throws Exception {
        int receivers = 5000;
        int seconds = 10;
        int warmup = 3;
        int repeats = 3;
        String cases = "per-socket/nio,per-socket/read,per-socket/recvmmsg,sendmmsg/read,sendmmsg/recvmmsg,"
                + "per-socket/shared-recvmmsg,sendmmsg/shared-recvmmsg";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--receivers" -> receivers = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--cases" -> cases = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String classPath = System.getProperty("java.class.path");
        System.out.printf(Locale.ROOT, "# UDP fan-out floor: %d receivers x 50 packets/s of %d bytes = %,d packets/s offered;"
                + " %d s measured after %d s, medians of %d%n%n", receivers, PACKET_BYTES, receivers * 50, seconds, warmup, repeats);
        System.out.println("| sender / receiver | sent packets/s | delivered packets/s | sender cpu-s/s | receiver cpu-s/s | machine cpu-s/s"
                + " | sender µs/packet | receiver µs/packet | machine µs/packet | each run: delivered, sender, receiver, machine |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String c : cases.split(",")) {
            String[] sr = c.split("/");
            List<double[]> runs = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                runs.add(runOnce(classPath, sr[0], sr[1], receivers, seconds, warmup));
            }
            double delivered = median(runs, 0);
            double senderCpu = median(runs, 1);
            double receiverCpu = median(runs, 2);
            double machineCpu = median(runs, 3);
            double sentRate = median(runs, 4);
            StringBuilder each = new StringBuilder();
            for (double[] run : runs) {
                each.append(String.format(Locale.ROOT, "%s%.0f, %.2f, %.2f, %.2f", each.isEmpty() ? "" : "; ",
                        run[0], run[1], run[2], run[3]));
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %s |%n", c, sentRate, delivered,
                    senderCpu, receiverCpu, machineCpu, 1e6 * senderCpu / delivered, 1e6 * receiverCpu / delivered,
                    1e6 * machineCpu / delivered, each);
        }
    }

    /** {delivered packets/s, sender cpu-s/s, receiver cpu-s/s, machine cpu-s/s, sent packets/s} of one run. */
    private static double[] runOnce(String classPath, String senderMode, String receiverMode, int receivers,
                                     int seconds, int warmup) throws Exception {
        Path ports = Files.createTempFile("udp-floor-ports", ".txt");
        Process receiver = child(classPath, "receiver", receiverMode, receivers, ports);
        Process sender = null;
        try {
            BufferedReader receiverOut = reader(receiver);
            expect(receiverOut, "ready");
            sender = child(classPath, "sender", senderMode, receivers, ports);
            BufferedReader senderOut = reader(sender);
            expect(senderOut, "ready");
            PrintWriter receiverIn = new PrintWriter(receiver.getOutputStream(), true, StandardCharsets.US_ASCII);
            PrintWriter senderIn = new PrintWriter(sender.getOutputStream(), true, StandardCharsets.US_ASCII);
            Thread.sleep(warmup * 1000L);
            long sent0 = count(senderIn, senderOut);
            long count0 = count(receiverIn, receiverOut);
            long sender0 = cpuTicks(sender.pid());
            long receiver0 = cpuTicks(receiver.pid());
            long machine0 = machineBusyTicks();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long sent1 = count(senderIn, senderOut);
            long count1 = count(receiverIn, receiverOut);
            long sender1 = cpuTicks(sender.pid());
            long receiver1 = cpuTicks(receiver.pid());
            long machine1 = machineBusyTicks();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return new double[]{(count1 - count0) / elapsed, (sender1 - sender0) / (double) CLOCK_TICKS / elapsed,
                    (receiver1 - receiver0) / (double) CLOCK_TICKS / elapsed,
                    (machine1 - machine0) / (double) CLOCK_TICKS / elapsed, (sent1 - sent0) / elapsed};
        } finally {
            if (sender != null) {
                sender.destroyForcibly().waitFor();
            }
            receiver.destroyForcibly().waitFor();
            Files.deleteIfExists(ports);
        }
    }

    private static Process child(String classPath, String role, String mode, int receivers, Path ports) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx1g", "-Dio.netty.leakDetection.level=disabled", "-cp", classPath,
                UdpFanoutFloor.class.getName(), role, mode, Integer.toString(receivers), ports.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void expect(BufferedReader in, String line) throws IOException {
        String got = in.readLine();
        if (!line.equals(got)) {
            throw new IOException("child said " + got + " instead of " + line);
        }
    }

    private static long count(PrintWriter in, BufferedReader out) throws IOException {
        in.println("count");
        return Long.parseLong(out.readLine().trim());
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Every CPU's non-idle ticks (user, nice, system, irq, softirq, steal) from /proc/stat. */
    private static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    private static double median(List<double[]> runs, int column) {
        double[] xs = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
    }

    // ---------------------------------------------------------------- receiver child

    private static void receiver(String mode, int receivers, Path portsFile) throws Exception {
        LongAdder packets = new LongAdder();
        List<String> ports = new ArrayList<>();
        AutoCloseable owner;
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        if (mode.equals("shared-blocking")) {
            // one socket every destination names, read by one thread blocking in receive: one recvfrom per packet, no epoll
            DatagramChannel ch = DatagramChannel.open();
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.bind(any);
            ports.add(Integer.toString(((InetSocketAddress) ch.getLocalAddress()).getPort()));
            Thread loop = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(2048);
                try {
                    while (ch.isOpen()) {
                        in.clear();
                        ch.receive(in);
                        packets.increment();
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "floor-rx");
            loop.setDaemon(true);
            loop.start();
            owner = ch;
        } else if (mode.startsWith("nio")) {
            boolean once = mode.equals("nio-once");
            Selector selector = Selector.open();
            for (int i = 0; i < receivers; i++) {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(any).configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
                ports.add(Integer.toString(((InetSocketAddress) ch.getLocalAddress()).getPort()));
            }
            Thread loop = new Thread(() -> nioReceive(selector, packets, once ? 1 : 64), "floor-rx");
            loop.setDaemon(true);
            loop.start();
            owner = selector;
        } else {
            boolean mmsg = mode.endsWith("recvmmsg");
            int sockets = mode.startsWith("shared") ? 1 : receivers;
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    .handler(new Counting(packets));
            if (mmsg) {
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048 * 16));
            }
            for (int i = 0; i < sockets; i++) {
                Channel ch = b.bind(any).sync().channel();
                ports.add(Integer.toString(((InetSocketAddress) ch.localAddress()).getPort()));
            }
            owner = () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        Files.write(portsFile, ports);
        answerCounts(packets::sum);
        owner.close();
    }

    /** @param reads per ready socket at most: 64 reads until empty (as MediaPump), 1 leaves the rest to the next select */
    private static void nioReceive(Selector selector, LongAdder packets, int reads) {
        ByteBuffer in = ByteBuffer.allocate(2048);
        try {
            while (selector.isOpen()) {
                if (selector.select(200) == 0) {
                    continue;
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    for (int burst = 0; burst < reads; burst++) {
                        in.clear();
                        if (ch.receive(in) == null) {
                            break;
                        }
                        packets.increment();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("floor receiver stopped: " + e);
        }
    }

    /** Counts and releases what a socket receives; one for all sockets of a process. */
    @ChannelHandler.Sharable
    private static final class Counting extends SimpleChannelInboundHandler<DatagramPacket> {
        private final LongAdder packets;

        Counting(LongAdder packets) {
            this.packets = packets;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            packets.increment();
        }
    }

    // ---------------------------------------------------------------- sender child

    private static void sender(String mode, int receivers, Path portsFile) throws Exception {
        List<String> lines = Files.readAllLines(portsFile);
        InetSocketAddress[] destinations = new InetSocketAddress[receivers];
        for (int i = 0; i < receivers; i++) {
            destinations[i] = new InetSocketAddress("127.0.0.1", Integer.parseInt(lines.get(i % lines.size())));
        }
        int loops = 2;   // the server's media-io on 2 cores
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(new Counting(new LongAdder()));
        ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET_BYTES);
        payload.writeByte(0x80).writeByte(8).writeZero(PACKET_BYTES - 2);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        List<List<Channel>> socketsByLoop = new ArrayList<>();
        List<List<InetSocketAddress>> destinationsByLoop = new ArrayList<>();
        List<EventLoop> eventLoops = new ArrayList<>();
        for (int l = 0; l < loops; l++) {
            socketsByLoop.add(new ArrayList<>());
            destinationsByLoop.add(new ArrayList<>());
            eventLoops.add(group.next());
        }
        boolean perSocket = mode.equals("per-socket");
        for (int i = 0; i < receivers; i++) {
            int l = i % loops;
            destinationsByLoop.get(l).add(destinations[i]);
            if (perSocket || socketsByLoop.get(l).isEmpty()) {
                Channel ch = b.clone(eventLoops.get(l)).bind(any).sync().channel();
                socketsByLoop.get(l).add(ch);
            }
        }
        LongAdder sent = new LongAdder();
        long start = System.nanoTime();
        for (int l = 0; l < loops; l++) {
            List<Channel> sockets = socketsByLoop.get(l);
            List<InetSocketAddress> dests = destinationsByLoop.get(l);
            EventLoop loop = eventLoops.get(l);
            Runnable round = new Runnable() {
                long rounds;

                @Override
                public void run() {
                    for (int i = 0; i < dests.size(); i++) {
                        Channel ch = perSocket ? sockets.get(i) : sockets.get(0);
                        ch.write(new DatagramPacket(payload.retainedDuplicate(), dests.get(i)), ch.voidPromise());
                        if (perSocket) {
                            ch.flush();
                        }
                    }
                    if (!perSocket) {
                        sockets.get(0).flush();
                    }
                    sent.add(dests.size());
                    rounds++;
                    // next round on the monotonic clock; a late loop catches up at once, as a real server would try to
                    long delay = start + rounds * ROUND_NANOS - System.nanoTime();
                    loop.schedule(this, Math.max(0, delay), TimeUnit.NANOSECONDS);
                }
            };
            loop.execute(round);
        }
        answerCounts(sent::sum);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Prints "ready", then answers each "count" line on stdin with the counter, until stdin closes. */
    private static void answerCounts(java.util.function.LongSupplier counter) throws IOException {
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("count")) {
                System.out.println(counter.getAsLong());
                System.out.flush();
            }
        }
    }
}
