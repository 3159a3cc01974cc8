package dev.mcu.media.vp8;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.AbstractDepacketizer;

import java.util.Arrays;

/**
 * Reassembles VP8 frames from RTP (RFC 7741): from the packet with S=1 and PID=0 up to the
 * marker bit (or the next timestamp). Every packet's descriptor is parsed, including the optional
 * picture id, TL0PICIDX and TID/KEYIDX fields, and stripped. A frame must start with S=1/PID=0,
 * keep one picture id throughout, and have a valid VP8 frame header (keyframes: the start code
 * 9d 01 2a); otherwise it is discarded. Keyframe = the P bit of the frame header is 0.
 *
 * <p>Threads: not thread-safe; one per incoming stream on its decoding thread.
 */
public final class Vp8Depacketizer extends AbstractDepacketizer {
    private final Vp8Descriptor descriptor = new Vp8Descriptor();
    private int framePictureId;

    public Vp8Depacketizer() {
        super(Codec.VP8);
    }

    @Override
    protected void beginFrame() {
        framePictureId = -1;
    }

    @Override
    protected boolean appendPayload(byte[] buffer, int offset, int length, boolean firstInFrame, boolean startKnown) {
        int descriptorSize = descriptor.parse(buffer, offset, length);
        if (descriptorSize < 0) {
            countMalformed();
            return false;
        }
        if (firstInFrame) {
            if (!descriptor.startOfFrame()) {
                return false; // the frame's first packet was lost
            }
            framePictureId = descriptor.pictureId();
        } else if (descriptor.startOfFrame() || descriptor.pictureId() != framePictureId) {
            return false; // a second frame under the same timestamp
        }
        return append(buffer, offset + descriptorSize, length - descriptorSize);
    }

    @Override
    protected boolean frameComplete() {
        if (Vp8Frames.isValid(frameBuffer(), 0, frameLength())) {
            return true;
        }
        countMalformed();
        return false;
    }

    @Override
    protected EncodedFrame buildFrame(long rtpTimestamp) {
        byte[] frame = frameBuffer();
        return new EncodedFrame(Codec.VP8, Arrays.copyOf(frame, frameLength()), rtpTimestamp,
                Vp8Frames.isKeyframe(frame, 0));
    }
}
