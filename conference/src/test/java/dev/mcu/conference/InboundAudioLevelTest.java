package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.mixer.AudioLevel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which level a participant's frame gets: the RFC 6464 one it signalled, while fresh, else the measured one. */
class InboundAudioLevelTest {
    private static final int EXTENSION_ID = 3;
    private final AtomicLong clock = new AtomicLong(1000);

    /** A PCMU packet of digital silence whose one-byte header extension (id 3) says V=1, level 10. */
    private static RtpPacket silentPacketClaiming(int level, int seq) {
        byte[] payload = new byte[160];
        java.util.Arrays.fill(payload, (byte) 0xff); // PCMU zero
        byte[] plain = RtpPacket.build(0, false, seq, seq * 160L, 0x1234, payload);
        byte[] out = new byte[plain.length + 8];
        System.arraycopy(plain, 0, out, 0, 12);
        out[0] |= 0x10;
        byte[] block = {(byte) 0xbe, (byte) 0xde, 0, 1, (byte) (EXTENSION_ID << 4), (byte) (0x80 | level), 0, 0};
        System.arraycopy(block, 0, out, 12, block.length);
        System.arraycopy(plain, 12, out, 20, payload.length);
        return RtpPacket.parse(out);
    }

    @Test
    void aFreshSignalledLevelWinsAndAStaleOneGivesWayToTheMeasuredLevel() {
        short[] tone = new short[Audio.FRAME_SAMPLES];
        Tones.sine(tone, 600, 6000, Audio.SAMPLE_RATE, 0);
        try (InboundAudio in = new InboundAudio(Codec.PCMU, Runnable::run, clock::get, EXTENSION_ID)) {
            assertEquals(AudioLevel.dbov(tone), in.levelDbov(tone), "nothing signalled yet: measured");

            in.offer(silentPacketClaiming(10, 1));
            clock.addAndGet(InboundAudio.SIGNALLED_LEVEL_MAX_AGE_MILLIS);
            assertEquals(-10.0, in.levelDbov(tone), "signalled, whatever the frame holds");

            clock.addAndGet(1);
            assertEquals(AudioLevel.dbov(tone), in.levelDbov(tone), "stale: measured again");

            in.offer(silentPacketClaiming(127, 2));
            assertEquals(-127.0, in.levelDbov(tone), "a signalled silence is believed too");
        }
    }

    @Test
    void withoutAnAgreedIdTheHeaderIsIgnored() {
        short[] tone = new short[Audio.FRAME_SAMPLES];
        Tones.sine(tone, 600, 6000, Audio.SAMPLE_RATE, 0);
        try (InboundAudio in = new InboundAudio(Codec.PCMU, Runnable::run, clock::get, -1)) {
            in.offer(silentPacketClaiming(10, 1));

            assertEquals(AudioLevel.dbov(tone), in.levelDbov(tone));
        }
    }
}
