package dev.mcu.conference;

/**
 * The bit rate of one output profile, from how its receivers are doing. Two signals, the lower wins:
 * <ul>
 *   <li>what receivers say they can take (REMB from browsers): the lowest estimate, with 10% headroom;
 *   <li>what they lose (RTCP receiver reports): above 10% loss the rate drops by half the loss, below
 *       2% it grows back by 8% a check, as in the loss-based half of Google's congestion control.
 * </ul>
 * Never above the configured rate, never below the floor. Since every receiver of a profile gets the
 * same encoded stream, the worst receiver sets the pace. Changes under 15% are held back (unless they
 * reach the ceiling or the floor), because each change costs a keyframe (the encoders take a new
 * rate at their next IDR).
 *
 * <p>The encode-pool thread encoding its profile (one at a time), once a second.
 */
final class ProfileBitrate {
    static final double HEADROOM = 0.9;
    static final double MIN_CHANGE = 0.15;
    static final int HIGH_LOSS = 26;   // 10% in RTCP's 1/256 units
    static final int LOW_LOSS = 5;     // 2%
    static final double GROWTH = 1.08;

    private final int configuredKbps;
    private final int floorKbps;
    private int currentKbps;
    private double lossBasedKbps;

    ProfileBitrate(int configuredKbps, int floorKbps) {
        this.configuredKbps = configuredKbps;
        this.floorKbps = Math.min(floorKbps, configuredKbps);
        this.currentKbps = configuredKbps;
        this.lossBasedKbps = configuredKbps;
    }

    /**
     * @param estimatesBps  each receiver's latest REMB in bits/s; 0 for receivers that send none
     * @param fractionsLost each receiver's latest reported loss of our stream in 1/256; -1 when none yet
     * @return the new rate in kbit/s when it should change, or -1 to keep the current one
     */
    int update(long[] estimatesBps, int[] fractionsLost, int count) {
        long lowestEstimate = Long.MAX_VALUE;
        int worstLoss = -1;
        for (int i = 0; i < count; i++) {
            if (estimatesBps[i] > 0) {
                lowestEstimate = Math.min(lowestEstimate, estimatesBps[i]);
            }
            worstLoss = Math.max(worstLoss, fractionsLost[i]);
        }
        if (worstLoss > HIGH_LOSS) {
            lossBasedKbps = lossBasedKbps * (1 - 0.5 * worstLoss / 256.0);
        } else if (worstLoss >= 0 && worstLoss < LOW_LOSS) {
            lossBasedKbps = Math.min(configuredKbps, lossBasedKbps * GROWTH);
        } else if (worstLoss < 0) {
            lossBasedKbps = configuredKbps;
        }
        double remb = lowestEstimate == Long.MAX_VALUE ? configuredKbps : lowestEstimate * HEADROOM / 1000;
        int target = (int) Math.max(floorKbps, Math.min(configuredKbps, Math.min(remb, lossBasedKbps)));
        lossBasedKbps = Math.max(floorKbps, lossBasedKbps);
        boolean smallChange = Math.abs(target - currentKbps) < MIN_CHANGE * currentKbps;
        boolean toALimit = (target == configuredKbps || target == floorKbps) && currentKbps != target;
        if (smallChange && !toALimit) {
            return -1;
        }
        currentKbps = target;
        return target;
    }

    int currentKbps() {
        return currentKbps;
    }
}
