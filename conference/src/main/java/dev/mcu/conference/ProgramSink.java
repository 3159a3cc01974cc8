package dev.mcu.conference;

import dev.mcu.media.EncodedFrame;

/**
 * Where a room's program goes besides its members (egress: recordings, RTMP, SRT, HLS): the H.264
 * access units of the room's own encode, and the full mix every listener hears. Implementations
 * must return at once (hand the data to a queue); they must not keep {@code pcm48kMono}, which the
 * room reuses.
 */
public interface ProgramSink {
    /** One program access unit (H.264 Annex B). An encode-pool thread, one call at a time. */
    void onProgramVideo(EncodedFrame frame);

    /** 20 ms of the full mix, 48 kHz mono. The room's audio lane. */
    void onProgramAudio(short[] pcm48kMono);

    /** The room closed: no more program will come. The thread closing the room; must not block. */
    default void onProgramEnded() {
    }
}
