package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.rtp.JitterBuffer;
import dev.mcu.media.rtp.RtpPacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any arrival order and timing a network can produce: the buffer stays within its capacity,
 * releases packets in sequence order between resynchronisations, and a late enough poll drains
 * it completely (nothing is held forever).
 */
class JitterBufferFuzzTest {

    @FuzzTest
    void jitterBuffer(FuzzedDataProvider data) {
        boolean video = data.consumeBoolean();
        JitterBuffer buffer = video ? JitterBuffer.forVideo() : JitterBuffer.forAudio();
        long now = 0;
        int sequence = data.consumeInt(0, 0xffff);
        int lastReleased = -1;
        long resyncs = 0;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 200);
            if (data.consumeBoolean()) {
                int jump = data.consumeBoolean() ? data.consumeInt(-200, 200) : data.consumeInt(0, 0xffff);
                int seq = (sequence + jump) & 0xffff;
                sequence = (sequence + 1) & 0xffff;
                buffer.insert(RtpPacket.parse(RtpPacket.build(96, false, seq, seq * 960L, 1, new byte[1])), now);
            }
            RtpPacket out = buffer.poll(now);
            if (buffer.resyncs() != resyncs) {
                resyncs = buffer.resyncs();
                lastReleased = -1;
            }
            if (out != null) {
                if (lastReleased >= 0) {
                    int ahead = (out.sequenceNumber() - lastReleased) & 0xffff;
                    assertTrue(ahead > 0 && ahead < 0x8000,
                            "released " + out.sequenceNumber() + " after " + lastReleased + ": " + buffer);
                }
                lastReleased = out.sequenceNumber();
            }
            assertTrue(buffer.size() <= buffer.capacity(), buffer.toString());
        }
        while (buffer.poll(now + 10_000) != null) {
            // drain
        }
        assertEquals(0, buffer.size(), "packets held after every deadline passed: " + buffer);
    }
}
