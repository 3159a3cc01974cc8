package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a receiver of {@link BatchedWrites} gets: every packet, in the order written per socket,
 * whether written from other threads (batched) or on the event loop (at once); and what happens to
 * packets nobody can send any more (released, nothing thrown). On each {@link IoEngine} that runs
 * here: io_uring sends a batch's datagrams as queued submissions, not one {@code sendto} each.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(IoEngine.class)
class BatchedWritesTest {
    @Parameter
    IoEngine engine;
    private TestTransportThreads threads;
    private final List<Channel> channels = new ArrayList<>();
    private DatagramSocket receiver;

    @BeforeEach
    void start() {
        assumeTrue(engine.available(), () -> engine.setting() + " cannot run here: " + engine.unavailableBecause());
        threads = new TestTransportThreads(engine);
    }

    @AfterEach
    void close() {
        BatchedWrites.maxAgeNanos = BatchedWrites.MAX_AGE_NANOS;
        channels.forEach(c -> c.close().awaitUninterruptibly(1, TimeUnit.SECONDS));
        if (receiver != null) {
            receiver.close();
        }
        if (threads != null) {
            threads.close();
        }
    }

    @Test
    void packetsFromSeveralThreadsToSeveralSocketsAllArriveInTheOrderEachSocketWasGivenThem() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setReceiveBufferSize(1 << 20);
        receiver.setSoTimeout(5_000);
        InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
        int perSender = 150;
        List<Channel> senders = List.of(bound(threads.eventLoops()), bound(threads.eventLoops()), bound(threads.eventLoops()));
        List<Thread> writers = new ArrayList<>();
        for (int s = 0; s < senders.size(); s++) {
            Channel sender = senders.get(s);
            int id = s;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perSender; i++) {
                    BatchedWrites.write(sender, packet(id, i, target));
                    if (i % 10 == 9) {
                        Thread.yield(); // rounds, as a room sends them
                    }
                }
            }, "test-writer-" + s));
        }
        writers.forEach(Thread::start);
        for (Thread w : writers) {
            w.join();
        }

        Map<Integer, List<Integer>> received = new HashMap<>();
        byte[] buffer = new byte[64];
        for (int n = 0; n < perSender * senders.size(); n++) {
            java.net.DatagramPacket datagram = new java.net.DatagramPacket(buffer, buffer.length);
            receiver.receive(datagram);
            ByteBuffer b = ByteBuffer.wrap(datagram.getData(), 0, datagram.getLength());
            received.computeIfAbsent(b.getInt(), k -> new ArrayList<>()).add(b.getInt());
        }
        for (int s = 0; s < senders.size(); s++) {
            List<Integer> numbers = received.get(s);
            assertEquals(perSender, numbers.size(), "sender " + s);
            for (int i = 0; i < perSender; i++) {
                assertEquals(i, numbers.get(i), "sender " + s + " out of order: " + numbers);
            }
        }
    }

    @Test
    void aLoopThatFellBehindFlushesAfterEachBoundedBatchNotOnlyOnceItCaughtUp() throws Exception {
        BatchedWrites.maxAgeNanos = TimeUnit.MINUTES.toNanos(1); // this test is about batches, not age, on any machine
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
        Channel sender = bound(threads.eventLoops());
        AtomicInteger flushes = new AtomicInteger();
        sender.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        CountDownLatch busy = new CountDownLatch(1);
        sender.eventLoop().execute(() -> { // the loop falls behind
            try {
                busy.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int packets = BatchedWrites.MAX_BATCH * 2 + 10;
        for (int i = 0; i < packets; i++) {
            BatchedWrites.write(sender, packet(3, i, target));
        }
        busy.countDown();
        CountDownLatch drained = new CountDownLatch(1);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (flushes.get() < 3 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        sender.eventLoop().execute(drained::countDown); // queued behind any batch still to come
        assertTrue(drained.await(5, TimeUnit.SECONDS));
        // (whether they arrive is the first test's; a small receive buffer may drop some of a burst)
        assertEquals(3, flushes.get(), "one flush per batch of at most " + BatchedWrites.MAX_BATCH);
    }

    @Test
    void packetsALoopCouldNotSendWithinTheAgeLimitAreDroppedCountedAndReleasedAndLaterOnesStillArrive() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout(5_000);
        InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
        Channel sender = bound(threads.eventLoops());
        CountDownLatch busy = new CountDownLatch(1);
        sender.eventLoop().execute(() -> { // the loop is stuck on other work longer than a packet may wait
            try {
                busy.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long droppedBefore = BatchedWrites.droppedLate();
        List<DatagramPacket> late = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            late.add(packet(5, i, target));
            BatchedWrites.write(sender, late.get(i));
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BatchedWrites.MAX_AGE_NANOS) + 200);
        busy.countDown();
        CountDownLatch drained = new CountDownLatch(1);
        sender.eventLoop().execute(drained::countDown);
        assertTrue(drained.await(5, TimeUnit.SECONDS));

        assertEquals(50, BatchedWrites.droppedLate() - droppedBefore, "all 50 were too late");
        assertTrue(late.stream().allMatch(p -> p.refCnt() == 0), "every dropped packet is released");
        BatchedWrites.write(sender, packet(6, 1, target));
        java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[64], 64);
        receiver.receive(datagram);
        assertEquals(6, ByteBuffer.wrap(datagram.getData()).getInt(), "nothing of the late ones went out, the next one did");
    }

    @Test
    void aRoundHoldsItsPacketsUntilItsOutermostCloseThenEachSocketGetsThemInOneFlushInOrder() throws Exception {
        BatchedWrites.maxAgeNanos = TimeUnit.MINUTES.toNanos(1); // held longer than a packet may wait, on purpose
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setReceiveBufferSize(1 << 20);
        InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
        List<Channel> senders = List.of(bound(threads.eventLoops()), bound(threads.eventLoops()));
        AtomicInteger[] flushes = {new AtomicInteger(), new AtomicInteger()};
        for (int s = 0; s < senders.size(); s++) {
            AtomicInteger counter = flushes[s];
            senders.get(s).pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    counter.incrementAndGet();
                    ctx.flush();
                }
            });
        }
        int perSender = 5;
        BatchedWrites.Round round = BatchedWrites.round();
        try (BatchedWrites.Round inner = BatchedWrites.round()) {
            for (int s = 0; s < senders.size(); s++) { // receiver by receiver, as a room sends a frame
                for (int i = 0; i < perSender; i++) {
                    BatchedWrites.write(senders.get(s), packet(s, i, target));
                    Thread.sleep(5); // as if encoding: without a round, the loop would send each packet at once
                }
            }
        }
        receiver.setSoTimeout(200);
        java.net.DatagramPacket early = new java.net.DatagramPacket(new byte[64], 64);
        assertThrows(SocketTimeoutException.class, () -> receiver.receive(early),
                "nothing leaves while the outer round is open");
        round.close();
        assertThrows(IllegalStateException.class, round::close, "a round closes once");

        receiver.setSoTimeout(5_000);
        Map<Integer, List<Integer>> received = new HashMap<>();
        for (int n = 0; n < perSender * senders.size(); n++) {
            java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[64], 64);
            receiver.receive(datagram);
            ByteBuffer b = ByteBuffer.wrap(datagram.getData(), 0, datagram.getLength());
            received.computeIfAbsent(b.getInt(), k -> new ArrayList<>()).add(b.getInt());
        }
        for (int s = 0; s < senders.size(); s++) {
            assertEquals(List.of(0, 1, 2, 3, 4), received.get(s), "sender " + s);
            assertEquals(1, flushes[s].get(), "sender " + s + "'s packets of the round go out in one flush");
        }
    }

    @Test
    void aPacketWrittenOnTheEventLoopGoesOutAtOnce() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout(5_000);
        InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
        Channel sender = bound(threads.eventLoops());
        CountDownLatch sent = new CountDownLatch(1);
        sender.eventLoop().execute(() -> {
            BatchedWrites.write(sender, packet(7, 1, target));
            sent.countDown();
        });
        assertTrue(sent.await(5, TimeUnit.SECONDS));
        java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[64], 64);
        receiver.receive(datagram);
        assertEquals(7, ByteBuffer.wrap(datagram.getData()).getInt());
    }

    @Test
    void packetsForAClosedSocketOrAStoppedLoopAreReleasedAndNothingIsThrown() throws Exception {
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        Channel closed = bound(threads.eventLoops());
        closed.close().syncUninterruptibly();
        DatagramPacket toClosed = packet(1, 1, nowhere);
        BatchedWrites.write(closed, toClosed);

        EventLoopGroup ownGroup = new MultiThreadIoEventLoopGroup(1, engine.ioHandlerFactory());
        Channel onStoppedLoop = bound(ownGroup);
        // closed before its loop stops: an io_uring loop stopped under an open socket never gives back the
        // receive buffer the socket has posted (Netty 4.2.x reports it as a leak when it is collected)
        onStoppedLoop.close().syncUninterruptibly();
        ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        DatagramPacket toStopped = packet(2, 1, nowhere);
        BatchedWrites.write(onStoppedLoop, toStopped);

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((toClosed.refCnt() > 0 || toStopped.refCnt() > 0) && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, toClosed.refCnt(), "the packet for a closed socket is released");
        assertEquals(0, toStopped.refCnt(), "the packet for a stopped loop is released");
    }

    private Channel bound(EventLoopGroup group) {
        Channel channel = new Bootstrap().group(group).channelFactory(IoEngine.of(group).datagramChannels())
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
        channels.add(channel);
        return channel;
    }

    private static DatagramPacket packet(int sender, int number, InetSocketAddress target) {
        ByteBuf buf = Unpooled.directBuffer(8).writeInt(sender).writeInt(number);
        return new DatagramPacket(buf, target);
    }
}
