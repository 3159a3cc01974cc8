package dev.mcu.media.rtp;

import dev.mcu.media.EncodedFrame;

/**
 * Reassembles frames from RTP packets that arrive in sequence order (after a {@link JitterBuffer}).
 * {@link #push} returns a frame when one completes (marker bit, or the next frame's timestamp),
 * otherwise {@code null}. A frame with a hole in it is discarded, and from then on
 * {@link #keyframeNeeded()} is true and only a keyframe is let through: a decoder cannot use
 * frames that refer to a lost picture. Bad payloads are counted and dropped, never thrown.
 *
 * <p>Threads: not thread-safe; one per incoming stream, called by the thread that decodes it.
 */
public interface Depacketizer {
    /** Feeds the next packet; returns a complete, usable frame or {@code null}. */
    EncodedFrame push(RtpPacket packet);

    /**
     * True until an intact keyframe has come through: at the start, and after any loss. The
     * receiver asks the sender for one (RTCP PLI/FIR, SIP INFO) while this is true.
     */
    boolean keyframeNeeded();

    /** Forgets any partly assembled frame and the sequence state; a keyframe is needed again. */
    void reset();
}
