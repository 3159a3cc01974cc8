package dev.mcu.encoder;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncoderNativeMemoryTest {
    private static final int ROUNDS = 200;
    private static final long ALLOWED_GROWTH = 64L << 20;
    private static final I420Frame CANVAS = TestFrames.mosaic(320, 240, 8, 1);

    @Test
    void creatingUsingAndClosingEncodersTwoHundredTimesDoesNotGrowNativeMemory() {
        useEveryEncoderOnce(); // load libraries and size the heap first
        long before = settledPhysicalBytes();
        for (int round = 0; round < ROUNDS; round++) {
            useEveryEncoderOnce();
        }
        long growth = settledPhysicalBytes() - before;
        assertTrue(growth < ALLOWED_GROWTH, "resident memory grew by " + (growth >> 20) + " MB");
    }

    private static void useEveryEncoderOnce() {
        for (Codec codec : new Codec[]{Codec.H264, Codec.VP8}) {
            try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, 320, 240))) {
                assertNotNull(encoder.encode(CANVAS, 0));
                assertNotNull(encoder.encode(CANVAS, 3000));
            }
        }
        short[] pcm = new short[Audio.FRAME_SAMPLES];
        for (Codec codec : new Codec[]{Codec.PCMU, Codec.PCMA, Codec.G722, Codec.OPUS}) {
            try (AudioEncoder encoder = AudioEncoder.create(codec)) {
                encoder.encode(pcm);
                encoder.encode(pcm);
            }
        }
    }

    private static long settledPhysicalBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Pointer.deallocateReferences();
        }
        return Pointer.physicalBytes();
    }
}
