package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.encoder.AudioEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A participant whose packets get lost on the way keeps being heard, whatever its codec (G.711,
 * G.722, Opus): while a packet is missing
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

    /** 100 packets of a 600 Hz tone, 20 ms each, encoded by our own encoder (G.711 A-law by hand). */
    private static List<RtpPacket> tone(Codec codec) {
        List<RtpPacket> packets = new ArrayList<>();
        if (codec == Codec.PCMA) {
            for (int seq = 1; seq <= 100; seq++) {
                packets.add(pcma(seq));
            }
            return packets;
        }
        try (AudioEncoder encoder = AudioEncoder.create(codec)) {
            for (int seq = 1; seq <= 100; seq++) {
                short[] pcm = new short[Audio.FRAME_SAMPLES];
                Tones.sine(pcm, 600, 6000, Audio.SAMPLE_RATE, (seq - 1L) * Audio.FRAME_SAMPLES);
                byte[] payload = encoder.encode(pcm);
                packets.add(RtpPacket.parse(RtpPacket.build(codec == Codec.OPUS ? 111 : codec.staticPayloadType(), false,
                        seq, (long) seq * encoder.rtpTicksPerFrame(), 0x4321, payload)));
            }
        }
        return packets;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Codec.class, names = {"PCMA", "G722", "OPUS"})
    void lostPacketsAreMadeUpAndTheToneNeverStops(Codec codec) {
        Set<Integer> lost = Set.of(20, 31, 32, 45, 60, 61, 80); // single losses and bursts of two (a third fades)
        List<RtpPacket> packets = tone(codec);
        try (InboundAudio in = new InboundAudio(codec, Runnable::run, clock::get, -1)) {
            short[] frame = new short[Audio.FRAME_SAMPLES];
            int silentTicks = 0;
            for (int seq = 1; seq <= 100; seq++) {
                if (!lost.contains(seq)) {
                    in.offer(packets.get(seq - 1));
                }
                clock.addAndGet(20);
                boolean played = in.readFrame(frame);
                if (seq > 8 && (!played || Tones.amplitude(frame, 600, Audio.SAMPLE_RATE) < 3000)) {
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
