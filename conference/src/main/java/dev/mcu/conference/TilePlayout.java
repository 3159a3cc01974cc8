package dev.mcu.conference;

import dev.mcu.media.I420Frame;

/**
 * Which of a participant's decoded pictures its tile shows at each output frame: each picture in turn,
 * one per frame, with at most one held back.
 *
 * <p>Showing the newest picture at each tick judders when a sender's pictures finish decoding close to
 * the room's tick: one lands just after a tick, so the tile repeats the picture before, and at the next
 * tick it is already replaced by its successor, so it is never shown (a repeat, then a skip; the encoder
 * pays for both in bits, and the viewer sees the motion stutter). Here a picture that arrived together
 * with its successor is shown first and the successor held for the next tick, so a late picture costs
 * neither a repeat nor a skip once the tile runs a frame behind.
 *
 * <p>Running a frame behind adds one frame of latency to that tile, so it only lasts while it buys
 * smoothness: a tile that has held a picture back at every tick for {@link #CATCH_UP_TICKS} ticks (its
 * pictures no longer come late) drops one and is current again. More than one picture arriving
 * between two ticks keeps only the newest two: the tile never falls further behind than one frame.
 *
 * <p>Threads: {@link #publish} on the participant's decode executor, {@link #next} and {@link #clear}
 * on the room's video lane (one {@code next} per output frame); the object's lock guards its fields,
 * held for a few assignments.
 */
final class TilePlayout {
    /** Ticks a tile may spend a frame behind, without a late picture to absorb, before it catches up (~0.5 s at 30 fps). */
    static final int CATCH_UP_TICKS = 15;

    private I420Frame shown;       // what the last next() returned
    private I420Frame waiting;     // the oldest picture not shown yet
    private I420Frame following;   // a newer one, when two arrived since the last tick
    private int ticksBehind;

    /** Decode executor: a new picture. */
    synchronized void publish(I420Frame picture) {
        if (waiting == null) {
            waiting = picture;
        } else if (following == null) {
            following = picture;
        } else {
            // three within one tick: the tile would fall two frames behind; skip the oldest
            waiting = following;
            following = picture;
        }
    }

    /** Video lane, once per output frame: the picture to show, or null before the first one. */
    synchronized I420Frame next() {
        if (waiting == null) {
            ticksBehind = 0;
            return shown; // nothing new since the last tick: show the same picture again
        }
        if (following == null) {
            ticksBehind = 0;
            shown = waiting;
            waiting = null;
            return shown;
        }
        if (++ticksBehind > CATCH_UP_TICKS) {
            // a frame behind for this long without a late picture to absorb: catch up
            ticksBehind = 0;
            shown = following;
            waiting = null;
            following = null;
            return shown;
        }
        shown = waiting;
        waiting = following;
        following = null;
        return shown;
    }

    /** Forgets every picture (the participant is hidden: its decoder skips packets until shown again). */
    synchronized void clear() {
        shown = null;
        waiting = null;
        following = null;
        ticksBehind = 0;
    }
}
