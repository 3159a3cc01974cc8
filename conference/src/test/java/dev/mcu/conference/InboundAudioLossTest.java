package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A participant whose packets get lost on the way keeps being heard: while a packet is missing
 * the audio is made up, so the mix gets a frame of its tone every 20 ms; after 100 ms without
 * packets it falls silent.
 */
class InboundAudioLossTest {
    private final AtomicLong clock = new AtomicLong(1000);

    private static RtpPacket pcma(int seq) {
        short[] tone = new short[160];
        Tones.sine(tone, 600, 6000, 8000, seq * 160L);
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = linearToAlaw(tone[i]);
        }
        return RtpPacket.parse(RtpPacket.build(8, false, seq, seq * 160L, 0x4321, payload));
    }

    private static byte linearToAlaw(short sample) {
        int sign = sample >= 0 ? 0x80 : 0;
        int magnitude = Math.min(32767, Math.abs((int) sample)) >> 3;
        int exponent = 0;
        while (magnitude >= 32 && exponent < 7) {
            magnitude >>= 1;
            exponent++;
        }
        int mantissa = exponent == 0 ? magnitude >> 1 : magnitude & 0x0f;
        return (byte) ((sign | (exponent << 4) | mantissa) ^ 0x55);
    }

    @Test
    void lostPacketsAreMadeUpAndTheToneNeverStops() {
        Set<Integer> lost = Set.of(20, 31, 32, 45, 60, 61, 80); // single losses and bursts of two (a third fades)
        try (InboundAudio in = new InboundAudio(Codec.PCMA, Runnable::run, clock::get, -1)) {
            short[] frame = new short[Audio.FRAME_SAMPLES];
            int silentTicks = 0;
            for (int seq = 1; seq <= 100; seq++) {
                if (!lost.contains(seq)) {
                    in.offer(pcma(seq));
                }
                clock.addAndGet(20);
                boolean played = in.readFrame(frame);
                if (seq > 5 && (!played || Tones.amplitude(frame, 600, Audio.SAMPLE_RATE) < 3000)) {
                    silentTicks++;
                }
            }
            assertEquals(0, silentTicks, "20 ms ticks without the tone after the start");
            assertEquals(lost.size(), in.framesConcealed(), "one frame made up for each lost packet");
        }
    }

    @Test
    void aLossLongerThanAHundredMillisecondsFadesOutAndThenTheParticipantIsSilent() {
        try (InboundAudio in = new InboundAudio(Codec.PCMA, Runnable::run, clock::get, -1)) {
            short[] frame = new short[Audio.FRAME_SAMPLES];
            for (int seq = 1; seq <= 10; seq++) {
                in.offer(pcma(seq));
                clock.addAndGet(20);
                in.readFrame(frame);
            }
            int played = 0;
            for (int tick = 0; tick < 10; tick++) { // the sender is cut off
                clock.addAndGet(20);
                if (in.readFrame(frame)) {
                    played++;
                }
            }
            assertTrue(played >= 5 && played <= 6, played + " frames played after the cut: what was buffered, then 100 ms made up");
            assertEquals(5, in.framesConcealed());
            assertTrue(Tones.rms(frame, 0, frame.length) == 0 || !in.readFrame(frame), "silent at the end");
        }
    }
}
