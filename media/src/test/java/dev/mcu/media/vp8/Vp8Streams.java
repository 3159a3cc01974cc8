package dev.mcu.media.vp8;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;

import java.util.Random;

/** Synthetic VP8 frames with a valid frame header and random data after it. */
final class Vp8Streams {
    private Vp8Streams() {
    }

    static EncodedFrame frame(long timestamp, boolean keyframe, int size, Random random) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        int headerSize = keyframe ? Vp8Frames.KEYFRAME_HEADER_SIZE : Vp8Frames.DELTA_HEADER_SIZE;
        int firstPartition = (size - headerSize) / 2;
        data[0] = (byte) (((firstPartition & 7) << 5) | 0x10 | (keyframe ? 0 : 1)); // size0, show_frame, P
        data[1] = (byte) (firstPartition >>> 3);
        data[2] = (byte) (firstPartition >>> 11);
        if (keyframe) {
            data[3] = (byte) 0x9d;
            data[4] = 0x01;
            data[5] = 0x2a;
            data[6] = (byte) 0x80; // width 640
            data[7] = 0x02;
            data[8] = 0x68;        // height 360
            data[9] = 0x01;
        }
        return new EncodedFrame(Codec.VP8, data, timestamp, keyframe);
    }
}
