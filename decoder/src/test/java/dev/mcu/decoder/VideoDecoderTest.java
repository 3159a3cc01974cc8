package dev.mcu.decoder;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VideoDecoderTest {
    record Damaged(String name, Codec codec, byte[] data) {
        @Override
        public String toString() {
            return codec + " " + name;
        }
    }

    static Stream<Damaged> damagedFrames() {
        return Stream.of(
                new Damaged("SPS cut after profile_idc", Codec.H264, bytes(
                        0x00, 0x00, 0x00, 0x01, // start code
                        0x67, 0x42)),            // nal_unit_type 7 (SPS), profile_idc 66, then nothing
                new Damaged("IDR slice without parameter sets", Codec.H264, bytes(
                        0x00, 0x00, 0x00, 0x01,
                        0x65, 0x88, 0x84, 0x00, 0x33, 0xff)), // nal_unit_type 5 (IDR), slice header only
                new Damaged("P slice before any keyframe", Codec.H264, bytes(
                        0x00, 0x00, 0x00, 0x01,
                        0x41, 0x9a, 0x02, 0x04)), // nal_unit_type 1 (non-IDR slice)
                new Damaged("keyframe header cut after the start code", Codec.VP8, bytes(
                        0x50, 0x02, 0x00,         // frame tag: key frame, version 0, show_frame, partition size 16
                        0x9d, 0x01, 0x2a)),        // key frame start code, then no width/height
                new Damaged("inter frame before any keyframe", Codec.VP8, bytes(
                        0x31, 0x02, 0x00,         // frame tag: inter frame, show_frame, partition size 16
                        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc)));
    }

    @ParameterizedTest
    @MethodSource("damagedFrames")
    void aDamagedFrameIsCountedAndAsksForAKeyframeInsteadOfThrowing(Damaged damaged) {
        try (VideoDecoder decoder = new VideoDecoder(damaged.codec())) {
            assertNull(decoder.decode(new EncodedFrame(damaged.codec(), damaged.data(), 0, false)));
            assertTrue(decoder.errors() > 0, "errors counted");
            assertTrue(decoder.keyframeNeeded());
            assertEquals(0, decoder.pictures());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void randomBytesNeverThrowAndNeverMakeAPicture(Codec codec) {
        Random random = new Random(42);
        try (VideoDecoder decoder = new VideoDecoder(codec)) {
            for (int i = 0; i < 200; i++) {
                byte[] garbage = new byte[1 + random.nextInt(3000)];
                random.nextBytes(garbage);
                if (codec == Codec.H264 && i % 2 == 0) {
                    garbage[0] = 0; garbage[1] = 0; garbage[2] = 0; garbage[3] = 1; // reach the NAL parser
                }
                decoder.decode(new EncodedFrame(codec, garbage, i, random.nextBoolean()));
            }
            assertTrue(decoder.errors() > 0, "errors counted");
            assertTrue(decoder.keyframeNeeded());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void anEmptyFrameIsIgnored(Codec codec) {
        try (VideoDecoder decoder = new VideoDecoder(codec)) {
            assertNull(decoder.decode(new EncodedFrame(codec, new byte[0], 0, false)));
            assertEquals(0, decoder.errors());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "OPUS", "TELEPHONE_EVENT"})
    void anAudioCodecIsRefused(Codec codec) {
        assertThrows(IllegalArgumentException.class, () -> new VideoDecoder(codec));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
