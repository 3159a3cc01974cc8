package dev.mcu.bench.jmh;

import dev.mcu.conference.Member;
import dev.mcu.conference.Role;
import dev.mcu.conference.Room;
import dev.mcu.conference.RoomEvents;
import dev.mcu.conference.VideoSettings;
import dev.mcu.decoder.AudioDecoder;
import dev.mcu.encoder.AudioEncoder;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.RtpPacket;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One 20 ms round of a real {@link Room} shaped like the load benchmark's {@code talkN}: N sendrecv
 * Opus members, 3 of them talking (a tone each), the rest sending a packet of Opus silence every
 * 20 ms with the RFC 6464 level "no voice, -127 dBov", as browsers do. An operation is everything the
 * room does for one round on one thread: every member's packet handed in (the silent ones dropped
 * before the decode queue, the talkers' decoded), the mix, the 3 mix-minus encodes and the shared
 * one, and an RTP packet built and handed to each member's transport, which here only counts it.
 * So this is the room's own share of talk1000; the network send (Netty, the syscall) comes on top in
 * the end-to-end benchmark. The set-up checks that a silent member hears all three talkers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class TalkRoundBenchmark {
    private static final int TALKERS = 3;
    private static final int LEVEL_EXTENSION_ID = 1;
    private static final double[] TONES_HZ = {440, 700, 1100};
    private static final int LOOP_FRAMES = 50;

    @State(Scope.Thread)
    public static class Talk {
        @Param({"100", "1000"})
        public int members;

        final WebinarRoundBenchmark.ManualClock clock = new WebinarRoundBenchmark.ManualClock();
        final List<Talker> talkers = new ArrayList<>();
        Room room;
        byte[][][] tonePackets;     // 1 s of each talker's tone (an integer frequency: it loops), re-sent with new headers
        byte[] silencePayload;
        int sequence;
        long bytesSent;

        @Setup(Level.Trial)
        public void open() {
            room = new Room("talk", new VideoSettings(320, 180, 10, 300, 100, 10, LayoutKind.GRID, false, false,
                    List.of(), false), 4, clock, RoomEvents.NONE);
            for (int i = 0; i < members; i++) {
                Talker t = new Talker("m" + i, this);
                talkers.add(t);
                room.join(t);
            }
            clock.runQueued();
            try (AudioEncoder encoder = AudioEncoder.create(Codec.OPUS)) {
                silencePayload = encoder.encode(new short[Audio.FRAME_SAMPLES]);
                tonePackets = new byte[TALKERS][LOOP_FRAMES][];
                short[] pcm = new short[Audio.FRAME_SAMPLES];
                for (int i = 0; i < TALKERS; i++) {
                    try (AudioEncoder own = AudioEncoder.create(Codec.OPUS)) {
                        for (int f = 0; f < LOOP_FRAMES; f++) {
                            Tones.sine(pcm, TONES_HZ[i], 4000, Audio.SAMPLE_RATE, (long) f * pcm.length);
                            tonePackets[i][f] = own.encode(pcm);
                        }
                    }
                }
            }
            for (int r = 0; r < 100; r++) {
                round(this);
            }
            checkEveryoneHearsTheTalkers();
        }

        /** A silent member decodes what it was sent over 25 rounds: all three tones must be in it. */
        private void checkEveryoneHearsTheTalkers() {
            Talker listener = talkers.get(members - 1);
            listener.keep = true;
            for (int r = 0; r < 25; r++) {
                round(this);
            }
            listener.keep = false;
            short[] heard = new short[0];
            try (AudioDecoder decoder = new AudioDecoder(Codec.OPUS)) {
                for (byte[] packet : listener.kept) {
                    RtpPacket rtp = RtpPacket.parse(packet);
                    short[] pcm = decoder.decode(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
                    short[] joined = java.util.Arrays.copyOf(heard, heard.length + pcm.length);
                    System.arraycopy(pcm, 0, joined, heard.length, pcm.length);
                    heard = joined;
                }
            }
            // the tone packets repeat one 20 ms frame, so only a rough level is expected: clearly present
            for (double hz : TONES_HZ) {
                double level = Tones.amplitude(heard, heard.length / 2, heard.length / 2, hz, Audio.SAMPLE_RATE);
                if (level < 500) {
                    var stats = room.stats();
                    clock.runQueued();
                    throw new IllegalStateException("a silent member hears " + hz + " Hz at only " + level + " ("
                            + listener.kept.size() + " packets kept, " + heard.length + " samples, " + bytesSent
                            + " bytes sent in all, room: " + stats.getNow(null) + ")");
                }
            }
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
    public long oneRound(Talk t) {
        return round(t);
    }

    /**
     * What the API's once-a-second rate sample costs the room's audio lane: one
     * {@link Room#videoFramesDecoded()} (a map of the decoded-picture counters), run here on the
     * benchmark's thread as the lane would run it.
     */
    @Benchmark
    public Map<String, Long> rateSampleFramesOnly(Talk t) {
        var frames = t.room.videoFramesDecoded();
        t.clock.runQueued();
        return frames.join();
    }

    /**
     * The alternative it replaced on the drawing board: the full {@link Room#participants()} snapshot
     * once a second (each member's transport counters, decoder counters, records). A lower bound:
     * these members are audio-only and their transport's counters are a fixed-size record.
     */
    @Benchmark
    public int rateSampleFullSnapshot(Talk t) {
        var all = t.room.participants();
        t.clock.runQueued();
        return all.join().size();
    }

    /** Every member's packet of this 20 ms, then the room's round. */
    private static long round(Talk t) {
        int seq = t.sequence++ % 50_000; // a multiple of the loop, below 65,536
        long timestamp = (long) seq * 960;
        for (int i = 0; i < t.members; i++) {
            boolean talking = i < TALKERS;
            byte[] payload = talking ? t.tonePackets[i][seq % LOOP_FRAMES] : t.silencePayload;
            t.talkers.get(i).listener.onRtp(MediaKind.AUDIO, RtpPacket.parse(withLevel(seq, timestamp, i, payload,
                    talking ? 0x80 | 20 : 127)));
        }
        t.clock.tickAudio();
        return t.bytesSent;
    }

    /** RTP with the RFC 8285 one-byte extension carrying the RFC 6464 level (voice bit | -dBov). */
    private static byte[] withLevel(int seq, long timestamp, int ssrc, byte[] payload, int level) {
        byte[] p = new byte[12 + 8 + payload.length];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
        b.put((byte) 0x90).put((byte) 111).putShort((short) seq).putInt((int) timestamp).putInt(ssrc + 1);
        b.putShort((short) 0xBEDE).putShort((short) 1).put((byte) (LEVEL_EXTENSION_ID << 4)).put((byte) level)
                .put((byte) 0).put((byte) 0);
        b.put(payload);
        return p;
    }

    /** A sendrecv Opus member (with the RFC 6464 level agreed) whose transport counts what it is sent. */
    static final class Talker implements Member, MediaTransport {
        private final String id;
        private final Talk bench;
        private final List<NegotiatedStream> streams = List.of(new NegotiatedStream(MediaKind.AUDIO, Codec.OPUS, 111,
                Map.of(), -1, Direction.SENDRECV, 0, false, LEVEL_EXTENSION_ID));
        MediaListener listener = MediaListener.NONE;
        boolean keep;
        final List<byte[]> kept = new ArrayList<>();

        Talker(String id, Talk bench) {
            this.id = id;
            this.bench = bench;
        }

        @Override public String id() { return id; }
        @Override public String displayName() { return id; }
        @Override public List<NegotiatedStream> streams() { return streams; }
        @Override public MediaTransport transport() { return this; }
        @Override public void setMediaListener(MediaListener listener) { this.listener = listener; }
        @Override public Role initialRole() { return Role.SPEAKER; }
        @Override public void hangup() { }
        @Override public int localPort(MediaKind kind) { return 0; }
        @Override public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux) { }
        @Override public void disable(MediaKind kind) { }
        @Override public void setListener(MediaListener listener) { }
        @Override public void sendRtp(MediaKind kind, byte[] packet) {
            bench.bytesSent += packet.length;
            if (keep) {
                kept.add(packet);
            }
        }
        @Override public void requestKeyframe() { }
        @Override public Optional<InetSocketAddress> latchedRemote(MediaKind kind) { return Optional.empty(); }
        @Override public TransportStats stats(MediaKind kind) {   // a new record each time, as the real transports
            return new TransportStats(0, 0, bench.bytesSent, bench.bytesSent, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        @Override public void close() { }
    }
}
