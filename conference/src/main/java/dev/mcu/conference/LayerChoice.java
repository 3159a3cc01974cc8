package dev.mcu.conference;

/**
 * Which layer of the output ladder one receiver should get, decided once a second from what it
 * reports: its REMB bandwidth estimate and the loss its RTCP receiver reports give for our stream.
 * Layer 0 is the canvas size; higher indexes are smaller. One instance per receiver (it remembers
 * how long things have been good or bad, for the hysteresis).
 *
 * <ul>
 *   <li><b>Congestion</b>: an estimate below {@value #CONGESTED_SHARE} of what we actually sent it
 *       over the last second, while that was at least half of its layer's rate, for
 *       {@value #DOWN_AFTER_CHECKS} checks in a row: it moves at once to the largest layer whose
 *       configured rate fits the estimate with 10% headroom. (An estimate of a stream far below its
 *       layer's rate says little: Chrome's receive-side estimator only sees a trickle, and reads a
 *       still 720p canvas as "40 kbit/s". An estimate a little below what it got is Chrome's
 *       estimator reacting to delay jitter, which a loaded server makes: 0.7 times what it got was
 *       seen with Chromium on loopback; a link that cannot carry the layer reads far lower, or
 *       loses packets.)
 *   <li><b>Loss</b>: more than 10% steps one layer down, whatever the estimate.
 *   <li>After a step down the choice holds for {@value #HOLD_AFTER_DOWN_CHECKS} checks, so one bad
 *       report is not counted twice.
 *   <li><b>Up</b>, one layer at a time: when the estimate fits the layer above's rate with
 *       {@value #UP_MARGIN} times the headroom and loss is under 2%, for {@value #UP_AFTER_CHECKS}
 *       checks in a row; a receiver that sends no estimate (phones) tries the layer above after
 *       {@value #UP_WITHOUT_ESTIMATE_AFTER_CHECKS} checks without loss.
 *   <li><b>Cap</b>: never above the largest layer the receiver's SDP allows ({@code max-fs}, H.264
 *       level, {@code b=AS}/{@code b=TIAS}; see {@link VideoLadder#highestFor}).
 * </ul>
 * Without probing (padding or transport-cc), a browser that was moved down comes back up only when
 * its estimate shows room, which Chrome's does not while it receives the small layer's rate. (Its
 * estimate reads the abs-send-time we write into each video packet, so our encode jitter is not
 * taken for queueing.)
 *
 * <p>The room's video lane.
 */
final class LayerChoice {
    static final double HEADROOM = ProfileBitrate.HEADROOM;
    static final double CONGESTED_SHARE = 0.6;
    static final double BUSY_SHARE = 0.5;
    static final int DOWN_AFTER_CHECKS = 2;
    static final double UP_MARGIN = 1.25;
    static final int UP_AFTER_CHECKS = 3;
    static final int UP_WITHOUT_ESTIMATE_AFTER_CHECKS = 10;
    static final int HOLD_AFTER_DOWN_CHECKS = 2;

    private int goodChecks;
    private int congestedChecks;
    private int holdChecks;

    /**
     * @param current      the layer the receiver is on (0 = top)
     * @param highest      the largest layer it may get (its SDP's cap; 0 = top): never chosen above
     * @param layerKbps    each layer's configured rate, top first
     * @param estimateBps  the receiver's latest REMB, 0 when it sends none
     * @param sentKbps     what we sent it over the last second
     * @param fractionLost its latest reported loss of our stream in 1/256, -1 when none yet
     * @return the layer it should be on
     */
    int choose(int current, int highest, int[] layerKbps, long estimateBps, long sentKbps, int fractionLost) {
        int lowest = layerKbps.length - 1;
        if (lowest == 0) {
            return 0;
        }
        if (current < highest) {
            return highest; // above its cap (its SDP changed): down at once
        }
        if (holdChecks > 0) {
            holdChecks--;
            return current;
        }
        if (fractionLost > ProfileBitrate.HIGH_LOSS) {
            return current < lowest ? down(current + 1) : current;
        }
        double estimateKbps = estimateBps / 1000.0;
        double room = estimateKbps * HEADROOM;
        boolean congested = estimateBps > 0 && estimateKbps < sentKbps * CONGESTED_SHARE
                && sentKbps >= layerKbps[current] * BUSY_SHARE;
        if (congested) {
            goodChecks = 0;
            if (++congestedChecks < DOWN_AFTER_CHECKS) {
                return current;
            }
            int fits = lowest;
            for (int i = current; i <= lowest; i++) {
                if (layerKbps[i] <= room) {
                    fits = i;
                    break;
                }
            }
            return fits > current ? down(fits) : current;
        }
        congestedChecks = 0;
        boolean lossLow = fractionLost < ProfileBitrate.LOW_LOSS;
        boolean roomAbove = current > highest && (estimateBps > 0
                ? layerKbps[current - 1] * UP_MARGIN <= room
                : fractionLost >= 0);
        if (!roomAbove || !lossLow) {
            goodChecks = 0;
            return current;
        }
        if (++goodChecks >= (estimateBps > 0 ? UP_AFTER_CHECKS : UP_WITHOUT_ESTIMATE_AFTER_CHECKS)) {
            goodChecks = 0;
            return current - 1;
        }
        return current;
    }

    private int down(int to) {
        goodChecks = 0;
        congestedChecks = 0;
        holdChecks = HOLD_AFTER_DOWN_CHECKS;
        return to;
    }
}
