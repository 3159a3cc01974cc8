package dev.mcu.mixer;

import dev.mcu.media.Audio;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Mixes one room's audio, 20 ms at a time, with mix-minus: everyone hears the sum of the others.
 *
 * <p>One per room, called only from the room's media clock thread every 20 ms; not thread-safe.
 * The sum is taken once in ints (no overflow for any realistic count), each contributor's own
 * samples are subtracted from it, and each output stream then goes through its own
 * {@link Limiter}. Listeners that contributed nothing share the full mix. The caller decides who
 * contributes (e.g. only the K loudest, see {@link AudioLevel}); every input given is mixed.
 *
 * <p>Buffers are reused: a {@link MixResult} and its arrays are valid until the next {@link #mix}.
 */
public final class AudioMixer {
    private final int[] sum = new int[Audio.FRAME_SAMPLES];
    private final short[] fullMix = new short[Audio.FRAME_SAMPLES];
    private final Limiter fullMixLimiter = new Limiter();
    private final Map<String, MixStream> streams = new HashMap<>();
    private final MixResult result = new MixResult(streams, fullMix);
    private long round;
    private long rejectedFrames;

    /**
     * @param inputs participant id to its 960-sample frame for this 20 ms; a null value or a
     *               missing id means silent/missing. A frame of another length is ignored and
     *               counted in {@link #rejectedFrames()}. The arrays are only read, during the call.
     * @return this round's outputs; the same object every call, valid until the next call
     */
    public MixResult mix(Map<String, short[]> inputs) {
        round++;
        Arrays.fill(sum, 0);
        for (Map.Entry<String, short[]> input : inputs.entrySet()) {
            short[] frame = input.getValue();
            if (frame == null) {
                continue;
            }
            if (frame.length != Audio.FRAME_SAMPLES) {
                rejectedFrames++;
                continue;
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += frame[i];
            }
            MixStream stream = streams.computeIfAbsent(input.getKey(), id -> new MixStream());
            if (stream.round != round - 1) {
                stream.limiter.continueFrom(fullMixLimiter); // the listener was hearing the full mix until now
            }
            stream.round = round;
            stream.levelDbov = AudioLevel.dbov(frame);
        }
        fullMixLimiter.process(sum, null, fullMix, sum.length);
        for (Map.Entry<String, short[]> input : inputs.entrySet()) {
            MixStream stream = streams.get(input.getKey());
            if (stream != null && stream.round == round) {
                stream.limiter.process(sum, input.getValue(), stream.output, sum.length);
            }
        }
        result.setRound(round);
        return result;
    }

    /** Drops a participant's stream state when it leaves the room. */
    public void forget(String participantId) {
        streams.remove(participantId);
    }

    /** Frames ignored because they were not {@value Audio#FRAME_SAMPLES} samples long. */
    public long rejectedFrames() {
        return rejectedFrames;
    }
}
