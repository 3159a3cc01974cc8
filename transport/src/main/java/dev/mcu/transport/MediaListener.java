package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;

/**
 * What a media transport reports upward. Called on the transport's Netty event loop: implementations
 * must only enqueue (never decode, block or take a lock another thread holds while working).
 */
public interface MediaListener {
    /**
     * A clear RTP packet arrived from the latched remote for a negotiated stream. The packet's
     * buffer belongs to the callee from now on (the transport copied it out of its ByteBuf).
     */
    void onRtp(MediaKind kind, RtpPacket packet);

    /** The remote asked for a keyframe (RTCP PLI or FIR, or SIP INFO picture_fast_update). */
    void onKeyframeRequested();

    /** An RFC 4733 telephone-event (or SIP INFO dtmf-relay) digit ended. */
    void onDtmf(char digit);

    MediaListener NONE = new MediaListener() {
        @Override public void onRtp(MediaKind kind, RtpPacket packet) { }
        @Override public void onKeyframeRequested() { }
        @Override public void onDtmf(char digit) { }
    };
}
