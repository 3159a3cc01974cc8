package dev.mcu.mixer;

import java.util.Map;

/**
 * What each participant hears after one {@link AudioMixer#mix} round. A view over the mixer's own
 * buffers: the same object, and the same arrays, are reused by the next round, so read (encode)
 * them before mixing again and never modify them. Media clock thread only.
 */
public final class MixResult {
    private final Map<String, MixStream> streams; // borrowed from the mixer
    private final short[] fullMix;                 // borrowed from the mixer
    private long round = -1;

    MixResult(Map<String, MixStream> streams, short[] fullMix) {
        this.streams = streams;
        this.fullMix = fullMix;
    }

    void setRound(long round) {
        this.round = round;
    }

    /**
     * The participant's mix-minus (everyone but itself), or the full mix when it contributed
     * nothing this round. 960 samples of 48 kHz mono.
     */
    public short[] mixFor(String participantId) {
        MixStream stream = streams.get(participantId);
        return stream != null && stream.round == round ? stream.output : fullMix;
    }

    /** Everyone mixed: for listeners who contribute nothing (they may share one encoder). */
    public short[] fullMix() {
        return fullMix;
    }

    /** Whether the participant sent a frame this round, i.e. has its own mix-minus stream. */
    public boolean contributed(String participantId) {
        MixStream stream = streams.get(participantId);
        return stream != null && stream.round == round;
    }

    /** RMS level of the participant's input this round in dBov; {@link AudioLevel#SILENCE_DBOV} if absent. */
    public double levelDbov(String participantId) {
        MixStream stream = streams.get(participantId);
        return stream != null && stream.round == round ? stream.levelDbov : AudioLevel.SILENCE_DBOV;
    }
}
