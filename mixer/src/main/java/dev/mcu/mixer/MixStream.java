package dev.mcu.mixer;

import dev.mcu.media.Audio;

/** One contributor's mix-minus output and its limiter state, kept across rounds. */
final class MixStream {
    final short[] output = new short[Audio.FRAME_SAMPLES];
    final Limiter limiter = new Limiter();
    /** The mix round in which this participant last contributed. */
    long round = -1;
    double levelDbov = AudioLevel.SILENCE_DBOV;
}
