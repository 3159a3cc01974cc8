package dev.mcu.conference;

import dev.mcu.decoder.VideoDecoder;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.rtp.Depacketizer;
import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.transport.KeyframeRequestLimiter;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One participant's incoming video: RTP packets from the transport's event loop are handed to the
 * participant's serial decode executor, which runs jitter buffer → depacketizer → FFmpeg decoder and
 * hands each picture to the tile's {@link TilePlayout}, from which the room's compositor takes one a
 * frame.
 *
 * <p>Threads: {@link #offer} on the Netty event loop (only enqueues); everything else on the
 * serial executor; {@link #nextPicture()} and {@link #setVisible} from the room's video lane. The decoder is owned here and closed on
 * the serial executor after the last packet task, so it is never used and freed concurrently.
 */
final class InboundVideo implements AutoCloseable {
    /** Packets waiting for the decoder beyond this are dropped: a stalled decoder must not eat memory. */
    static final int MAX_PENDING_PACKETS = 600;
    /** At most one keyframe request per this, however often the decoder or the layout asks. */
    static final long KEYFRAME_ASK_INTERVAL_NANOS = 500_000_000L;

    private final JitterBuffer jitterBuffer = JitterBuffer.forVideo();
    private final Depacketizer depacketizer;
    private final VideoDecoder decoder;          // owned: closed on the decode executor in close()
    private final Runnable keyframeRequester;
    private final LongSupplier clockMillis;
    private final DecodeQueue queue;
    private volatile boolean visible = true;
    private volatile boolean resyncNeeded;
    private final AtomicLong skippedInvisible = new AtomicLong();
    private final TilePlayout playout = new TilePlayout();
    private volatile long framesDecoded;
    private final AtomicLong keyframesAsked = new AtomicLong();
    private final MediaTimings timings;
    private final KeyframeRequestLimiter keyframeLimiter = new KeyframeRequestLimiter(KEYFRAME_ASK_INTERVAL_NANOS);

    InboundVideo(Codec codec, Executor decodeExecutor, Runnable keyframeRequester, LongSupplier clockMillis) {
        this(codec, decodeExecutor, keyframeRequester, clockMillis, MediaTimings.NONE);
    }

    InboundVideo(Codec codec, Executor decodeExecutor, Runnable keyframeRequester, LongSupplier clockMillis,
                 MediaTimings timings) {
        this.timings = timings;
        this.queue = new DecodeQueue(decodeExecutor, MAX_PENDING_PACKETS, this::process, timings::decodeQueueOverflowed);
        this.keyframeRequester = keyframeRequester;
        this.clockMillis = clockMillis;
        this.depacketizer = codec == Codec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();
        this.decoder = new VideoDecoder(codec);
    }

    void offer(RtpPacket packet) {
        if (!visible) {
            // Nobody sees this participant: don't spend a decode on it.
            skippedInvisible.incrementAndGet();
            return;
        }
        queue.offer(packet);
    }

    private void process(RtpPacket packet) {
        if (resyncNeeded) {
            // Packets were skipped while hidden: start clean from the keyframe we asked for.
            resyncNeeded = false;
            jitterBuffer.reset();
            depacketizer.reset();
        }
        long now = clockMillis.getAsLong();
        jitterBuffer.insert(packet, now);
        RtpPacket next;
        while ((next = jitterBuffer.poll(now)) != null) {
            EncodedFrame frame = depacketizer.push(next);
            if (frame != null) {
                long decodeStart = System.nanoTime();
                I420Frame picture = decoder.decode(frame);
                timings.videoDecoded(System.nanoTime() - decodeStart);
                if (picture != null) {
                    playout.publish(picture);
                    framesDecoded++;
                }
            }
        }
        if (depacketizer.keyframeNeeded() || decoder.keyframeNeeded()) {
            askForKeyframe();
        }
    }

    /**
     * Called by the room clock when the layout, a mute or a role changes: {@code nowVisible} is
     * whether anybody sees this picture (it has a tile, its video is not muted, it is no attendee).
     * Becoming visible again asks the sender for
     * a keyframe (the transport rate-limits requests), since the decoder missed the frames between.
     */
    void setVisible(boolean nowVisible) {
        if (nowVisible == visible) {
            return;
        }
        visible = nowVisible;
        if (nowVisible) {
            resyncNeeded = true;
            askForKeyframe();
        } else {
            playout.clear();
        }
    }

    /**
     * The size of the tile this picture is shown in: the decoder hands out pictures already fitted to
     * it, so the room's video thread only copies rows. Room video lane.
     */
    void showIn(int tileWidth, int tileHeight) {
        decoder.fitInto(tileWidth, tileHeight);
    }

    /** A decoder that keeps failing, or a burst of layout changes, costs the sender one keyframe per interval. */
    private void askForKeyframe() {
        if (keyframeLimiter.tryAcquire(clockMillis.getAsLong() * 1_000_000L)) {
            keyframesAsked.incrementAndGet();
            keyframeRequester.run();
        }
    }

    long keyframesAsked() {
        return keyframesAsked.get();
    }

    boolean visible() {
        return visible;
    }

    long skippedInvisible() {
        return skippedInvisible.get();
    }

    /**
     * The picture to show in this output frame (fitted to its tile once {@link #showIn} was called), or null
     * before the first one. Room video lane, once per output frame: each call moves the tile's playout on.
     */
    I420Frame nextPicture() {
        return playout.next();
    }

    long framesDecoded() {
        return framesDecoded;
    }

    int queueDepth() {
        return queue.depth();
    }

    long droppedOverflow() {
        return queue.droppedOverflow();
    }

    long decodeErrors() {
        return decoder.errors();
    }

    @Override
    public void close() {
        // The SIP layer may keep the ended call (and so this object) for a while: free the big parts now.
        queue.closeThen(() -> {
            decoder.close();
            jitterBuffer.reset();
            depacketizer.reset();
            playout.clear();
        });
    }
}
