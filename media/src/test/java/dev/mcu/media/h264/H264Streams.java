package dev.mcu.media.h264;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic H.264 access units whose NAL bodies never contain 00 (so no start code emulation). */
final class H264Streams {
    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, (byte) 0xda, 0x01, 0x40};
    static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    private H264Streams() {
    }

    /** A slice NAL of {@code size} bytes starting a picture (first_mb_in_slice = 0). */
    static byte[] slice(int type, int size, Random random) {
        byte[] nal = new byte[size];
        nal[0] = (byte) ((type == H264Nal.IDR ? 0x60 : 0x40) | type);
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (1 + random.nextInt(255));
        }
        if (size > 1) {
            nal[1] |= (byte) 0x80;
        }
        return nal;
    }

    static EncodedFrame keyframe(long timestamp, int idrSize, Random random) {
        return new EncodedFrame(Codec.H264, AnnexB.join(List.of(SPS, PPS, slice(H264Nal.IDR, idrSize, random))),
                timestamp, true);
    }

    /** A delta frame of {@code slices} slices of random sizes up to {@code maxSliceSize}. */
    static EncodedFrame deltaFrame(long timestamp, int slices, int maxSliceSize, Random random) {
        List<byte[]> nals = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            nals.add(slice(H264Nal.SLICE, 2 + random.nextInt(maxSliceSize - 1), random));
        }
        return new EncodedFrame(Codec.H264, AnnexB.join(nals), timestamp, false);
    }
}
