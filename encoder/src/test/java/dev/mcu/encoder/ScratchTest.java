package dev.mcu.encoder;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;

import java.util.Random;

class ScratchTest {
    @Test
    void probe() {
        for (int block : new int[]{1, 2, 4, 8})
        for (int kbps : new int[]{300, 1500, 4000}) {
            try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.H264, 640, 360).withBitrateKbps(kbps).withMaxNalBytes(1100))) {
                int max = 0, count = 0, nulls = 0;
                for (int i = 0; i < 20; i++) {
                    EncodedFrame f = encoder.encode(TestFrames.mosaic(640, 360, block, i), i);
                    if (f == null) { nulls++; continue; }
                    for (byte[] nal : NalUnits.split(f.data())) { max = Math.max(max, nal.length); count++; }
                }
                System.out.println("\nNAL block " + block + " kbps " + kbps + ": max " + max + " nals " + count + " nulls " + nulls);
            }
        }
    }
}
