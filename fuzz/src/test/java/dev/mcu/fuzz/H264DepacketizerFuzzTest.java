package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.rtp.AbstractDepacketizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** H.264 payloads (RFC 6184 single NAL, STAP-A, FU-A and whatever else) in any order: frames or drops, never throws. */
class H264DepacketizerFuzzTest {

    @FuzzTest
    void h264Depacketizer(FuzzedDataProvider data) {
        H264Depacketizer depacketizer = new H264Depacketizer();
        RtpStream stream = new RtpStream(data, 97);
        while (stream.hasMore()) {
            EncodedFrame frame = depacketizer.push(stream.next());
            if (frame != null) {
                assertEquals(Codec.H264, frame.codec());
                assertTrue(frame.data().length > 0 && frame.data().length <= AbstractDepacketizer.MAX_FRAME_BYTES);
            }
            depacketizer.keyframeNeeded();
        }
    }
}
