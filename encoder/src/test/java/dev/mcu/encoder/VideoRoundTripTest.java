package dev.mcu.encoder;

import dev.mcu.decoder.VideoDecoder;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoRoundTripTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int TOLERANCE = 4;
    /** Distinct Y, U, V triples: grey, red-ish, green-ish, blue-ish, near-black, near-white. */
    private static final int[][] COLOURS = {
            {128, 128, 128}, {82, 90, 240}, {145, 54, 34}, {41, 240, 110}, {20, 128, 128}, {230, 128, 128},
    };

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void solidColoursSurviveEncodeAndDecode(Codec codec) {
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, WIDTH, HEIGHT));
             VideoDecoder decoder = new VideoDecoder(codec)) {
            for (int i = 0; i < COLOURS.length; i++) {
                int[] yuv = COLOURS[i];
                EncodedFrame encoded = encoder.encode(I420Frame.solid(WIDTH, HEIGHT, yuv[0], yuv[1], yuv[2]), 3000L * i);
                assertNotNull(encoded, "frame " + i);
                assertEquals(3000L * i, encoded.rtpTimestamp());
                I420Frame decoded = decoder.decode(encoded);
                assertNotNull(decoded, "picture " + i);
                assertEquals(WIDTH, decoded.width());
                assertEquals(HEIGHT, decoded.height());
                int x = WIDTH / 2;
                int y = HEIGHT / 2;
                assertEquals(yuv[0], decoded.lumaAt(x, y), TOLERANCE, "Y of colour " + i);
                assertEquals(yuv[1], decoded.uAt(x, y), TOLERANCE, "U of colour " + i);
                assertEquals(yuv[2], decoded.vAt(x, y), TOLERANCE, "V of colour " + i);
            }
            assertEquals(0, decoder.errors());
            assertFalse(decoder.keyframeNeeded());
        }
    }

    /**
     * Horizontal bands of distinct colours come back in their places, whether FFmpeg pads the encoder's
     * input rows (328 wide: line size 384, copied a row at a time) or not (320 and 1280 wide: one copy
     * per plane).
     */
    @ParameterizedTest
    @CsvSource({"320, 240", "328, 240", "1280, 720"})
    void everyRowOfThePictureLandsInItsPlace(int width, int height) {
        int bands = COLOURS.length;
        byte[] data = new byte[I420Frame.sizeOf(width, height)];
        int chromaWidth = I420Frame.chromaWidth(width);
        int chromaHeight = I420Frame.chromaHeight(height);
        for (int y = 0; y < height; y++) {
            int[] yuv = COLOURS[y * bands / height];
            java.util.Arrays.fill(data, y * width, (y + 1) * width, (byte) yuv[0]);
        }
        for (int y = 0; y < chromaHeight; y++) {
            int[] yuv = COLOURS[y * bands / chromaHeight];
            int u = width * height + y * chromaWidth;
            java.util.Arrays.fill(data, u, u + chromaWidth, (byte) yuv[1]);
            int v = width * height + chromaWidth * chromaHeight + y * chromaWidth;
            java.util.Arrays.fill(data, v, v + chromaWidth, (byte) yuv[2]);
        }
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.H264, width, height).withBitrateKbps(3000));
             VideoDecoder decoder = new VideoDecoder(Codec.H264)) {
            I420Frame decoded = decoder.decode(encoder.encode(new I420Frame(width, height, data, 0), 0));
            assertNotNull(decoded);
            for (int band = 0; band < bands; band++) {
                int y = (2 * band + 1) * height / (2 * bands);
                for (int x : new int[] {8, width / 2, width - 9}) {
                    int[] yuv = COLOURS[band];
                    assertEquals(yuv[0], decoded.lumaAt(x, y), TOLERANCE, "Y of band " + band + " at x " + x);
                    assertEquals(yuv[1], decoded.uAt(x, y), TOLERANCE, "U of band " + band + " at x " + x);
                    assertEquals(yuv[2], decoded.vAt(x, y), TOLERANCE, "V of band " + band + " at x " + x);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void aRequestedKeyframeComesNextAndDecodesInAFreshDecoder(Codec codec) {
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, WIDTH, HEIGHT))) {
            for (int i = 0; i < 5; i++) {
                EncodedFrame frame = encoder.encode(TestFrames.mosaic(WIDTH, HEIGHT, 4, i), i);
                assertEquals(i == 0, frame.keyframe(), "frame " + i + " keyframe flag");
            }
            encoder.requestKeyframe();
            EncodedFrame keyframe = encoder.encode(I420Frame.solid(WIDTH, HEIGHT, 200, 100, 150), 5);
            assertTrue(keyframe.keyframe());
            assertFalse(encoder.encode(I420Frame.solid(WIDTH, HEIGHT, 200, 100, 150), 6).keyframe());
            try (VideoDecoder fresh = new VideoDecoder(codec)) {
                I420Frame decoded = fresh.decode(keyframe);
                assertNotNull(decoded);
                assertEquals(200, decoded.lumaAt(WIDTH / 2, HEIGHT / 2), TOLERANCE);
                assertEquals(0, fresh.errors());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "VP8"})
    void keyframesRecurAtTheConfiguredInterval(Codec codec) {
        VideoEncoderConfig config = VideoEncoderConfig.of(codec, WIDTH, HEIGHT).withKeyframeIntervalFrames(4);
        List<Integer> keyframes = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(config)) {
            for (int i = 0; i < 13; i++) {
                if (encoder.encode(TestFrames.mosaic(WIDTH, HEIGHT, 4, i), i).keyframe()) {
                    keyframes.add(i);
                }
            }
        }
        assertEquals(List.of(0, 4, 8, 12), keyframes);
    }

    @Test
    void everyH264IdrCarriesSpsAndPpsAndEveryNalFitsTheLimit() {
        int limit = VideoEncoderConfig.SINGLE_PACKET_NAL_BYTES;
        VideoEncoderConfig config = VideoEncoderConfig.of(Codec.H264, WIDTH, HEIGHT)
                .withBitrateKbps(4000).withMaxNalBytes(limit).withKeyframeIntervalFrames(3);
        int largestFrame = 0;
        try (VideoEncoder encoder = VideoEncoder.create(config);
             VideoDecoder decoder = new VideoDecoder(Codec.H264)) {
            for (int i = 0; i < 8; i++) {
                EncodedFrame frame = encoder.encode(TestFrames.mosaic(WIDTH, HEIGHT, 4, i), i);
                largestFrame = Math.max(largestFrame, frame.data().length);
                List<byte[]> nals = NalUnits.split(frame.data());
                for (byte[] nal : nals) {
                    assertTrue(nal.length <= limit, "frame " + i + ": NAL type " + NalUnits.type(nal)
                            + " has " + nal.length + " bytes");
                }
                List<Integer> types = nals.stream().map(NalUnits::type).toList();
                if (frame.keyframe()) {
                    assertTrue(types.indexOf(7) >= 0 && types.indexOf(8) > types.indexOf(7)
                            && types.indexOf(5) > types.indexOf(8), "SPS, PPS, then IDR in " + types);
                }
                assertNotNull(decoder.decode(frame), "frame " + i + " decodes");
            }
            assertEquals(0, decoder.errors());
        }
        assertTrue(largestFrame > 4 * limit, "the test needs frames far above the NAL limit, largest " + largestFrame);
    }

    /** Mosaic block sizes that keep each encoder's rate control out of saturation at both rates. */
    @ParameterizedTest
    @CsvSource({"H264, 16", "VP8, 8"})
    void aLowerBitrateShrinksTheFramesFromTheNextKeyframeOn(Codec codec, int block) {
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(codec, WIDTH, HEIGHT).withBitrateKbps(3000));
             VideoDecoder decoder = new VideoDecoder(codec)) {
            long before = encodeMosaic(encoder, decoder, block, 0);
            encoder.setBitrateKbps(100);
            long stillBefore = encodeMosaic(encoder, decoder, block, 100);
            encoder.requestKeyframe();
            long after = encodeMosaic(encoder, decoder, block, 200);
            assertTrue(stillBefore * 2 > before, "no change before the keyframe: " + before + " then " + stillBefore);
            assertTrue(after * 2 < before, "bytes at 3000 kbps " + before + ", at 100 kbps " + after);
            assertEquals(0, decoder.errors());
        }
    }

    private static long encodeMosaic(VideoEncoder encoder, VideoDecoder decoder, int block, int seed) {
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            EncodedFrame frame = encoder.encode(TestFrames.mosaic(WIDTH, HEIGHT, block, seed + i), seed + i);
            bytes += frame.data().length;
            assertNotNull(decoder.decode(frame));
        }
        return bytes;
    }

    @Test
    void aFrameOfTheWrongSizeIsRefused() {
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.VP8, WIDTH, HEIGHT))) {
            I420Frame small = I420Frame.solid(160, 120, 0, 0, 0);
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(small, 0));
        }
    }
}
