package dev.mcu.bench.jmh;

import dev.mcu.conference.MediaClock;
import dev.mcu.conference.Member;
import dev.mcu.conference.Role;
import dev.mcu.conference.Room;
import dev.mcu.conference.RoomEvents;
import dev.mcu.conference.VideoSettings;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One 20 ms audio round of a real {@link Room} of N audio-only receivers (Opus, receive-only), as
 * its audio lane runs it: {@code listeners} are meeting participants (each its own RTP stream and
 * header built per round, an encoder opened at join), which is what a webinar attendee cost before
 * attendees were view-only members; {@code attendees} are webinar attendees (one packet per codec
 * built once and handed to each). The transport is a stub that only counts bytes, so this is the
 * room's own share; the real send (copy into a Netty buffer, SRTP for browsers, the syscall) comes
 * on top in the end-to-end load benchmark ({@code webinarN}). Single-threaded, on the JMH thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class WebinarRoundBenchmark {

    @State(Scope.Thread)
    public static class Webinar {
        @Param({"100", "1000"})
        public int receivers;

        @Param({"listeners", "attendees"})
        public String as;

        final ManualClock clock = new ManualClock();
        Room room;
        long bytesSent;

        @Setup(Level.Trial)
        public void open() {
            room = new Room("bench", new VideoSettings(320, 180, 10, 300, 100, 10, LayoutKind.GRID, false, false,
                    List.of(), false), 4, clock, RoomEvents.NONE);
            Role role = as.equals("attendees") ? Role.ATTENDEE : Role.SPEAKER;
            for (int i = 0; i < receivers; i++) {
                room.join(new Receiver("r" + i, role, this));
            }
            clock.runQueued();
        }

        @TearDown(Level.Trial)
        public void close() {
            clock.closing = true;
            Thread closer = new Thread(room::close);
            closer.start();
            while (closer.isAlive()) {
                clock.runQueued();
                Thread.onSpinWait();
            }
        }
    }

    @Benchmark
    public long oneRound(Webinar w) {
        w.clock.tickAudio();
        return w.bytesSent;
    }

    /** A clock whose lanes run only when the benchmark says so, on its thread. */
    static final class ManualClock implements MediaClock {
        private final Queue<Runnable> queue = new ArrayDeque<>();
        private final List<Tick> audioTicks = new ArrayList<>();
        private long now;
        volatile boolean closing;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Lane lane(String name) {
            boolean audio = name.endsWith("-audio");
            return new Lane() {
                @Override
                public void every(long periodNanos, Tick tick) {
                    if (audio) {
                        audioTicks.add(tick);
                    }
                }

                @Override
                public void shutdown() {
                }

                @Override
                public void execute(Runnable command) {
                    synchronized (queue) {
                        queue.add(command);
                    }
                }
            };
        }

        void tickAudio() {
            now += 20_000_000L;
            for (Tick t : audioTicks) {
                t.run(now);
            }
            runQueued();
        }

        void runQueued() {
            while (true) {
                Runnable next;
                synchronized (queue) {
                    next = queue.poll();
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
        }

        @Override
        public Executor decodePool() {
            return this::enqueue;
        }

        @Override
        public Executor encodePool() {
            return this::enqueue;
        }

        private void enqueue(Runnable task) {
            synchronized (queue) {
                queue.add(task);
            }
        }
    }

    /** A receive-only Opus member whose transport counts what it is sent. */
    static final class Receiver implements Member, MediaTransport {
        private final String id;
        private final Role role;
        private final Webinar bench;
        private final List<NegotiatedStream> streams = List.of(new NegotiatedStream(MediaKind.AUDIO, Codec.OPUS, 111,
                Map.of(), -1, Direction.SENDONLY, 0));

        Receiver(String id, Role role, Webinar bench) {
            this.id = id;
            this.role = role;
            this.bench = bench;
        }

        @Override public String id() { return id; }
        @Override public String displayName() { return id; }
        @Override public List<NegotiatedStream> streams() { return streams; }
        @Override public MediaTransport transport() { return this; }
        @Override public void setMediaListener(MediaListener listener) { }
        @Override public Role initialRole() { return role; }
        @Override public void hangup() { }
        @Override public int localPort(MediaKind kind) { return 0; }
        @Override public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) { }
        @Override public void disable(MediaKind kind) { }
        @Override public void setListener(MediaListener listener) { }
        @Override public void sendRtp(MediaKind kind, byte[] packet) { bench.bytesSent += packet.length; }
        @Override public void requestKeyframe() { }
        @Override public Optional<InetSocketAddress> latchedRemote(MediaKind kind) { return Optional.empty(); }
        @Override public TransportStats stats(MediaKind kind) { return null; }
        @Override public void close() { }
    }
}
