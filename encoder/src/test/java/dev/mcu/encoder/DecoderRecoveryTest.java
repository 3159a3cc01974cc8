package dev.mcu.encoder;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.decoder.VideoDecoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoders fed garbage, cut-off and resized streams keep going once good data returns. */
class DecoderRecoveryTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void aVideoDecoderFedGarbageAndTruncatedFramesDecodesTheNextKeyframe(Codec codec) {
        Random random = new Random(5);
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, WIDTH, HEIGHT));
             VideoDecoder decoder = new VideoDecoder(codec)) {
            EncodedFrame keyframe = encoder.encode(I420Frame.solid(WIDTH, HEIGHT, 60, 70, 80), 0);
            EncodedFrame delta = encoder.encode(TestFrames.mosaic(WIDTH, HEIGHT, 4, 1), 3000);
            assertTrue(keyframe.keyframe());
            for (int i = 0; i < 50; i++) {
                byte[] garbage = new byte[1 + random.nextInt(2000)];
                random.nextBytes(garbage);
                decoder.decode(new EncodedFrame(codec, garbage, i, false));
            }
            for (int cut : new int[]{1, 4, keyframe.data().length / 3, keyframe.data().length / 2}) {
                decoder.decode(new EncodedFrame(codec, Arrays.copyOf(keyframe.data(), cut), 0, true));
                decoder.decode(new EncodedFrame(codec, Arrays.copyOf(delta.data(), delta.data().length / 2), 0, false));
            }
            assertTrue(decoder.errors() > 0, "errors counted");
            assertTrue(decoder.keyframeNeeded(), "asks for a keyframe");

            encoder.requestKeyframe();
            I420Frame picture = decoder.decode(encoder.encode(I420Frame.solid(WIDTH, HEIGHT, 200, 100, 150), 6000));
            assertNotNull(picture);
            assertEquals(200, picture.lumaAt(WIDTH / 2, HEIGHT / 2), 4);
            assertFalse(decoder.keyframeNeeded(), "a clean keyframe clears the request");
            assertNotNull(decoder.decode(encoder.encode(I420Frame.solid(WIDTH, HEIGHT, 100, 100, 150), 9000)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void aVideoDecoderFollowsAResolutionChangeMidStream(Codec codec) {
        try (VideoDecoder decoder = new VideoDecoder(codec)) {
            int[][] sizes = {{320, 240}, {640, 360}, {176, 144}};
            for (int[] size : sizes) {
                try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, size[0], size[1]))) {
                    for (int i = 0; i < 3; i++) {
                        I420Frame picture = decoder.decode(
                                encoder.encode(I420Frame.solid(size[0], size[1], 90 + 40 * i, 128, 128), i));
                        assertNotNull(picture);
                        assertEquals(size[0], picture.width());
                        assertEquals(size[1], picture.height());
                        assertEquals(90 + 40 * i, picture.lumaAt(size[0] / 2, size[1] / 2), 4);
                    }
                }
            }
            assertEquals(0, decoder.errors());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA", "G722", "OPUS"})
    void anAudioDecoderFedGarbageAndTruncatedPacketsStillDecodesAGoodStream(Codec codec) {
        Random random = new Random(9);
        try (AudioEncoder encoder = AudioEncoder.create(codec); AudioDecoder decoder = new AudioDecoder(codec)) {
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            Tones.sine(pcm, 1000, 8000, Audio.SAMPLE_RATE, 0);
            byte[] good = encoder.encode(pcm);
            for (int i = 0; i < 100; i++) {
                byte[] garbage = new byte[random.nextInt(300)];
                random.nextBytes(garbage);
                decoder.decode(garbage, 0, garbage.length);
                decoder.decode(good, 0, random.nextInt(good.length));
            }
            long before = decoder.errors();
            decoder.decode(good, 0, 0); // cut down to nothing: even G.711, where any byte is valid, counts it
            assertEquals(before + 1, decoder.errors());
            if (codec == Codec.OPUS) {
                assertTrue(before > 10, "random bytes rejected by the Opus decoder: " + before);
            }

            short[] heard = new short[0];
            for (int i = 1; i <= 10; i++) {
                Tones.sine(pcm, 1000, 8000, Audio.SAMPLE_RATE, (long) i * pcm.length);
                byte[] payload = encoder.encode(pcm);
                heard = decoder.decode(payload, 0, payload.length);
            }
            assertEquals(Audio.FRAME_SAMPLES, heard.length);
            assertEquals(8000, Tones.amplitude(heard, 1000, Audio.SAMPLE_RATE), 1600);
        }
    }
}
