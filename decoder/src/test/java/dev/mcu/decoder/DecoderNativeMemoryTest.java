package dev.mcu.decoder;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderNativeMemoryTest {
    private static final int ROUNDS = 200;
    private static final long ALLOWED_GROWTH = 64L << 20;

    @Test
    void creatingUsingAndClosingDecodersTwoHundredTimesDoesNotGrowNativeMemory() {
        Random random = new Random(3);
        byte[] garbage = new byte[1500];
        useEveryDecoderOnce(random, garbage); // load libraries and size the heap first
        long before = settledPhysicalBytes();
        for (int round = 0; round < ROUNDS; round++) {
            useEveryDecoderOnce(random, garbage);
        }
        long growth = settledPhysicalBytes() - before;
        assertTrue(growth < ALLOWED_GROWTH, "resident memory grew by " + (growth >> 20) + " MB");
    }

    private static void useEveryDecoderOnce(Random random, byte[] garbage) {
        for (Codec codec : new Codec[]{Codec.H264, Codec.VP8}) {
            try (VideoDecoder decoder = new VideoDecoder(codec)) {
                random.nextBytes(garbage);
                decoder.decode(new EncodedFrame(codec, garbage, 0, true));
            }
        }
        for (Codec codec : new Codec[]{Codec.PCMU, Codec.PCMA, Codec.G722, Codec.OPUS}) {
            try (AudioDecoder decoder = new AudioDecoder(codec)) {
                random.nextBytes(garbage);
                decoder.decode(garbage, 0, 160);
                decoder.decode(garbage, 160, 160);
            }
        }
    }

    static long settledPhysicalBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Pointer.deallocateReferences();
        }
        return Pointer.physicalBytes();
    }
}
