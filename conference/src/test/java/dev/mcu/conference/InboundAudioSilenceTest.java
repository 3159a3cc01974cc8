package dev.mcu.conference;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.AudioLevelIndication;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Silence is recognised before decoding (RFC 6464 level, or a near-empty Opus packet) and costs no decode. */
class InboundAudioSilenceTest {
    private static final int EXTENSION_ID = 3;
    private final AtomicLong clock = new AtomicLong(1000);

    /** A PCMU packet of a 600 Hz tone carrying the RFC 6464 indication byte {@code indication} (id 3). */
    private static RtpPacket pcmu(int seq, int indication) {
        short[] tone = new short[160];
        Tones.sine(tone, 600, 6000, 8000, seq * 160L);
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = linearToUlaw(tone[i]);
        }
        return withLevel(RtpPacket.build(0, false, seq, seq * 160L, 0x1234, payload), indication);
    }

    private static RtpPacket withLevel(byte[] plain, int indication) {
        byte[] out = new byte[plain.length + 8];
        System.arraycopy(plain, 0, out, 0, 12);
        out[0] |= 0x10;
        byte[] block = {(byte) 0xbe, (byte) 0xde, 0, 1, (byte) (EXTENSION_ID << 4), (byte) indication, 0, 0};
        System.arraycopy(block, 0, out, 12, block.length);
        System.arraycopy(plain, 12, out, 20, plain.length - 12);
        return RtpPacket.parse(out);
    }

    private static byte linearToUlaw(short sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(32635, Math.abs((int) sample)) + 132;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    @Test
    void signalledSilenceIsNotDecodedAndSpeechAfterItIsHeard() {
        try (InboundAudio in = new InboundAudio(Codec.PCMU, Runnable::run, clock::get, EXTENSION_ID)) {
            int seq = 1;
            for (int i = 0; i < 50; i++, seq++) {
                in.offer(pcmu(seq, AudioLevelIndication.of(127, false)));
                clock.addAndGet(20);
            }
            assertEquals(0, in.packetsDecoded(), "a second of signalled silence costs no decode");
            assertEquals(50, in.skippedSilent());
            assertTrue(!in.readFrame(new short[Audio.FRAME_SAMPLES]), "nothing to play");

            boolean heard = false;
            short[] frame = new short[Audio.FRAME_SAMPLES];
            for (int i = 0; i < 10; i++, seq++) {
                in.offer(pcmu(seq, AudioLevelIndication.of(20, true)));
                clock.addAndGet(20);
                heard |= in.readFrame(frame) && Arrays.stream(toInts(frame)).anyMatch(s -> Math.abs(s) > 1000);
            }
            assertEquals(10, in.packetsDecoded(), "speech is decoded again at once");
            assertTrue(heard, "and played out after the silence");
        }
    }

    @Test
    void quietButNotSilentOrVoiceFlaggedPacketsAreStillDecoded() {
        try (InboundAudio in = new InboundAudio(Codec.PCMU, Runnable::run, clock::get, EXTENSION_ID)) {
            in.offer(pcmu(1, AudioLevelIndication.of(50, false)));  // -50 dBov: room noise, maybe a quiet voice
            in.offer(pcmu(2, AudioLevelIndication.of(127, true)));  // the sender says voice: believe it
            assertEquals(2, in.packetsDecoded());
            assertEquals(0, in.skippedSilent());
        }
    }

    @Test
    void withoutTheExtensionANearEmptyOpusPacketIsSilenceAndARealOneIsDecoded() {
        short[] tone = new short[Audio.FRAME_SAMPLES];
        Tones.sine(tone, 600, 6000, Audio.SAMPLE_RATE, 0);
        byte[] speech;
        try (AudioEncoder encoder = AudioEncoder.create(Codec.OPUS)) {
            speech = encoder.encode(tone);
        }
        try (InboundAudio in = new InboundAudio(Codec.OPUS, Runnable::run, clock::get, -1)) {
            // TOC byte only: a 20 ms SILK frame of length 0, what DTX and lost-frame markers look like
            in.offer(RtpPacket.parse(RtpPacket.build(111, false, 1, 960, 0x99, new byte[]{0x08})));
            assertEquals(0, in.packetsDecoded());
            assertEquals(1, in.skippedSilent());

            in.offer(RtpPacket.parse(RtpPacket.build(111, false, 2, 1920, 0x99, speech)));
            assertEquals(1, in.packetsDecoded(), speech.length + " bytes of Opus are decoded");
        }
    }

    private static int[] toInts(short[] pcm) {
        int[] out = new int[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = pcm[i];
        }
        return out;
    }
}
