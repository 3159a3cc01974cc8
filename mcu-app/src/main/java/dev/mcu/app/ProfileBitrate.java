package dev.mcu.app;

/**
 * The bit rate of one output profile, from what its receivers say they can take (REMB estimates
 * from browsers): the lowest estimate with 10% headroom, never above the configured rate and never
 * below the floor. Changes smaller than 15% are ignored, because each change costs a keyframe (the
 * encoders take a new rate at their next IDR).
 *
 * <p>Media clock thread only.
 */
final class ProfileBitrate {
    static final double HEADROOM = 0.9;
    static final double MIN_CHANGE = 0.15;

    private final int configuredKbps;
    private final int floorKbps;
    private int currentKbps;

    ProfileBitrate(int configuredKbps, int floorKbps) {
        this.configuredKbps = configuredKbps;
        this.floorKbps = Math.min(floorKbps, configuredKbps);
        this.currentKbps = configuredKbps;
    }

    /**
     * @param estimatesBps each receiver's latest estimate in bits/s; 0 for receivers that send none
     * @return the new rate in kbit/s when it should change, or -1 to keep the current one
     */
    int update(long[] estimatesBps, int count) {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (estimatesBps[i] > 0) {
                lowest = Math.min(lowest, estimatesBps[i]);
            }
        }
        int target = lowest == Long.MAX_VALUE ? configuredKbps
                : (int) Math.max(floorKbps, Math.min(configuredKbps, lowest * HEADROOM / 1000));
        if (Math.abs(target - currentKbps) < MIN_CHANGE * currentKbps) {
            return -1;
        }
        currentKbps = target;
        return target;
    }

    int currentKbps() {
        return currentKbps;
    }
}
