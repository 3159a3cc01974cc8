package dev.mcu.conference;

/**
 * Where rooms report how long their media work takes and how often it overflows, for the server's
 * metrics. Called on the hot paths with durations the callers measure anyway: implementations
 * must not allocate or block (primitive arguments, no boxing). Threads: as each method says;
 * implementations are thread-safe.
 */
public interface MediaTimings {
    /** Reports nothing. */
    MediaTimings NONE = new MediaTimings() {
    };

    /** One video frame decoded (decode pool thread). */
    default void videoDecoded(long nanos) {
    }

    /** One canvas composited (a room's video lane). */
    default void videoComposited(long nanos) {
    }

    /** One canvas encoded and sent for one output profile (encode pool thread). */
    default void videoEncoded(long nanos) {
    }

    /** One 20 ms audio round mixed, encoded and sent (a room's audio lane). */
    default void audioRoundMixed(long nanos) {
    }

    /** How late an audio round started after its due time (a room's audio lane). */
    default void audioRoundLate(long nanos) {
    }

    /** A packet dropped because its stream's decode queue was full (a media I/O thread). */
    default void decodeQueueOverflowed() {
    }

    /** An encoded keyframe went out (encode pool thread). */
    default void keyframeSent() {
    }

    /** A receiver moved to another layer of the output ladder, at that layer's keyframe (a room's video lane). */
    default void videoLayerSwitched() {
    }
}
