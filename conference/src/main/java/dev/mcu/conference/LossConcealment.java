package dev.mcu.conference;

/**
 * Packet loss concealment for one participant's decoded audio (48 kHz mono), whatever the codec:
 * when the playout buffer runs dry (a packet lost, or late), it makes up the missing audio by
 * repeating the last pitch period heard, fading out after the first 20 ms and silent from 60 ms
 * (the waveform substitution of ITU-T G.711 Appendix I, simplified). Without it each lost 20 ms
 * packet made the participant fall silent for 40-130 ms while the buffer filled up again.
 *
 * <p>Why here and not in the decoder: FFmpeg 8's Opus decoders cannot do it. Its own {@code opus}
 * decoder has no PLC entry point, and its {@code libopus} wrapper passes no "packet lost" or
 * {@code decode_fec} to libopus, so the in-band FEC senders put in their packets cannot be decoded
 * either. G.711 and G.722 have no concealment of their own.
 *
 * <p>Threads: not thread-safe; owned by a {@link PcmPlayoutBuffer}, under its lock.
 */
final class LossConcealment {
    /** Longest stretch made up in a row (the fade is over long before). */
    static final int MAX_CONCEALED_SAMPLES = 5 * 960;
    /** Pitch periods searched: 400 Hz down to 60 Hz. */
    static final int MIN_PERIOD = 120;
    static final int MAX_PERIOD = 800;
    /** Full level for the first 20 ms, then down by a fifth every 10 ms. */
    private static final int FULL_LEVEL_SAMPLES = 960;
    private static final int FADE_STEP_SAMPLES = 480;

    private final short[] history = new short[2 * MAX_PERIOD];
    private int historyLength;
    /** Samples made up since the last real ones; the period is found once per loss. */
    private int concealedSoFar;
    private int period;

    /** Remembers real audio just played; the next concealment continues from its end. */
    void heard(short[] pcm, int length) {
        if (length <= 0) {
            return;
        }
        concealedSoFar = 0;
        if (length >= history.length) {
            System.arraycopy(pcm, length - history.length, history, 0, history.length);
            historyLength = history.length;
            return;
        }
        int keep = Math.min(historyLength, history.length - length);
        System.arraycopy(history, historyLength - keep, history, 0, keep);
        System.arraycopy(pcm, 0, history, keep, length);
        historyLength = keep + length;
    }

    /**
     * Makes up the next {@code length} samples into {@code out} from {@code offset}, continuing
     * what was last heard (or made up). False, and nothing written, when too little was heard yet
     * or {@link #MAX_CONCEALED_SAMPLES} were already made up since the last real audio.
     */
    boolean conceal(short[] out, int offset, int length) {
        if (historyLength < 2 * MIN_PERIOD || concealedSoFar + length > MAX_CONCEALED_SAMPLES) {
            return false;
        }
        if (concealedSoFar == 0) {
            period = pitchPeriod();
        }
        int start = historyLength - period;
        for (int i = 0; i < length; i++) {
            int n = concealedSoFar + i;
            double gain = n < FULL_LEVEL_SAMPLES ? 1 : Math.max(0, 1 - 0.2 * ((n - FULL_LEVEL_SAMPLES) / FADE_STEP_SAMPLES + 1));
            out[offset + i] = (short) Math.round(history[start + (n % period)] * gain);
        }
        concealedSoFar += length;
        return true;
    }

    /** The lag with the highest normalised autocorrelation of the last samples heard. */
    int pitchPeriod() {
        int maxLag = Math.min(MAX_PERIOD, historyLength / 2);
        int window = Math.min(historyLength - maxLag, MAX_PERIOD);
        int end = historyLength;
        double best = -2;
        int bestLag = maxLag;
        for (int lag = MIN_PERIOD; lag <= maxLag; lag++) {
            double cross = 0;
            double energy = 0;
            for (int i = end - window; i < end; i += 2) {
                cross += history[i] * (double) history[i - lag];
                energy += history[i - lag] * (double) history[i - lag];
            }
            double score = energy == 0 ? 0 : cross / Math.sqrt(energy);
            if (score > best) {
                best = score;
                bestLag = lag;
            }
        }
        return bestLag;
    }
}
