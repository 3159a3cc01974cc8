package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.media.rtp.AbstractDepacketizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VP8 payloads (RFC 7741 descriptors of any shape) in any order: frames or drops, never throws. */
class Vp8DepacketizerFuzzTest {

    @FuzzTest
    void vp8Depacketizer(FuzzedDataProvider data) {
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        RtpStream stream = new RtpStream(data, 96);
        while (stream.hasMore()) {
            EncodedFrame frame = depacketizer.push(stream.next());
            if (frame != null) {
                assertEquals(Codec.VP8, frame.codec());
                assertTrue(frame.data().length > 0 && frame.data().length <= AbstractDepacketizer.MAX_FRAME_BYTES);
            }
            depacketizer.keyframeNeeded();
        }
    }
}
