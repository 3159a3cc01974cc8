package dev.mcu.conference;

/**
 * Which layer of the output ladder one receiver should get, decided once a second from what it
 * reports: its REMB bandwidth estimate, and its loss of our stream (what its RTCP receiver reports
 * say, or the share of packets it NACKed, whichever is larger).
 * Layer 0 is the canvas size; higher indexes are smaller. One instance per receiver: it remembers
 * the last few seconds, because one report is not enough to move anybody.
 *
 * <ul>
 *   <li><b>Congestion</b>: the estimate stays below {@value #LOW_SHARE} of what the receiver's layer
 *       really sends it (the mean of the last {@value #RATE_WINDOW_CHECKS} seconds, not the layer's
 *       configured rate: an encoder's output swings 0.3-2x from one second to the next, and halves
 *       when a loaded server makes fewer frames) for {@value #DOWN_AFTER_LOW_CHECKS} checks in a
 *       row without climbing, while that stream is busy (at least {@value #BUSY_SHARE} of the layer's
 *       rate): it moves at once to the largest layer whose configured rate fits the latest estimate
 *       with 10% headroom. A shorter dip moves nobody, and neither does a low estimate that keeps
 *       climbing (the 4th is above the 1st and 2nd):
 *       Chrome's delay-based estimator reads a loaded server's send jitter as queueing, backs off,
 *       and then adds a little each second while the stream keeps arriving whole (666-767 kbit/s
 *       of 900-1,470 sent, climbing up to 5% a second, was seen here); a link that cannot carry the layer holds
 *       the estimate down, or loses packets. (An estimate of a light stream says little: Chrome's
 *       receive-side estimator only sees a trickle, and reads a still 720p canvas as "40 kbit/s".)
 *   <li><b>Loss</b>: more than 10% in 2 of the last 3 checks steps one layer down, whatever the
 *       estimate; so does more than {@value #SEVERE_LOSS}/256 (25%) in one, unless something else
 *       explains it: this server dropped packets it could not send in time during the last 2 checks
 *       (a stalled machine; its receivers report that as loss), or the estimate says the link carries
 *       what it is sent (not low, as above). One report of 10-25% can be a burst that retransmission
 *       repairs; a quarter of the packets lost in a second, with no estimate yet or a low one, is a
 *       link that cannot carry the layer (an nftables policer at 400-700 kbit/s under a 1,500 kbit/s
 *       layer: 66-98%).
 *   <li>After a step down the choice holds for {@value #HOLD_AFTER_DOWN_CHECKS} checks, so a report
 *       about the old layer is not counted against the new one.
 *   <li><b>Up</b>, one layer at a time: when the estimate fits the layer above's rate with
 *       {@value #UP_MARGIN} times the headroom and loss is under 2%, for {@value #UP_AFTER_CHECKS}
 *       checks in a row.
 *   <li><b>Trying the layer above</b> when no estimate can show room: a receiver that sends no
 *       estimate (phones) tries it after {@value #UP_WITHOUT_ESTIMATE_AFTER_CHECKS} checks without loss;
 *       a browser whose estimate sits at its ceiling (at least {@value #AT_CEILING_SHARE} times what it is
 *       sent: Chrome's receive-side estimate never goes above about 1.5 times the rate it receives,
 *       so on a small layer it cannot show room for a large one) tries it after
 *       {@value #TRY_AT_CEILING_AFTER_CHECKS} such checks without loss. A try that ends in a move down
 *       within {@value #TRIAL_CHECKS} checks doubles the wait for the next one (up to
 *       {@value #MAX_FAILED_TRIES} doublings); a try that holds resets it. Without this a browser
 *       moved down once by a short congestion stayed on the small layer for the rest of its session.
 *   <li><b>Cap</b>: never above the largest layer the receiver's SDP allows ({@code max-fs}, H.264
 *       level, {@code b=AS}/{@code b=TIAS}; see {@link VideoLadder#highestFor}).
 * </ul>
 * This is how SFUs that forward simulcast treat a receiver's estimate: mediasoup fits layers by
 * their measured bitrate, LiveKit acts on REMB only after a run of falling estimates or a high NACK
 * ratio. Probing (padding, or transport-cc) would let an estimate show room before a try; without it
 * a try costs a link that still cannot carry the layer above a few seconds of loss, ever more rarely.
 *
 * <p>The room's video lane.
 */
final class LayerChoice {
    static final double HEADROOM = ProfileBitrate.HEADROOM;
    static final double LOW_SHARE = 0.6;
    static final double BUSY_SHARE = 0.25;
    static final int RATE_WINDOW_CHECKS = 4;
    static final int DOWN_AFTER_LOW_CHECKS = 4;
    /** Loss above this (in 1/256) moves at once: a quarter of the packets lost is no burst. */
    static final int SEVERE_LOSS = 64;
    static final double UP_MARGIN = 1.25;
    static final int UP_AFTER_CHECKS = 3;
    static final int UP_WITHOUT_ESTIMATE_AFTER_CHECKS = 10;
    static final int HOLD_AFTER_DOWN_CHECKS = 2;
    static final double AT_CEILING_SHARE = 1.3;
    static final int TRY_AT_CEILING_AFTER_CHECKS = 20;
    /** A try that is moved down within this many checks failed. */
    static final int TRIAL_CHECKS = 10;
    static final int MAX_FAILED_TRIES = 3;

    private final long[] sentWindow = new long[RATE_WINDOW_CHECKS];     // ring: the last rates sent on windowLayer
    private int sentCount;              // rates measured on windowLayer so far (the ring keeps the last 4)
    private int windowLayer = -1;
    private int goodChecks;
    private int lowChecks;              // low estimates in a row
    private final long[] lowEstimates = new long[DOWN_AFTER_LOW_CHECKS]; // ring: the last of them
    private int lossyChecks;            // the last 3 checks, a bit each: more than 10% lost
    private int holdChecks;
    private int cleanChecks;            // checks in a row that would allow a try of the layer above
    private int trialChecksLeft;        // > 0 while a try of the layer above is on probation
    private int failedTries;            // tries moved down again in a row: each doubles the wait

    /**
     * @param current      the layer the receiver is on (0 = top)
     * @param highest      the largest layer it may get (its SDP's cap; 0 = top): never chosen above
     * @param layerKbps    each layer's configured rate, top first
     * @param estimateBps  the receiver's latest REMB, 0 when it sends none
     * @param sentKbps     what we sent it over the last second
     * @param fractionLost its loss of our stream in 1/256: the larger of its latest receiver report's and
     *                     the share of last second's packets it NACKed (Chrome counts a resent packet
     *                     as received); -1 when neither says anything yet
     * @return the layer it should be on
     */
    int choose(int current, int highest, int[] layerKbps, long estimateBps, long sentKbps, int fractionLost) {
        return choose(current, highest, layerKbps, estimateBps, sentKbps, fractionLost, false);
    }

    /**
     * @param serverDroppedLately this server dropped packets it could not send in time (a media loop
     *                            that fell behind) during the last 2 checks: a receiver's loss report
     *                            may be ours, not its link's
     */
    int choose(int current, int highest, int[] layerKbps, long estimateBps, long sentKbps, int fractionLost,
               boolean serverDroppedLately) {
        int lowest = layerKbps.length - 1;
        if (lowest == 0) {
            return 0;
        }
        if (current < highest) {
            return highest; // above its cap (its SDP changed): down at once
        }
        double sentMeanKbps = measure(current, sentKbps);
        if (trialChecksLeft > 0 && --trialChecksLeft == 0) {
            failedTries = 0; // the layer tried has held
        }
        if (holdChecks > 0) {
            holdChecks--;
            return current;
        }
        double estimateKbps = estimateBps / 1000.0;
        boolean low = estimateBps > 0 && estimateKbps < sentMeanKbps * LOW_SHARE
                && sentMeanKbps >= layerKbps[current] * BUSY_SHARE;
        boolean lossy = fractionLost > ProfileBitrate.HIGH_LOSS;
        lossyChecks = (lossyChecks << 1 | (lossy ? 1 : 0)) & 0b111;
        // One report of heavy loss moves at once only when nothing else explains it: not our own late
        // drops, and not contradicted by an estimate that says the link carries what it is sent.
        boolean severe = fractionLost > SEVERE_LOSS && !serverDroppedLately && (estimateBps == 0 || low);
        if (severe || Integer.bitCount(lossyChecks) >= 2) {
            return current < lowest ? down(current + 1) : current;
        }
        if (low) {
            goodChecks = 0;
            lowEstimates[lowChecks % DOWN_AFTER_LOW_CHECKS] = estimateBps;
            if (++lowChecks < DOWN_AFTER_LOW_CHECKS) {
                return current;
            }
            // The last 4 checks, oldest first: lowEstimates[(lowChecks + i) % 4]
            long earlier = Math.max(lowEstimates[lowChecks % DOWN_AFTER_LOW_CHECKS],
                    lowEstimates[(lowChecks + 1) % DOWN_AFTER_LOW_CHECKS]);
            if (estimateBps > earlier) {
                // Low, but climbing: Chrome's estimator after a dip (or after starting low) adds a little
                // each second while the stream arrives whole. A link that cannot carry the layer holds it
                // down, or loses packets.
                return current;
            }
            double room = estimateKbps * HEADROOM;
            int fits = lowest;
            for (int i = current; i <= lowest; i++) {
                if (layerKbps[i] <= room) {
                    fits = i;
                    break;
                }
            }
            return fits > current ? down(fits) : current;
        }
        lowChecks = 0;
        if (current <= highest || fractionLost >= ProfileBitrate.LOW_LOSS) {
            goodChecks = 0;
            cleanChecks = 0;
            return current;
        }
        if (estimateBps > 0 && layerKbps[current - 1] * UP_MARGIN <= estimateKbps * HEADROOM) {
            cleanChecks = 0;
            return ++goodChecks >= UP_AFTER_CHECKS ? up(current - 1, false) : current;
        }
        goodChecks = 0;
        boolean clean = estimateBps > 0 ? estimateKbps >= sentMeanKbps * AT_CEILING_SHARE : fractionLost >= 0;
        if (!clean) {
            cleanChecks = 0;
            return current;
        }
        int wait = (estimateBps > 0 ? TRY_AT_CEILING_AFTER_CHECKS : UP_WITHOUT_ESTIMATE_AFTER_CHECKS) << failedTries;
        return ++cleanChecks >= wait ? up(current - 1, true) : current;
    }

    private int up(int to, boolean trial) {
        goodChecks = 0;
        cleanChecks = 0;
        trialChecksLeft = trial ? TRIAL_CHECKS : 0;
        return to;
    }

    /** Adds the last second's rate to the current layer's window; the mean of what the window holds. */
    private double measure(int layer, long sentKbps) {
        if (layer != windowLayer) {
            windowLayer = layer;
            sentCount = 0;
        }
        sentWindow[sentCount % RATE_WINDOW_CHECKS] = sentKbps;
        sentCount++;
        int n = Math.min(sentCount, RATE_WINDOW_CHECKS);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += sentWindow[i];
        }
        return (double) sum / n;
    }

    private int down(int to) {
        if (trialChecksLeft > 0) {
            failedTries = Math.min(failedTries + 1, MAX_FAILED_TRIES);
            trialChecksLeft = 0;
        }
        goodChecks = 0;
        cleanChecks = 0;
        lowChecks = 0;
        lossyChecks = 0;
        holdChecks = HOLD_AFTER_DOWN_CHECKS;
        return to;
    }
}
