package dev.mcu.media.rtp;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;

import java.util.Arrays;

/**
 * The codec-independent half of a {@link Depacketizer}: sequence gaps, frame boundaries (marker bit
 * or timestamp change), the keyframe gate, a reusable frame buffer and the counters. A codec
 * subclass only appends each payload ({@link #appendPayload}) and builds the finished frame.
 *
 * <p>Rules applied here:
 * <ul>
 *   <li>A sequence gap breaks the frame being assembled, and {@link #keyframeNeeded()} turns true.
 *       After a gap, or at the very first packet, it is unknown whether the next frame lost its
 *       beginning, so the subclass is told {@code startKnown = false} and must check it.</li>
 *   <li>While a keyframe is needed, intact delta frames are skipped (counted), not returned.</li>
 *   <li>Packets with an empty payload (RTP padding used for bandwidth probing) keep the sequence
 *       but carry no media.</li>
 *   <li>A packet that completes two frames at once (the previous one by timestamp change, its own
 *       by marker) returns the first; the second comes out of the next {@link #push}.</li>
 * </ul>
 *
 * <p>Threads: not thread-safe; one instance per stream on the thread that decodes it. Packets are
 * borrowed for the duration of {@link #push}; nothing keeps a reference to them.
 */
public abstract class AbstractDepacketizer implements Depacketizer {
    /**
     * A frame growing beyond this is discarded and counted ({@link #framesTooLarge()}), e.g. a
     * stream that never sets the marker bit or changes its timestamp. 2 MiB is several times the
     * largest keyframe a conference sender makes (a 4K screen share's is well under 1 MiB), and it
     * bounds what one sender can make the server hold: the buffer shrinks back after such a frame.
     */
    public static final int MAX_FRAME_BYTES = 2 << 20;
    private static final int INITIAL_FRAME_CAPACITY = 64 << 10;

    private final Codec codec;
    private byte[] frame = new byte[INITIAL_FRAME_CAPACITY];
    private int frameLength;

    private boolean hasPrevious;
    private int lastSequence;
    private boolean gapPending;
    private boolean assembling;
    private boolean frameBroken;
    private boolean firstPacketOfFrame;
    private long frameTimestamp;
    private boolean keyframeNeeded = true;
    private EncodedFrame held;

    private long packets;
    private long outOfOrderPackets;
    private long gaps;
    private long malformedPackets;
    private long framesCompleted;
    private long framesDiscarded;
    private long framesSkipped;
    private long framesTooLarge;
    private boolean tooLarge;

    protected AbstractDepacketizer(Codec codec) {
        this.codec = codec;
    }

    @Override
    public final EncodedFrame push(RtpPacket packet) {
        packets++;
        EncodedFrame out = held;
        held = null;
        int seq = packet.sequenceNumber();
        boolean gap = false;
        if (hasPrevious) {
            int distance = SequenceNumbers.diff(seq, lastSequence);
            if (distance <= 0) {
                outOfOrderPackets++; // the jitter buffer should have prevented this: ignore the packet
                return out;
            }
            gap = distance != 1;
        }
        boolean startKnown = hasPrevious && !gap && !gapPending;
        hasPrevious = true;
        lastSequence = seq;
        if (gap) {
            gaps++;
            keyframeNeeded = true;
            frameBroken |= assembling;
        }
        if (packet.payloadLength() == 0) {
            gapPending |= gap;
            return out;
        }
        gapPending = false;

        long timestamp = packet.timestamp();
        if (assembling && timestamp != frameTimestamp) {
            out = offer(out, finishFrame());
        }
        if (!assembling) {
            assembling = true;
            frameTimestamp = timestamp;
            frameBroken = false;
            firstPacketOfFrame = true;
            frameLength = 0;
            tooLarge = false;
            beginFrame();
        }
        if (!frameBroken) {
            frameBroken = !appendPayload(packet.buffer(), packet.payloadOffset(), packet.payloadLength(),
                    firstPacketOfFrame, startKnown);
        }
        firstPacketOfFrame = false;
        if (packet.marker()) {
            out = offer(out, finishFrame());
        }
        return out;
    }

    private EncodedFrame offer(EncodedFrame out, EncodedFrame done) {
        if (done == null) {
            return out;
        }
        if (out == null) {
            return done;
        }
        held = done; // at most two frames complete per push, see class comment
        return out;
    }

    private EncodedFrame finishFrame() {
        assembling = false;
        if (tooLarge) {
            framesTooLarge++;
            frameLength = 0;
            frame = new byte[INITIAL_FRAME_CAPACITY]; // don't keep the oversized buffer for the sender's next frames
        }
        if (frameBroken || !frameComplete()) {
            framesDiscarded++;
            keyframeNeeded = true;
            return null;
        }
        EncodedFrame built = buildFrame(frameTimestamp);
        if (built == null) {
            return null;
        }
        if (keyframeNeeded && !built.keyframe()) {
            framesSkipped++;
            return null;
        }
        keyframeNeeded = false;
        framesCompleted++;
        return built;
    }

    /** A new frame starts: forget the codec's per-frame state. The frame buffer is already empty. */
    protected abstract void beginFrame();

    /**
     * Appends one packet's payload to the frame (through {@link #append}). Returns false when the
     * payload is malformed, unsupported, or cannot belong where it is (e.g. a middle fragment
     * first): the frame is then broken and will be discarded.
     *
     * @param firstInFrame the first packet with this frame's timestamp
     * @param startKnown   the packet right before this one arrived (no gap), so a first packet
     *                     really is the frame's first; when false, check the payload for a frame start
     */
    protected abstract boolean appendPayload(byte[] buffer, int offset, int length, boolean firstInFrame,
                                             boolean startKnown);

    /** Whether the assembled bytes are a whole frame (e.g. no fragment left open, a valid header). */
    protected abstract boolean frameComplete();

    /** The finished frame from the frame buffer, or {@code null} when it holds nothing to decode. */
    protected abstract EncodedFrame buildFrame(long rtpTimestamp);

    /** Appends to the frame buffer; false when the frame would exceed {@link #MAX_FRAME_BYTES}. */
    protected final boolean append(byte[] source, int offset, int length) {
        if (!ensureRoom(length)) {
            return false;
        }
        System.arraycopy(source, offset, frame, frameLength, length);
        frameLength += length;
        return true;
    }

    protected final boolean appendByte(int value) {
        if (!ensureRoom(1)) {
            return false;
        }
        frame[frameLength++] = (byte) value;
        return true;
    }

    private boolean ensureRoom(int length) {
        int needed = frameLength + length;
        if (needed > MAX_FRAME_BYTES) {
            tooLarge = true;
            return false;
        }
        if (needed > frame.length) {
            frame = Arrays.copyOf(frame, Math.min(MAX_FRAME_BYTES, Math.max(needed, frame.length * 2)));
        }
        return true;
    }

    /** The frame buffer; valid bytes are [0, {@link #frameLength()}). Read it only in subclass hooks. */
    protected final byte[] frameBuffer() { return frame; }
    protected final int frameLength() { return frameLength; }
    protected final Codec codec() { return codec; }
    protected final void countMalformed() { malformedPackets++; }

    @Override
    public final boolean keyframeNeeded() {
        return keyframeNeeded;
    }

    @Override
    public void reset() {
        hasPrevious = false;
        gapPending = false;
        assembling = false;
        frameBroken = false;
        frameLength = 0;
        tooLarge = false;
        held = null;
        keyframeNeeded = true;
        beginFrame();
    }

    public long packets() { return packets; }
    /** Packets not newer than the previous one (should not happen behind a jitter buffer). */
    public long outOfOrderPackets() { return outOfOrderPackets; }
    /** Sequence gaps seen (each may span several packets). */
    public long gaps() { return gaps; }
    /** Payloads that could not be parsed or are not supported. */
    public long malformedPackets() { return malformedPackets; }
    public long framesCompleted() { return framesCompleted; }
    /** Frames with a hole or a bad payload, thrown away. */
    public long framesDiscarded() { return framesDiscarded; }
    /** Intact delta frames thrown away while waiting for a keyframe. */
    public long framesSkipped() { return framesSkipped; }
    /** Frames thrown away for growing beyond {@link #MAX_FRAME_BYTES} (also counted as discarded). */
    public long framesTooLarge() { return framesTooLarge; }
}
