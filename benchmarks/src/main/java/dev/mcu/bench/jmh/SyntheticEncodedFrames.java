package dev.mcu.bench.jmh;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * Encoded frames shaped like an encoder's output, for the payload-format benchmarks: a 30 KB
 * keyframe and a 3 KB delta frame of 720p. Payload bytes are random but never zero, so they hold
 * no start-code pattern (real NAL units guarantee that with emulation-prevention bytes).
 * Stateless, any thread.
 */
final class SyntheticEncodedFrames {
    static final int KEYFRAME_BYTES = 30_000;
    static final int DELTA_BYTES = 3_000;
    /** The NAL cap the MCU's encoder uses for packetization-mode 0 receivers. */
    static final int MODE0_SLICE_BYTES = 1_100;

    private static final byte[] START_CODE = {0, 0, 0, 1};
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, (byte) 0x8c, (byte) 0x8d, 0x40, 0x50, 0x1e, (byte) 0xd0, 0x0f, 0x08, (byte) 0x84, 0x6a};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
    private static final int NAL_IDR = 0x65;
    private static final int NAL_SLICE = 0x41;

    private SyntheticEncodedFrames() {
    }

    /**
     * An H.264 access unit in Annex B of about {@code bytes}: SPS and PPS before a keyframe, then
     * slices of at most {@code maxSliceBytes} (0 = one slice), as openh264 emits them.
     */
    static EncodedFrame h264(boolean keyframe, int bytes, int maxSliceBytes, long seed) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 64);
        if (keyframe) {
            out.writeBytes(START_CODE);
            out.writeBytes(SPS);
            out.writeBytes(START_CODE);
            out.writeBytes(PPS);
        }
        int sliceBytes = maxSliceBytes == 0 ? bytes : maxSliceBytes;
        boolean first = true;
        for (int left = bytes; left > 0; left -= sliceBytes) {
            byte[] slice = nonZeroBytes(random, Math.min(left, sliceBytes));
            slice[0] = (byte) (keyframe ? NAL_IDR : NAL_SLICE);
            slice[1] = (byte) (first ? 0x88 : 0x1a); // first_mb_in_slice == 0 only in the first slice
            out.writeBytes(START_CODE);
            out.writeBytes(slice);
            first = false;
        }
        return new EncodedFrame(Codec.H264, out.toByteArray(), 0, keyframe);
    }

    /** A VP8 frame of {@code bytes} with a valid frame header (RFC 6386 §9.1). */
    static EncodedFrame vp8(boolean keyframe, int bytes, int width, int height, long seed) {
        byte[] frame = nonZeroBytes(new Random(seed), bytes);
        int firstPartition = bytes / 4;
        int tag = (keyframe ? 0 : 1) | (1 << 4) | (firstPartition << 5); // version 0, show_frame
        frame[0] = (byte) tag;
        frame[1] = (byte) (tag >>> 8);
        frame[2] = (byte) (tag >>> 16);
        if (keyframe) {
            frame[3] = (byte) 0x9d;
            frame[4] = 0x01;
            frame[5] = 0x2a;
            frame[6] = (byte) width;
            frame[7] = (byte) (width >>> 8);
            frame[8] = (byte) height;
            frame[9] = (byte) (height >>> 8);
        }
        return new EncodedFrame(Codec.VP8, frame, 0, keyframe);
    }

    private static byte[] nonZeroBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                bytes[i] = 1;
            }
        }
        return bytes;
    }
}
