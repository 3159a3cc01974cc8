package dev.mcu.encoder;

import dev.mcu.decoder.VideoDecoder;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The H.264 encoder follows the FFmpeg natives the build chose: OpenH264 in the default (LGPL)
 * build, libx264 under {@code -Pgpl} (Maven passes the choice in {@code mcu.ffmpeg.flavor}); and
 * what it makes decodes.
 */
class EncoderChoiceTest {
    @Test
    void h264IsLibx264UnderTheGplBuildAndOpenH264Otherwise() {
        boolean gpl = "-gpl".equals(System.getProperty("mcu.ffmpeg.flavor", ""));
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.H264, 320, 240));
             VideoDecoder decoder = new VideoDecoder(Codec.H264)) {
            assertEquals(gpl ? "libx264" : "libopenh264", encoder.encoderName());
            for (int i = 0; i < 3; i++) {
                EncodedFrame frame = encoder.encode(TestFrames.mosaic(320, 240, 16, i), i);
                assertNotNull(decoder.decode(frame), encoder.encoderName() + " frame " + i + " decodes");
            }
        }
    }
}
